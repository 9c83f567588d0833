// Transactions in a three-broker cluster through a real ZooKeeper: __transaction_state is replicated (factor
// 3, min ISR 2), the coordinator of a transactional id is the leader of its partition, markers reach partition
// leaders on other brokers (WriteTxnMarkers), and when the coordinator is killed with SIGKILL in the middle of
// a transaction the new leader of the partition loads the state: the producer commits there, read_committed
// consumers see exactly the committed records, and the next producer with the id gets the next epoch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';
import { Connection } from '../../src/client/index.js';
import { ErrorCode, FindCoordinator, InitProducerId } from '../../src/protocol/index.js';

async function readValues(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => {
      values.push(message.value?.toString() ?? '');
    } });
    await waitFor(`${expected} committed records in ${topic}`, () => values.length >= expected, 90_000);
    // Anything more (an aborted record read as committed) would arrive with them or right after.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return values.sort();
}

describe('transactions in a three-broker cluster', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  let bootstrap = '';

  const overrides = (id: number) => ({
    'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 6000,
    'replica.lag.time.max.ms': 3000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 3, 'auto.leader.rebalance.enable': false,
    'transaction.state.log.num.partitions': 3, 'group.initial.rebalance.delay.ms': 0,
  });

  before(async () => {
    zk = await ZooKeeperServer.start();
    for (let id = 0; id < 3; id++) brokers.push(await BrokerProcess.start({ overrides: overrides(id) }));
    bootstrap = brokers.map((b) => b.bootstrap).join(',');
  });
  after(async () => {
    for (const b of brokers) await b.close();
    await zk?.stop();
  });

  async function coordinatorOf(transactionalId: string): Promise<number> {
    for (const b of brokers) {
      const conn = await Connection.connect({ host: '127.0.0.1', port: b.port }).catch(() => undefined);
      if (!conn) continue;
      try {
        const r = await conn.send(FindCoordinator, { key: transactionalId, keyType: 1, coordinatorKeys: [transactionalId] }, { version: 4 });
        const c = r.coordinators[0]!;
        if (c.errorCode === ErrorCode.NONE) return c.nodeId;
      } catch {
        // try the next broker
      } finally {
        conn.close();
      }
    }
    return -1;
  }

  test('a transaction over partitions led by every broker commits; an aborted one stays invisible to read_committed', async () => {
    const kafka = kafkaClient(bootstrap, 'cluster-txn');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createTopicsWhenReady(kafka, ['ctx', 'ctx-b'].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] })));
      await waitFor('leaders on three brokers', async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['ctx'] });
        return new Set(m.topics[0]!.partitions.map((p) => p.leader)).size === 3;
      }, 30_000);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ transactionalId: 'cluster-a', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    try {
      let t = await producer.transaction();
      await t.send({ topic: 'ctx', messages: [0, 1, 2].map((p) => ({ partition: p, value: `c-${p}` })) });
      await t.commit();
      t = await producer.transaction();
      await t.send({ topic: 'ctx', messages: [0, 1, 2].map((p) => ({ partition: p, value: `x-${p}` })) });
      await t.abort();
      t = await producer.transaction();
      await t.send({ topic: 'ctx', messages: [0, 1, 2].map((p) => ({ partition: p, value: `d-${p}` })) });
      await t.commit();
    } finally {
      await producer.disconnect();
    }
    assert.deepEqual(await readValues(kafka, 'ctx', 6), ['c-0', 'c-1', 'c-2', 'd-0', 'd-1', 'd-2']);
  });

  test('SIGKILL of the coordinator mid-transaction: the new coordinator finishes it and fences with the next epoch', async () => {
    const kafka = kafkaClient(bootstrap, 'cluster-txn-b');
    const coordinator = await waitFor('a coordinator for cluster-b', async () => {
      const c = await coordinatorOf('cluster-b');
      return c >= 0 ? c : undefined;
    }, 30_000);
    const producer = kafka.producer({ transactionalId: 'cluster-b', maxInFlightRequests: 1, idempotent: true, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 } });
    await producer.connect();
    let epoch: number;
    try {
      const t = await producer.transaction();
      await t.send({ topic: 'ctx-b', acks: -1, messages: [{ value: 'before-kill' }] });
      await brokers[coordinator]!.kill9();
      await waitFor('another coordinator for cluster-b', async () => {
        const c = await coordinatorOf('cluster-b');
        return c >= 0 && c !== coordinator ? c : undefined;
      }, 60_000);
      await t.commit();
    } finally {
      await producer.disconnect();
    }
    await brokers[coordinator]!.restart();
    const values = await readValues(kafkaClient(bootstrap, 'cluster-txn-reader'), 'ctx-b', 1);
    assert.deepEqual(values, ['before-kill']);
    // The state moved with the partition: a new producer with the id gets a bumped epoch of the same producer id.
    const c = await coordinatorOf('cluster-b');
    const conn = await Connection.connect({ host: '127.0.0.1', port: brokers[c]!.port });
    try {
      const r = await waitFor('InitProducerId', async () => {
        const x = await conn.send(InitProducerId, { transactionalId: 'cluster-b', transactionTimeoutMs: 10_000, producerId: -1, producerEpoch: -1 });
        return x.errorCode === ErrorCode.NONE ? x : undefined;
      }, 30_000);
      epoch = r.producerEpoch;
      assert.ok(epoch >= 1, `epoch ${epoch}`);
    } finally {
      conn.close();
    }
  });
});
