// Transactions with kafkajs (a client no one here wrote) against a real broker process: committed records are
// visible to read_committed consumers and aborted ones are not (but are to read_uncommitted ones, with the
// markers never delivered as records); sendOffsets offsets appear only after the commit; a second producer
// with the same transactional id fences the first; a producer that disappears mid-transaction is aborted
// after its transaction.timeout.ms; bad requests get Kafka's error codes; the state survives a SIGKILL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { Connection } from '../../src/client/index.js';
import { AddPartitionsToTxn, buildRecordBatchSync, EndTxn, ErrorCode, FindCoordinator, InitProducerId, OffsetFetch, Produce } from '../../src/protocol/index.js';

/** Every value of `topic` a fresh group consumer reads until `last` arrives (read_committed unless told). */
async function readValues(kafka: Kafka, topic: string, last: string, readUncommitted = false): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}-${Date.now()}`, readUncommitted, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done = false;
    await consumer.run({ eachMessage: async ({ message }) => {
      const v = message.value?.toString() ?? '';
      values.push(v);
      if (v === last) done = true;
    } });
    await waitFor(`${last} in ${topic}`, () => done, 60_000);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('transactions with kafkajs', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: {
      'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4, 'group.initial.rebalance.delay.ms': 0,
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': 500, 'num.partitions': 1,
    } });
    kafka = kafkaClient(broker.bootstrap, 'txn-test');
  });
  after(async () => {
    await broker?.close();
  });

  test('committed records are read_committed, aborted ones only read_uncommitted; control records are never delivered', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tx-basic', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer({ transactionalId: 'basic', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    try {
      let t = await producer.transaction();
      await t.send({ topic: 'tx-basic', messages: [{ key: 'a', value: 'c1' }, { key: 'b', value: 'c2' }] });
      await t.commit();
      t = await producer.transaction();
      await t.send({ topic: 'tx-basic', messages: [{ key: 'a', value: 'x1' }, { key: 'b', value: 'x2' }] });
      await t.abort();
      t = await producer.transaction();
      await t.send({ topic: 'tx-basic', messages: [{ key: 'a', value: 'c3' }] });
      await t.send({ topic: 'tx-basic', messages: [{ key: 'b', value: 'c4' }] });
      await t.commit();
    } finally {
      await producer.disconnect();
    }
    const committed = await readValues(kafka, 'tx-basic', 'c4');
    await waitFor('c3 as well', async () => {
      const vs = await readValues(kafka, 'tx-basic', 'c4');
      return vs.includes('c3') && vs;
    });
    assert.ok(!committed.some((v) => v.startsWith('x')), `read_committed saw aborted records: ${committed}`);
    const all = await readValues(kafka, 'tx-basic', 'c4', true);
    for (const v of ['x1', 'x2']) assert.ok(all.includes(v), `read_uncommitted misses ${v}: ${all}`);
    assert.ok(all.every((v) => /^[cx]\d$/.test(v)), `a control record was delivered as data: ${JSON.stringify(all)}`);
  });

  test('sendOffsets: the offsets appear when the transaction commits, not before; an abort drops them', async () => {
    const producer = kafka.producer({ transactionalId: 'offsets', maxInFlightRequests: 1, idempotent: true });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic: 'tx-in', numPartitions: 1 }, { topic: 'tx-out', numPartitions: 1 }] });
      const committedOffset = async () => (await admin.fetchOffsets({ groupId: 'etl', topics: ['tx-in'] }))[0]!.partitions[0]!.offset;
      let t = await producer.transaction();
      await t.send({ topic: 'tx-out', messages: [{ value: 'out-1' }] });
      await t.sendOffsets({ consumerGroupId: 'etl', topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '5' }] }] });
      assert.equal(await committedOffset(), '-1', 'offsets of an open transaction are not committed');
      await t.commit();
      await waitFor('the committed offset', async () => (await committedOffset()) === '5');
      t = await producer.transaction();
      await t.send({ topic: 'tx-out', messages: [{ value: 'out-2' }] });
      await t.sendOffsets({ consumerGroupId: 'etl', topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '9' }] }] });
      await t.abort();
      // A read_committed fetch of the offsets (requireStable) waits for no transaction now: the abort dropped 9.
      const conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
      try {
        await waitFor('a stable offset', async () => {
          const r = await conn.send(OffsetFetch, { groupId: 'etl', topics: [{ name: 'tx-in', partitionIndexes: [0] }], groups: [], requireStable: true }, { version: 7 });
          const p = r.topics[0]!.partitions[0]!;
          return p.errorCode === ErrorCode.NONE && p.committedOffset === 5;
        });
      } finally {
        conn.close();
      }
      assert.equal(await committedOffset(), '5');
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });

  test('a second producer with the same transactional id fences the first; the zombie\'s records are aborted', async () => {
    const zombie = kafka.producer({ transactionalId: 'fenced', maxInFlightRequests: 1, idempotent: true, retry: { retries: 2 } });
    const successor = kafka.producer({ transactionalId: 'fenced', maxInFlightRequests: 1, idempotent: true });
    await zombie.connect();
    try {
      const t = await zombie.transaction();
      await t.send({ topic: 'tx-fence', messages: [{ value: 'zombie' }] });
      await successor.connect();
      const t2 = await successor.transaction();
      await t2.send({ topic: 'tx-fence', messages: [{ value: 'successor' }] });
      await t2.commit();
      await assert.rejects(t.commit(), (e: Error & { type?: string }) => /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/.test(e.type ?? e.name + e.message), 'the zombie cannot commit');
    } finally {
      await Promise.all([zombie.disconnect().catch(() => undefined), successor.disconnect()]);
    }
    const values = await readValues(kafka, 'tx-fence', 'successor');
    assert.deepEqual(values, ['successor']);
  });

  test('a producer that disappears mid-transaction is aborted after its timeout; read_committed readers move past it', async () => {
    const gone = kafka.producer({ transactionalId: 'gone', transactionTimeout: 2000, maxInFlightRequests: 1, idempotent: true });
    await gone.connect();
    const t = await gone.transaction();
    await t.send({ topic: 'tx-gone', messages: [{ value: 'never' }] });
    await gone.disconnect(); // no EndTxn: the coordinator must abort it
    const other = kafka.producer({ transactionalId: 'stays', maxInFlightRequests: 1, idempotent: true });
    await other.connect();
    try {
      const t2 = await other.transaction();
      await t2.send({ topic: 'tx-gone', messages: [{ value: 'after' }] });
      await t2.commit();
    } finally {
      await other.disconnect();
    }
    // 'after' is behind the open transaction: visible only once the coordinator aborted it.
    const values = await readValues(kafka, 'tx-gone', 'after');
    assert.deepEqual(values, ['after']);
    await waitFor('the abort in the broker log', () => broker.output.includes('aborting a transaction past its transaction.timeout.ms'));
  });

  test('bad requests get Kafka\'s errors: EndTxn without a transaction, a stale epoch, a wrong producer id, a too long timeout', async () => {
    const conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
    try {
      const fc = await conn.send(FindCoordinator, { key: 'bad', keyType: 1, coordinatorKeys: ['bad'] } as FindCoordinator.FindCoordinatorRequest, { version: 4 });
      assert.equal(fc.coordinators[0]!.errorCode, ErrorCode.NONE);
      assert.equal(fc.coordinators[0]!.port, broker.port);
      const tooLong = await conn.send(InitProducerId, { transactionalId: 'bad', transactionTimeoutMs: 900_001, producerId: -1, producerEpoch: -1 });
      assert.equal(tooLong.errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
      const init = await conn.send(InitProducerId, { transactionalId: 'bad', transactionTimeoutMs: 10_000, producerId: -1, producerEpoch: -1 });
      assert.equal(init.errorCode, ErrorCode.NONE);
      const end = (producerId: number, producerEpoch: number) => conn.send(EndTxn, { transactionalId: 'bad', producerId, producerEpoch, committed: true }, { version: 3 });
      assert.equal((await end(init.producerId, init.producerEpoch)).errorCode, ErrorCode.INVALID_TXN_STATE);
      assert.equal((await end(init.producerId + 1, init.producerEpoch)).errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      const add = (producerId: number, producerEpoch: number, version: number) => conn.send(AddPartitionsToTxn, {
        transactions: [], v3AndBelowTransactionalId: 'bad', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: [{ name: 'tx-basic', partitions: [0] }],
      }, { version });
      const code = (r: AddPartitionsToTxn.AddPartitionsToTxnResponse) => r.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode;
      // Bump the epoch, then the old one is stale: PRODUCER_FENCED (v2+), INVALID_PRODUCER_EPOCH before.
      const again = await conn.send(InitProducerId, { transactionalId: 'bad', transactionTimeoutMs: 10_000, producerId: -1, producerEpoch: -1 });
      assert.equal(again.producerEpoch, init.producerEpoch + 1);
      assert.equal(code(await add(init.producerId, init.producerEpoch, 3)), ErrorCode.PRODUCER_FENCED);
      assert.equal(code(await add(init.producerId, init.producerEpoch, 1)), ErrorCode.INVALID_PRODUCER_EPOCH);
      assert.equal(code(await add(init.producerId + 1, again.producerEpoch, 3)), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      assert.equal(code(await add(again.producerId, again.producerEpoch, 3)), ErrorCode.NONE);
      // The broker form (v4+, verify_only): the partition is in the transaction now, another is not.
      const verify = await conn.send(AddPartitionsToTxn, {
        transactions: [{ transactionalId: 'bad', producerId: again.producerId, producerEpoch: again.producerEpoch, verifyOnly: true, topics: [{ name: 'tx-basic', partitions: [0, 1] }] }],
        v3AndBelowTransactionalId: '', v3AndBelowProducerId: -1, v3AndBelowProducerEpoch: -1, v3AndBelowTopics: [],
      }, { version: 4 });
      assert.deepEqual(verify.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((p) => p.partitionErrorCode), [ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE]);
      // A transactional batch for a partition the producer did not add is refused (INVALID_TXN_STATE); an added one is taken.
      const produce = async (partition: number, baseSequence: number) => {
        const records = buildRecordBatchSync([{ key: null, value: Buffer.from(`p${partition}`), timestamp: Date.now() }],
          { producerId: again.producerId, producerEpoch: again.producerEpoch, baseSequence, transactional: true });
        const r = await conn.send(Produce, { transactionalId: 'bad', acks: -1, timeoutMs: 5000, topicData: [{ name: 'tx-basic', partitionData: [{ index: partition, records }] }] }, { version: 9 });
        return r.responses[0]!.partitionResponses[0]!.errorCode;
      };
      assert.equal(await produce(1, 0), ErrorCode.INVALID_TXN_STATE);
      assert.equal(await produce(0, 0), ErrorCode.NONE);
      const abort = await conn.send(EndTxn, { transactionalId: 'bad', producerId: again.producerId, producerEpoch: again.producerEpoch, committed: false }, { version: 3 });
      assert.equal(abort.errorCode, ErrorCode.NONE);
    } finally {
      conn.close();
    }
  });

  test('transactional state survives a SIGKILL: the next InitProducerId bumps the stored epoch', async () => {
    const conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
    let before: InitProducerId.InitProducerIdResponse;
    try {
      before = await conn.send(InitProducerId, { transactionalId: 'durable', transactionTimeoutMs: 10_000, producerId: -1, producerEpoch: -1 });
      assert.equal(before.errorCode, ErrorCode.NONE);
    } finally {
      conn.close();
    }
    await broker.kill9();
    await broker.restart();
    const conn2 = await Connection.connect({ host: '127.0.0.1', port: broker.port });
    try {
      const after_ = await conn2.send(InitProducerId, { transactionalId: 'durable', transactionTimeoutMs: 10_000, producerId: -1, producerEpoch: -1 });
      assert.deepEqual([after_.errorCode, after_.producerId, after_.producerEpoch], [ErrorCode.NONE, before.producerId, before.producerEpoch + 1]);
    } finally {
      conn2.close();
    }
  });
});
