// A broker process with every kind of listener, for the security tests: PLAINTEXT, SSL, SSL with client
// certificates required (MTLS), SASL_PLAINTEXT and SASL_SSL (PLAIN users from JAAS, SCRAM users from
// AlterUserScramCredentials), on free loopback ports, with certificates made for the test.
import { Connection } from '../../src/client/index.js';
import { AlterUserScramCredentials, ErrorCode, Scram } from '../../src/protocol/index.js';
import { BrokerProcess, freePort } from './broker-process.js';
import { makeTestCerts, type TestCerts } from './certs.js';

export const PLAIN_USERS = { alice: 'alice-secret', admin: 'admin-secret' } as const;
export const SCRAM_USERS = { bob: 'bob-secret', carol: 'carol-secret' } as const;

export interface SecureBroker {
  readonly broker: BrokerProcess;
  readonly certs: TestCerts;
  readonly ports: { PLAINTEXT: number; SSL: number; MTLS: number; SASL_PLAINTEXT: number; SASL_SSL: number };
  addr(listener: keyof SecureBroker['ports']): string;
  close(): Promise<void>;
}

export async function startSecureBroker(extra: Record<string, string | number | boolean> = {}): Promise<SecureBroker> {
  const certs = makeTestCerts();
  const ports = { PLAINTEXT: await freePort(), SSL: await freePort(), MTLS: await freePort(), SASL_PLAINTEXT: await freePort(), SASL_SSL: await freePort() };
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required ${Object.entries(PLAIN_USERS).map(([u, p]) => `user_${u}="${p}"`).join(' ')};`;
  let broker: BrokerProcess;
  try {
    broker = await BrokerProcess.start({
      port: ports.PLAINTEXT,
      overrides: {
        listeners: Object.entries(ports).map(([name, port]) => `${name}://127.0.0.1:${port}`).join(','),
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': certs.brokerPem,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': certs.caPem,
        'listener.name.mtls.ssl.client.auth': 'required',
        'listener.name.mtls.ssl.principal.mapping.rules': 'RULE:^CN=([^,]+),OU=Clients,.*$/$1/L,DEFAULT',
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        'listener.name.sasl_ssl.plain.sasl.jaas.config': jaas,
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': jaas,
        'num.partitions': 1,
        'group.initial.rebalance.delay.ms': 0,
        ...extra,
      },
    });
  } catch (e) {
    certs.remove();
    throw e;
  }
  const sb: SecureBroker = {
    broker, certs, ports,
    addr: (l) => `127.0.0.1:${ports[l]}`,
    close: async () => {
      await broker.close();
      certs.remove();
    },
  };
  try {
    for (const [user, password] of Object.entries(SCRAM_USERS)) {
      await setScramUser(sb.addr('PLAINTEXT'), user, password, 'SCRAM-SHA-256');
      await setScramUser(sb.addr('PLAINTEXT'), user, password, 'SCRAM-SHA-512');
    }
  } catch (e) {
    await sb.close();
    throw e;
  }
  return sb;
}

/** Creates or replaces a SCRAM credential with AlterUserScramCredentials (the client salts the password). */
export async function setScramUser(bootstrap: string, user: string, password: string, mechanism: Scram.ScramMechanism, iterations = 4096): Promise<void> {
  const [host, port] = bootstrap.split(':');
  const conn = await Connection.connect({ host: host!, port: Number(port) });
  try {
    const salt = Buffer.from(Scram.newNonce());
    const res = await conn.send(AlterUserScramCredentials, {
      deletions: [],
      upsertions: [{ name: user, mechanism: Scram.mechanismType(mechanism), iterations, salt, saltedPassword: Scram.saltedPassword(mechanism, password, salt, iterations) }],
    });
    const r = res.results[0];
    if (!r || r.errorCode !== ErrorCode.NONE) throw new Error(`AlterUserScramCredentials for ${user} failed: ${r?.errorCode} ${r?.errorMessage}`);
  } finally {
    conn.close();
  }
}
