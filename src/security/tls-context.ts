// Kafka's ssl.* keys turned into Node TLS options, for a listener (server) and for a broker or CLI tool
// connecting to one (client). Key stores: PEM (ssl.keystore.location holding the private key and the
// certificate chain, or inline ssl.keystore.key + ssl.keystore.certificate.chain, KIP-651) or PKCS12.
// Trust stores: PEM (file or inline ssl.truststore.certificates) or PKCS12. JKS is Java's own format and
// is refused with a message saying what to use instead.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, SecureVersion, TlsOptions } from 'node:tls';

/** The ssl.* settings that matter here, by Kafka name (a listener's effective values). */
export interface SslSettings {
  readonly 'ssl.keystore.type': string;
  readonly 'ssl.keystore.location': string | null;
  readonly 'ssl.keystore.password': string | null;
  readonly 'ssl.key.password': string | null;
  readonly 'ssl.keystore.certificate.chain': string | null;
  readonly 'ssl.keystore.key': string | null;
  readonly 'ssl.truststore.type': string;
  readonly 'ssl.truststore.location': string | null;
  readonly 'ssl.truststore.password': string | null;
  readonly 'ssl.truststore.certificates': string | null;
  readonly 'ssl.client.auth': string;
  readonly 'ssl.enabled.protocols': readonly string[];
  readonly 'ssl.cipher.suites': readonly string[] | null;
  readonly 'ssl.endpoint.identification.algorithm': string;
}

export class SslConfigError extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function pemBlocks(text: string): { certs: string[]; keys: string[] } {
  const certs: string[] = [];
  const keys: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] === 'CERTIFICATE') certs.push(m[0]);
    else if (m[1]!.endsWith('PRIVATE KEY')) keys.push(m[0]);
  }
  return { certs, keys };
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new SslConfigError(`Cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

function refuseJks(key: string): never {
  throw new SslConfigError(`${key}=JKS is not supported: convert the store with keytool -importkeystore -deststoretype PKCS12, or use PEM`);
}

/** The key and certificate chain (key, cert, passphrase) or a PKCS12 bundle (pfx, passphrase); empty when no key store is set. */
function keyStore(s: SslSettings): Pick<TlsOptions, 'key' | 'cert' | 'pfx' | 'passphrase'> {
  const type = s['ssl.keystore.type'];
  const location = s['ssl.keystore.location'];
  const inlineChain = s['ssl.keystore.certificate.chain'];
  const inlineKey = s['ssl.keystore.key'];
  if (location === null && inlineChain === null && inlineKey === null) return {};
  if (type === 'JKS') refuseJks('ssl.keystore.type');
  if (type === 'PKCS12') {
    if (location === null) throw new SslConfigError('ssl.keystore.type=PKCS12 needs ssl.keystore.location');
    return { pfx: read(location, 'ssl.keystore.location'), passphrase: s['ssl.keystore.password'] ?? s['ssl.key.password'] ?? undefined };
  }
  if (location !== null && (inlineChain !== null || inlineKey !== null)) throw new SslConfigError('Set ssl.keystore.location or ssl.keystore.certificate.chain/ssl.keystore.key, not both');
  const { certs, keys } = location !== null ? pemBlocks(read(location, 'ssl.keystore.location').toString('utf8'))
    : { certs: pemBlocks(inlineChain ?? '').certs, keys: pemBlocks(inlineKey ?? '').keys };
  if (certs.length === 0) throw new SslConfigError(`No certificate in the PEM key store (${location ?? 'ssl.keystore.certificate.chain'})`);
  if (keys.length !== 1) throw new SslConfigError(`The PEM key store must hold exactly one private key (${location ?? 'ssl.keystore.key'} has ${keys.length})`);
  return { key: keys[0], cert: certs.join('\n'), passphrase: s['ssl.key.password'] ?? undefined };
}

/**
 * A listener's key store as PEM text: the private key and the certificate chain (leaf first), for servers
 * that only take PEM (the gateway's uWebSockets.js). PKCS12 stores are decoded by Debian's openssl, the key
 * unencrypted; a PEM store's key stays as it is, with its passphrase (ssl.key.password).
 */
export function keyStorePem(s: SslSettings): { key: string; cert: string; passphrase?: string } {
  const ks = keyStore(s);
  if (!ks.pfx) {
    if (typeof ks.key !== 'string' || typeof ks.cert !== 'string') throw new SslConfigError('A TLS listener needs a key store: ssl.keystore.location (PEM or PKCS12) or ssl.keystore.certificate.chain + ssl.keystore.key');
    return { key: ks.key, cert: ks.cert, passphrase: typeof ks.passphrase === 'string' ? ks.passphrase : undefined };
  }
  const location = s['ssl.keystore.location']!;
  const { certs, keys } = pemBlocks(openssl(['pkcs12', '-in', location, '-nodes'], ks.passphrase ?? '', `the PKCS12 key store ${location}`));
  if (keys.length !== 1) throw new SslConfigError(`The PKCS12 key store ${location} must hold exactly one private key (it has ${keys.length})`);
  const key = createPrivateKey(keys[0]!);
  const leaf = certs.findIndex((c) => new X509Certificate(c).checkPrivateKey(key));
  if (leaf < 0) throw new SslConfigError(`The PKCS12 key store ${location} holds no certificate for its private key`);
  return { key: keys[0]!, cert: [certs[leaf]!, ...certs.filter((_, i) => i !== leaf)].join('\n') };
}

/** Runs Debian's openssl with the store password in its environment (never on the command line); its stdout. */
function openssl(args: string[], password: string, what: string): string {
  try {
    return execFileSync('openssl', [...args, '-passin', 'env:GREGOR_STORE_PASSWORD'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREGOR_STORE_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000,
    }).toString('utf8');
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new SslConfigError(`Cannot read ${what}: ${err || (e as Error).message}`);
  }
}

/** Trusted CA certificates in PEM, or undefined for the system's CAs. */
function trustStore(s: SslSettings): string[] | undefined {
  const type = s['ssl.truststore.type'];
  const location = s['ssl.truststore.location'];
  const inline = s['ssl.truststore.certificates'];
  if (location === null && inline === null) return undefined;
  if (type === 'JKS') refuseJks('ssl.truststore.type');
  let text: string;
  if (type === 'PKCS12') {
    if (location === null) throw new SslConfigError('ssl.truststore.type=PKCS12 needs ssl.truststore.location');
    text = pkcs12Certificates(location, s['ssl.truststore.password'] ?? '');
  } else {
    text = location !== null ? read(location, 'ssl.truststore.location').toString('utf8') : inline!;
  }
  const { certs } = pemBlocks(text);
  if (certs.length === 0) throw new SslConfigError(`No certificate in the trust store (${location ?? 'ssl.truststore.certificates'})`);
  return certs;
}

/**
 * The certificates of a PKCS12 trust store (a store of certificates without a key, as keytool writes
 * them, which Node's `pfx` cannot load), extracted by Debian's openssl.
 */
function pkcs12Certificates(path: string, password: string): string {
  read(path, 'ssl.truststore.location');
  return openssl(['pkcs12', '-in', path, '-nokeys'], password, `the PKCS12 trust store ${path}`);
}

function versions(s: SslSettings): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  const order: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const enabled = order.filter((v) => s['ssl.enabled.protocols'].includes(v));
  if (enabled.length === 0) throw new SslConfigError('ssl.enabled.protocols names no TLS version');
  return { minVersion: enabled[0]!, maxVersion: enabled[enabled.length - 1]! };
}

function ciphers(s: SslSettings): string | undefined {
  const list = s['ssl.cipher.suites'];
  return list && list.length > 0 ? list.join(':') : undefined;
}

/** Server options of a TLS listener; throws SslConfigError naming what is wrong. */
export function serverTlsOptions(s: SslSettings): TlsOptions {
  const ks = keyStore(s);
  if (!ks.pfx && !ks.key) throw new SslConfigError('A TLS listener needs a key store: ssl.keystore.location (PEM or PKCS12) or ssl.keystore.certificate.chain + ssl.keystore.key');
  const clientAuth = s['ssl.client.auth'];
  return {
    ...ks,
    ca: trustStore(s),
    ...versions(s),
    ciphers: ciphers(s),
    requestCert: clientAuth === 'required' || clientAuth === 'requested',
    rejectUnauthorized: clientAuth === 'required',
  };
}

/** Client options for connecting to a TLS listener (inter-broker, CLI tools). */
export function clientTlsOptions(s: SslSettings, host: string): ConnectionOptions {
  const verifyHost = s['ssl.endpoint.identification.algorithm'].toLowerCase() === 'https';
  return {
    ...keyStore(s),
    ca: trustStore(s),
    ...versions(s),
    ciphers: ciphers(s),
    servername: /^[\d.]+$|:/.test(host) ? undefined : host,
    rejectUnauthorized: true,
    ...(verifyHost ? {} : { checkServerIdentity: () => undefined }),
  };
}
