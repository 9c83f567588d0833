// ZooKeeper restarted under a running three-broker cluster (same port, same data dir). The brokers reach it
// through a loopback proxy, so the outage can outlast their sessions: ZooKeeper gives restored sessions a
// fresh timeout when it starts, so only a broker that cannot reach the restarted server for longer than
// zookeeper.session.timeout.ms finds its session expired. While ZooKeeper is away the leaders keep serving
// kafkajs producers (acks=all) and a consumer group; a short outage keeps the sessions; a long one expires
// them, and the brokers register again, a controller is elected again (a new controller epoch), and every
// acknowledged record is read back exactly once at its offset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer, Producer } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';

const TOPIC = 'zk-outage';
const SESSION_TIMEOUT_MS = 6000;

describe('ZooKeeper restarted under a running cluster', () => {
  let zk: ZooKeeperServer;
  let proxy: TcpProxy;
  const brokers: BrokerProcess[] = [];
  let bootstrap = '';
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  /** Acknowledged value -> offset, per partition. */
  const acked = [new Map<string, number>(), new Map<string, number>()];
  const consumed = new Set<string>();
  let seq = 0;

  before(async () => {
    zk = await ZooKeeperServer.start();
    proxy = await TcpProxy.start(zk.port);
    for (let id = 0; id < 3; id++) {
      brokers.push(await BrokerProcess.start({ overrides: {
        'broker.id': id, 'zookeeper.connect': `127.0.0.1:${proxy.port}/gregor`, 'zookeeper.session.timeout.ms': SESSION_TIMEOUT_MS,
        'replica.lag.time.max.ms': 10_000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 1, 'auto.leader.rebalance.enable': false,
      } }));
    }
    bootstrap = brokers.map((b) => b.bootstrap).join(',');
    await createTopicsWhenReady(kafkaClient(bootstrap), [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
    await waitFor('leaders and full ISRs', async () => (await partitions()).every((p) => p.leader >= 0 && p.isr.length === 3), 30_000);
    const kafka = kafkaClient(bootstrap);
    producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });
    await producer.connect();
    consumer = kafka.consumer({ groupId: 'zk-outage-reader', sessionTimeout: 30_000, heartbeatInterval: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(message.value!.toString()) });
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await consumer?.disconnect().catch(() => undefined);
    for (const b of brokers) await b.close();
    await proxy?.close();
    await zk?.close();
  });

  async function partitions(): Promise<Array<{ partition: number; leader: number; isr: number[] }>> {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      const m = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, isr: [...p.isr].sort() }));
    } finally {
      await admin.disconnect();
    }
  }

  async function send(count: number): Promise<string[]> {
    const values: string[] = [];
    for (let i = 0; i < count; i++) {
      const value = `o-${seq++}`;
      const partition = seq % 2;
      const [md] = await producer!.send({ topic: TOPIC, acks: -1, messages: [{ value, partition }] });
      acked[partition]!.set(value, Number(md!.baseOffset));
      values.push(value);
    }
    return values;
  }

  const consumedAll = (values: string[]) => values.every((v) => consumed.has(v));

  /** ZooKeeper's own CLI, retried while a just restarted server does not serve yet (ConnectionLoss). */
  async function zkCli(...command: string[]): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await zk.cli(...command);
      } catch (e) {
        if (attempt >= 10) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async function registeredIds(): Promise<string> {
    return /\[[\d, ]*\]/.exec(await zkCli('ls', '/gregor/brokers/ids'))?.[0] ?? '';
  }

  async function controllerEpoch(): Promise<number> {
    const out = await zkCli('get', '/gregor/controller_epoch');
    return Number(/^(\d+)$/m.exec(out)?.[1] ?? -1);
  }

  test('a short outage (less than the session timeout): produce and fetch go on, the sessions survive', async () => {
    await send(20);
    await waitFor('the consumer group reading', () => consumed.size >= 20, 60_000);
    const epoch = await controllerEpoch();
    await zk.stop();
    const during = await send(20);
    await waitFor('records produced while ZooKeeper is down consumed', () => consumedAll(during), 30_000);
    await zk.restart();
    await waitFor('every broker registered', async () => (await registeredIds()) === '[0, 1, 2]', 30_000);
    assert.equal(await controllerEpoch(), epoch, 'the same controller');
    await send(10);
  });

  test('a long outage (more than the session timeout): brokers serve meanwhile, then register again and a controller is elected again', async () => {
    const epoch = await controllerEpoch();
    await zk.stop();
    const during = await send(20);
    await waitFor('records produced while ZooKeeper is down consumed', () => consumedAll(during), 30_000);
    // ZooKeeper comes back, but out of the brokers' reach until their sessions expired there.
    proxy.cut();
    await zk.restart();
    await waitFor('the brokers\' sessions expired in ZooKeeper', async () => (await registeredIds()) === '[]', SESSION_TIMEOUT_MS * 5);
    const duringCut = await send(10);
    proxy.restore();
    await waitFor('every broker registered again', async () => (await registeredIds()) === '[0, 1, 2]', 60_000);
    await waitFor('a controller elected again', async () => (await controllerEpoch()) > epoch, 60_000);
    await waitFor('leaders and full ISRs', async () => (await partitions()).every((p) => p.leader >= 0 && p.isr.length === 3), 60_000);
    const after = await send(20);
    await waitFor('every record consumed', () => consumedAll([...during, ...duringCut, ...after]), 60_000);
    await producer!.disconnect();
    producer = undefined;
    for (const partition of [0, 1]) {
      const seen = await offsetsByValue(kafkaClient(bootstrap), TOPIC, partition, acked[partition]!);
      for (const [v, offset] of acked[partition]!) assert.deepEqual(seen.get(v), [offset], `record ${v} of partition ${partition}`);
    }
  });
});
