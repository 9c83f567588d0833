// startCluster({ zookeeperConnect }): three in-process brokers coordinated through the caller's ZooKeeper
// (a real server, Debian's package) under a chroot (created by the brokers) instead of in memory. The brokers register in Kafka's
// znode layout there; kafkajs produces with acks=all while a leader is killed and restarted, and every
// acknowledged record is read back exactly once at its offset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type EmbeddedCluster } from '../../src/index.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';

describe('startCluster through the caller\'s ZooKeeper', () => {
  let zk: ZooKeeperServer;
  let cluster: EmbeddedCluster | undefined;

  before(async () => {
    zk = await ZooKeeperServer.start();
    cluster = await startCluster({
      brokers: 3, zookeeperConnect: zk.connectString('/suite'),
      config: { 'zookeeper.session.timeout.ms': 6000, 'replica.lag.time.max.ms': 2000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 1, 'auto.leader.rebalance.enable': false },
    });
  });
  after(async () => {
    await cluster?.stop();
    await zk?.close();
  });

  async function partition0(topic: string) {
    const admin = kafkaClient(cluster!.bootstrap).admin();
    await admin.connect();
    try {
      const p = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.find((x) => x.partitionId === 0)!;
      return { leader: p.leader, isr: [...p.isr].sort() };
    } finally {
      await admin.disconnect();
    }
  }

  test('a bad zookeeperConnect is refused', async () => {
    await assert.rejects(startCluster({ brokers: 1, zookeeperConnect: ' ' }), /zookeeperConnect/);
  });

  test('the brokers register in the caller\'s ZooKeeper under its chroot, in Kafka\'s znode layout', async () => {
    const ids = await zk.cli('ls', '/suite/brokers/ids');
    assert.match(ids, /\[0, 1, 2\]/);
    assert.match(await zk.cli('get', '/suite/controller'), /"brokerid":\d/);
    assert.match(await zk.cli('ls', '/'), /suite/);
    assert.doesNotMatch(await zk.cli('ls', '/'), /brokers/, 'nothing outside the chroot');
  });

  test('acks=all records survive a leader killed and restarted, each exactly once; the topic is in ZooKeeper', async () => {
    const kafka = kafkaClient(cluster!.bootstrap);
    await createTopicsWhenReady(kafka, [{ topic: 'zk-embedded', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
    assert.match(await zk.cli('get', '/suite/brokers/topics/zk-embedded'), /"partitions":\{"0":\[/);
    await waitFor('a leader and a full ISR', async () => (await partition0('zk-embedded')).isr.length === 3, 30_000);
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 } });
    await producer.connect();
    const acked = new Map<string, number>();
    let seq = 0;
    const send = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const value = `e-${seq++}`;
        const [md] = await producer.send({ topic: 'zk-embedded', acks: -1, messages: [{ value, partition: 0 }] });
        acked.set(value, Number(md!.baseOffset));
      }
    };
    try {
      await send(30);
      const { leader } = await partition0('zk-embedded');
      await cluster!.kill(leader);
      assert.equal(cluster!.brokers.find((b) => b.id === leader)!.running, false);
      await waitFor('a new leader', async () => {
        const p = await partition0('zk-embedded').catch(() => undefined);
        return p !== undefined && p.leader >= 0 && p.leader !== leader;
      }, 30_000);
      await send(30);
      await cluster!.restart(leader);
      await waitFor(`broker ${leader} back in the ISR`, async () => (await partition0('zk-embedded')).isr.includes(leader), 30_000);
      await send(10);
    } finally {
      await producer.disconnect();
    }
    const seen = await offsetsByValue(kafka, 'zk-embedded', 0, acked);
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
  });
});
