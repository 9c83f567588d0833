// Three broker processes through a real ZooKeeper, a topic with replication factor 3 and
// min.insync.replicas=2, kafkajs producing with acks=all. A follower paused with SIGSTOP falls out of the
// ISR after replica.lag.time.max.ms while produce keeps succeeding with two in sync; after SIGCONT it
// catches up and rejoins. With both followers paused acks=all is refused (NOT_ENOUGH_REPLICAS) and nothing
// is acknowledged that the ISR does not hold. A follower stopped cleanly leaves its high watermark in
// replication-offset-checkpoint and starts from it again; after the leader is killed every acknowledged
// record is read back exactly once at its offset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';

const TOPIC = 'paused';

describe('a paused follower and the high-watermark checkpoint', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  const acked = new Map<string, number>();
  let seq = 0;

  const overrides = (id: number) => ({
    // The ZooKeeper session outlives the pauses: the leader, not the controller, notices the lag.
    'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 12_000,
    'replica.lag.time.max.ms': 2000, 'replica.fetch.wait.max.ms': 100, 'replica.high.watermark.checkpoint.interval.ms': 500,
    'offsets.topic.num.partitions': 1, 'auto.leader.rebalance.enable': false,
    // Every append on the compute pool, the followers' too: a paused follower catches up through it.
    'append.pool.min.bytes': 0,
  });

  before(async () => {
    zk = await ZooKeeperServer.start();
    for (let id = 0; id < 3; id++) brokers.push(await BrokerProcess.start({ overrides: overrides(id) }));
    await createTopicsWhenReady(kafkaClient(brokers.map((b) => b.bootstrap).join(',')), [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
    await waitFor('a leader and a full ISR', async () => ((await state(brokers[0]!)).isr.length === 3 ? true : undefined), 30_000);
  });
  after(async () => {
    for (const b of brokers) await b.close();
    await zk?.close();
  });

  /** Partition 0 as broker `via` describes it (ask a broker that is not paused). */
  async function state(via: BrokerProcess): Promise<{ leader: number; isr: number[] }> {
    const admin = kafkaClient(via.bootstrap).admin();
    await admin.connect();
    try {
      const p = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions.find((x) => x.partitionId === 0)!;
      return { leader: p.leader, isr: [...p.isr].sort() };
    } finally {
      await admin.disconnect();
    }
  }

  /** A producer talking to the leader only (a paused broker would hold its requests). */
  async function producerFor(leader: BrokerProcess, retries: number): Promise<Producer> {
    const p = kafkaClient(leader.bootstrap).producer({ allowAutoTopicCreation: false, retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 } });
    await p.connect();
    return p;
  }

  async function send(producer: Producer, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const value = `p-${seq++}`;
      const [md] = await producer.send({ topic: TOPIC, acks: -1, timeout: 10_000, messages: [{ value, partition: 0 }] });
      acked.set(value, Number(md!.baseOffset));
    }
  }

  function errorType(e: unknown): string | undefined {
    const err = e as { type?: string; originalError?: { type?: string }; cause?: { type?: string } };
    return err.type ?? err.originalError?.type ?? err.cause?.type;
  }

  test('a SIGSTOPped follower leaves the ISR, produce goes on with two, and after SIGCONT it catches up and rejoins', async () => {
    const { leader } = await state(brokers[0]!);
    const L = brokers[leader]!;
    const follower = [0, 1, 2].find((id) => id !== leader)!;
    const producer = await producerFor(L, 5);
    try {
      await send(producer, 30);
      brokers[follower]!.pause();
      // acks=all keeps being answered: after the lag time the ISR is the leader and the other follower.
      await send(producer, 20);
      await waitFor(`broker ${follower} out of the ISR`, async () => !(await state(L)).isr.includes(follower), 30_000);
      assert.equal((await state(L)).isr.length, 2);
      await send(producer, 30);
      brokers[follower]!.resume();
      await waitFor(`broker ${follower} back in the ISR`, async () => (await state(L)).isr.includes(follower), 30_000);
      await send(producer, 10);
    } finally {
      brokers[follower]!.resume();
      await producer.disconnect();
    }
  });

  test('with both followers SIGSTOPped acks=all is refused with NOT_ENOUGH_REPLICAS; nothing unreplicated was acknowledged', async () => {
    const { leader } = await state(brokers[0]!);
    const L = brokers[leader]!;
    const followers = [0, 1, 2].filter((id) => id !== leader);
    const producer = await producerFor(L, 0);
    let refused = 0;
    try {
      for (const id of followers) brokers[id]!.pause();
      await waitFor('acks=all refused for want of in-sync replicas', async () => {
        const value = `p-${seq++}`;
        try {
          const [md] = await producer.send({ topic: TOPIC, acks: -1, timeout: 5000, messages: [{ value, partition: 0 }] });
          acked.set(value, Number(md!.baseOffset));
          return false;
        } catch (e) {
          const type = errorType(e);
          if (type === 'NOT_ENOUGH_REPLICAS' || type === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND') refused++;
          return type === 'NOT_ENOUGH_REPLICAS';
        }
      }, 30_000, 200);
      assert.deepEqual((await state(L)).isr, [leader]);
    } finally {
      for (const id of followers) brokers[id]!.resume();
      await producer.disconnect();
    }
    assert.ok(refused > 0);
    await waitFor('the ISR whole again', async () => (await state(L)).isr.length === 3, 30_000);
    // Every acknowledged record is on the followers: with the leader stopped (leadership handed to an
    // in-sync follower), the new leader serves them all.
    assert.equal(await L.stop(), 0);
    await waitFor('a new leader', async () => {
      const s = await state(brokers[followers[0]!]!).catch(() => undefined);
      return s !== undefined && s.leader >= 0 && s.leader !== leader;
    }, 30_000);
    const survivors = followers.map((id) => brokers[id]!.bootstrap).join(',');
    const seen = await offsetsByValue(kafkaClient(survivors), TOPIC, 0, acked);
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
    await L.restart();
    await waitFor('the ISR whole again after the restart', async () => (await state(brokers[followers[0]!]!)).isr.length === 3, 30_000);
  });

  test('a follower stopped cleanly checkpoints its high watermark, starts from it, and serves exactly the acknowledged records as leader', async () => {
    const { leader } = await state(brokers[0]!);
    const L = brokers[leader]!;
    const follower = [0, 1, 2].find((id) => id !== leader)!;
    const F = brokers[follower]!;
    const producer = await producerFor(L, 5);
    try {
      await send(producer, 20);
      const hw = Math.max(...acked.values()) + 1;
      // The periodic checkpoint catches up with the follower's high watermark...
      const checkpoint = () => readFileSync(join(F.logDir, 'replication-offset-checkpoint'), 'utf8');
      await waitFor('the follower\'s checkpoint at the high watermark', () => checkpoint().split('\n').includes(`${TOPIC} 0 ${hw}`), 30_000);
      assert.match(checkpoint(), /^0\n(\d+)\n/);
      const [, count] = /^0\n(\d+)\n/.exec(checkpoint())!;
      assert.equal(checkpoint().trimEnd().split('\n').length, 2 + Number(count), 'the count line matches the entries');
      // ...and the one written at a clean stop holds it too.
      assert.equal(await F.stop(), 0);
      assert.ok(checkpoint().split('\n').includes(`${TOPIC} 0 ${hw}`), checkpoint());
      await send(producer, 20);
      const from = F.output.length;
      await F.restart();
      // It starts from its checkpointed high watermark (not from 0).
      const becameFollower = await waitFor('the restarted broker following the partition', () => F.output.slice(from).split('\n').filter((l) => l.includes('"became follower"'))
        .map((l) => JSON.parse(l) as { topic: string; partition: number; highWatermark: number }).find((l) => l.topic === TOPIC && l.partition === 0), 30_000);
      assert.equal(becameFollower.highWatermark, hw);
      await waitFor(`broker ${follower} back in the ISR`, async () => (await state(L)).isr.includes(follower), 30_000);
      await send(producer, 10);
    } finally {
      await producer.disconnect();
    }
    // Leadership moves to the restarted follower or the other one: every acknowledged record is there once.
    await L.kill9();
    const others = [0, 1, 2].filter((id) => id !== leader);
    await waitFor('a new leader (after the ZooKeeper session of the killed one expired)', async () => {
      const s = await state(brokers[others[0]!]!).catch(() => undefined);
      return s !== undefined && s.leader >= 0 && s.leader !== leader;
    }, 60_000);
    const survivors = others.map((id) => brokers[id]!.bootstrap).join(',');
    const seen = await offsetsByValue(kafkaClient(survivors), TOPIC, 0, acked).catch((e: unknown) => {
      for (const id of others) console.error(`--- broker ${id}\n${brokers[id]!.output.split('\n').filter((l) => /leader|follower|ISR|truncat|group|refused|error/i.test(l)).slice(-40).join('\n')}`);
      throw e;
    });
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
  });
});
