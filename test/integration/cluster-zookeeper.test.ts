// Three broker processes coordinated through a real ZooKeeper (Debian's package) on loopback ports:
// kafkajs produces with acks=all to a topic with replication factor 3 and min.insync.replicas 2 while one
// broker at a time is killed with SIGKILL and restarted; every acknowledged record is read back exactly
// once at its offset. The controller is killed and another is elected through ZooKeeper; a second broker
// with a registered broker.id refuses to start; with two of three brokers down acks=all is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';

describe('a three-broker cluster through ZooKeeper', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  let bootstrap = '';

  const overrides = (id: number) => ({
    'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 6000,
    'replica.lag.time.max.ms': 3000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 3, 'auto.leader.rebalance.enable': false,
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

  async function partitionsOf(topic: string) {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      const m = await admin.fetchTopicMetadata({ topics: [topic] });
      return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, isr: [...p.isr].sort() }));
    } finally {
      await admin.disconnect();
    }
  }

  async function controllerId(): Promise<number> {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      return (await admin.describeCluster()).controller ?? -1;
    } finally {
      await admin.disconnect();
    }
  }

  test('every broker registers; a topic with replication factor 3 gets leaders and a full ISR', async () => {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'zk-replicated', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
      const c = await admin.describeCluster();
      assert.deepEqual(c.brokers.map((b) => b.nodeId).sort(), [0, 1, 2]);
    } finally {
      await admin.disconnect();
    }
    await waitFor('leaders and full ISRs', async () => (await partitionsOf('zk-replicated')).every((p) => p.leader >= 0 && p.isr.length === 3), 30_000);
  });

  test('a second broker with a registered broker.id refuses to start', async () => {
    await assert.rejects(BrokerProcess.start({ overrides: overrides(1) }), /broker\.id 1 is already registered/);
  });

  test('SIGKILL of the leader, then of the controller, loses no acknowledged record', async () => {
    const kafka = kafkaClient(bootstrap);
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });
    await producer.connect();
    const acked = new Map<string, number>();
    let seq = 0;
    const sendSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const value = `z-${seq++}`;
        const [md] = await producer.send({ topic: 'zk-replicated', acks: -1, messages: [{ value, partition: 0 }] });
        acked.set(value, Number(md!.baseOffset));
      }
    };
    try {
      await sendSome(50);
      for (let cycle = 0; cycle < 2; cycle++) {
        const leader = (await partitionsOf('zk-replicated')).find((p) => p.partition === 0)!.leader;
        await brokers[leader]!.kill9();
        await waitFor(`a new leader after SIGKILL of broker ${leader}`, async () => {
          const p = (await partitionsOf('zk-replicated')).find((x) => x.partition === 0)!;
          return p.leader >= 0 && p.leader !== leader;
        }, 30_000);
        await sendSome(50);
        await brokers[leader]!.restart();
        await waitFor(`broker ${leader} back in the ISR`, async () => (await partitionsOf('zk-replicated')).find((x) => x.partition === 0)!.isr.includes(leader), 30_000);
      }
      const controller = await controllerId();
      assert.ok(controller >= 0);
      await brokers[controller]!.kill9();
      await waitFor('another controller elected through ZooKeeper', async () => {
        const c = await controllerId().catch(() => -1);
        return c >= 0 && c !== controller;
      }, 30_000);
      await sendSome(30);
      await brokers[controller]!.restart();
      await waitFor(`broker ${controller} back in the ISR`, async () => (await partitionsOf('zk-replicated')).find((x) => x.partition === 0)!.isr.length === 3, 30_000);
    } finally {
      await producer.disconnect();
    }
    const seen = await offsetsByValue(kafka, 'zk-replicated', 0, acked);
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
  });

  test('with two of three brokers down, acks=all is refused with NOT_ENOUGH_REPLICAS; nothing acknowledged is lost after they return', async () => {
    const p0 = (await partitionsOf('zk-replicated')).find((p) => p.partition === 0)!;
    const others = [0, 1, 2].filter((id) => id !== p0.leader);
    for (const id of others) await brokers[id]!.kill9();
    // The leader notices the followers gone after replica.lag.time.max.ms and shrinks the ISR to itself.
    const leaderOnly = kafkaClient(brokers[p0.leader]!.bootstrap);
    const producer = leaderOnly.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      await waitFor('acks=all refused for want of in-sync replicas', async () => {
        try {
          await producer.send({ topic: 'zk-replicated', acks: -1, timeout: 2000, messages: [{ value: 'refused', partition: 0 }] });
          return false;
        } catch (e) {
          // kafkajs wraps the broker's error (type) in a retries-exceeded error (originalError).
          const err = e as { type?: string; originalError?: { type?: string }; cause?: { type?: string } };
          const type = err.type ?? err.originalError?.type ?? err.cause?.type;
          return type === 'NOT_ENOUGH_REPLICAS' || type === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
        }
      }, 30_000, 500);
    } finally {
      await producer.disconnect();
    }
    for (const id of others) await brokers[id]!.restart();
    await waitFor('the ISR whole again', async () => (await partitionsOf('zk-replicated')).find((x) => x.partition === 0)!.isr.length === 3, 30_000).catch((e: unknown) => {
      for (const b of brokers) console.error(`--- broker on port ${b.port}\n${b.output.split('\n').slice(-40).join('\n')}`);
      throw e;
    });
  });
});
