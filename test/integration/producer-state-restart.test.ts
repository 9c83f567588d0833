// Producer state across restarts, with producer snapshots (`<offset>.snapshot`, Kafka's format) written when a
// segment rolls and when the broker stops cleanly. An idempotent writer and a transactional one (hand-built
// Produce requests and WriteTxnMarkers) write over many small segments; the broker is killed with SIGKILL and
// restarted, then stopped cleanly and restarted: each time a retry of the idempotent writer's last batch is still
// answered as a duplicate with its original offset, a gap in its sequence is still OUT_OF_ORDER_SEQUENCE_NUMBER,
// and the open transaction still holds the last stable offset until its marker. Kafka's own DumpLogSegments
// reads the snapshot files. Then a kafkajs transactional producer is left mid-transaction by a SIGKILL: after
// the restart its transaction still holds the LSO, and the coordinator aborts it when the same transactional id
// comes back (read_committed readers never see it, read_uncommitted ones do).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { kafkaClient, createTopic as createTopicWith, type Writer } from '../helpers/kafkajs.js';
import { KAFKA_TOOL, KAFKA_TOOLS_RESOLVE_TIMEOUT_MS, kafkaToolsClasspath, runKafkaTool } from '../helpers/kafka-tools.js';
import { waitFor } from '../helpers/wait.js';
import { buildRecordBatch, ErrorCode, ListOffsets, Produce, WriteTxnMarkers } from '../../src/protocol/index.js';

describe('producer state survives kill -9 and clean restarts (producer snapshots)', () => {
  let broker: BrokerProcess;
  let raw: RawConnection;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'auto.create.topics.enable': false, 'transaction.partition.verification.enable': false,
      'transaction.state.log.num.partitions': 1, 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 } });
    raw = await RawConnection.open(broker.port);
  });
  after(async () => {
    raw?.close();
    await broker?.close();
  });

  async function reconnect(): Promise<void> {
    raw.close();
    raw = await RawConnection.open(broker.port);
  }

  const createTopic = (topic: string, configEntries: Array<{ name: string; value: string }> = []) => createTopicWith(broker.bootstrap, topic, configEntries);

  /** One batch of `values`; the writer's sequence moves on only when it was written. */
  async function produce(topic: string, values: string[], writer?: Writer, transactional = false): Promise<{ errorCode: number; baseOffset: number }> {
    const records = await buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })),
      writer ? { producerId: writer.producerId, producerEpoch: writer.producerEpoch, baseSequence: writer.sequence, transactional } : {});
    const transactionalId = writer && transactional ? `tx-${writer.producerId}` : null;
    const res = await raw.request(Produce, 9, { transactionalId, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    const p = res.responses[0]!.partitionResponses[0]!;
    if (writer && p.errorCode === ErrorCode.NONE) writer.sequence += values.length;
    return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
  }

  async function marker(topic: string, w: Writer, commit: boolean): Promise<number> {
    const res = await raw.request(WriteTxnMarkers, 1, { markers: [{ producerId: w.producerId, producerEpoch: w.producerEpoch, transactionResult: commit, coordinatorEpoch: 0, transactionVersion: 0,
      topics: [{ name: topic, partitionIndexes: [0] }] }] });
    return res.markers[0]!.topics[0]!.partitions[0]!.errorCode;
  }

  async function latest(topic: string, isolationLevel: 0 | 1): Promise<number> {
    const res = await raw.request(ListOffsets, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
    const p = res.topics[0]!.partitions[0]!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    return Number(p.offset);
  }

  const snapshots = (topic: string): number[] => readdirSync(join(broker.logDir, `${topic}-0`)).filter((f) => f.endsWith('.snapshot')).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);

  test('idempotent sequences and an open transaction after SIGKILL and after a clean restart; DumpLogSegments reads the snapshots', { timeout: 300_000 }, async () => {
    const topic = 'pstate';
    await createTopic(topic, [{ name: 'segment.bytes', value: '600' }]);
    const idem: Writer = { producerId: 5000, producerEpoch: 0, sequence: 0 };
    const txn: Writer = { producerId: 6000, producerEpoch: 0, sequence: 0 };
    await produce(topic, ['plain-0']);
    const txnFirst = (await produce(topic, ['t-0'], txn, true)).baseOffset;
    let last = { values: [] as string[], baseOffset: -1, sequence: 0 };
    for (let i = 0; i < 30; i++) {
      const values = [`i-${i}-a`, `i-${i}-b`];
      const sequence = idem.sequence;
      const r = await produce(topic, values, idem);
      assert.equal(r.errorCode, ErrorCode.NONE);
      last = { values, baseOffset: r.baseOffset, sequence };
      if (i % 10 === 5) assert.equal((await produce(topic, [`t-${i}`], txn, true)).errorCode, ErrorCode.NONE);
    }
    const end = await latest(topic, 0);
    assert.ok(snapshots(topic).length >= 5, `a snapshot per rolled segment: ${snapshots(topic)}`);
    assert.equal(await latest(topic, 1), txnFirst, 'the open transaction holds the LSO');

    const checkState = async (when: string) => {
      const retry: Writer = { ...idem, sequence: last.sequence };
      const again = await produce(topic, last.values, retry);
      assert.deepEqual(again, { errorCode: ErrorCode.NONE, baseOffset: last.baseOffset }, `${when}: the retried batch is a duplicate`);
      const gap: Writer = { ...idem, sequence: idem.sequence + 5 };
      assert.equal((await produce(topic, ['gap'], gap)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `${when}: a gap is refused`);
      assert.equal(await latest(topic, 0), end, `${when}: nothing was appended`);
      assert.equal(await latest(topic, 1), txnFirst, `${when}: the transaction still holds the LSO`);
    };
    await checkState('live');
    await broker.kill9();
    await broker.restart();
    await reconnect();
    await checkState('after SIGKILL');

    await broker.restart(); // SIGTERM: a clean stop writes the snapshot at the log end
    await reconnect();
    assert.ok(snapshots(topic).includes(end), `snapshot at the log end ${end}: ${snapshots(topic)}`);
    await checkState('after a clean restart');

    await kafkaToolsClasspath();
    const dump = await runKafkaTool(KAFKA_TOOL.dumpLogSegments, ['--files', join(broker.logDir, `${topic}-0`, `${String(end).padStart(20, '0')}.snapshot`)], KAFKA_TOOLS_RESOLVE_TIMEOUT_MS);
    assert.equal(dump.code, 0, dump.stderr);
    assert.equal(dump.stderr.includes('corrupt'), false, dump.stderr);
    assert.match(dump.stdout, new RegExp(`producerId: 5000 producerEpoch: 0 coordinatorEpoch: -1 currentTxnFirstOffset: OptionalLong.empty .*firstSequence: ${last.sequence} lastSequence: ${last.sequence + 1} lastOffset: ${last.baseOffset + 1} offsetDelta: 1`), dump.stdout);
    assert.match(dump.stdout, new RegExp(`producerId: 6000 producerEpoch: 0 coordinatorEpoch: -1 currentTxnFirstOffset: OptionalLong\\[${txnFirst}\\]`), dump.stdout);

    assert.equal(await marker(topic, txn, true), ErrorCode.NONE);
    assert.equal(await latest(topic, 1), end + 1, 'the COMMIT marker releases the LSO');
    await broker.restart();
    await reconnect();
    assert.equal(await latest(topic, 1), end + 1, 'and it stays released after a restart');
  });

  test('kafkajs: a transaction left open by SIGKILL holds the LSO after the restart until the coordinator aborts it', { timeout: 300_000 }, async () => {
    const topic = 'pstate-kafkajs';
    await createTopic(topic, [{ name: 'segment.bytes', value: '600' }]);
    const kafka = kafkaClient(broker.bootstrap, 'pstate-kafkajs');
    const committed = kafka.producer({ transactionalId: 'pstate-ok', maxInFlightRequests: 1, idempotent: true });
    await committed.connect();
    for (let i = 0; i < 5; i++) {
      const t = await committed.transaction();
      await t.send({ topic, messages: [{ partition: 0, value: `ok-${i}` }, { partition: 0, value: `ok-${i}b` }] });
      await t.commit();
    }
    await committed.disconnect();
    const committedEnd = await latest(topic, 0);
    const open = kafka.producer({ transactionalId: 'pstate-open', maxInFlightRequests: 1, idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
    await open.connect();
    const t = await open.transaction();
    await t.send({ topic, messages: [{ partition: 0, value: 'open-1' }, { partition: 0, value: 'open-2' }] });
    assert.equal(await latest(topic, 1), committedEnd, 'the open transaction holds the LSO');
    await broker.kill9();
    await open.disconnect().catch(() => undefined);
    await broker.restart();
    await reconnect();
    assert.equal(await latest(topic, 1), committedEnd, 'after SIGKILL the transaction still holds the LSO');

    // The same transactional id comes back: the coordinator aborts what was open.
    const again = kafkaClient(broker.bootstrap, 'pstate-kafkajs-2').producer({ transactionalId: 'pstate-open', maxInFlightRequests: 1, idempotent: true });
    await again.connect();
    await waitFor('the LSO moves past the aborted transaction', async () => (await latest(topic, 1)) > committedEnd, 60_000);
    const t2 = await again.transaction();
    await t2.send({ topic, messages: [{ partition: 0, value: 'after' }] });
    await t2.commit();
    await again.disconnect();

    const read = async (readUncommitted: boolean) => {
      const consumer = kafka.consumer({ groupId: `pstate-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 200 });
      const seen: string[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => {
          seen.push(message.value?.toString() ?? '');
        } });
        await waitFor('the last record', () => seen.includes('after'), 60_000);
      } finally {
        await consumer.disconnect();
      }
      return seen;
    };
    const oks = Array.from({ length: 5 }, (_, i) => [`ok-${i}`, `ok-${i}b`]).flat();
    assert.deepEqual(await read(false), [...oks, 'after'], 'read_committed: the aborted records are not there');
    assert.deepEqual(await read(true), [...oks, 'open-1', 'open-2', 'after'], 'read_uncommitted sees them');
  });
});
