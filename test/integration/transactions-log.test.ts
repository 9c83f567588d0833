// Transactions, the log side, against a real broker process: transactional batches (hand-built Produce
// requests with a transactional id: the coordinator that would hand out ids is not part of this file) and
// COMMIT/ABORT markers sent with WriteTxnMarkers, read by real clients: kcat (librdkafka,
// isolation.level=read_committed), a kafkajs consumer (readUncommitted: false) and the Java client's consumer
// (isolation.level=read_committed). Checked: committed data is visible to read_committed readers and aborted
// data is not (but is to read_uncommitted ones), control records are never delivered as data, the last stable
// offset holds later committed data back until the earlier open transaction ends, an open transaction survives
// kill -9 and restart (LSO held) until a marker ends it, Kafka's produce and marker errors, and Kafka's own
// DumpLogSegments reads our .txnindex and control batches.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { kafkaClient, createTopic as createTopicWith, type Writer } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { KAFKA_TOOL, KAFKA_TOOLS_RESOLVE_TIMEOUT_MS, kafkaToolsClasspath, runKafkaTool } from '../helpers/kafka-tools.js';
import { runIn } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_JAR } from '../helpers/client-check.js';
import { waitFor } from '../helpers/wait.js';
import { buildRecordBatch, ErrorCode, Fetch, ListOffsets, Produce, splitRecordBatches, WriteTxnMarkers } from '../../src/protocol/index.js';

const JAR = CLIENT_CHECK_JAR;

describe('transactions: markers, last stable offset and read_committed with real clients', () => {
  let broker: BrokerProcess;
  let raw: RawConnection;
  let javaBuilt: Promise<void>;

  before(async () => {
    // Hand-built transactions (no transaction coordinator involved): the broker takes their partitions on trust.
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'auto.create.topics.enable': false, 'log.cleaner.backoff.ms': 100, 'transaction.partition.verification.enable': false } });
    raw = await RawConnection.open(broker.port);
    // The Java client check program, built once (in the background while the other tests run).
    javaBuilt = buildClientCheck().then(() => undefined);
    javaBuilt.catch(() => undefined);
  });
  after(async () => {
    raw?.close();
    await broker?.close();
  });

  const createTopic = (topic: string, configEntries: Array<{ name: string; value: string }> = []) => createTopicWith(broker.bootstrap, topic, configEntries);

  /** Appends `values` as one batch: transactional for a writer under `transactionalId`, else plain. */
  async function produce(topic: string, values: string[], writer?: Writer, transactionalId: string | null = writer ? `tx-${writer.producerId}` : null, transactional = true): Promise<{ errorCode: number; baseOffset: number }> {
    // "key=value" gives the record a key.
    const record = (v: string) => {
      const i = v.indexOf('=');
      return { key: i < 0 ? null : Buffer.from(v.slice(0, i)), value: Buffer.from(i < 0 ? v : v.slice(i + 1)), timestamp: Date.now() };
    };
    const records = await buildRecordBatch(values.map(record),
      writer ? { producerId: writer.producerId, producerEpoch: writer.producerEpoch, baseSequence: writer.sequence, transactional } : {});
    const res = await raw.request(Produce, 9, { transactionalId, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    const p = res.responses[0]!.partitionResponses[0]!;
    if (writer && p.errorCode === ErrorCode.NONE) writer.sequence += values.length;
    return { errorCode: p.errorCode, baseOffset: p.baseOffset };
  }

  async function marker(topic: string, w: Writer, commit: boolean, partitions = [0]): Promise<number[]> {
    const res = await raw.request(WriteTxnMarkers, 1, { markers: [{ producerId: w.producerId, producerEpoch: w.producerEpoch, transactionResult: commit, coordinatorEpoch: 0, transactionVersion: 0,
      topics: [{ name: topic, partitionIndexes: partitions }] }] });
    return res.markers[0]!.topics[0]!.partitions.map((p) => p.errorCode);
  }

  async function latest(topic: string, isolationLevel: 0 | 1, timestamp = -1): Promise<number> {
    const res = await raw.request(ListOffsets, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] });
    const p = res.topics[0]!.partitions[0]!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    return p.offset;
  }

  /** What kcat reads from the beginning to the end of the partition (the LSO for read_committed). */
  async function kcatValues(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<Array<[number, string]>> {
    const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, '-f', RECORD_FORMAT]);
    assert.equal(r.code, 0, r.stderr);
    return parseRecords(r.stdout).map((x) => [x.offset, x.value]);
  }

  /** A kafkajs group consumer (readUncommitted: false) from the beginning until `last` arrives. */
  async function kafkajsReadCommitted(topic: string, last: string): Promise<string[]> {
    const consumer = kafkaClient(broker.bootstrap).consumer({ groupId: `g-${topic}-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 200 });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      } });
      await waitFor(`kafkajs reads ${last}`, () => seen.includes(last), 60_000);
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  test('committed data is read_committed, aborted data is not, and an open transaction holds the LSO', async () => {
    const topic = 'txn-visibility';
    await createTopic(topic);
    const a: Writer = { producerId: 1000, producerEpoch: 0, sequence: 0 };
    const b: Writer = { producerId: 2000, producerEpoch: 0, sequence: 0 };
    assert.equal((await produce(topic, ['p0'])).baseOffset, 0);
    assert.deepEqual(await produce(topic, ['a1', 'a2'], a), { errorCode: 0, baseOffset: 1 });
    assert.deepEqual(await produce(topic, ['b1'], b), { errorCode: 0, baseOffset: 3 });
    assert.deepEqual(await marker(topic, b, true), [ErrorCode.NONE]); // 4
    assert.equal((await produce(topic, ['p1'])).baseOffset, 5);

    // A's transaction (from offset 1) is open: read_committed readers stop there, B's committed data waits.
    assert.equal(await latest(topic, 1), 1, 'ListOffsets latest read_committed = LSO');
    assert.equal(await latest(topic, 0), 6, 'ListOffsets latest read_uncommitted = high watermark');
    assert.deepEqual(await kcatValues(topic, 'read_committed'), [[0, 'p0']]);
    assert.deepEqual(await kcatValues(topic, 'read_uncommitted'), [[0, 'p0'], [1, 'a1'], [2, 'a2'], [3, 'b1'], [5, 'p1']], 'control records are not delivered');

    assert.deepEqual(await marker(topic, a, false), [ErrorCode.NONE]); // 6: ABORT
    assert.equal(await latest(topic, 1), 7);
    assert.deepEqual(await kcatValues(topic, 'read_committed'), [[0, 'p0'], [3, 'b1'], [5, 'p1']], 'aborted a1, a2 dropped by librdkafka');
    assert.deepEqual((await kcatValues(topic, 'read_uncommitted')).map(([, v]) => v), ['p0', 'a1', 'a2', 'b1', 'p1']);

    await produce(topic, ['end']);
    assert.deepEqual(await kafkajsReadCommitted(topic, 'end'), ['p0', 'b1', 'p1', 'end'], 'kafkajs drops the aborted records');

    await javaBuilt;
    const j = await runIn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, 'consume', broker.bootstrap, topic, '4', '--isolation', 'read_committed', '--tail-ms', '500'], { timeoutMs: 120_000 });
    assert.equal(j.code, 0, j.stdout + j.stderr);
    const lines = j.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
    const summary = lines.pop();
    assert.deepEqual(lines.map((l: { o: number; v: string }) => [l.o, l.v]), [[0, 'p0'], [3, 'b1'], [5, 'p1'], [7, 'end']]);
    assert.equal(summary.extra, 0);
    assert.equal(summary.partitions['0'].end, 8, 'endOffsets (read_committed) = LSO');
  });

  test('an open transaction survives kill -9 and restart, holding the LSO until its marker', async () => {
    const topic = 'txn-restart';
    await createTopic(topic);
    const c: Writer = { producerId: 3000, producerEpoch: 2, sequence: 0 };
    await produce(topic, ['before']); // 0
    assert.equal((await produce(topic, ['c1', 'c2'], c)).baseOffset, 1);
    await produce(topic, ['after']); // 3
    assert.equal(await latest(topic, 1), 1);
    raw.close();
    await broker.kill9();
    await broker.restart();
    raw = await RawConnection.open(broker.port);
    assert.equal(await latest(topic, 1), 1, 'the open transaction came back with the log');
    assert.deepEqual(await kcatValues(topic, 'read_committed'), [[0, 'before']]);
    // The producer's state came back too: its next sequence continues, a stale epoch is fenced.
    assert.equal((await produce(topic, ['c3'], c)).baseOffset, 4);
    assert.deepEqual(await marker(topic, { ...c, producerEpoch: 1 }, true), [ErrorCode.INVALID_PRODUCER_EPOCH]);
    assert.deepEqual(await marker(topic, c, true), [ErrorCode.NONE]);
    assert.equal(await latest(topic, 1), 6);
    assert.deepEqual((await kcatValues(topic, 'read_committed')).map(([, v]) => v), ['before', 'c1', 'c2', 'after', 'c3']);
  });

  test('kill -9 again and again, mid-transaction and right after markers: read_committed sees exactly the committed records', async () => {
    const topic = 'txn-kill-loop';
    await createTopic(topic);
    const committed: string[] = [];
    const all: string[] = [];
    const restart = async () => {
      raw.close();
      await broker.kill9();
      await broker.restart();
      raw = await RawConnection.open(broker.port);
    };
    for (let cycle = 0; cycle < 4; cycle++) {
      const w: Writer = { producerId: 8000 + cycle, producerEpoch: 0, sequence: 0 };
      const commit = cycle % 2 === 0;
      const first = (await produce(topic, [`t${cycle}a`, `t${cycle}b`], w)).baseOffset;
      await produce(topic, [`plain${cycle}`]);
      all.push(`t${cycle}a`, `t${cycle}b`, `plain${cycle}`);
      await restart(); // mid-transaction
      assert.equal(await latest(topic, 1), first, `cycle ${cycle}: the LSO is held at the open transaction`);
      assert.ok((await kcatValues(topic, 'read_committed')).every(([o]) => o < first), `cycle ${cycle}: nothing past the LSO`);
      assert.deepEqual(await marker(topic, w, commit), [ErrorCode.NONE]);
      if (commit) committed.push(`t${cycle}a`, `t${cycle}b`);
      committed.push(`plain${cycle}`);
      await restart(); // right after the marker
      assert.equal(await latest(topic, 1), await latest(topic, 0), `cycle ${cycle}: stable to the end`);
      const seen = (await kcatValues(topic, 'read_committed')).map(([, v]) => v);
      assert.deepEqual([...seen].sort(), [...committed].sort(), `cycle ${cycle}: exactly the committed records`);
    }
    assert.deepEqual((await kcatValues(topic, 'read_uncommitted')).map(([, v]) => v).sort(), [...all].sort());
  });

  test('a read_committed long poll at the LSO is woken by the marker that moves it', async () => {
    const topic = 'txn-long-poll';
    await createTopic(topic);
    const e: Writer = { producerId: 5000, producerEpoch: 0, sequence: 0 };
    await produce(topic, ['e1'], e); // 0
    await produce(topic, ['plain']); // 1
    const poller = await RawConnection.open(broker.port);
    try {
      const started = Date.now();
      const fetching = poller.request(Fetch, 12, { replicaId: -1, maxWaitMs: 30_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' });
      // The fetch waits (nothing below the LSO); the marker on another connection ends the transaction.
      await waitFor('the fetch to be waiting', () => Date.now() - started > 300, 5_000, 50);
      assert.deepEqual(await marker(topic, e, true), [ErrorCode.NONE]);
      const res = await fetching;
      assert.ok(Date.now() - started < 20_000, 'answered by the marker, not by max_wait_ms');
      const p = res.responses[0]!.partitions[0]!;
      assert.equal(p.lastStableOffset, 3);
      assert.deepEqual(p.abortedTransactions, []);
      assert.ok(splitRecordBatches(p.records!).length >= 2, 'the committed batch and the plain one');
    } finally {
      poller.close();
    }
  });

  test('Kafka\'s errors: transactional data without an id, non-transactional data inside a transaction, unknown partitions; repeated markers are harmless', async () => {
    const topic = 'txn-rules';
    await createTopic(topic);
    const d: Writer = { producerId: 4000, producerEpoch: 0, sequence: 0 };
    assert.equal((await produce(topic, ['x'], d, null)).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    await produce(topic, ['plain']); // 0
    await new Promise((r) => setTimeout(r, 5)); // the clock moves on: d1's timestamp is later than plain's
    const t1 = Date.now();
    assert.equal((await produce(topic, ['d1'], d)).errorCode, ErrorCode.NONE); // 1, open
    // A timestamp lookup answers only offsets below the LSO for read_committed (Kafka's lastFetchableOffset).
    assert.equal(await latest(topic, 0, t1), 1);
    assert.equal(await latest(topic, 1, t1), -1);
    assert.equal(await latest(topic, 1, 0), 0);
    assert.equal((await produce(topic, ['d2'], d, 'tx-4000', false)).errorCode, ErrorCode.INVALID_TXN_STATE);
    assert.deepEqual(await marker(topic, d, false, [0, 7]), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    assert.deepEqual(await marker(topic, d, false), [ErrorCode.NONE], 'a coordinator retrying its marker gets no error');
    assert.deepEqual(await marker(topic, { producerId: 9999, producerEpoch: 0, sequence: 0 }, true), [ErrorCode.NONE], 'a marker for a producer the partition never saw is written, as Kafka does');
    assert.equal(await latest(topic, 1), await latest(topic, 0));
    assert.deepEqual((await kcatValues(topic, 'read_committed')).map(([, v]) => v), ['plain']);
  });

  test('the LSO never falls below the log start offset (DeleteRecords past an open transaction\'s start)', async () => {
    const topic = 'txn-log-start';
    await createTopic(topic);
    const f: Writer = { producerId: 6000, producerEpoch: 0, sequence: 0 };
    await produce(topic, ['f1'], f); // 0: opens
    await produce(topic, ['x', 'y']); // 1-2
    await produce(topic, ['f2'], f); // 3
    assert.equal(await latest(topic, 1), 0);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
    } finally {
      await admin.disconnect();
    }
    assert.equal(await latest(topic, 1), 2, 'clamped to the new log start offset');
    assert.deepEqual(await kcatValues(topic, 'read_committed'), []);
    assert.deepEqual(await marker(topic, f, true), [ErrorCode.NONE]);
    assert.deepEqual((await kcatValues(topic, 'read_committed')).map(([, v]) => v), ['y', 'f2']);
  });

  test('compaction removes aborted records, which never hide the committed value of their key; markers stay', async () => {
    const topic = 'txn-compacted';
    await createTopic(topic, [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1024' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'min.compaction.lag.ms', value: '0' }]);
    const g: Writer = { producerId: 7000, producerEpoch: 0, sequence: 0 };
    const h: Writer = { producerId: 7001, producerEpoch: 0, sequence: 0 };
    await produce(topic, ['k=v1']); // 0
    await produce(topic, ['k=aborted'], g); // 1
    assert.deepEqual(await marker(topic, g, false), [ErrorCode.NONE]); // 2
    await produce(topic, ['j=committed'], h); // 3
    assert.deepEqual(await marker(topic, h, true), [ErrorCode.NONE]); // 4
    for (let i = 0; i < 60; i++) await produce(topic, [`f${i % 3}=${'x'.repeat(100)}${i}`]);
    // Cleaned once read_uncommitted readers no longer see the aborted record either.
    const uncommitted = await waitFor('the cleaner to remove the aborted record', async () => {
      const got = await kcatValues(topic, 'read_uncommitted');
      return got.some(([, v]) => v === 'aborted') ? undefined : got;
    }, 60_000, 500);
    assert.deepEqual(uncommitted.slice(0, 2), [[0, 'v1'], [3, 'committed']], 'v1 kept at its offset: the aborted k did not hide it');
    const committed = await kcatValues(topic, 'read_committed');
    assert.deepEqual(committed.slice(0, 2), [[0, 'v1'], [3, 'committed']]);
    assert.ok(committed.length < 62, 'the fill was compacted too');
    const dump = await runKafkaTool(KAFKA_TOOL.dumpLogSegments, ['--deep-iteration', '--files', join(broker.logDir, `${topic}-0`, '00000000000000000000.log')], KAFKA_TOOLS_RESOLVE_TIMEOUT_MS);
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, /offset: 2 .*endTxnMarker: ABORT/, 'the ABORT marker stays');
    assert.match(dump.stdout, /offset: 4 .*endTxnMarker: COMMIT/, 'the COMMIT marker stays');
  });

  test('Kafka\'s DumpLogSegments reads the .txnindex and the control batches', async () => {
    await kafkaToolsClasspath();
    const dir = join(broker.logDir, 'txn-visibility-0');
    const idx = await runKafkaTool(KAFKA_TOOL.dumpLogSegments, ['--files', join(dir, '00000000000000000000.txnindex')], KAFKA_TOOLS_RESOLVE_TIMEOUT_MS);
    assert.equal(idx.code, 0, idx.stderr);
    assert.match(idx.stdout, /version: 0 producerId: 1000 firstOffset: 1 lastOffset: 6 lastStableOffset: 7/);
    const log = await runKafkaTool(KAFKA_TOOL.dumpLogSegments, ['--deep-iteration', '--files', join(dir, '00000000000000000000.log')], KAFKA_TOOLS_RESOLVE_TIMEOUT_MS);
    assert.equal(log.code, 0, log.stderr);
    assert.match(log.stdout, /baseOffset: 4 lastOffset: 4 count: 1 .*producerId: 2000 .*isTransactional: true isControl: true/);
    assert.match(log.stdout, /offset: 4 .*endTxnMarker: COMMIT coordinatorEpoch: 0/);
    assert.match(log.stdout, /offset: 6 .*endTxnMarker: ABORT coordinatorEpoch: 0/);
    assert.match(log.stdout, /baseOffset: 1 lastOffset: 2 count: 2 .*producerId: 1000 .*isTransactional: true isControl: false/);
  });
});
