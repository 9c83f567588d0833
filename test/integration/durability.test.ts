// Durability (DESIGN.md §3 rule 2): acknowledged records survive SIGKILL, also when appends run on the
// worker pool with group commit; torn or garbage tails are truncated on restart; an idempotent producer retrying over a cut connection creates no duplicate.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';

const brokers: BrokerProcess[] = [];
after(async () => {
  for (const b of brokers) await b.close();
});

describe('durability', () => {
  /**
   * `producers` kafkajs producers send 100-record batches with acks=all as fast as they are answered
   * (concurrently: appends queue behind each other); the broker is killed with SIGKILL mid-stream, then
   * every acknowledged record must be found at its acknowledged offset after a restart.
   */
  async function crashMidProduce(overrides: Record<string, string | number | boolean>, producers: number): Promise<void> {
    const broker = await BrokerProcess.start({ overrides: { 'log.segment.bytes': 256 * 1024, ...overrides } });
    brokers.push(broker);
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'crash', numPartitions: 2 }] });
    await admin.disconnect();

    const acked: Array<{ partition: number; offset: number; values: string[] }> = [];
    let killed = false;
    let sent = 0;
    const errorsBeforeKill: unknown[] = [];
    const errorsAfterKill: unknown[] = [];
    const clients = await Promise.all(Array.from({ length: producers }, async () => {
      const p = kafka.producer({ retry: { retries: 0 } });
      await p.connect();
      return p;
    }));
    const sending = clients.map(async (producer) => {
      while (!killed && sent < 200_000) {
        const first = sent;
        sent += 100;
        const values = Array.from({ length: 100 }, (_, i) => `crash-${first + i}`);
        const partition = (first / 100) % 2;
        try {
          const [ack] = await producer.send({ topic: 'crash', acks: -1, messages: values.map((value) => ({ value, partition })) });
          acked.push({ partition: ack.partition, offset: Number(ack.baseOffset), values });
        } catch (e) {
          // After the kill, the broker is gone: everything after is unacknowledged. Before it, any error is a failure.
          (killed ? errorsAfterKill : errorsBeforeKill).push(e);
          break;
        }
      }
    });
    // Let it run until a good number of batches are acknowledged, then crash the broker mid-stream.
    const deadline = Date.now() + 30_000;
    while (acked.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    killed = true;
    await broker.kill9();
    await Promise.all(sending);
    for (const p of clients) await p.disconnect().catch(() => {});
    assert.deepEqual(errorsBeforeKill.map(describeError), [], 'no produce failed while the broker was up');
    for (const e of errorsAfterKill) assert.ok(brokerGone(e), `after the kill, only connection errors: ${describeError(e)}`);
    assert.ok(acked.length >= 300, `only ${acked.length} batches were acknowledged before the crash`);

    await broker.restart();
    const kafka2 = kafkaClient(broker.bootstrap);
    for (const partition of [0, 1]) {
      const mine = acked.filter((a) => a.partition === partition);
      const count = mine.reduce((n, a) => Math.max(n, a.offset + a.values.length), 0);
      const got = await fetchAll(kafka2, 'crash', partition, 0, count);
      for (const a of mine) {
        for (let i = 0; i < a.values.length; i++) assert.equal(got[a.offset + i].value, a.values[i], `acknowledged record at ${partition}/${a.offset + i}`);
      }
    }
    // And the broker takes new writes after the crash, at the next offset.
    const producer2 = kafka2.producer();
    await producer2.connect();
    const [ack] = await producer2.send({ topic: 'crash', acks: -1, messages: [{ value: 'after-restart', partition: 0 }] });
    await producer2.disconnect();
    const last = acked.filter((a) => a.partition === 0).reduce((n, a) => Math.max(n, a.offset + a.values.length), 0);
    assert.ok(Number(ack.baseOffset) >= last);
  }

  test('every record acknowledged with acks=all survives SIGKILL at its acknowledged offset', async () => {
    await crashMidProduce({}, 1);
  });

  test('with every append on the worker pool and concurrent producers (group commit), acknowledged records survive SIGKILL', async () => {
    await crashMidProduce({ 'append.pool': true, 'append.pool.min.bytes': 0 }, 4);
  });

  test('garbage and a half-written batch at a segment tail are truncated on restart', async () => {
    const broker = await BrokerProcess.start();
    brokers.push(broker);
    const kafka = kafkaClient(broker.bootstrap);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'torn', acks: -1, messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${j}`, value: `torn-${i * 50 + j}` })) });
    await producer.disconnect();
    await broker.stop();

    const dir = join(broker.logDir, 'torn-0');
    const segment = join(dir, readdirSync(dir).filter((f) => f.endsWith('.log')).sort().at(-1)!);
    const goodSize = statSync(segment).size;
    const bytes = readFileSync(segment);
    const firstBatchLen = 12 + bytes.readInt32BE(8);
    // A batch cut in half (as a crash mid-write leaves it), then random garbage.
    appendFileSync(segment, bytes.subarray(0, Math.floor(firstBatchLen / 2)));
    appendFileSync(segment, Buffer.from('this is not a record batch, it is garbage'.repeat(20)));

    await broker.restart();
    assert.equal(statSync(segment).size, goodSize, 'the torn tail is cut back to the last whole batch');
    const kafka2 = kafkaClient(broker.bootstrap);
    const got = await fetchAll(kafka2, 'torn', 0, 0, 250);
    assert.deepEqual(got.map((r) => r.value), Array.from({ length: 250 }, (_, i) => `torn-${i}`));
    const producer2 = kafka2.producer();
    await producer2.connect();
    const [ack] = await producer2.send({ topic: 'torn', acks: -1, messages: [{ value: 'next' }] });
    await producer2.disconnect();
    assert.equal(Number(ack.baseOffset), 250, 'appends continue right after the last whole batch');
  });

  test('an idempotent producer whose connection is cut after a write retries without a duplicate', async () => {
    const proxyPort = await freePort();
    const broker = await BrokerProcess.start({ overrides: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxyPort}` } });
    brokers.push(broker);
    const proxy = new CuttingProxy(proxyPort, broker.port);
    await proxy.listen();
    try {
      const kafka = kafkaClient(`127.0.0.1:${proxyPort}`);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true, retry: { retries: 10, initialRetryTime: 50 } });
      await producer.connect();
      await producer.send({ topic: 'idem-cut', acks: -1, messages: [{ value: 'first' }] });
      proxy.cutAfterNextProduce = true;
      const [ack] = await producer.send({ topic: 'idem-cut', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `batch-${i}` })) });
      assert.ok(proxy.cuts >= 1, 'the connection was cut after the broker had the batch');
      assert.equal(Number(ack.baseOffset), 1, 'the retry is answered with the original offset');
      await producer.send({ topic: 'idem-cut', acks: -1, messages: [{ value: 'last' }] });
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      const [o] = await admin.fetchTopicOffsets('idem-cut');
      await admin.disconnect();
      assert.equal(Number(o.high), 12, 'exactly 12 records: the retried batch was not written twice');
      const got = await fetchAll(kafka, 'idem-cut', 0, 0, 12);
      assert.deepEqual(got.map((r) => r.value), ['first', ...Array.from({ length: 10 }, (_, i) => `batch-${i}`), 'last']);
    } finally {
      await proxy.close();
    }
  });
});

/** An error and its causes, as `Name: message` lines. */
function describeError(e: unknown): string {
  const out: string[] = [];
  for (let c: any = e; c && out.length < 5; c = c.originalError ?? c.cause) out.push(`${c.name}: ${c.message}`);
  return out.join(' <- ');
}

/** A kafkajs error that says the connection to the broker failed (or timed out), directly or as its cause. */
function brokerGone(e: unknown): boolean {
  for (let c: any = e, depth = 0; c && depth < 5; c = c.originalError ?? c.cause, depth++) {
    if (['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError'].includes(c.name)) return true;
    if (/ECONNREFUSED|ECONNRESET|EPIPE|Connection (closed|error)|Closed connection/i.test(String(c.message))) return true;
  }
  return false;
}

/** A TCP proxy that, when armed, forwards one Produce request, swallows its response and cuts the connection. */
class CuttingProxy {
  cutAfterNextProduce = false;
  cuts = 0;
  readonly #server = createServer((client) => this.#onClient(client));
  readonly #sockets = new Set<Socket>();
  constructor(readonly port: number, readonly target: number) {}

  listen(): Promise<void> {
    return new Promise((res) => this.#server.listen(this.port, '127.0.0.1', () => res()));
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((res) => this.#server.close(() => res()));
  }

  #onClient(client: Socket): void {
    const upstream = connect(this.target, '127.0.0.1');
    this.#sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let cutArmed = false;
    client.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
        pending = pending.subarray(frame.length);
        if (this.cutAfterNextProduce && frame.readInt16BE(4) === 0) {
          this.cutAfterNextProduce = false;
          cutArmed = true;
        }
        upstream.write(frame);
      }
    });
    upstream.on('data', (d: Buffer) => {
      if (cutArmed) {
        // The broker answered the produce: it has the batch. The client never hears of it.
        this.cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }
}
