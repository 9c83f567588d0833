// TLS and SASL with Debian's kcat (librdkafka 2.0.x): SSL, SSL with a client certificate, SASL_SSL with
// SCRAM-SHA-512 (librdkafka before 2.6.1 repeats the client nonce in its final SCRAM message: accepted by
// default, refused with sasl.scram.accept.repeated.client.nonce=false), SCRAM-SHA-256 and PLAIN; a wrong
// password fails with the broker's message and appends nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kcat } from '../helpers/kcat.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';

describe('TLS and SASL with kcat', () => {
  let sb: SecureBroker;
  before(async () => {
    sb = await startSecureBroker();
  });
  after(async () => {
    await sb?.close();
  });

  const tls = () => ['-X', `ssl.ca.location=${sb.certs.caPem}`];
  const sasl = (mechanism: string, user: string, password: string) => ['-b', sb.addr('SASL_SSL'), '-X', 'security.protocol=SASL_SSL', ...tls(), '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`];

  async function roundTrip(topic: string, args: string[]): Promise<void> {
    const lines = Array.from({ length: 200 }, (_, i) => `${topic}-${i}`);
    const p = await kcat([...args, '-P', '-t', topic], lines.join('\n') + '\n', 60_000);
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat([...args, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], undefined, 60_000);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(c.stdout.trim().split('\n'), lines);
  }

  test('SSL', async () => {
    await roundTrip('kc-ssl', ['-b', sb.addr('SSL'), '-X', 'security.protocol=SSL', ...tls()]);
  });

  test('SSL with a client certificate (ssl.client.auth=required); without one the handshake fails', async () => {
    await roundTrip('kc-mtls', ['-b', sb.addr('MTLS'), '-X', 'security.protocol=SSL', ...tls(), '-X', `ssl.certificate.location=${sb.certs.clientCert}`, '-X', `ssl.key.location=${sb.certs.clientKey}`]);
    const r = await kcat(['-b', sb.addr('MTLS'), '-X', 'security.protocol=SSL', ...tls(), '-L'], undefined, 30_000);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate required|handshake|SSL/i);
  });

  test('large fetches over TLS: file ranges are read in bounded chunks and written through TLS, in order', async () => {
    // 20,000 records of ~200 bytes (about 4 MB, far above fetch.zero.copy.min.bytes) in one partition.
    const lines = Array.from({ length: 20_000 }, (_, i) => `${String(i).padStart(8, '0')}-${'x'.repeat(190)}`);
    const p = await kcat(['-b', sb.addr('PLAINTEXT'), '-P', '-t', 'kc-tls-large', '-X', 'linger.ms=20'], lines.join('\n') + '\n', 120_000);
    assert.equal(p.code, 0, p.stderr);
    for (const args of [['-b', sb.addr('SSL'), '-X', 'security.protocol=SSL', ...tls()], sasl('SCRAM-SHA-512', 'bob', 'bob-secret')]) {
      const c = await kcat([...args, '-C', '-t', 'kc-tls-large', '-o', 'beginning', '-e', '-q', '-X', 'fetch.max.bytes=8388608', '-X', 'max.partition.fetch.bytes=4194304'], undefined, 120_000);
      assert.equal(c.code, 0, c.stderr);
      const got = c.stdout.trim().split('\n');
      assert.equal(got.length, lines.length);
      for (let i = 0; i < lines.length; i++) if (got[i] !== lines[i]) assert.fail(`record ${i} differs over TLS`);
    }
  });

  test('SASL_SSL SCRAM-SHA-512 (librdkafka 2.0 repeats the client nonce)', async () => {
    await roundTrip('kc-scram512', sasl('SCRAM-SHA-512', 'bob', 'bob-secret'));
    assert.match(sb.broker.output, /"principal":"User:bob","mechanism":"SCRAM-SHA-512"/);
  });

  test('SASL_SSL SCRAM-SHA-256 and PLAIN', async () => {
    await roundTrip('kc-scram256', sasl('SCRAM-SHA-256', 'carol', 'carol-secret'));
    await roundTrip('kc-plain', sasl('PLAIN', 'alice', 'alice-secret'));
  });

  test('a wrong password: SASL authentication error, nothing appended', async () => {
    const r = await kcat([...sasl('SCRAM-SHA-512', 'bob', 'not-bob'), '-P', '-t', 'kc-denied'], 'x\n', 30_000);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
    const c = await kcat([...sasl('PLAIN', 'alice', 'alice-secret'), '-C', '-t', 'kc-denied', '-o', 'beginning', '-e', '-q', '-X', 'allow.auto.create.topics=true'], undefined, 30_000);
    assert.equal(c.stdout.trim(), '', 'nothing was produced');
  });
});

describe('kcat SCRAM with sasl.scram.accept.repeated.client.nonce=false', () => {
  let sb: SecureBroker;
  before(async () => {
    sb = await startSecureBroker({ 'sasl.scram.accept.repeated.client.nonce': false });
  });
  after(async () => {
    await sb?.close();
  });

  test('librdkafka 2.0\'s final SCRAM message is refused (RFC 5802\'s exact nonce), PLAIN still works', async () => {
    const args = (m: string, u: string, p: string) => ['-b', sb.addr('SASL_SSL'), '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${sb.certs.caPem}`, '-X', `sasl.mechanisms=${m}`, '-X', `sasl.username=${u}`, '-X', `sasl.password=${p}`];
    const r = await kcat([...args('SCRAM-SHA-512', 'bob', 'bob-secret'), '-L'], undefined, 30_000);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Invalid client nonce/);
    const ok = await kcat([...args('PLAIN', 'alice', 'alice-secret'), '-L'], undefined, 30_000);
    assert.equal(ok.code, 0, ok.stderr);
  });
});
