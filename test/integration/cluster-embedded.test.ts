// A three-broker cluster from startCluster (in-process, coordinated in memory): replication factor 3,
// min.insync.replicas 2, kafkajs producing with acks=all while the leader of a partition is killed and
// restarted, several times; every acknowledged record must be read back exactly once at its offset, and
// leaders must move and the ISR shrink and grow back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type EmbeddedCluster } from '../../src/index.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';

describe('startCluster: three brokers, replication and failover', () => {
  let cluster: EmbeddedCluster;

  before(async () => {
    cluster = await startCluster({ brokers: 3, config: { 'replica.lag.time.max.ms': 2000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 3 } });
  });
  after(async () => {
    await cluster?.stop();
  });

  async function describeTopic(topic: string) {
    const admin = kafkaClient(cluster.bootstrap).admin();
    await admin.connect();
    try {
      const m = await admin.fetchTopicMetadata({ topics: [topic] });
      return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort(), isr: [...p.isr].sort() }));
    } finally {
      await admin.disconnect();
    }
  }

  test('metadata lists every broker, and each partition a leader with three replicas in sync', async () => {
    const admin = kafkaClient(cluster.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
      const c = await admin.describeCluster();
      assert.deepEqual(c.brokers.map((b) => b.nodeId).sort(), [0, 1, 2]);
      assert.ok([0, 1, 2].includes(c.controller!));
    } finally {
      await admin.disconnect();
    }
    await waitFor('three partitions with leaders and full ISRs', async () => {
      const parts = await describeTopic('replicated');
      return parts.length === 3 && parts.every((p) => p.leader >= 0 && p.isr.length === 3);
    }, 20_000);
    const parts = await describeTopic('replicated');
    for (const p of parts) assert.deepEqual(p.replicas, [0, 1, 2]);
    assert.equal(new Set(parts.map((p) => p.leader)).size, 3, 'leaders spread over the brokers');
  });

  test('acks=all records survive the leader being killed and restarted, every one exactly once', async () => {
    const kafka = kafkaClient(cluster.bootstrap);
    // Idempotent: a retry after a failover must not write a record twice (producer state is replicated).
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 20, initialRetryTime: 100 } });
    await producer.connect();
    const acked = new Map<string, number>();
    let seq = 0;
    const sendSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const value = `v-${seq++}`;
        const [md] = await producer.send({ topic: 'replicated', acks: -1, messages: [{ value, partition: 0 }] });
        acked.set(value, Number(md!.baseOffset));
      }
    };
    try {
      await sendSome(50);
      for (let cycle = 0; cycle < 3; cycle++) {
        const leader = (await describeTopic('replicated')).find((p) => p.partition === 0)!.leader;
        await cluster.kill(leader);
        await waitFor(`a new leader for partition 0 after killing ${leader}`, async () => {
          const p = (await describeTopic('replicated')).find((x) => x.partition === 0)!;
          return p.leader >= 0 && p.leader !== leader;
        }, 20_000);
        await sendSome(50);
        await cluster.restart(leader);
        await waitFor(`broker ${leader} back in the ISR`, async () => (await describeTopic('replicated')).find((x) => x.partition === 0)!.isr.includes(leader), 30_000);
        await sendSome(20);
      }
    } finally {
      await producer.disconnect();
    }
    // Every acknowledged value exactly once, at its acknowledged offset.
    const seen = await offsetsByValue(kafka, 'replicated', 0, acked);
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
  });

  test('a topic config altered through one broker applies on every broker that leads a partition of it', async () => {
    const kafka = kafkaClient(cluster.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    try {
      await admin.createTopics({ topics: [{ topic: 'cfg-spread', numPartitions: 3, replicationFactor: 1 }] });
      await waitFor('three leaders', async () => {
        const parts = await describeTopic('cfg-spread');
        return parts.length === 3 && new Set(parts.map((p) => p.leader)).size === 3 && parts.every((p) => p.leader >= 0);
      }, 20_000);
      await producer.connect();
      const big = { value: Buffer.alloc(3000, 'x') };
      for (let p = 0; p < 3; p++) await producer.send({ topic: 'cfg-spread', acks: 1, messages: [{ ...big, partition: p }] });
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'cfg-spread', configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
      // Whichever broker took the change, every partition's leader refuses the batch now.
      for (let p = 0; p < 3; p++) {
        await waitFor(`partition ${p}'s leader to refuse a 3000-byte batch`, async () => {
          try {
            await producer.send({ topic: 'cfg-spread', acks: 1, messages: [{ ...big, partition: p }] });
            return false;
          } catch (e) {
            return /MESSAGE_TOO_LARGE|too large/i.test(String((e as { type?: string }).type ?? '') + String((e as Error).message));
          }
        }, 10_000);
      }
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
