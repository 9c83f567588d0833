// The Java client (kafka-clients, test/java ClientCheck secure-roundtrip) over TLS and SASL: SASL_SSL with
// SCRAM-SHA-512 and a PKCS12 trust store, SCRAM-SHA-256 with a PEM trust store, PLAIN, mutual TLS with a
// PKCS12 key store where ssl.client.auth=required; a wrong password fails with SaslAuthenticationException.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIn } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_JAR } from '../helpers/client-check.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';

const JAR = CLIENT_CHECK_JAR;

describe('Java client over TLS and SASL', () => {
  let sb: SecureBroker;

  before(async () => {
    await buildClientCheck();
    sb = await startSecureBroker();
  }, { timeout: 6 * 60_000 });
  after(async () => {
    await sb?.close();
  });

  async function roundtrip(name: string, bootstrap: string, props: string[]): Promise<{ code: number | null; summary: any; stderr: string }> {
    const file = join(sb.certs.dir, `${name}.properties`);
    writeFileSync(file, props.join('\n') + '\n');
    const r = await runIn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, 'secure-roundtrip', bootstrap, `java-${name}`, file, '100'], { timeoutMs: 180_000 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    return { code: r.code, summary: last.startsWith('{') ? JSON.parse(last) : null, stderr: r.stderr };
  }

  const scram = (mechanism: string, user: string, password: string) => [
    'security.protocol=SASL_SSL', `sasl.mechanism=${mechanism}`,
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`,
  ];

  test('SASL_SSL SCRAM-SHA-512 with a PKCS12 trust store', async () => {
    const r = await roundtrip('scram512', sb.addr('SASL_SSL'), [...scram('SCRAM-SHA-512', 'bob', 'bob-secret'),
      'ssl.truststore.type=PKCS12', `ssl.truststore.location=${sb.certs.trustP12}`, `ssl.truststore.password=${sb.certs.password}`]);
    assert.equal(r.code, 0, `${JSON.stringify(r.summary)}\n${r.stderr.slice(-3000)}`);
    assert.deepEqual(r.summary, { summary: 'secure-roundtrip', produced: 100, consumed: 100 });
  });

  test('SASL_SSL SCRAM-SHA-256 with a PEM trust store, and PLAIN', async () => {
    const pem = ['ssl.truststore.type=PEM', `ssl.truststore.location=${sb.certs.caPem}`];
    let r = await roundtrip('scram256', sb.addr('SASL_SSL'), [...scram('SCRAM-SHA-256', 'carol', 'carol-secret'), ...pem]);
    assert.equal(r.code, 0, `${JSON.stringify(r.summary)}\n${r.stderr.slice(-3000)}`);
    r = await roundtrip('plain', sb.addr('SASL_SSL'), ['security.protocol=SASL_SSL', 'sasl.mechanism=PLAIN',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";', ...pem]);
    assert.equal(r.code, 0, `${JSON.stringify(r.summary)}\n${r.stderr.slice(-3000)}`);
  });

  test('mutual TLS with a PKCS12 key store (ssl.client.auth=required)', async () => {
    const r = await roundtrip('mtls', sb.addr('MTLS'), ['security.protocol=SSL', 'ssl.truststore.type=PEM', `ssl.truststore.location=${sb.certs.caPem}`,
      'ssl.keystore.type=PKCS12', `ssl.keystore.location=${sb.certs.clientP12}`, `ssl.keystore.password=${sb.certs.password}`, `ssl.key.password=${sb.certs.password}`]);
    assert.equal(r.code, 0, `${JSON.stringify(r.summary)}\n${r.stderr.slice(-3000)}`);
  });

  test('a wrong password fails with SaslAuthenticationException', async () => {
    const r = await roundtrip('denied', sb.addr('SASL_SSL'), [...scram('SCRAM-SHA-512', 'bob', 'wrong'), 'ssl.truststore.type=PEM', `ssl.truststore.location=${sb.certs.caPem}`]);
    assert.equal(r.code, 2);
    assert.match(r.summary?.error ?? '', /SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
  });
});
