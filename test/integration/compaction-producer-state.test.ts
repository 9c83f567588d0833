// The cleaner keeps each active producer's last batch, as Kafka's does (LogCleaner's
// isBatchLastRecordOfProducer, BatchRetention.RETAIN_EMPTY): on a compacted topic with small segments, a
// kafkajs idempotent producer and a hand-built idempotent writer each end with a batch whose records plain
// writes overwrite. After cleaning, both batches are still in the log as headers alone (no records, same
// offsets, producer id, epoch and sequences), which Kafka's DumpLogSegments reads as valid; kcat, the Java
// consumer and kafkajs read the compacted topic across them (from the beginning, and from an empty batch's
// own offset). Then the
// broker is stopped, every producer snapshot of the partition removed and the broker restarted: the producer
// state rebuilt from the log still knows the writer's last sequence, so a retry of its last batch is answered
// as a duplicate with the original offset and nothing is appended.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { createTopic, fetchAll, kafkaClient, type Writer } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { dumpPartitionLog, KAFKA_TOOL, kafkaToolsClasspath, partitionFiles, runKafkaTool } from '../helpers/kafka-tools.js';
import { waitFor } from '../helpers/wait.js';
import { buildRecordBatch, ErrorCode, ListOffsets, Produce } from '../../src/protocol/index.js';

const { ConfigResourceTypes } = kafkajs;
const FILL = 30;

describe('the cleaner keeps an active producer\'s last batch (as an empty batch when no record survives)', () => {
  let broker: BrokerProcess;
  let raw: RawConnection;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'auto.create.topics.enable': false, 'log.cleaner.backoff.ms': 100,
      'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 } });
    raw = await RawConnection.open(broker.port);
  });
  after(async () => {
    raw?.close();
    await broker?.close();
  });

  /** One hand-built batch of keyed records; the writer's sequence moves on only when it was written. */
  async function produce(topic: string, records: Array<[string, string]>, writer: Writer): Promise<{ errorCode: number; baseOffset: number }> {
    const batch = await buildRecordBatch(records.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v), timestamp: Date.now() })),
      { producerId: writer.producerId, producerEpoch: writer.producerEpoch, baseSequence: writer.sequence });
    const res = await raw.request(Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    const p = res.responses[0]!.partitionResponses[0]!;
    if (p.errorCode === ErrorCode.NONE) writer.sequence += records.length;
    return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
  }

  async function logEnd(topic: string): Promise<number> {
    const res = await raw.request(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
    const p = res.topics[0]!.partitions[0]!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    return Number(p.offset);
  }

  test('empty batches after cleaning: DumpLogSegments, kcat and kafkajs read them; a restart without snapshots still spots the retry', { timeout: 300_000 }, async () => {
    const topic = 'producer-compacted';
    // A day of min.compaction.lag.ms holds the cleaner back until everything is written.
    const configs = (lagMs: string) => [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1024' }, { name: 'min.compaction.lag.ms', value: lagMs },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    ];
    await createTopic(broker.bootstrap, topic, configs('86400000'));
    const kafka = kafkaClient(broker.bootstrap, 'producer-compacted');
    const expected = new Map<string, string>();

    // A kafkajs idempotent producer writes the same five keys over and over, one batch per send.
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    for (let round = 0; round < 6; round++) {
      await idempotent.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, k) => ({ key: `k-${k}`, value: `idem-${round}-${k}`, partition: 0 })) });
    }
    await idempotent.disconnect();
    // A hand-built idempotent writer: two batches of the same keys; the second is its last.
    const writer: Writer = { producerId: 5000, producerEpoch: 0, sequence: 0 };
    assert.equal((await produce(topic, [['w-0', 'w-first-0'], ['w-1', 'w-first-1']], writer)).errorCode, ErrorCode.NONE);
    const lastSequence = writer.sequence;
    const lastRecords: Array<[string, string]> = [['w-0', 'w-last-0'], ['w-1', 'w-last-1']];
    const last = await produce(topic, lastRecords, writer);
    assert.equal(last.errorCode, ErrorCode.NONE);
    // Plain writes overwrite every key of both producers' last batches, then fill records close their segments.
    const plain = kafka.producer();
    await plain.connect();
    for (const key of ['k-0', 'k-1', 'k-2', 'k-3', 'k-4', 'w-0', 'w-1']) {
      await plain.send({ topic, acks: -1, messages: [{ key, value: `final-${key}`, partition: 0 }] });
      expected.set(key, `final-${key}`);
    }
    for (let i = 0; i < FILL; i++) {
      await plain.send({ topic, acks: -1, messages: [{ key: `fill-${i}`, value: `fill-${i}-`.padEnd(60, '.'), partition: 0 }] });
      expected.set(`fill-${i}`, `fill-${i}-`.padEnd(60, '.'));
    }
    await plain.disconnect();
    const end = await logEnd(topic);

    const dir = join(broker.logDir, `${topic}-0`);
    const files = (suffix: string) => partitionFiles(dir, suffix);
    await kafkaToolsClasspath();
    const dumpLogs = () => dumpPartitionLog(dir);
    /** DumpLogSegments' batch lines of producers (not the plain ones, producer id -1). */
    const producerBatches = (dump: string) => dump.split('\n').filter((l) => /^baseOffset: /.test(l) && !/producerId: -1 /.test(l));
    const emptyBatches = (dump: string) => producerBatches(dump).filter((l) => / count: 0 /.test(l));
    assert.equal(emptyBatches(await dumpLogs()).length, 0, 'no empty batch before cleaning');

    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: configs('0') }] });
    } finally {
      await admin.disconnect();
    }
    // Cleaned: every overwritten record is gone; the producers' batches left are their last two, emptied.
    const dump = await waitFor('the cleaner to empty both producers\' last batches', async () => {
      const d = await dumpLogs();
      return emptyBatches(d).length === 2 && producerBatches(d).length === 2 ? d : undefined;
    }, 120_000, 1000);
    assert.doesNotMatch(dump, /isvalid: false/, 'every batch passes Kafka\'s checks');
    const [idemEmpty, writerEmpty] = emptyBatches(dump);
    assert.match(writerEmpty!, new RegExp(`^baseOffset: ${last.baseOffset} lastOffset: ${last.baseOffset + 1} count: 0 baseSequence: ${lastSequence} lastSequence: ${lastSequence + 1} producerId: 5000 producerEpoch: 0 `), writerEmpty);
    assert.match(idemEmpty!, /count: 0 baseSequence: 25 lastSequence: 29 producerId: \d+ producerEpoch: 0 /, idemEmpty);
    assert.match(writerEmpty!, /isTransactional: false isControl: false/);
    const emptyOffset = last.baseOffset;

    // Consumers read the compacted topic across the empty batches: every live key once, with its latest value.
    const assertLatest = (records: Array<{ key: string | null; value: string | null }>, what: string) => {
      const seen = new Map<string, string>();
      for (const r of records) {
        assert.ok(!seen.has(r.key ?? ''), `${what}: key ${r.key} twice`);
        seen.set(r.key ?? '', r.value ?? '');
      }
      assert.deepEqual(seen, expected, what);
    };
    const viaKcat = async (from: number | 'beginning') => {
      const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', String(from), '-e', '-f', RECORD_FORMAT]);
      assert.equal(r.code, 0, r.stderr);
      return parseRecords(r.stdout);
    };
    assertLatest(await viaKcat('beginning'), 'kcat from the beginning');
    const kcatFromEmpty = await viaKcat(emptyOffset);
    assert.ok(kcatFromEmpty.length > 0 && kcatFromEmpty[0]!.offset > emptyOffset + 1, 'kcat from the empty batch\'s offset reads on past it');
    assert.equal(kcatFromEmpty.at(-1)!.offset, end - 1);
    // The Java consumer (Kafka's console consumer), from the beginning and from the empty batch's offset.
    const viaJava = async (from: string[], count: number) => {
      const r = await runKafkaTool(KAFKA_TOOL.consoleConsumer, ['--bootstrap-server', broker.bootstrap, '--topic', topic, ...from, '--max-messages', String(count),
        '--timeout-ms', '30000', '--property', 'print.key=true', '--property', 'key.separator=='], 120_000);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => ({ key: l.slice(0, l.indexOf('=')), value: l.slice(l.indexOf('=') + 1) }));
    };
    assertLatest(await viaJava(['--from-beginning'], expected.size), 'Java consumer from the beginning');
    assert.deepEqual((await viaJava(['--partition', '0', '--offset', String(emptyOffset)], kcatFromEmpty.length)).map((r) => r.key),
      kcatFromEmpty.map((r) => r.key), 'Java consumer from the empty batch\'s offset');
    assertLatest(await fetchAll(kafka, topic, 0, 0, expected.size), 'kafkajs fetch from the beginning');
    const fromEmpty = await fetchAll(kafka, topic, 0, emptyOffset, kcatFromEmpty.length);
    assert.deepEqual(fromEmpty.map((r) => r.offset), kcatFromEmpty.map((r) => r.offset), 'kafkajs from the empty batch\'s offset');
    const consumer = kafka.consumer({ groupId: 'producer-compacted', maxWaitTimeInMs: 200 });
    const consumed: Array<{ key: string | null; value: string | null }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => {
        consumed.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
      } });
      await waitFor('the kafkajs consumer to reach the last record', () => consumed.some((r) => r.key === `fill-${FILL - 1}`), 60_000);
    } finally {
      await consumer.disconnect();
    }
    assertLatest(consumed, 'kafkajs consumer group');

    // Stop, remove the partition's producer snapshots, restart: the state is rebuilt from the log alone.
    await broker.stop();
    for (const f of files('.snapshot')) rmSync(f);
    await broker.restart();
    raw.close();
    raw = await RawConnection.open(broker.port);
    assert.equal(await logEnd(topic), end);
    const retry: Writer = { ...writer, sequence: lastSequence };
    assert.deepEqual(await produce(topic, lastRecords, retry), { errorCode: ErrorCode.NONE, baseOffset: last.baseOffset }, 'the retry of the last batch is a duplicate');
    assert.equal(await logEnd(topic), end, 'nothing was appended');
    const gap: Writer = { ...writer, sequence: writer.sequence + 3 };
    assert.equal((await produce(topic, [['w-0', 'gap']], gap)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a gap after it is refused');
    assert.equal((await produce(topic, [['w-0', 'next']], writer)).errorCode, ErrorCode.NONE, 'the next sequence is accepted');
  });
});
