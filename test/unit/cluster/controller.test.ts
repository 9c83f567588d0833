// The controller's elections on demand and reassignments, on an in-memory cluster (no logs, no sockets):
// Kafka's per-partition errors, the reassignment's steps (adding replicas join the ISR, leadership moves
// into the target, removed replicas leave the ISR, the target becomes the assignment), cancellation, and a
// new controller finishing what the previous one started.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller } from '../../../src/cluster/index.js';
import { InMemoryCluster, type ClusterMetadataStore } from '../../../src/metadata/index.js';

const quiet = { info() {}, warn() {}, error() {} };
const opts = { uncleanLeaderElection: () => false, autoRebalance: false, rebalanceIntervalMs: 300_000 };

async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('controller: elections on demand and reassignments', () => {
  let cluster: InMemoryCluster;
  const stores = new Map<number, ClusterMetadataStore>();
  const controllers = new Map<number, Controller>();

  async function start(ids: number[]): Promise<void> {
    cluster = new InMemoryCluster();
    for (const id of ids) {
      const s = cluster.store();
      await s.registerBroker({ id, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + id }] });
      stores.set(id, s);
    }
    for (const id of ids) {
      const c = new Controller(stores.get(id)!, id, quiet, opts);
      await c.start();
      controllers.set(id, c);
    }
  }

  afterEach(async () => {
    for (const c of controllers.values()) await c.close();
    for (const s of stores.values()) await s.close();
    controllers.clear();
    stores.clear();
  });

  const store = () => [...stores.values()][0]!;
  const active = () => [...controllers.values()].find((c) => c.active)!;
  const state = (topic: string, p = 0) => store().partitionState(topic, p);

  /** As the partition's leader would: a new ISR, conditional on the state's version. */
  async function setIsr(topic: string, isr: number[]): Promise<void> {
    const s = state(topic)!;
    assert.ok(await store().writePartitionState(topic, 0, { leader: s.leader, leaderEpoch: s.leaderEpoch, isr, controllerEpoch: s.controllerEpoch }, s.version));
  }

  async function topic(name: string, replicas: number[][]): Promise<void> {
    await store().createTopic({ name, partitions: replicas.length, replicationFactor: replicas[0]!.length, replicas, configs: {} });
    await until(`${name} has leaders`, () => replicas.every((_, p) => (state(name, p)?.leader ?? -1) >= 0));
  }

  test('preferred and unclean elections answer with Kafka\'s errors', async () => {
    await start([1, 2, 3]);
    await topic('t', [[1, 2]]);
    const c = controllers.get(3)!; // any broker may run it
    assert.deepEqual((await c.electLeaders('PREFERRED', [{ topic: 't', partition: 0 }])).map((o) => o.error), ['ELECTION_NOT_NEEDED']);
    assert.deepEqual((await c.electLeaders('PREFERRED', [{ topic: 't', partition: 4 }, { topic: 'nope', partition: 0 }])).map((o) => o.error), ['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_OR_PARTITION']);
    // Leadership on 2 with 1 out of the ISR: the preferred replica cannot lead.
    const s = state('t')!;
    await store().writePartitionState('t', 0, { leader: 2, leaderEpoch: s.leaderEpoch + 1, isr: [2], controllerEpoch: s.controllerEpoch }, s.version);
    assert.deepEqual((await c.electLeaders('PREFERRED', [{ topic: 't', partition: 0 }])).map((o) => o.error), ['PREFERRED_LEADER_NOT_AVAILABLE']);
    await setIsr('t', [2, 1]);
    const before = state('t')!.leaderEpoch;
    assert.deepEqual(await c.electLeaders('PREFERRED', [{ topic: 't', partition: 0 }]), [{ topic: 't', partition: 0 }]);
    assert.equal(state('t')!.leader, 1);
    assert.equal(state('t')!.leaderEpoch, before + 1);
    assert.deepEqual((await c.electLeaders('UNCLEAN', [{ topic: 't', partition: 0 }])).map((o) => o.error), ['ELECTION_NOT_NEEDED']);

    // Only broker 1 in the ISR, and it goes: offline (unclean.leader.election.enable=false) until an
    // unclean election on demand lets broker 2 lead.
    await setIsr('t', [1]);
    await controllers.get(1)!.close();
    controllers.delete(1);
    await stores.get(1)!.close();
    stores.delete(1);
    await until('t-0 offline', () => state('t')!.leader === -1);
    const [unclean] = await active().electLeaders('UNCLEAN', [{ topic: 't', partition: 0 }]);
    assert.equal(unclean!.error, undefined);
    assert.equal(state('t')!.leader, 2);
    assert.deepEqual(state('t')!.isr, [2]);
    await controllers.get(2)!.close();
    controllers.delete(2);
    await stores.get(2)!.close();
    stores.delete(2);
    await until('t-0 offline again', () => state('t')!.leader === -1);
    assert.deepEqual((await active().electLeaders('UNCLEAN', [{ topic: 't', partition: 0 }])).map((o) => o.error), ['ELIGIBLE_LEADERS_NOT_AVAILABLE']);
  });

  test('a reassignment: the added replica catches up, leadership moves into the target, the removed replica goes', async () => {
    await start([1, 2, 3]);
    await topic('m', [[1, 2]]);
    const c = controllers.get(2)!;
    const refused = await c.alterReassignments([
      { topic: 'm', partition: 0, replicas: [] },
      { topic: 'm', partition: 0, replicas: [2, 2] },
      { topic: 'm', partition: 0, replicas: [2, 9] },
      { topic: 'm', partition: 0, replicas: [2, -1] },
      { topic: 'm', partition: 3, replicas: [2, 3] },
      { topic: 'gone', partition: 0, replicas: [2, 3] },
    ]);
    assert.deepEqual(refused.map((o) => o.error), ['INVALID_REPLICA_ASSIGNMENT', 'INVALID_REPLICA_ASSIGNMENT', 'INVALID_REPLICA_ASSIGNMENT', 'INVALID_REPLICA_ASSIGNMENT', 'UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_OR_PARTITION']);
    assert.match(refused[2]!.message!, /brokers that are not alive\. Replica list: 9, live broker list: 1,2,3/);
    assert.deepEqual((await c.alterReassignments([{ topic: 'm', partition: 0, replicas: null }])).map((o) => o.error), ['NO_REASSIGNMENT_IN_PROGRESS']);
    assert.deepEqual(store().getTopic('m')!.replicas, [[1, 2]]);

    assert.deepEqual(await c.alterReassignments([{ topic: 'm', partition: 0, replicas: [2, 3] }]), [{ topic: 'm', partition: 0 }]);
    assert.deepEqual(store().getTopic('m')!.replicas, [[2, 3, 1]]);
    assert.deepEqual(store().getTopic('m')!.reassigning, { 0: { adding: [3], removing: [1] } });
    assert.deepEqual(c.listReassignments(), [{ topic: 'm', partition: 0, replicas: [2, 3, 1], adding: [3], removing: [1] }]);
    await active().settled();
    assert.equal(state('m')!.leader, 1, 'nothing moves before the added replica is in sync');
    await setIsr('m', [1, 2, 3]); // broker 3 caught up
    await until('the reassignment completed', () => store().getTopic('m')!.reassigning === undefined);
    assert.deepEqual(store().getTopic('m')!.replicas, [[2, 3]]);
    assert.equal(state('m')!.leader, 2);
    assert.deepEqual(state('m')!.isr, [2, 3]);
    assert.deepEqual(c.listReassignments(), []);

    // Only a reorder: done at once, no replica added or removed.
    await c.alterReassignments([{ topic: 'm', partition: 0, replicas: [3, 2] }]);
    assert.deepEqual(store().getTopic('m')!.replicas, [[3, 2]]);
    assert.equal(store().getTopic('m')!.reassigning, undefined);
  });

  test('cancelling puts the original replicas back and drops the ones being added', async () => {
    await start([1, 2, 3]);
    await topic('c', [[1, 2]]);
    const c = controllers.get(1)!;
    await c.alterReassignments([{ topic: 'c', partition: 0, replicas: [3, 2] }]);
    assert.deepEqual(store().getTopic('c')!.replicas, [[3, 2, 1]]);
    assert.deepEqual(await c.alterReassignments([{ topic: 'c', partition: 0, replicas: null }]), [{ topic: 'c', partition: 0 }]);
    await until('cancelled', () => store().getTopic('c')!.reassigning === undefined);
    assert.deepEqual([...store().getTopic('c')!.replicas[0]!].sort(), [1, 2]);
    assert.equal(state('c')!.leader, 1);
  });

  test('a new controller resumes a reassignment from the store', async () => {
    await start([1, 2, 3]);
    await topic('f', [[1, 2]]);
    assert.equal(active(), controllers.get(1), 'the first broker to start is the controller');
    await controllers.get(3)!.alterReassignments([{ topic: 'f', partition: 0, replicas: [2, 3] }]);
    await controllers.get(1)!.close();
    controllers.delete(1);
    await stores.get(1)!.close();
    stores.delete(1);
    await until('another controller', () => [...controllers.values()].some((c) => c.active));
    // Broker 3 caught up (as the partition's leader would record it), whatever the new controller did meanwhile.
    await until('broker 3 in the ISR', () => {
      const s = state('f')!;
      if (s.isr.includes(3) || store().getTopic('f')?.reassigning === undefined) return true;
      if (s.leader >= 0) void store().writePartitionState('f', 0, { leader: s.leader, leaderEpoch: s.leaderEpoch, isr: [...s.isr, 3], controllerEpoch: s.controllerEpoch }, s.version);
      return false;
    });
    await until('completed by the new controller', () => store().getTopic('f')?.reassigning === undefined, 10_000);
    assert.deepEqual(store().getTopic('f')!.replicas, [[2, 3]]);
    assert.ok([2, 3].includes(state('f')!.leader));
  });
});
