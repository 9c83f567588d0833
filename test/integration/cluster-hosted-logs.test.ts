// Three broker processes through a real ZooKeeper keep logs only for the partitions they are replicas of:
// each broker's log dir holds exactly its assigned partitions (kafkajs creates the topics), a broker asked
// about a partition it does not host answers NOT_LEADER_OR_FOLLOWER (clients refresh and go to the leader),
// a deleted topic's logs go from every broker, and one deleted while a replica was down goes from that
// replica's disk when it starts again, and a topic created afterwards gets its logs there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';
import { Connection } from '../../src/client/index.js';
import { ErrorCode, ListOffsets } from '../../src/protocol/index.js';

describe('brokers keep logs only for the partitions they host', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  let kafka: Kafka;

  before(async () => {
    zk = await ZooKeeperServer.start();
    for (let id = 0; id < 3; id++) {
      brokers.push(await BrokerProcess.start({ overrides: {
        'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 6000,
        'replica.fetch.wait.max.ms': 100, 'auto.leader.rebalance.enable': false,
      } }));
    }
    kafka = kafkaClient(brokers.map((b) => b.bootstrap).join(','));
  });
  after(async () => {
    for (const b of brokers) await b.close();
    await zk?.close();
  });

  async function replicasOf(topic: string): Promise<Map<number, number[]>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const t = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!;
      return new Map(t.partitions.map((p) => [p.partitionId, [...p.replicas]]));
    } finally {
      await admin.disconnect();
    }
  }

  const partitionDirs = (b: BrokerProcess, topic: string) => readdirSync(b.logDir).filter((f) => f.startsWith(`${topic}-`) && /-\d+$/.test(f)).sort();

  test('each broker has a log for exactly the partitions it replicates', async () => {
    await createTopicsWhenReady(kafka, [{ topic: 'spread', numPartitions: 3, replicationFactor: 1 }, { topic: 'pairs', numPartitions: 3, replicationFactor: 2 }]);
    for (const topic of ['spread', 'pairs']) {
      const replicas = await replicasOf(topic);
      for (let id = 0; id < 3; id++) {
        const wanted = [...replicas].filter(([, rs]) => rs.includes(id)).map(([p]) => `${topic}-${p}`).sort();
        assert.ok(wanted.length < 3, `broker ${id} is not a replica of every partition of ${topic}`);
        await waitFor(`broker ${id}'s logs of ${topic}: ${wanted.join(', ')}`, () => partitionDirs(brokers[id]!, topic).join() === wanted.join(), 30_000);
      }
    }
  });

  test('a broker that does not host a partition answers NOT_LEADER_OR_FOLLOWER', async () => {
    const [[partition, [owner]]] = [...(await replicasOf('spread'))] as [[number, number[]]];
    const other = [0, 1, 2].find((id) => id !== owner)!;
    const conn = await Connection.connect({ host: '127.0.0.1', port: brokers[other]!.port, nodeId: other, clientId: 'hosted-logs-test', requestTimeoutMs: 30_000 });
    try {
      const res = await conn.send(ListOffsets, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'spread', partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1 }] }] }, { version: 7 });
      assert.equal(res.topics[0]!.partitions[0]!.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    } finally {
      conn.close();
    }
  });

  test('a deleted topic\'s logs go from every broker', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: ['spread'], timeout: 30_000 });
    } finally {
      await admin.disconnect();
    }
    for (let id = 0; id < 3; id++) await waitFor(`broker ${id} without logs of the deleted topic`, () => partitionDirs(brokers[id]!, 'spread').length === 0, 30_000);
  });

  test('a topic deleted while a replica was down goes from that replica\'s disk when it starts again', async () => {
    const replicas = await replicasOf('pairs');
    const down = replicas.get(0)![1]!;
    const hostedByDown = partitionDirs(brokers[down]!, 'pairs');
    assert.ok(hostedByDown.length > 0);
    const code = await brokers[down]!.stop();
    assert.equal(code, 0, `broker ${down} did not stop cleanly:\n${brokers[down]!.output.split('\n').slice(-30).join('\n')}`);
    const live = kafkaClient([0, 1, 2].filter((x) => x !== down).map((x) => brokers[x]!.bootstrap).join(','));
    const admin = live.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: ['pairs'], timeout: 30_000 });
    } finally {
      await admin.disconnect();
    }
    for (const id of [0, 1, 2].filter((x) => x !== down)) {
      await waitFor(`broker ${id} without logs of the deleted topic`, () => partitionDirs(brokers[id]!, 'pairs').length === 0, 30_000);
    }
    assert.ok(existsSync(join(brokers[down]!.logDir, hostedByDown[0]!)), 'still on the disk of the broker that was down');
    await brokers[down]!.restart();
    assert.deepEqual(partitionDirs(brokers[down]!, 'pairs'), []);
    assert.match(brokers[down]!.output, /removed the logs of partitions this broker no longer hosts/);
    // Back as a replica of a new topic, it gets its logs.
    await createTopicsWhenReady(kafka, [{ topic: 'stays', numPartitions: 2, replicationFactor: 3 }]);
    await waitFor(`broker ${down}'s logs of the new topic`, () => partitionDirs(brokers[down]!, 'stays').join() === 'stays-0,stays-1', 30_000);
  });
});
