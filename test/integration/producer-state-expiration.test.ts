// producer.id.expiration.ms against a real broker process: a producer with no open transaction and no write for
// that long is forgotten by the partition (checked every producer.id.expiration.check.interval.ms), as Kafka
// does; DescribeProducers no longer lists it. When it writes again Kafka takes it as a new producer: any
// sequence is accepted (a retry of its old batch is appended again, no longer a duplicate), and from then on its
// sequence is checked again. A producer with an open transaction is never expired, however old its batch's
// timestamp. A kafkajs idempotent producer that stays quiet past the expiration keeps producing, and every
// record arrives once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { kafkaClient, createTopic as createTopicWith, type Writer } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { buildRecordBatch, DescribeProducers, ErrorCode, ListOffsets, Produce, WriteTxnMarkers } from '../../src/protocol/index.js';

const EXPIRATION_MS = 1500;
const CHECK_MS = 200;

describe('producer.id.expiration.ms', () => {
  let broker: BrokerProcess;
  let raw: RawConnection;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'auto.create.topics.enable': false, 'transaction.partition.verification.enable': false,
      'producer.id.expiration.ms': EXPIRATION_MS, 'producer.id.expiration.check.interval.ms': CHECK_MS, 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 } });
    raw = await RawConnection.open(broker.port);
  });
  after(async () => {
    raw?.close();
    await broker?.close();
  });

  const createTopic = (topic: string, configEntries: Array<{ name: string; value: string }> = []) => createTopicWith(broker.bootstrap, topic, configEntries);

  async function produce(topic: string, values: string[], w: Writer, transactional = false, timestamp = Date.now()): Promise<{ errorCode: number; baseOffset: number }> {
    const records = await buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp })),
      { producerId: w.producerId, producerEpoch: w.producerEpoch, baseSequence: w.sequence, transactional });
    const res = await raw.request(Produce, 9, { transactionalId: transactional ? `tx-${w.producerId}` : null, acks: -1, timeoutMs: 30_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    const p = res.responses[0]!.partitionResponses[0]!;
    if (p.errorCode === ErrorCode.NONE) w.sequence += values.length;
    return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
  }

  async function producers(topic: string): Promise<number[]> {
    const res = await raw.request(DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
    const p = res.topics[0]!.partitions[0]!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    return p.activeProducers.map((a) => Number(a.producerId)).sort((a, b) => a - b);
  }

  async function lso(topic: string): Promise<number> {
    const res = await raw.request(ListOffsets, 7, { replicaId: -1, isolationLevel: 1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
    return Number(res.topics[0]!.partitions[0]!.offset);
  }

  test('an idle producer is forgotten, then taken as new; an open transaction is never expired', { timeout: 120_000 }, async () => {
    const topic = 'expire';
    await createTopic(topic);
    const idle: Writer = { producerId: 7000, producerEpoch: 0, sequence: 0 };
    const txn: Writer = { producerId: 8000, producerEpoch: 0, sequence: 0 };
    const other: Writer = { producerId: 7001, producerEpoch: 0, sequence: 0 };
    const first = await produce(topic, ['a', 'b'], idle);
    assert.deepEqual(first, { errorCode: ErrorCode.NONE, baseOffset: 0 });
    assert.equal((await produce(topic, ['o'], other)).errorCode, ErrorCode.NONE); // 2
    // Its batch is an hour old, but the transaction is open.
    assert.equal((await produce(topic, ['t'], txn, true, Date.now() - 3_600_000)).errorCode, ErrorCode.NONE);
    assert.deepEqual(await producers(topic), [7000, 7001, 8000]);
    // The retry is a duplicate while the producer is known.
    assert.deepEqual(await produce(topic, ['a', 'b'], { ...idle, sequence: 0 }), first);

    await waitFor('producers 7000 and 7001 expire', async () => (await producers(topic)).length === 1, 30_000);
    assert.deepEqual(await producers(topic), [8000], 'the open transaction keeps its producer');
    assert.equal(await lso(topic), 3, 'and still holds the LSO');

    // Forgotten: the old retry is now a new write...
    assert.deepEqual(await produce(topic, ['a', 'b'], { ...idle, sequence: 0 }), { errorCode: ErrorCode.NONE, baseOffset: 4 });
    // ...and any sequence is accepted from a forgotten producer...
    const fresh: Writer = { ...other, sequence: 40 };
    assert.deepEqual(await produce(topic, ['c'], fresh), { errorCode: ErrorCode.NONE, baseOffset: 6 });
    // ...after which the producer's sequence is checked again.
    assert.equal((await produce(topic, ['gap'], { ...fresh, sequence: fresh.sequence + 3 })).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal((await produce(topic, ['d'], fresh)).errorCode, ErrorCode.NONE);

    // Once its transaction ends, producer 8000 expires too (the marker counts as its last write).
    const m = await raw.request(WriteTxnMarkers, 1, { markers: [{ producerId: 8000, producerEpoch: 0, transactionResult: true, coordinatorEpoch: 0, transactionVersion: 0,
      topics: [{ name: topic, partitionIndexes: [0] }] }] });
    assert.equal(m.markers[0]!.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
    await waitFor('producer 8000 expires after its commit', async () => !(await producers(topic)).includes(8000), 30_000);
  });

  test('kafkajs: an idempotent producer quiet past the expiration keeps producing, each record once', { timeout: 120_000 }, async () => {
    const topic = 'expire-kafkajs';
    await createTopic(topic);
    const kafka = kafkaClient(broker.bootstrap, 'expire-kafkajs');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let i = 0; i < 3; i++) await producer.send({ topic, messages: [{ partition: 0, value: `before-${i}` }] });
      assert.equal((await producers(topic)).length, 1);
      await waitFor('the kafkajs producer expires', async () => (await producers(topic)).length === 0, 30_000);
      for (let i = 0; i < 3; i++) await producer.send({ topic, messages: [{ partition: 0, value: `after-${i}` }] });
      assert.equal((await producers(topic)).length, 1, 'known again');
    } finally {
      await producer.disconnect();
    }
    const consumer = kafka.consumer({ groupId: 'expire-reader', maxWaitTimeInMs: 200 });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      } });
      await waitFor('all six records', () => seen.length >= 6, 60_000);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(seen, ['before-0', 'before-1', 'before-2', 'after-0', 'after-1', 'after-2']);
  });
});
