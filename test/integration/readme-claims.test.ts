// README claims that had no test of their own:
//  - "Compressed batches are cleaned too: ... keeping its base offset, lastOffsetDelta and producer fields;
//    control batches stay whole" (Log lifecycle): idempotent batches, plain and gzip, partly cleaned, and a
//    control batch (a transaction COMMIT marker, placed in the log the way a coordinator would write it:
//    clients may not produce one) read back from the segment files after compaction.
//  - "a small log.flush.interval.ms ... or per topic (flush.ms)" (Durability contract): a topic with flush.ms
//    is fsynced on its own, seen as its recovery point moving in recovery-point-offset-checkpoint (which only
//    a flush moves), while a topic without it stays at 0; setting flush.ms at run time starts the flushes.
//  - "Subscribers at the same position share one read, decode and encoding" (Streaming over WebSocket): 20
//    WebSocket subscribers of one partition cost about one log read per append, counted on the broker's
//    gregor:broker:fetch diagnostics channel in an in-process broker.
// (IncrementalAlterConfigs SUBTRACT is in java-client-protocol.test.ts, Kafka's tools reading our files in
// dump-log-segments.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { CompressionTypes } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { waitFor } from '../helpers/wait.js';
import { WsClient } from './gateway-helpers.js';
import { buildControlBatch, ControlRecordType, crc32c } from '../../src/protocol/index.js';
import { Broker, createLogger, fetchChannel, type FetchEvent } from '../../src/broker/index.js';
import { loadBrokerConfig } from '../../src/config/index.js';
import { Gateway, gatewayOptions } from '../../src/gateway/index.js';

const { ConfigResourceTypes } = kafkajs;

interface StoredBatch {
  position: number;
  bytes: Buffer;
  baseOffset: number;
  lastOffsetDelta: number;
  attributes: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Every batch of a partition's segment files, in offset order (RecordBatch v2 header fields). */
function storedBatches(dir: string): StoredBatch[] {
  const out: StoredBatch[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const buf = readFileSync(join(dir, name));
    let pos = 0;
    while (pos + 61 <= buf.length) {
      const size = 12 + buf.readInt32BE(pos + 8);
      out.push({
        position: pos, bytes: buf.subarray(pos, pos + size), baseOffset: Number(buf.readBigInt64BE(pos)), attributes: buf.readInt16BE(pos + 21),
        lastOffsetDelta: buf.readInt32BE(pos + 23), producerId: Number(buf.readBigInt64BE(pos + 43)), producerEpoch: buf.readInt16BE(pos + 51),
        baseSequence: buf.readInt32BE(pos + 53), recordCount: buf.readInt32BE(pos + 57),
      });
      pos += size;
    }
  }
  return out;
}

/** A transaction COMMIT marker batch (control + transactional), as a transaction coordinator writes it. */
function commitMarker(baseOffset: number, producerId: number, producerEpoch: number): Buffer {
  return buildControlBatch({ type: ControlRecordType.COMMIT, coordinatorEpoch: 7 }, { baseOffset, producerId, producerEpoch, timestamp: Date.now(), partitionLeaderEpoch: 0 });
}

describe('compaction keeps producer fields and control batches', () => {
  let broker: BrokerProcess;
  after(async () => {
    await broker?.close();
  });

  test('partly cleaned idempotent batches (plain and gzip) keep base offset, lastOffsetDelta and producer fields; a control batch stays whole', { timeout: 180_000 }, async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.cleaner.backoff.ms': 100 } });
    const topic = 'compact-producer';
    const dir = join(broker.logDir, `${topic}-0`);
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    const configs = (lagMs: number) => [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '2048' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'min.compaction.lag.ms', value: String(lagMs) },
    ];
    // A day of min.compaction.lag.ms: nothing is cleaned until the control batch is in place.
    await admin.createTopics({ topics: [{ topic, configEntries: configs(86_400_000) }] });
    // Batch j: one record with a key of its own (it survives) and 9 records with shared keys that later
    // batches overwrite: after cleaning, each but the last batch keeps one record of ten.
    const BATCHES = 24;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let j = 0; j < BATCHES; j++) {
        const messages = [{ key: `own-${j}`, value: `own value ${j}` }, ...Array.from({ length: 9 }, (_, s) => ({ key: `shared-${s}`, value: `shared ${s} from ${j} ${'z'.repeat(40)}` }))];
        await producer.send({ topic, acks: -1, compression: j % 2 === 0 ? CompressionTypes.None : CompressionTypes.GZIP, messages });
      }
    } finally {
      await producer.disconnect();
    }
    assert.equal(await broker.stop(), 0);
    const before = storedBatches(dir);
    assert.equal(before.length, BATCHES);
    const producerId = before[0]!.producerId;
    assert.ok(producerId >= 0, 'idempotent batches carry a producer id');
    // The COMMIT marker goes at the end of the active segment (recovery scans it on start), then more
    // records roll it into a closed segment.
    const active = readdirSync(dir).filter((n) => n.endsWith('.log')).sort().at(-1)!;
    const marker = commitMarker(BATCHES * 10, 4242, 3);
    appendFileSync(join(dir, active), marker);
    await broker.restart();
    const producer2 = kafka.producer();
    await producer2.connect();
    try {
      for (let i = 0; i < 20; i++) await producer2.send({ topic, acks: -1, messages: [{ key: `tail-${i}`, value: 'x'.repeat(200) }] });
    } finally {
      await producer2.disconnect();
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(Number(offsets[0]!.high), BATCHES * 10 + 1 + 20, 'the marker took one offset');
    const cleaningFrom = Date.now();
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: configs(0) }] }); // (AlterConfigs replaces the whole set)
    await admin.disconnect();

    const cleaned = await waitFor('compaction of the idempotent batches', () => {
      const now = storedBatches(dir);
      const firsts = now.filter((b) => b.baseOffset < (BATCHES - 1) * 10);
      return firsts.length === BATCHES - 1 && firsts.every((b) => b.recordCount === 1) ? now : undefined;
    }, 60_000, 200);
    for (let j = 0; j < BATCHES; j++) {
      const was = before[j]!;
      const now = cleaned.find((b) => b.baseOffset === was.baseOffset);
      assert.ok(now, `batch ${j} (base offset ${was.baseOffset}) is still there`);
      assert.deepEqual(
        { lastOffsetDelta: now.lastOffsetDelta, attributes: now.attributes, producerId: now.producerId, producerEpoch: now.producerEpoch, baseSequence: now.baseSequence },
        { lastOffsetDelta: was.lastOffsetDelta, attributes: was.attributes, producerId: was.producerId, producerEpoch: was.producerEpoch, baseSequence: was.baseSequence },
        `batch ${j}: same offsets span, codec and producer fields`,
      );
      assert.equal(now.recordCount, j < BATCHES - 1 ? 1 : 10, `batch ${j}: survivors`);
      assert.equal(now.bytes.readUInt32BE(17), crc32c(now.bytes, 0, 21), `batch ${j}: a valid CRC`);
    }
    const m = cleaned.find((b) => b.baseOffset === BATCHES * 10);
    assert.ok(m, 'the control batch is still there');
    // Its transaction has no data in the log, so the pass stamps it with a delete horizon (KIP-534: attribute
    // bit 0x40, now + delete.retention.ms in the base timestamp, CRC redone); everything else stays as written.
    assert.equal(m.bytes.length, marker.length);
    assert.deepEqual(m.bytes.subarray(0, 17), marker.subarray(0, 17), 'base offset, length, leader epoch, magic');
    assert.equal(m.bytes.readInt16BE(21), marker.readInt16BE(21) | 0x40, 'the delete-horizon attribute bit');
    const horizon = Number(m.bytes.readBigInt64BE(27));
    assert.ok(horizon >= cleaningFrom + 86_400_000 && horizon <= Date.now() + 86_400_000, `delete horizon ${horizon}: cleaning time + delete.retention.ms (1 day)`);
    assert.deepEqual(m.bytes.subarray(35), marker.subarray(35), 'max timestamp, producer fields, the marker record');
    assert.equal(m.bytes.readUInt32BE(17), crc32c(m.bytes, 0, 21), 'a valid CRC');
    assert.ok(readdirSync(dir).filter((n) => n.endsWith('.log')).sort()[0]! < `${String(BATCHES * 10).padStart(20, '0')}.log`, 'the marker sits in a closed segment');
    // Consumers see exactly the survivors (and never the marker as a record).
    const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%o %k\n']);
    assert.equal(r.code, 0, r.stderr);
    const keys = r.stdout.trim().split('\n').map((l) => l.split(' ')[1]);
    assert.deepEqual(keys.filter((k) => k!.startsWith('own-')), Array.from({ length: BATCHES }, (_, j) => `own-${j}`));
  });
});

describe('flush.ms: a topic is fsynced at least that often', () => {
  let broker: BrokerProcess;
  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.flush.scheduler.interval.ms': 50, 'log.flush.offset.checkpoint.interval.ms': 100 } });
  });
  after(async () => {
    await broker?.close();
  });

  /** topic -> recovery point of partition 0, from Kafka's checkpoint format ("0\n<count>\n<topic> <partition> <offset>\n..."). */
  function recoveryPoints(): Map<string, number> {
    const lines = readFileSync(join(broker.logDir, 'recovery-point-offset-checkpoint'), 'utf8').trim().split('\n');
    assert.equal(lines[0], '0');
    const out = new Map<string, number>();
    for (const l of lines.slice(2)) {
      const [topic, partition, offset] = l.split(' ');
      if (partition === '0') out.set(topic!, Number(offset));
    }
    return out;
  }

  test('only the topic with flush.ms moves its recovery point; setting flush.ms at run time starts flushing another', { timeout: 120_000 }, async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await admin.createTopics({ topics: [
        { topic: 'flushed', configEntries: [{ name: 'flush.ms', value: '200' }] },
        { topic: 'unflushed' },
      ] });
      for (const topic of ['flushed', 'unflushed']) await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
      const points = await waitFor('the flushed topic\'s recovery point at 5', () => {
        const p = recoveryPoints();
        return p.get('flushed') === 5 ? p : undefined;
      }, 20_000, 50);
      assert.equal(points.get('unflushed') ?? 0, 0, 'no flush without flush.ms (the OS decides)');
      // More records: flushed again within the bound.
      await producer.send({ topic: 'flushed', acks: -1, messages: [{ value: 'more' }] });
      await waitFor('the flushed topic\'s recovery point at 6', () => recoveryPoints().get('flushed') === 6, 20_000, 50);
      assert.equal(recoveryPoints().get('unflushed') ?? 0, 0);
      // flush.ms set at run time applies at once.
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'unflushed', configEntries: [{ name: 'flush.ms', value: '200' }] }] });
      await waitFor('the other topic\'s recovery point at 5', () => recoveryPoints().get('unflushed') === 5, 20_000, 50);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});

describe('WebSocket subscribers at the same position share one read and decode', () => {
  let broker: Broker;
  let gateway: Gateway;
  let logDir: string;
  let wsUrl: string;
  before(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'gregor-shared-'));
    const config = loadBrokerConfig({ overrides: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'gateway.listeners': 'HTTP://127.0.0.1:0' } });
    broker = await Broker.start(config, { logger: createLogger('warn') });
    gateway = await Gateway.start(broker, gatewayOptions(config)!);
    wsUrl = `ws://127.0.0.1:${gateway.port}/ws`;
  });
  after(async () => {
    await gateway?.stop();
    await broker?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  test('20 subscribers, 10 appends: about one log read per append, not one per subscriber', { timeout: 120_000 }, async () => {
    const SUBSCRIBERS = 20;
    const APPENDS = 10;
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'fanout', numPartitions: 1 }] });
    await admin.disconnect();
    // Every read of record bytes for a client is published on the gregor:broker:fetch channel.
    let reads = 0;
    const onRead = (e: unknown) => {
      const ev = e as FetchEvent;
      if (ev.topic === 'fanout' && ev.ingress === 'websocket') reads++;
    };
    fetchChannel.subscribe(onRead);
    const clients = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => WsClient.open(wsUrl)));
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (const c of clients) c.send({ type: 'subscribe', topic: 'fanout', from: 'latest', credit: null });
      await Promise.all(clients.map((c) => c.until('subscribed', () => c.texts.some((t) => t.type === 'subscribed'))));
      const readsBefore = reads;
      for (let i = 0; i < APPENDS; i++) {
        await producer.send({ topic: 'fanout', acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
        // Every subscriber gets the record before the next append: all wait at the same position.
        await Promise.all(clients.map((c) => c.until(`record ${i}`, () => c.records.length === i + 1)));
      }
      for (const c of clients) assert.deepEqual(c.records.map((r) => [r.offset, r.key, r.value]), Array.from({ length: APPENDS }, (_, i) => [i, `k${i}`, `v${i}`]));
      const n = reads - readsBefore;
      // Unshared, every subscriber would read (and decode) each append itself: 20 reads per append.
      assert.ok(n >= APPENDS && n <= 3 * APPENDS, `${n} reads of record bytes for ${APPENDS} appends to ${SUBSCRIBERS} subscribers`);
    } finally {
      fetchChannel.unsubscribe(onRead);
      await producer.disconnect();
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
