// Consumer groups with librdkafka (Debian's kcat, balanced consumer mode `-G`) against a real broker process:
// three members share six partitions, one leaves and another joins without a record lost, and a restarted
// member resumes from the group's committed offsets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { committedOffsets, createTopic, describeGroup, isBalanced, produceToAll, recordKeys, waitFor } from '../helpers/groups.js';

const PARTITIONS = 6;
const CONSUMER_SETTINGS = ['-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.commit.interval.ms=500', '-X', 'partition.assignment.strategy=range'];

interface KcatMember {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

describe('consumer groups with kcat -G (librdkafka)', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  const children: ChildProcess[] = [];

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'offsets.topic.num.partitions': 5, 'group.initial.rebalance.delay.ms': 300 } });
    kafka = kafkaClient(broker.bootstrap);
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker?.close();
  });

  function startMember(name: string, groupId: string, topic: string, seen: Map<string, string[]>, extra: string[] = []): KcatMember {
    const child = spawn('kcat', ['-b', broker.bootstrap, '-X', `client.id=${name}`, ...CONSUMER_SETTINGS, ...extra, '-f', '%p:%o\n', '-q', '-u', '-G', groupId, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const k of lines) seen.set(k, [...(seen.get(k) ?? []), name]);
    });
    child.stderr!.on('data', () => undefined);
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    return { name, child, exited };
  }

  async function stop(m: KcatMember): Promise<void> {
    m.child.kill('SIGTERM'); // kcat closes its consumer: final commit, LeaveGroup
    const timer = setTimeout(() => m.child.kill('SIGKILL'), 20_000);
    await m.exited;
    clearTimeout(timer);
  }

  /** How many times the broker logged that it started rebalancing this group. */
  function rebalancesOf(groupId: string): number {
    return broker.output.split('\n').filter((l) => l.includes(`"group":"${groupId}"`) && l.includes('preparing to rebalance')).length;
  }

  async function waitBalanced(groupId: string, names: string[]): Promise<void> {
    let last = '';
    await waitFor(`${names.join(', ')} to share ${PARTITIONS} partitions`, async () => {
      const v = await describeGroup(kafka, groupId);
      last = `${v.state} ${JSON.stringify([...v.members].map(([id, ps]) => [v.clientIds.get(id), ps]))}`;
      return isBalanced(v, names.length, PARTITIONS) && [...v.clientIds.values()].sort().join() === [...names].sort().join();
    }, 90_000, 300).catch((e: Error) => {
      throw new Error(`${e.message}; last seen: ${last}`);
    });
  }

  test('three kcat members share six partitions; one leaves and one joins; a new member resumes from the committed offsets', async () => {
    const topic = 'kc-share';
    const groupId = 'kcat-group';
    await createTopic(kafka, topic, PARTITIONS);
    await produceToAll(kafka, topic, PARTITIONS, 100, 'a');
    const seen = new Map<string, string[]>();
    const a = startMember('kc-a', groupId, topic, seen);
    const b = startMember('kc-b', groupId, topic, seen);
    const c = startMember('kc-c', groupId, topic, seen);
    await waitBalanced(groupId, ['kc-a', 'kc-b', 'kc-c']);
    const view = await describeGroup(kafka, groupId);
    for (const parts of view.members.values()) assert.equal(parts.length, 2);
    await waitFor('the first 600 records', () => recordKeys(PARTITIONS, 0, 100).every((k) => seen.has(k)));

    await stop(c);
    await produceToAll(kafka, topic, PARTITIONS, 50, 'b');
    const d = startMember('kc-d', groupId, topic, seen);
    await waitBalanced(groupId, ['kc-a', 'kc-b', 'kc-d']);
    await produceToAll(kafka, topic, PARTITIONS, 50, 'c');
    await waitFor('all 1200 records', () => recordKeys(PARTITIONS, 0, 200).every((k) => seen.has(k)), 90_000);
    assert.equal([...seen.keys()].filter((k) => !recordKeys(PARTITIONS, 0, 200).includes(k)).length, 0, 'nothing that was not produced');

    await Promise.all([stop(a), stop(b), stop(d)]);
    assert.deepEqual(await committedOffsets(kafka, groupId, topic), Array(PARTITIONS).fill(200), 'librdkafka committed the end of every partition on close');

    // A fresh member of the group reads to the end and exits (-e): exactly the records produced since.
    await produceToAll(kafka, topic, PARTITIONS, 10, 'd');
    const r = await kcat(['-b', broker.bootstrap, ...CONSUMER_SETTINGS, '-f', '%p:%o\n', '-q', '-e', '-G', groupId, topic], undefined, 90_000);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter((l) => l).sort(), recordKeys(PARTITIONS, 200, 210).sort());
  });

  test('a SIGKILLed kcat member is removed after session.timeout.ms and its partitions move to the other', async () => {
    const topic = 'kc-session';
    const groupId = 'kcat-session';
    await createTopic(kafka, topic, PARTITIONS);
    await produceToAll(kafka, topic, PARTITIONS, 5, 'a');
    const seen = new Map<string, string[]>();
    const live = startMember('kc-live', groupId, topic, seen, ['-X', 'session.timeout.ms=6000']);
    const doomed = startMember('kc-doomed', groupId, topic, seen, ['-X', 'session.timeout.ms=6000']);
    try {
      await waitBalanced(groupId, ['kc-doomed', 'kc-live']);
      await waitFor('the first 30 records', () => recordKeys(PARTITIONS, 0, 5).every((k) => seen.has(k)));
      doomed.child.kill('SIGKILL'); // no LeaveGroup, no more heartbeats
      const killedAt = Date.now();
      await waitFor('the killed member to be removed', async () => ![...(await describeGroup(kafka, groupId)).clientIds.values()].includes('kc-doomed'), 30_000, 250);
      const elapsed = Date.now() - killedAt;
      assert.ok(elapsed >= 4000, `removed after ${elapsed} ms, not long before the 6 s session timeout`);
      await waitBalanced(groupId, ['kc-live']);
      await produceToAll(kafka, topic, PARTITIONS, 5, 'b');
      await waitFor('the survivor to read every partition', () => recordKeys(PARTITIONS, 5, 10).every((k) => seen.get(k)?.includes('kc-live')), 60_000);
    } finally {
      await stop(live);
      doomed.child.kill('SIGKILL');
    }
  });

  test('static membership (group.instance.id): a member restarted within its session gets its partitions back without a rebalance', async () => {
    const topic = 'kc-static';
    const groupId = 'kcat-static';
    await createTopic(kafka, topic, PARTITIONS);
    const seen = new Map<string, string[]>();
    const staticA = ['-X', 'group.instance.id=static-a', '-X', 'session.timeout.ms=30000'];
    const a = startMember('kc-static-a', groupId, topic, seen, staticA);
    const b = startMember('kc-static-b', groupId, topic, seen, ['-X', 'group.instance.id=static-b', '-X', 'session.timeout.ms=30000']);
    let a2: KcatMember | undefined;
    try {
      await waitBalanced(groupId, ['kc-static-a', 'kc-static-b']);
      const before = await describeGroup(kafka, groupId);
      const partitionsOfA = [...before.members].find(([id]) => before.clientIds.get(id) === 'kc-static-a')![1];
      const rebalancesBefore = rebalancesOf(groupId);
      a.child.kill('SIGKILL');
      await a.exited;
      a2 = startMember('kc-static-a', groupId, topic, seen, staticA);
      await waitFor('the restarted static member to hold its partitions again', async () => {
        const v = await describeGroup(kafka, groupId);
        const mine = [...v.members].find(([id]) => v.clientIds.get(id) === 'kc-static-a');
        return v.state === 'Stable' && v.members.size === 2 && mine !== undefined && !before.members.has(mine[0]);
      }, 60_000, 250);
      const after = await describeGroup(kafka, groupId);
      const mine = [...after.members].find(([id]) => after.clientIds.get(id) === 'kc-static-a')!;
      assert.deepEqual(mine[1], partitionsOfA, 'same partitions under the new member id');
      assert.equal(rebalancesOf(groupId), rebalancesBefore, 'the static member\'s restart caused no rebalance');
      await produceToAll(kafka, topic, PARTITIONS, 3, 'a');
      await waitFor('both members to read their partitions', () => recordKeys(PARTITIONS, 0, 3).every((k) => seen.has(k)), 60_000);
    } finally {
      a.child.kill('SIGKILL');
      if (a2) await stop(a2);
      await stop(b);
    }
  });

  test('broker SIGKILL while kcat members are stable: offsets survive and the group re-forms', async () => {
    const topic = 'kc-crash';
    const groupId = 'kcat-crash';
    await createTopic(kafka, topic, PARTITIONS);
    await produceToAll(kafka, topic, PARTITIONS, 20, 'a');
    const seen = new Map<string, string[]>();
    const a = startMember('kc-crash-a', groupId, topic, seen);
    const b = startMember('kc-crash-b', groupId, topic, seen);
    let a2: KcatMember | undefined;
    let b2: KcatMember | undefined;
    try {
      await waitBalanced(groupId, ['kc-crash-a', 'kc-crash-b']);
      await waitFor('the first 120 records', () => recordKeys(PARTITIONS, 0, 20).every((k) => seen.has(k)));
      await waitFor('the commits to reach the end', async () => (await committedOffsets(kafka, groupId, topic)).every((o) => o === 20), 30_000, 250);
      await broker.kill9();
      // kcat gives up when every broker connection is down ("All broker connections are down: terminating").
      await Promise.all([a.exited, b.exited]);
      await broker.restart();
      assert.deepEqual(await committedOffsets(kafka, groupId, topic), Array(PARTITIONS).fill(20), 'committed offsets survived the crash');
      assert.equal((await describeGroup(kafka, groupId)).state, 'Stable', 'the group came back as it was');
      await produceToAll(kafka, topic, PARTITIONS, 10, 'b');
      // New members re-form the group (the old ones are removed when their sessions expire) and resume.
      a2 = startMember('kc-crash-a', groupId, topic, seen);
      b2 = startMember('kc-crash-b', groupId, topic, seen);
      await waitFor('the new members to read what was produced after the restart', () => recordKeys(PARTITIONS, 20, 30).every((k) => seen.has(k)), 90_000);
      await waitBalanced(groupId, ['kc-crash-a', 'kc-crash-b']);
      assert.deepEqual([...seen.entries()].filter(([k, who]) => Number(k.split(':')[1]) < 20 && who.length > 1), [], 'no committed record delivered again');
    } finally {
      await Promise.all([stop(a), stop(b), ...(a2 ? [stop(a2)] : []), ...(b2 ? [stop(b2)] : [])]);
    }
  });
});
