// TLS and SASL with kafkajs against a real broker process: SSL, SASL_SSL with PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512, and SASL_PLAINTEXT, each producing and consuming in a group; then what must fail: wrong
// passwords and unknown users (SASL_AUTHENTICATION_FAILED, nothing appended), mechanisms the listener does
// not offer, requests before authentication, oversized frames before authentication, plaintext clients
// on TLS ports, TLS clients on plaintext ports, and clients without (or with untrusted) certificates where
// ssl.client.auth=required. The broker keeps serving the others throughout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { ApiVersions, Metadata, SaslAuthenticate, SaslHandshake, ErrorCode, Scram } from '../../src/protocol/index.js';
import { Connection } from '../../src/client/index.js';
import { RawConnection } from '../helpers/raw-client.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';
import { waitFor } from '../helpers/wait.js';

describe('TLS and SASL with kafkajs', () => {
  let sb: SecureBroker;
  let ca: string;

  before(async () => {
    sb = await startSecureBroker();
    ca = readFileSync(sb.certs.caPem, 'utf8');
  });
  after(async () => {
    await sb?.close();
  });

  const client = (cfg: Partial<KafkaConfig>) => new Kafka({ clientId: 'sec-test', logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 10_000, brokers: [], ...cfg });

  async function roundTrip(name: string, cfg: Partial<KafkaConfig>): Promise<void> {
    const topic = `sec-${name}`;
    const kafka = client(cfg);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `${name}-${i}` }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `g-${name}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    try {
      await waitFor(`${name}: 50 records consumed`, () => got.length >= 50, 60_000);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual([...got].sort(), sent.map((m) => m.value).sort());
    // Metadata names the listener the client connected to, not the first one.
    const cluster = client(cfg).admin();
    await cluster.connect();
    const described = await cluster.describeCluster();
    await cluster.disconnect();
    const port = Number((cfg.brokers as string[])[0]!.split(':')[1]);
    assert.deepEqual(described.brokers.map((b) => b.port), [port]);
  }

  test('SSL: produce, consume in a group, Metadata with the SSL endpoint', async () => {
    await roundTrip('ssl', { brokers: [sb.addr('SSL')], ssl: { ca: [ca] } });
  });

  test('SSL with a client certificate where ssl.client.auth=required', async () => {
    await roundTrip('mtls', { brokers: [sb.addr('MTLS')], ssl: { ca: [ca], cert: readFileSync(sb.certs.clientCert, 'utf8'), key: readFileSync(sb.certs.clientKey, 'utf8') } });
  });

  for (const [mechanism, username, password] of [['plain', 'alice', 'alice-secret'], ['scram-sha-256', 'bob', 'bob-secret'], ['scram-sha-512', 'carol', 'carol-secret']] as const) {
    test(`SASL_SSL ${mechanism}: produce and consume in a group`, async () => {
      await roundTrip(`sasl-ssl-${mechanism}`, { brokers: [sb.addr('SASL_SSL')], ssl: { ca: [ca] }, sasl: { mechanism, username, password } as SASLOptions });
    });
  }

  test('SASL_PLAINTEXT scram-sha-512', async () => {
    await roundTrip('sasl-plaintext', { brokers: [sb.addr('SASL_PLAINTEXT')], sasl: { mechanism: 'scram-sha-512', username: 'bob', password: 'bob-secret' } });
  });

  test('wrong passwords and unknown users fail with SASL_AUTHENTICATION_FAILED and append nothing', async () => {
    const topic = 'sec-denied';
    const admin = client({ brokers: [sb.addr('PLAINTEXT')] }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    for (const sasl of [
      { mechanism: 'plain', username: 'alice', password: 'wrong' },
      { mechanism: 'plain', username: 'mallory', password: 'alice-secret' },
      { mechanism: 'scram-sha-256', username: 'bob', password: 'wrong' },
      { mechanism: 'scram-sha-512', username: 'nobody', password: 'x' },
    ] as SASLOptions[]) {
      const producer = client({ brokers: [sb.addr('SASL_SSL')], ssl: { ca: [ca] }, sasl }).producer();
      const err = await producer.connect().then(() => producer.send({ topic, messages: [{ value: 'must not land' }] })).then(() => null, (e: Error) => e);
      await producer.disconnect().catch(() => {});
      assert.ok(err, `${sasl.mechanism} ${(sasl as { username: string }).username}: refused`);
      assert.match(`${err.name} ${err.message}`, /SASL|Authentication failed|invalid credentials/i);
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    assert.equal(offsets[0]!.high, '0', 'nothing was produced');
  });

  test('a mechanism the listener does not offer gets UNSUPPORTED_SASL_MECHANISM with the offered ones', async () => {
    const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      const res = await raw.request(SaslHandshake, 1, { mechanism: 'GSSAPI' });
      assert.equal(res.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
      assert.deepEqual(res.mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
      assert.ok(await raw.waitClosed(), 'the connection is closed after the answer');
    } finally {
      raw.close();
    }
  });

  test('requests before authentication: ApiVersions is answered, anything else closes the connection', async () => {
    const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      const versions = await raw.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      assert.equal(versions.errorCode, ErrorCode.NONE);
      assert.ok(versions.apiKeys.some((k) => k.apiKey === SaslAuthenticate.apiKey && k.maxVersion === 2));
      raw.send(Metadata, 9, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      assert.ok(await raw.waitClosed(), 'Metadata before authentication closes the connection');
    } finally {
      raw.close();
    }
    const early = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      const res = await early.request(SaslAuthenticate, 2, { authBytes: Buffer.from('n,,n=bob,r=abc') });
      assert.equal(res.errorCode, ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate before SaslHandshake');
      assert.ok(await early.waitClosed());
    } finally {
      early.close();
    }
  });

  test('a frame above sasl.server.max.receive.size before authentication closes the connection', async () => {
    const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      const size = Buffer.alloc(4);
      size.writeInt32BE(524288 + 1);
      raw.writeRaw(size);
      assert.ok(await raw.waitClosed(), 'closed on the size prefix alone');
    } finally {
      raw.close();
    }
  });

  test('a malformed SCRAM message and a wrong nonce fail the authentication cleanly', async () => {
    for (const final of [(nonce: string) => `c=biws,r=${nonce}x,p=${Buffer.alloc(64).toString('base64')}`, () => 'garbage']) {
      const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
      try {
        assert.equal((await raw.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' })).errorCode, ErrorCode.NONE);
        const first = await raw.request(SaslAuthenticate, 2, { authBytes: Buffer.from('n,,n=bob,r=clientnonce') });
        assert.equal(first.errorCode, ErrorCode.NONE);
        const { nonce } = Scram.parseServerFirst(first.authBytes.toString());
        const res = await raw.request(SaslAuthenticate, 2, { authBytes: Buffer.from(final(nonce)) });
        assert.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
        assert.match(res.errorMessage ?? '', /Authentication failed/);
        assert.ok(await raw.waitClosed());
      } finally {
        raw.close();
      }
    }
  });

  test('a plaintext client on a TLS port and a TLS client on a plaintext port fail, the broker serves on', async () => {
    const plainOnTls = await Connection.connect({ host: '127.0.0.1', port: sb.ports.SSL, connectTimeoutMs: 5000, requestTimeoutMs: 5000 }).then((c) => c.close(), (e: Error) => e);
    assert.ok(plainOnTls instanceof Error, 'a plaintext client gets no ApiVersions answer from a TLS port');
    const tlsOnPlain = await new Promise<Error | null>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: sb.ports.PLAINTEXT, ca: [ca], servername: 'localhost' }, () => resolve(null));
      s.once('error', (e) => resolve(e));
      setTimeout(() => {
        s.destroy();
        resolve(new Error('no TLS handshake'));
      }, 5000);
    });
    assert.ok(tlsOnPlain, 'no TLS handshake on a plaintext port');
    await roundTrip('after-bad-clients', { brokers: [sb.addr('SSL')], ssl: { ca: [ca] } });
  });

  test('ssl.client.auth=required refuses clients without a certificate or with an untrusted one', async () => {
    for (const ssl of [{ ca: [ca] }, { ca: [ca], cert: readFileSync(sb.certs.rogueCert, 'utf8'), key: readFileSync(sb.certs.rogueKey, 'utf8') }]) {
      const producer = client({ brokers: [sb.addr('MTLS')], ssl }).producer();
      const err = await producer.connect().then(() => producer.send({ topic: 'sec-mtls', messages: [{ value: 'x' }] })).then(() => null, (e: Error) => e);
      await producer.disconnect().catch(() => {});
      assert.ok(err, 'refused');
    }
  });

  test('a client certificate signed by another CA is refused on the SSL listener too; an untrusted broker is refused by the client', async () => {
    const otherCa = readFileSync(sb.certs.rogueCert, 'utf8');
    const producer = client({ brokers: [sb.addr('SSL')], ssl: { ca: [otherCa] } }).producer();
    const err = await producer.connect().then(() => null, (e: Error) => e);
    await producer.disconnect().catch(() => {});
    assert.ok(err, 'the broker certificate is not trusted by this client');
  });
});
