// ZooKeeperMetadataStore against a real ZooKeeper 3.8 (test/helpers/zookeeper.ts): two stores play two
// brokers and see each other's registrations, topics, configs and partition states; controller election,
// conditional partition-state writes, producer id blocks, chroots, an unreachable ZooKeeper, a ZooKeeper
// killed and restarted, a forced session expiry, and the znodes as ZooKeeper's own CLI prints them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerRegistration } from '../../src/metadata/index.js';
import { ZooKeeperMetadataStore } from '../../src/metadata/zookeeper/zookeeper-store.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { freePort } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/wait.js';

const SESSION_MS = 4000;

function broker(id: number, port = 9090 + id, rack: string | null = null): BrokerRegistration {
  return { id, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 'PLAINTEXT' }], rack };
}

describe('ZooKeeperMetadataStore', () => {
  let zk: ZooKeeperServer;
  const stores: ZooKeeperMetadataStore[] = [];

  async function store(brokerId: number, chroot = '/gregor', opts: { connectionTimeoutMs?: number; port?: number } = {}): Promise<ZooKeeperMetadataStore> {
    const connect = opts.port === undefined ? zk.connectString(chroot) : `127.0.0.1:${opts.port}${chroot}`;
    const s = new ZooKeeperMetadataStore({ connect, sessionTimeoutMs: SESSION_MS, brokerId, connectionTimeoutMs: opts.connectionTimeoutMs });
    stores.push(s);
    await s.start();
    return s;
  }

  before(async () => {
    zk = await ZooKeeperServer.start();
  });
  after(async () => {
    for (const s of stores) await s.close().catch(() => {});
    await zk.close();
  });

  test('two brokers see each other: registrations, topics, configs, partition states, one cluster id', async () => {
    const a = await store(1, '/share');
    const b = await store(2, '/share');
    assert.match(a.clusterId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(b.clusterId, a.clusterId);
    await a.registerBroker(broker(1, 9091, 'r1'));
    await b.registerBroker(broker(2));
    await waitFor('both registrations', () => a.liveBrokers().length === 2 && b.liveBrokers().length === 2, 10_000);
    assert.deepEqual(b.liveBrokers().map((x) => [x.id, x.rack, x.endpoints[0].port]), [[1, 'r1', 9091], [2, null, 9092]]);

    const created = await a.createTopic({ name: 't1', partitions: 2, replicationFactor: 2, replicas: [[1, 2], [2, 1]], configs: { 'retention.ms': '1000' } }, [
      { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1 },
      { leader: 2, leaderEpoch: 0, isr: [2, 1], controllerEpoch: 1 },
    ]);
    assert.equal(a.getTopic('t1')?.topicId, created.topicId);
    await assert.rejects(b.createTopic({ name: 't1', partitions: 1, replicationFactor: 1, replicas: [[2]], configs: {} }), /already exists/);
    const seen = await waitFor('t1 at b', () => b.getTopic('t1')?.configs['retention.ms'] === '1000' && b.partitionState('t1', 1) && b.getTopic('t1'), 10_000);
    assert.deepEqual(seen.replicas, [[1, 2], [2, 1]]);
    assert.equal(b.getTopicById(created.topicId)?.name, 't1');
    assert.equal(b.partitionState('t1', 1)?.leader, 2);

    const altered = await b.alterTopic('t1', { replicas: [[1, 2], [2, 1], [1, 2]], configs: { 'cleanup.policy': 'compact' } });
    assert.equal(altered.partitions, 3);
    await waitFor('alter at a', () => a.getTopic('t1')?.partitions === 3 && a.getTopic('t1')?.configs['cleanup.policy'] === 'compact', 10_000);

    const configEvents: string[] = [];
    const off = a.on('configs', (type, entity) => configEvents.push(`${type}:${entity}`));
    await b.setBrokerConfigs('', { 'log.retention.ms': '5000' });
    await b.setBrokerConfigs('1', { 'log.cleaner.threads': '2' });
    await waitFor('broker configs at a', () => a.brokerConfigs('')['log.retention.ms'] === '5000' && a.brokerConfigs('1')['log.cleaner.threads'] === '2', 10_000);
    off();
    assert.ok(configEvents.includes('brokers:') && configEvents.includes('brokers:1'), configEvents.join());

    const internal = await a.createTopic({ name: '__consumer_offsets', partitions: 1, replicationFactor: 1, replicas: [[1]], configs: {} });
    assert.equal(internal.internal, true);
    assert.equal(created.internal, false);

    await b.deleteTopic('t1');
    assert.equal(b.getTopic('t1'), undefined);
    await waitFor('t1 gone at a', () => a.getTopic('t1') === undefined && a.partitionState('t1', 0) === undefined, 10_000);
  });

  test('a broker.id held by another live broker is refused with a clear message', async () => {
    const a = await store(1, '/dup');
    const b = await store(1, '/dup');
    await a.registerBroker(broker(1, 9101));
    await assert.rejects(b.registerBroker(broker(1, 9201)), /broker\.id 1 is already registered by another broker at 127\.0\.0\.1:9101/);
    await a.registerBroker(broker(1, 9101)); // the holder itself may register again
  });

  test('controller election: one of two concurrent electors wins, the epoch increments, the loser sees the winner; a closed winner hands over', async () => {
    const a = await store(1, '/ctl');
    const b = await store(2, '/ctl');
    const seenByB: Array<number | undefined> = [];
    b.on('controller', (c) => seenByB.push(c?.id));
    const [ea, eb] = await Promise.all([a.electController(1), b.electController(2)]);
    assert.equal([ea, eb].filter((e) => e !== undefined).length, 1, `exactly one winner: ${ea} ${eb}`);
    assert.equal(ea ?? eb, 1);
    const winner = ea !== undefined ? a : b;
    const loser = winner === a ? b : a;
    const winnerId = winner === a ? 1 : 2;
    await waitFor('both see the controller', () => a.controller()?.id === winnerId && b.controller()?.id === winnerId && a.controller()?.epoch === 1, 10_000);
    assert.equal(await loser.electController(winner === a ? 2 : 1), undefined);
    await winner.close();
    await waitFor('controller gone', () => loser.controller() === undefined, 10_000);
    assert.equal(await loser.electController(winner === a ? 2 : 1), 2);
    await waitFor('new controller seen', () => loser.controller()?.epoch === 2, 10_000);
    assert.ok(seenByB.length > 0);
  });

  test('partition state writes are conditional on the version', async () => {
    const a = await store(1, '/isr');
    const b = await store(2, '/isr');
    await a.createTopic({ name: 'p', partitions: 1, replicationFactor: 2, replicas: [[1, 2]], configs: {} });
    const s0 = await a.writePartitionState('p', 0, { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1 }, -1);
    assert.equal(s0?.version, 0);
    assert.equal(await b.writePartitionState('p', 0, { leader: 2, leaderEpoch: 0, isr: [2], controllerEpoch: 1 }, -1), undefined, 'create over an existing state');
    await waitFor('state at b', () => b.partitionState('p', 0)?.version === 0, 10_000);
    const s1 = await b.writePartitionState('p', 0, { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1 }, 0);
    assert.equal(s1?.version, 1);
    assert.equal(await a.writePartitionState('p', 0, { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1 }, 0), undefined, 'stale version');
    assert.deepEqual(a.partitionState('p', 0)?.isr, [1], 'a re-read the state after the refusal');
    const s2 = await a.writePartitionState('p', 0, { leader: 2, leaderEpoch: 1, isr: [2, 1], controllerEpoch: 1 }, a.partitionState('p', 0)!.version);
    assert.equal(s2?.version, 2);
    await waitFor('b sees leader 2', () => b.partitionState('p', 0)?.leaderEpoch === 1, 10_000);
  });

  test('producer id blocks allocated concurrently by two brokers never overlap', async () => {
    const a = await store(1, '/pid');
    const b = await store(2, '/pid');
    const blocks = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).allocateProducerIds(1000)));
    const starts = blocks.map((x) => x.firstProducerId).sort((x, y) => x - y);
    assert.deepEqual(starts, Array.from({ length: 20 }, (_, i) => i * 1000));
  });

  test('chroots isolate clusters', async () => {
    const a = await store(1, '/a');
    const b = await store(1, '/b');
    assert.notEqual(a.clusterId, b.clusterId);
    await a.createTopic({ name: 'only-a', partitions: 1, replicationFactor: 1, replicas: [[1]], configs: {} });
    await a.registerBroker(broker(1));
    await b.registerBroker(broker(1)); // same id, another cluster
    assert.equal(b.getTopic('only-a'), undefined);
    assert.match(await zk.cli('ls', '/'), /\[.*\ba, b\b.*\]/);
  });

  test('ip quotas (KIP-612) live in /config/ips/<ip> and /config/ips/<default>; another broker sees them through the change notification', async () => {
    const a = await store(1, '/ips');
    const b = await store(2, '/ips');
    await a.alterClientQuotas({ ip: '127.0.0.2' }, { connection_creation_rate: 5 }, []);
    await a.alterClientQuotas({ ip: '<default>' }, { connection_creation_rate: 50 }, []);
    const at = (st: ZooKeeperMetadataStore, ip: string) => st.clientQuotas().find((q) => q.entity.ip === ip)?.values.connection_creation_rate;
    await waitFor('ip quotas at b', () => at(b, '127.0.0.2') === 5 && at(b, '<default>') === 50, 10_000);
    const get = async (p: string) => (await zk.cli('get', `/ips${p}`)).trim().split('\n').filter((l) => l.startsWith('{')).pop();
    assert.equal(await get('/config/ips/127.0.0.2'), '{"version":1,"config":{"connection_creation_rate":"5"}}');
    assert.equal(await get('/config/ips/<default>'), '{"version":1,"config":{"connection_creation_rate":"50"}}');
    await b.alterClientQuotas({ ip: '127.0.0.2' }, {}, ['connection_creation_rate']);
    await waitFor('removal at a', () => at(a, '127.0.0.2') === undefined, 10_000);
    assert.equal(at(a, '<default>'), 50);
  });

  test('an unreachable ZooKeeper fails the start with a clear error after the connection timeout', async () => {
    const port = await freePort();
    const s = new ZooKeeperMetadataStore({ connect: `127.0.0.1:${port}/x`, sessionTimeoutMs: SESSION_MS, connectionTimeoutMs: 1500, brokerId: 1 });
    const t0 = Date.now();
    await assert.rejects(s.start(), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'ZOOKEEPER_CONNECT_TIMEOUT');
      assert.match(e.message, new RegExp(`Cannot connect to ZooKeeper at 127\\.0\\.0\\.1:${port} within 1500 ms \\(zookeeper\\.connection\\.timeout\\.ms; \\d+ attempts\\)`));
      return true;
    });
    const took = Date.now() - t0;
    assert.ok(took >= 1400 && took < 5000, `took ${took} ms`);
  });

  test('the znodes read with ZooKeeper\'s own CLI are Kafka\'s layout', async () => {
    const a = await store(7, '/cli');
    await a.registerBroker(broker(7, 9097, 'rack-a'));
    await a.electController(7);
    await a.createTopic({ name: 'orders', partitions: 1, replicationFactor: 1, replicas: [[7]], configs: { 'cleanup.policy': 'compact' } }, [{ leader: 7, leaderEpoch: 0, isr: [7], controllerEpoch: 1 }]);
    await a.setBrokerConfigs('', { 'log.retention.ms': '1' });
    await a.allocateProducerIds(1000);
    const get = async (p: string) => (await zk.cli('get', `/cli${p}`)).trim().split('\n').filter((l) => l.startsWith('{') || /^\d+$/.test(l)).pop();
    const topicId = a.getTopic('orders')!.topicId;
    assert.equal(await get('/brokers/topics/orders'), `{"version":3,"partitions":{"0":[7]},"topic_id":"${topicId}","adding_replicas":{},"removing_replicas":{}}`);
    assert.equal(await get('/brokers/topics/orders/partitions/0/state'), '{"controller_epoch":1,"leader":7,"version":1,"leader_epoch":0,"isr":[7],"leader_recovery_state":0}');
    assert.equal(await get('/config/topics/orders'), '{"version":1,"config":{"cleanup.policy":"compact"}}');
    assert.equal(await get('/config/brokers/<default>'), '{"version":1,"config":{"log.retention.ms":"1"}}');
    assert.equal(await get('/controller_epoch'), '1');
    assert.match((await get('/controller'))!, /^\{"version":1,"brokerid":7,"timestamp":"\d+"\}$/);
    assert.match((await get('/brokers/ids/7'))!, /^\{"listener_security_protocol_map":\{"PLAINTEXT":"PLAINTEXT"\},"endpoints":\["PLAINTEXT:\/\/127\.0\.0\.1:9097"\],"jmx_port":-1,"features":\{\},"host":"127\.0\.0\.1","timestamp":"\d+","port":9097,"version":5,"rack":"rack-a"\}$/);
    assert.equal(await get('/cluster/id'), `{"version":"1","id":"${a.clusterId}"}`);
    assert.match((await get('/latest_producer_id_block'))!, /^\{"version":1,"broker":7,"block_start":"0","block_end":"999"\}$/);
    assert.match(await zk.cli('ls', '/cli/config/changes'), /config_change_\d{10}/);
  });

  test('session expiry: sessionExpired, then the broker is registered again and the view re-read', async () => {
    // a reaches ZooKeeper through a proxy, b directly: cutting the proxy partitions a alone, and ZooKeeper
    // expires a's session once it has not heard from it for the session timeout.
    const proxy = await TcpProxy.start(zk.port);
    try {
      const a = await store(1, '/exp', { port: proxy.port });
      const b = await store(2, '/exp');
      await a.registerBroker(broker(1));
      await waitFor('b sees broker 1', () => b.liveBrokers().some((x) => x.id === 1), 10_000);
      const events: string[] = [];
      a.on('sessionExpired', () => events.push('expired'));
      a.on('reconnected', (renewed) => events.push(renewed ? 'renewed' : 'reconnected'));
      const oldSession = a.sessionId;
      proxy.cut();
      // The registration going away is ZooKeeper's own word that the session expired.
      await waitFor('a\'s session expired at ZooKeeper', () => !b.liveBrokers().some((x) => x.id === 1), 4 * SESSION_MS);
      await b.createTopic({ name: 'while-expired', partitions: 1, replicationFactor: 1, replicas: [[2]], configs: {} });
      proxy.restore();
      await waitFor('expired then renewed', () => events.includes('renewed'), 4 * SESSION_MS);
      assert.deepEqual(events.filter((e) => e !== 'reconnected'), ['expired', 'renewed']);
      assert.notEqual(a.sessionId, oldSession);
      await waitFor('a registered again and up to date', () => b.liveBrokers().some((x) => x.id === 1) && a.getTopic('while-expired'), 10_000);
      const held = await zk.cli('stat', '/exp/brokers/ids/1');
      assert.match(held, new RegExp(`ephemeralOwner = 0x0*${a.sessionId.replace(/^0+/, '')}`));
    } finally {
      await proxy.close();
    }
  });

  test('deregisterBroker removes this session\'s own registration at once, and only that', async () => {
    const a = await store(1, '/dereg');
    const b = await store(2, '/dereg');
    await a.registerBroker(broker(1));
    await b.registerBroker(broker(2));
    await waitFor('both registered', () => a.liveBrokers().length === 2 && b.liveBrokers().length === 2, 10_000);
    await b.deregisterBroker(1); // held by a's session: left alone
    assert.deepEqual(b.liveBrokers().map((x) => x.id), [1, 2]);
    await a.deregisterBroker(1);
    assert.deepEqual(a.liveBrokers().map((x) => x.id), [2]);
    await waitFor('b sees 1 gone', () => b.liveBrokers().length === 1, 10_000);
    await a.deregisterBroker(1); // already gone: nothing to do
    await b.registerBroker(broker(1, 9301)); // the id is free again
    await waitFor('a sees the new holder of 1', () => a.liveBrokers().find((x) => x.id === 1)?.endpoints[0].port === 9301, 10_000);
  });

  test('resignController removes /controller when this broker holds it; another broker can then win with the next epoch', async () => {
    const a = await store(1, '/resign');
    const b = await store(2, '/resign');
    assert.equal(await a.electController(1), 1);
    await waitFor('b sees controller 1', () => b.controller()?.id === 1, 10_000);
    await b.resignController(2); // not the controller: nothing happens
    await b.resignController(1); // 1 is the controller, but not through b's session
    assert.deepEqual(a.controller(), { id: 1, epoch: 1 });
    await a.resignController(2); // a holds it for broker 1, not 2
    assert.deepEqual(a.controller(), { id: 1, epoch: 1 });
    await a.resignController(1);
    assert.equal(a.controller(), undefined);
    await waitFor('b sees no controller', () => b.controller() === undefined, 10_000);
    assert.equal(await b.electController(2), 2);
    await waitFor('a sees controller 2', () => a.controller()?.id === 2 && a.controller()?.epoch === 2, 10_000);
  });

  test('ZooKeeper killed and restarted: the store reconnects, its registration is back and its view current', async () => {
    const a = await store(1, '/restart');
    const b = await store(2, '/restart');
    await a.registerBroker(broker(1));
    await a.createTopic({ name: 'before', partitions: 1, replicationFactor: 1, replicas: [[1]], configs: {} });
    const events: string[] = [];
    a.on('reconnected', (renewed) => events.push(renewed ? 'renewed' : 'reconnected'));
    await zk.kill();
    await new Promise((r) => setTimeout(r, 500));
    await zk.restart();
    await waitFor('a reconnected', () => events.length > 0, 20_000);
    await b.createTopic({ name: 'after', partitions: 1, replicationFactor: 1, replicas: [[2]], configs: {} });
    await waitFor('a sees the new topic and its own registration', () => a.getTopic('after') && a.getTopic('before') && b.liveBrokers().some((x) => x.id === 1), 20_000);
  });
});
