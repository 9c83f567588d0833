// Test certificates made with Debian's openssl into a temp dir: a CA, a broker certificate for 127.0.0.1
// and localhost, a client certificate, an untrusted (self-signed) client certificate, and the same keys as
// PKCS12 stores. Never committed; removed by `remove()`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export interface TestCerts {
  readonly dir: string;
  /** CA certificate (PEM). */
  readonly caPem: string;
  /** Broker: key + certificate chain in one PEM file (ssl.keystore.type=PEM). */
  readonly brokerPem: string;
  readonly brokerKey: string;
  readonly brokerCert: string;
  /** Broker key store as PKCS12 (password `storepass`). */
  readonly brokerP12: string;
  /** Trust store with the CA as PKCS12 (password `storepass`), as keytool would write one for Java. */
  readonly trustP12: string;
  readonly clientKey: string;
  readonly clientCert: string;
  /** Client key + cert as PKCS12 (password `storepass`). */
  readonly clientP12: string;
  /** A client certificate signed by nobody the broker trusts. */
  readonly rogueKey: string;
  readonly rogueCert: string;
  readonly password: string;
  read(file: string): string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-certs-'));
  const p = (f: string) => join(dir, f);
  const password = 'storepass';
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Gregor Test CA'], dir);
  const sign = (name: string, subject: string, ext: string | null) => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    const args = ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2'];
    if (ext) {
      writeFileSync(p(`${name}.ext`), ext);
      args.push('-extfile', `${name}.ext`);
    }
    openssl(args, dir);
  };
  sign('broker', '/C=DE/O=Gregor/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  sign('client', '/C=DE/O=Gregor/OU=Clients/CN=alice', null);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.pem', '-days', '2', '-subj', '/CN=rogue'], dir);
  writeFileSync(p('broker-keystore.pem'), readFileSync(p('broker.key'), 'utf8') + readFileSync(p('broker.pem'), 'utf8') + readFileSync(p('ca.pem'), 'utf8'));
  openssl(['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-out', 'broker.p12', '-passout', `pass:${password}`, '-name', 'broker'], dir);
  openssl(['pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-certfile', 'ca.pem', '-out', 'client.p12', '-passout', `pass:${password}`, '-name', 'client'], dir);
  // A certificate-only PKCS12 trust store, made by Java's keytool so the Java client trusts it too.
  execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'truststore.p12', '-storetype', 'PKCS12', '-storepass', password],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  return {
    dir, password,
    caPem: p('ca.pem'), brokerPem: p('broker-keystore.pem'), brokerKey: p('broker.key'), brokerCert: p('broker.pem'), brokerP12: p('broker.p12'), trustP12: p('truststore.p12'),
    clientKey: p('client.key'), clientCert: p('client.pem'), clientP12: p('client.p12'), rogueKey: p('rogue.key'), rogueCert: p('rogue.pem'),
    read: (f) => readFileSync(f, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
