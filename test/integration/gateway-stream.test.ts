// WebSocket streaming consumers against a real broker process: records produced by Kafka clients
// (kafkajs, kcat) arrive in order with their offsets; start positions earliest/latest/offset/timestamp;
// the credit window holds; reconnecting with the acknowledged offsets resumes without loss or
// duplicates; a stalled client stays bounded in memory and does not slow a fast one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBinaryRecords } from '../../src/gateway/index.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { http, postJson, startGatewayBroker, WsClient, type GatewayBroker } from './gateway-helpers.js';

const MAX_BUFFERED = 256 * 1024;

describe('gateway WebSocket streaming', () => {
  let gw: GatewayBroker;
  const clients: WsClient[] = [];
  const open = async () => {
    const c = await WsClient.open(gw.ws);
    clients.push(c);
    return c;
  };

  before(async () => {
    gw = await startGatewayBroker({ 'num.partitions': 3, 'gateway.ws.max.buffered.bytes': MAX_BUFFERED });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await gw?.broker.close();
  });

  test('records produced by kafkajs arrive in order with their offsets, within a credit window', async () => {
    const admin = kafkaClient(gw.broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafkaClient(gw.broker.bootstrap).producer();
    await producer.connect();
    const expected = new Map<string, { partition: number; offset: number }>();
    for (let b = 0; b < 10; b++) {
      const res = await producer.send({ topic: 'events', messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${(b * 100 + i) % 17}`, value: `e-${b * 100 + i}`, headers: { n: String(b * 100 + i) } })) });
      assert.equal(res.length > 0, true);
    }
    await producer.disconnect();
    // Learn what kafkajs wrote where from kcat (offsets per value).
    const all = await kcat(['-b', gw.broker.bootstrap, '-C', '-t', 'events', '-o', 'beginning', '-e', '-f', '%p %o %s\n']);
    for (const line of all.stdout.trim().split('\n')) {
      const [p, o, v] = line.split(' ');
      expected.set(v!, { partition: Number(p), offset: Number(o) });
    }
    assert.deepEqual([...expected.keys()].sort(), Array.from({ length: 1000 }, (_, i) => `e-${i}`).sort());

    const c = await open();
    c.send({ type: 'subscribe', topic: 'events', from: 'earliest', credit: 100 });
    await c.until('subscribed', () => c.texts.some((t) => t.type === 'subscribed'));
    await c.until('100 records', () => c.records.length >= 100);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.records.length, 100, 'no more than the credit granted');
    for (let i = 0; i < 9; i++) c.send({ type: 'credit', records: 100 });
    await c.until('all 1000 records', () => c.records.length >= 1000);
    const next = [0, 0, 0];
    for (const r of c.records) {
      assert.equal(r.offset, next[r.partition]++, 'in order, no gaps, per partition');
      assert.deepEqual(expected.get(r.value!), { partition: r.partition, offset: r.offset });
      assert.deepEqual(r.headers, [['n', r.value!.slice(2)]]);
    }
  });

  test('from latest sees only new records (kcat producer); from a timestamp starts at the first record at/after it', async () => {
    await postJson(`${gw.http}/topics`, { name: 'tail', partitions: 1 });
    await postJson(`${gw.http}/topics/tail`, { records: [{ value: 'old-1', timestamp: 1_000 }, { value: 'old-2', timestamp: 2_000 }, { value: 'old-3', timestamp: 3_000 }] });
    const latest = await open();
    latest.send({ type: 'subscribe', topic: 'tail', from: 'latest', credit: null });
    await latest.until('subscribed', () => latest.texts.some((t) => t.type === 'subscribed'));
    assert.deepEqual(latest.texts.find((t) => t.type === 'subscribed').partitions, [{ partition: 0, offset: 3 }]);
    const p = await kcat(['-b', gw.broker.bootstrap, '-P', '-t', 'tail', '-p', '0'], 'new-1\nnew-2\n');
    assert.equal(p.code, 0, p.stderr);
    await latest.until('2 new records', () => latest.records.length >= 2);
    assert.deepEqual(latest.records.map((r) => [r.offset, r.value]), [[3, 'new-1'], [4, 'new-2']]);

    const byTime = await open();
    byTime.send({ type: 'subscribe', topic: 'tail', from: { timestamp: 1_500 }, credit: 1000 });
    await byTime.until('4 records', () => byTime.records.length >= 4);
    assert.deepEqual(byTime.records.map((r) => r.value), ['old-2', 'old-3', 'new-1', 'new-2']);
  });

  test('binary frames carry the same records', async () => {
    const c = await open();
    c.send({ type: 'subscribe', topic: 'tail', from: { offset: 1 }, format: 'binary', credit: 10 });
    await c.until('binary frames', () => c.messages.filter((m) => m.binary).reduce((n, m) => n + decodeBinaryRecords(m.binary!).records.length, 0) >= 4);
    const recs = c.messages.filter((m) => m.binary).flatMap((m) => decodeBinaryRecords(m.binary!).records);
    assert.deepEqual(recs.map((r) => [r.offset, r.value!.toString(), r.timestamp]).slice(0, 2), [[1, 'old-2', 2000], [2, 'old-3', 3000]]);
  });

  test('reconnecting with the acknowledged offsets resumes without loss or duplicates', async () => {
    await postJson(`${gw.http}/topics`, { name: 'resume', partitions: 2 });
    const send = (from: number, n: number) => postJson(`${gw.http}/topics/resume`, { records: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: String(from + i) })) });
    await send(0, 300);
    const seen: string[] = [];
    const acked: Record<string, number> = {};
    // First session: take 120 records, acknowledge them, drop the connection mid-stream.
    const a = await open();
    a.send({ type: 'subscribe', topic: 'resume', from: 'earliest', credit: 120 });
    await a.until('120', () => a.records.length >= 120);
    for (const r of a.records) {
      seen.push(r.value!);
      acked[r.partition] = r.offset + 1;
    }
    a.send({ type: 'ack', offsets: Object.entries(acked).map(([p, o]) => ({ topic: 'resume', partition: Number(p), offset: o })) });
    a.socket.terminate();
    await send(300, 200); // more arrive while disconnected
    const b = await open();
    b.send({ type: 'subscribe', topic: 'resume', from: { offsets: acked }, credit: null });
    await b.until('the remaining 380', () => b.records.length >= 380);
    await new Promise((r) => setTimeout(r, 200));
    for (const r of b.records) seen.push(r.value!);
    assert.equal(seen.length, 500);
    assert.deepEqual([...seen].map(Number).sort((x, y) => x - y), Array.from({ length: 500 }, (_, i) => i), 'every record exactly once');
  });

  test('bad control messages get JSON errors with Kafka codes and the socket stays usable', async () => {
    const c = await open();
    c.socket.send('not json');
    c.send({ type: 'subscribe', topic: 'does-not-exist' });
    c.send({ type: 'subscribe', topic: 'tail', partitions: [7] });
    c.send({ type: 'subscribe', topic: 'tail', from: { offset: 1e9 } });
    c.send({ type: 'credit', records: -1 });
    c.send({ type: 'warp' });
    await c.until('6 errors', () => c.texts.filter((t) => t.type === 'error').length >= 6);
    assert.deepEqual(c.texts.filter((t) => t.type === 'error').map((t) => t.error_code), [42, 3, 3, 1, 42, 42]);
    c.send({ type: 'ping', id: 1 });
    await c.until('pong', () => c.texts.some((t) => t.type === 'pong'));
  });

  test('a stalled client is bounded in memory and does not slow a fast one', async (t) => {
    const value = 'x'.repeat(1000);
    const batches = 40;
    /** ms from the first produce until `fast` has every record of `topic` (40 POSTs of 500 records, 20 MB). */
    const firehose = async (topic: string, fast: WsClient): Promise<number> => {
      fast.send({ type: 'subscribe', topic, from: 'earliest', credit: null });
      await fast.until('subscribed', () => fast.texts.some((t) => t.type === 'subscribed'));
      const started = Date.now();
      for (let b = 0; b < batches; b++) {
        const r = await postJson(`${gw.http}/topics/${topic}`, { records: Array.from({ length: 500 }, (_, i) => ({ value: `${b * 500 + i}:${value}` })) });
        assert.equal(r.status, 200);
      }
      await fast.until(`fast client has all 20,000 records of ${topic}`, () => fast.records.length >= batches * 500, 60_000);
      return Date.now() - started;
    };
    // Baseline: the same stream to a healthy client alone.
    await postJson(`${gw.http}/topics`, { name: 'firehose-alone', partitions: 1 });
    const aloneMs = await firehose('firehose-alone', await open());

    await postJson(`${gw.http}/topics`, { name: 'firehose', partitions: 1 });
    const stalled = await open();
    stalled.send({ type: 'subscribe', topic: 'firehose', from: 'earliest', credit: null });
    await stalled.until('subscribed', () => stalled.texts.some((t) => t.type === 'subscribed'));
    // Stop reading: the TCP receive window fills, then uWS buffers for this socket.
    (stalled.socket as any)._socket.pause();
    const fastMs = await firehose('firehose', await open());
    const metrics = (await http('GET', `${gw.http}/metrics`)).text;
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    const maxBuffered = gauge('gregor_gateway_ws_buffered_bytes_max');
    // 20 MB were produced; the stalled socket's backlog is capped near gateway.ws.max.buffered.bytes (plus one frame).
    assert.ok(maxBuffered > 0, 'the stalled socket has a backlog');
    assert.ok(maxBuffered <= MAX_BUFFERED + 512 * 1024, `backlog ${maxBuffered} bytes is bounded`);
    const lag = Number(/^gregor_gateway_ws_subscriber_lag_records\{topic="firehose"\} (\S+)$/m.exec(metrics)?.[1]);
    assert.ok(lag > 10_000, `the stalled subscriber is far behind (${lag}) while the fast one is done`);
    t.diagnostic(`fast client: ${aloneMs} ms alone, ${fastMs} ms beside a stalled one`);
    // Generous (shared 2-core machines are noisy), relative to the baseline, with a floor for a very fast baseline.
    assert.ok(fastMs <= 3 * Math.max(aloneMs, 1000), `beside a stalled client the fast one took ${fastMs} ms, alone ${aloneMs} ms`);
    // The stalled client, once it reads again, gets everything in order.
    (stalled.socket as any)._socket.resume();
    await stalled.until('stalled client catches up', () => stalled.records.length >= batches * 500, 60_000);
    stalled.records.forEach((r, i) => assert.equal(r.offset, i));
  });
});
