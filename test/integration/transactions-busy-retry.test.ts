// A transactions-v2 produce (Produce v12) that finds its transaction busy, its previous commit's markers still
// on the way to a broker that is paused, is asked again by the partition's leader every
// add.partitions.to.txn.retry.backoff.ms, as Kafka's ReplicaManager does, and succeeds once the markers are
// written, on the coordinator's own broker and on another one alike, instead of sending the client into
// its retry backoff with a retriable error. Three broker processes through a real ZooKeeper; the producer is
// hand-built frames so that what the broker answers each request is seen, not a client's retries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../../src/client/index.js';
import { buildRecordBatchSync, EndTxn, ErrorCode, FindCoordinator, InitProducerId, Produce } from '../../src/protocol/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';

const TOPIC = 'busy-retry';
const TXN = 'busy-retry-txn';

describe('transactions v2: a produce that finds its transaction busy is retried inside the broker', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  const conns: Connection[] = [];

  before(async () => {
    zk = await ZooKeeperServer.start();
    for (let id = 0; id < 3; id++) {
      brokers.push(await BrokerProcess.start({ overrides: {
        'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 15_000,
        'transaction.state.log.num.partitions': 1, 'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1,
        'offsets.topic.num.partitions': 1, 'offsets.topic.replication.factor': 1, 'auto.leader.rebalance.enable': false,
        // Long enough to outlast the pause below; Kafka's default is 100 ms.
        'add.partitions.to.txn.retry.backoff.max.ms': 30_000,
      } }));
    }
    // Partition i is led by broker i alone.
    await createTopicsWhenReady(kafkaClient(brokers.map((b) => b.bootstrap).join(',')), [{ topic: TOPIC, replicaAssignment: [0, 1, 2].map((i) => ({ partition: i, replicas: [i] })) }]);
    for (const b of brokers) conns.push(await Connection.connect({ host: '127.0.0.1', port: b.port }));
  });
  after(async () => {
    for (const c of conns) c.close();
    for (const b of brokers) {
      if (b.pid !== undefined) {
        try {
          process.kill(b.pid, 'SIGCONT');
        } catch {
          /* gone */
        }
      }
      await b.close();
    }
    await zk?.close();
  });

  test('the produce waits for the previous commit\'s markers, on the coordinator\'s broker and on another, and succeeds', async () => {
    // The coordinator may take a moment to exist (the __transaction_state topic is created on first use).
    let coordinator = -1;
    for (let i = 0; i < 60 && coordinator < 0; i++) {
      const fc = await conns[0]!.send(FindCoordinator, { key: TXN, keyType: 1, coordinatorKeys: [TXN] } as FindCoordinator.FindCoordinatorRequest, { version: 4 });
      if (fc.coordinators[0]!.errorCode === ErrorCode.NONE) coordinator = fc.coordinators[0]!.nodeId;
      else await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(coordinator >= 0, 'a transaction coordinator');
    const paused = (coordinator + 1) % 3;
    const other = (coordinator + 2) % 3;
    const c = conns[coordinator]!;

    let init!: InitProducerId.InitProducerIdResponse;
    for (let i = 0; i < 60; i++) {
      init = await c.send(InitProducerId, { transactionalId: TXN, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 }, { version: 5 });
      if (init.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && init.errorCode !== ErrorCode.COORDINATOR_NOT_AVAILABLE && init.errorCode !== ErrorCode.NOT_COORDINATOR) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(init.errorCode, ErrorCode.NONE);
    const produce = async (broker: number, epoch: number, sequence: number, value: string) => {
      const records = buildRecordBatchSync([{ key: null, value: Buffer.from(value), timestamp: Date.now() }],
        { producerId: init.producerId, producerEpoch: epoch, baseSequence: sequence, transactional: true });
      const r = await conns[broker]!.send(Produce, { transactionalId: TXN, acks: -1, timeoutMs: 30_000, topicData: [{ name: TOPIC, partitionData: [{ index: broker, records }] }] }, { version: 12 });
      return r.responses[0]!.partitionResponses[0]!.errorCode;
    };

    // The first transaction touches the broker that is about to be paused and the coordinator's.
    assert.equal(await produce(paused, init.producerEpoch, 0, 'first-paused'), ErrorCode.NONE);
    assert.equal(await produce(coordinator, init.producerEpoch, 0, 'first-coordinator'), ErrorCode.NONE);
    process.kill(brokers[paused]!.pid!, 'SIGSTOP');
    let resumed = false;
    try {
      // EndTxn v5 answers once PrepareCommit is durable; the marker for the paused broker cannot be written yet.
      const end = await c.send(EndTxn, { transactionalId: TXN, producerId: init.producerId, producerEpoch: init.producerEpoch, committed: true }, { version: 5 });
      assert.equal(end.errorCode, ErrorCode.NONE);
      assert.equal(end.producerEpoch, init.producerEpoch + 1, 'EndTxn v5 bumps the epoch');
      // The next transaction's first produces: its transaction is busy until that marker is written.
      const started = Date.now();
      const onCoordinator = produce(coordinator, end.producerEpoch, 0, 'second-coordinator').then((code) => ({ code, ms: Date.now() - started }));
      const onOther = produce(other, end.producerEpoch, 0, 'second-other').then((code) => ({ code, ms: Date.now() - started }));
      await new Promise((r) => setTimeout(r, 2000));
      process.kill(brokers[paused]!.pid!, 'SIGCONT');
      resumed = true;
      const [a, b] = await Promise.all([onCoordinator, onOther]);
      // Answered only after the pause: they waited inside the broker rather than failing at once.
      assert.deepEqual([a.code, b.code], [ErrorCode.NONE, ErrorCode.NONE], `coordinator's broker: ${JSON.stringify(a)}, another broker: ${JSON.stringify(b)}`);
      assert.ok(a.ms >= 1500 && b.ms >= 1500, `answered after ${a.ms} and ${b.ms} ms, while the markers were held`);
      const second = await c.send(EndTxn, { transactionalId: TXN, producerId: init.producerId, producerEpoch: end.producerEpoch, committed: true }, { version: 5 });
      assert.equal(second.errorCode, ErrorCode.NONE);
    } finally {
      if (!resumed) process.kill(brokers[paused]!.pid!, 'SIGCONT');
    }

    // Both transactions committed: a read_committed consumer sees all four records.
    const consumer = kafkaClient(brokers.map((b) => b.bootstrap).join(',')).consumer({ groupId: 'busy-retry-reader', readUncommitted: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${JSON.stringify(seen)}`)), 60_000);
        void consumer.run({ eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 4) {
            clearTimeout(timer);
            resolve();
          }
        } });
      });
      assert.deepEqual(seen.sort(), ['first-coordinator', 'first-paused', 'second-coordinator', 'second-other']);
    } finally {
      await consumer.disconnect();
    }
  });
});
