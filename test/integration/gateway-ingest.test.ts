// HTTP ingest through the gateway of a real broker process, read back by real Kafka clients: kafkajs
// (its own Fetch path) and kcat (librdkafka) see the same keys, values, headers, partitions and offsets
// the HTTP answers reported; bad input gets a JSON error with a Kafka error code and harms nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { partitionOf } from '../helpers/murmur2.js';
import { http, postJson, startGatewayBroker, type GatewayBroker } from './gateway-helpers.js';

describe('gateway HTTP ingest', () => {
  let gw: GatewayBroker;

  before(async () => {
    gw = await startGatewayBroker({ 'num.partitions': 1, 'gateway.max.request.bytes': 8 << 20 });
    const r = await postJson(`${gw.http}/topics`, { name: 'orders', partitions: 4 });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await gw?.broker.close();
  });

  test('JSON records with keys and headers land where Kafka clients put them, with the answered offsets', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ key: `user-${i % 37}`, value: `order-${i}`, headers: [{ name: 'source', value: 'http' }, { name: 'seq', value: String(i) }] }));
    const r = await postJson(`${gw.http}/topics/orders`, { records });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.offsets.length, 200);
    const next = [0, 0, 0, 0];
    r.body.offsets.forEach((o: any, i: number) => {
      assert.equal(o.error_code, null);
      assert.equal(o.partition, partitionOf(records[i]!.key, 4), 'murmur2 like the Java client and kafkajs');
      assert.equal(o.offset, next[o.partition]++, 'dense offsets in request order per partition');
    });

    // kcat (librdkafka)
    const c = await kcat(['-b', gw.broker.bootstrap, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(c.code, 0, c.stderr);
    const seen = parseRecords(c.stdout);
    assert.equal(seen.length, 200);
    for (const s of seen) {
      const i = Number(s.value.slice('order-'.length));
      assert.equal(s.key, records[i]!.key);
      assert.equal(s.partition, r.body.offsets[i].partition);
      assert.equal(s.offset, r.body.offsets[i].offset);
      assert.equal(s.headers, `source=http,seq=${i}`);
    }

    // kafkajs, per partition
    const kafka = kafkaClient(gw.broker.bootstrap);
    for (let p = 0; p < 4; p++) {
      const got = await fetchAll(kafka, 'orders', p, 0, next[p]!);
      for (const g of got) {
        const i = Number(g.value!.slice('order-'.length));
        assert.equal(r.body.offsets[i].partition, p);
        assert.equal(r.body.offsets[i].offset, g.offset);
        assert.equal(g.key, records[i]!.key);
        assert.deepEqual(g.headers, { source: 'http', seq: String(i) });
      }
    }
  });

  test('a key produced over HTTP and by kafkajs lands on the same partition', async () => {
    const producer = kafkaClient(gw.broker.bootstrap).producer();
    await producer.connect();
    try {
      for (const key of ['alpha', 'beta', 'gamma', 'delta', 'k-123456789']) {
        const [viaKafkajs] = await producer.send({ topic: 'orders', messages: [{ key, value: 'x' }] });
        const viaHttp = await postJson(`${gw.http}/topics/orders`, { key, value: 'y' });
        assert.equal(viaHttp.body.offsets[0].partition, viaKafkajs!.partition, key);
        assert.equal(viaHttp.body.offsets[0].offset, Number(viaKafkajs!.baseOffset) + 1, 'next offset after the kafkajs record');
      }
    } finally {
      await producer.disconnect();
    }
  });

  test('binary bodies (application/octet-stream) keep every byte; key and headers from the URL and HTTP headers', async () => {
    const value = randomBytes(70_000);
    const r = await http('POST', `${gw.http}/topics/blobs/partitions/0?key=blob-1`, value, 'application/octet-stream', { 'kafka-header-content-type': 'image/png' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.offsets.map((o: any) => [o.partition, o.offset]), [[0, 0]]);
    const out = spawnSync('kcat', ['-b', gw.broker.bootstrap, '-C', '-t', 'blobs', '-o', 'beginning', '-e', '-q', '-f', '%k|%h|%s'], { timeout: 60_000 });
    assert.equal(out.status, 0, out.stderr.toString());
    const prefix = Buffer.from('blob-1|content-type=image/png|');
    assert.ok(out.stdout.subarray(0, prefix.length).equals(prefix), out.stdout.subarray(0, 60).toString());
    assert.ok(out.stdout.subarray(prefix.length).equals(value), 'value bytes identical');

    // The REST Proxy's binary embedded format: base64 keys and values.
    const key = randomBytes(16);
    const v2 = randomBytes(300);
    const b = await http('POST', `${gw.http}/topics/blobs`, JSON.stringify({ records: [{ key: key.toString('base64'), value: v2.toString('base64'), partition: 0 }] }), 'application/vnd.kafka.binary.v2+json');
    assert.equal(b.status, 200, b.text);
    assert.equal(b.body.offsets[0].offset, 1);
    const browse = await http('GET', `${gw.http}/topics/blobs/partitions/0/records?offset=1&limit=1`);
    assert.equal(browse.status, 200);
    assert.equal(browse.body.records[0].key, key.toString('base64'));
    assert.equal(browse.body.records[0].value, v2.toString('base64'));
  });

  test('JSON values are stored as JSON text, strings as their bytes, null as a tombstone', async () => {
    const r = await postJson(`${gw.http}/topics/json-values/partitions/0`, { records: [{ key: 'a', value: { n: 1, s: 'x' } }, { key: 'b', value: 'plain' }, { key: 'c', value: null }, { key: 'd', value: [1, 2] }] });
    assert.equal(r.status, 200, r.text);
    const got = await fetchAll(kafkaClient(gw.broker.bootstrap), 'json-values', 0, 0, 4);
    assert.deepEqual(got.map((g) => [g.key, g.value]), [['a', '{"n":1,"s":"x"}'], ['b', 'plain'], ['c', null], ['d', '[1,2]']]);
  });

  test('a 6 MiB request streams in and is split into batches under max.message.bytes, offsets dense', async () => {
    const big = 'v'.repeat(6000);
    const records = Array.from({ length: 1000 }, (_, i) => ({ value: `${i}:${big}` }));
    const r = await postJson(`${gw.http}/topics/big/partitions/0`, { records });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.deepEqual(r.body.offsets.map((o: any) => o.offset), records.map((_, i) => i));
    const c = await kcat(['-b', gw.broker.bootstrap, '-C', '-t', 'big', '-o', 'beginning', '-e', '-f', '%o %s\n']);
    const lines = c.stdout.trim().split('\n');
    assert.equal(lines.length, 1000);
    lines.forEach((l, i) => assert.equal(l, `${i} ${i}:${big}`));
  });

  test('acks=0 answers 202 at once and the records still arrive; bad acks are refused', async () => {
    const r = await postJson(`${gw.http}/topics/fire/partitions/0`, { records: [{ value: 'a' }, { value: 'b' }] }, '?acks=0');
    assert.equal(r.status, 202);
    const got = await fetchAll(kafkaClient(gw.broker.bootstrap), 'fire', 0, 0, 2);
    assert.deepEqual(got.map((g) => g.value), ['a', 'b']);
    const bad = await postJson(`${gw.http}/topics/fire`, { value: 'c' }, '?acks=2');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, 21);
    assert.equal(bad.body.error, 'INVALID_REQUIRED_ACKS');
  });

  test('bad input gets JSON errors with Kafka error codes, and the broker keeps serving', async () => {
    const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, number]> = [
      ['malformed JSON', () => http('POST', `${gw.http}/topics/orders`, '{"records": [', 'application/json'), 400, 42],
      ['empty records', () => postJson(`${gw.http}/topics/orders`, { records: [] }), 400, 42],
      ['record not an object', () => postJson(`${gw.http}/topics/orders`, { records: [5] }), 400, 87],
      ['bad base64', () => http('POST', `${gw.http}/topics/orders`, '{"records":[{"value":"***"}]}', 'application/vnd.kafka.binary.v2+json'), 400, 87],
      ['unknown partition', () => postJson(`${gw.http}/topics/orders/partitions/9`, { value: 'x' }), 404, 3],
      ['invalid topic name', () => postJson(`${gw.http}/topics/bad%20name`, { value: 'x' }), 404, 3],
      ['unsupported content type', () => http('POST', `${gw.http}/topics/orders`, 'x', 'text/plain'), 415, 42],
      ['too large', () => http('POST', `${gw.http}/topics/orders`, Buffer.alloc(9 << 20, 0x61), 'application/octet-stream'), 413, 10],
      ['record over max.message.bytes', () => http('POST', `${gw.http}/topics/orders/partitions/0`, Buffer.alloc(2 << 20, 0x61), 'application/octet-stream'), 413, 10],
      ['no such route', () => http('GET', `${gw.http}/nope`), 404, 42],
    ];
    for (const [what, p, status, code] of cases) {
      const r = await p();
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error_code ?? r.body.offsets?.[0]?.error_code, code, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof (r.body.message ?? r.body.offsets?.[0]?.message), 'string', what);
    }
    const ok = await postJson(`${gw.http}/topics/orders/partitions/0`, { value: 'still alive' });
    assert.equal(ok.status, 200);
    const health = await http('GET', `${gw.http}/healthz`);
    assert.equal(health.status, 200);
  });
});
