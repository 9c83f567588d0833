// Consumer groups with kafkajs (a client no one here wrote) against a real broker process: members share a
// topic's partitions without overlap, members leave and join without losing records, a restarted group resumes
// from its committed offsets, a silent member is removed after its session timeout, and a SIGKILLed broker
// comes back with the offsets and the group.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Consumer, Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { committedOffsets as committed, describeGroup as describe_, produceToAll, waitFor } from '../helpers/groups.js';

const PARTITIONS = 6;
const MEMBER_SCRIPT = join(import.meta.dirname, '..', 'helpers', 'kafkajs-member.js');

interface Member {
  name: string;
  consumer: Consumer;
  memberId: string | null;
}

/** Every record seen, as "partition:offset", with who saw it. */
type Seen = Map<string, string[]>;

async function startMember(kafka: Kafka, name: string, groupId: string, topic: string, seen: Seen, opts: { sessionTimeout?: number } = {}): Promise<Member> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: opts.sessionTimeout ?? 10_000, heartbeatInterval: 300, rebalanceTimeout: 20_000, maxWaitTimeInMs: 200, retry: { retries: 20, initialRetryTime: 100 } });
  const member: Member = { name, consumer, memberId: null };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.memberId = e.payload.memberId;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const k = `${partition}:${message.offset}`;
      const who = seen.get(k) ?? [];
      who.push(name);
      seen.set(k, who);
    },
  });
  return member;
}

/** Waits until the group is Stable with exactly `members`, whose assignments cover every partition once. */
async function waitForBalanced(kafka: Kafka, groupId: string, members: Member[]): Promise<Map<string, number[]>> {
  let last: Map<string, number[]> = new Map();
  await waitFor(`${members.map((m) => m.name).join(', ')} to share ${PARTITIONS} partitions`, async () => {
    const d = await describe_(kafka, groupId);
    last = d.members;
    if (d.state !== 'Stable' || d.members.size !== members.length) return false;
    if (!members.every((m) => m.memberId !== null && d.members.has(m.memberId))) return false;
    const all = [...d.members.values()].flat().sort((a, b) => a - b);
    return all.length === PARTITIONS && all.every((p, i) => p === i);
  }, 90_000, 250);
  return last;
}

function expectedKeys(countPerPartition: number): string[] {
  const out: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) for (let o = 0; o < countPerPartition; o++) out.push(`${p}:${o}`);
  return out;
}

describe('consumer groups with kafkajs', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'offsets.topic.num.partitions': 5, 'group.initial.rebalance.delay.ms': 300 } });
    kafka = kafkaClient(broker.bootstrap);
  });
  after(async () => {
    await broker?.close();
  });

  test('three members share six partitions; a member leaves and one joins without losing a record; a restarted group resumes where it committed', async () => {
    const topic = 'grp-share';
    const groupId = 'share-group';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    await produceToAll(kafka, topic, PARTITIONS, 100, 'a');

    const seen: Seen = new Map();
    const a = await startMember(kafka, 'A', groupId, topic, seen);
    const b = await startMember(kafka, 'B', groupId, topic, seen);
    const c = await startMember(kafka, 'C', groupId, topic, seen);
    try {
      const assignment = await waitForBalanced(kafka, groupId, [a, b, c]);
      for (const parts of assignment.values()) assert.equal(parts.length, 2, 'the range assignor gives each of 3 members 2 of 6 partitions');
      await waitFor('the first 600 records', () => expectedKeys(100).every((k) => seen.has(k)));

      // C leaves (LeaveGroup), D joins; more records arrive meanwhile.
      await c.consumer.disconnect();
      await produceToAll(kafka, topic, PARTITIONS, 50, 'b');
      const d = await startMember(kafka, 'D', groupId, topic, seen);
      try {
        await waitForBalanced(kafka, groupId, [a, b, d]);
        await produceToAll(kafka, topic, PARTITIONS, 50, 'c');
        await waitFor('all 1200 records', () => expectedKeys(200).every((k) => seen.has(k)));
        assert.ok(expectedKeys(200).every((k) => seen.has(k)), 'no record was lost across the leave and the join');
        assert.ok([...seen.keys()].every((k) => Number(k.split(':')[1]) < 200), 'nothing beyond what was produced');
      } finally {
        await d.consumer.disconnect();
      }
    } finally {
      await a.consumer.disconnect();
      await b.consumer.disconnect();
      await c.consumer.disconnect();
    }

    // Every member stopped cleanly: the group committed exactly the end of every partition.
    assert.deepEqual(await committed(kafka, groupId, topic), Array(PARTITIONS).fill(200));
    assert.equal((await describe_(kafka, groupId)).state, 'Empty');

    // A new member of the same group resumes from the committed offsets: the new records, no old ones.
    await produceToAll(kafka, topic, PARTITIONS, 10, 'd');
    const resumed: Seen = new Map();
    const e = await startMember(kafka, 'E', groupId, topic, resumed);
    try {
      await waitFor('the 60 records produced after the restart', () => resumed.size >= 60);
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual([...resumed.keys()].sort(), expectedKeys(210).filter((k) => Number(k.split(':')[1]) >= 200).sort(), 'exactly the uncommitted records');
      assert.ok([...resumed.values()].every((who) => who.length === 1), 'no record delivered twice');
    } finally {
      await e.consumer.disconnect();
    }
  });

  test('a member that stops heartbeating is removed after session.timeout.ms and its partitions move to the other', async () => {
    const topic = 'grp-session';
    const groupId = 'session-group';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    await produceToAll(kafka, topic, PARTITIONS, 5, 'a');

    const seen: Seen = new Map();
    const live = await startMember(kafka, 'live', groupId, topic, seen, { sessionTimeout: 6000 });
    // The other member runs in its own process, so SIGKILL silences it: no LeaveGroup, no more heartbeats.
    const child = spawn(process.execPath, [MEMBER_SCRIPT, broker.bootstrap, groupId, topic, '6000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const silent: Member = { name: 'silent', consumer: null as unknown as Consumer, memberId: null };
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n').slice(0, -1)) {
        const msg = JSON.parse(line) as { join?: string };
        if (msg.join) silent.memberId = msg.join;
      }
      out = out.slice(out.lastIndexOf('\n') + 1);
    });
    try {
      await waitForBalanced(kafka, groupId, [live, silent]);
      const silentId = silent.memberId!;
      child.kill('SIGKILL');
      const stoppedAt = Date.now();
      await waitFor('the silent member to be removed', async () => !(await describe_(kafka, groupId)).members.has(silentId), 30_000, 250);
      const elapsed = Date.now() - stoppedAt;
      assert.ok(elapsed >= 4000, `removed after ${elapsed} ms, not long before the 6 s session timeout`);
      const after = await waitForBalanced(kafka, groupId, [live]);
      assert.deepEqual(after.get(live.memberId!), [0, 1, 2, 3, 4, 5], 'the remaining member got every partition');
      await produceToAll(kafka, topic, PARTITIONS, 5, 'b');
      await waitFor('the remaining member to read the silent member\'s partitions', () => [0, 1, 2, 3, 4, 5].every((p) => seen.has(`${p}:9`)));
    } finally {
      child.kill('SIGKILL');
      await live.consumer.disconnect();
    }
  });

  test('broker SIGKILL while a group is stable: offsets survive and the group re-forms', async () => {
    const topic = 'grp-crash';
    const groupId = 'crash-group';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    await produceToAll(kafka, topic, PARTITIONS, 20, 'a');

    const seen: Seen = new Map();
    const m1 = await startMember(kafka, 'M1', groupId, topic, seen);
    const m2 = await startMember(kafka, 'M2', groupId, topic, seen);
    try {
      await waitForBalanced(kafka, groupId, [m1, m2]);
      await waitFor('the first 120 records', () => expectedKeys(20).every((k) => seen.has(k)));
      await waitFor('the commits to reach the end', async () => (await committed(kafka, groupId, topic)).every((o) => o === 20), 30_000, 250);

      await broker.kill9();
      await broker.restart();
      assert.deepEqual(await committed(kafka, groupId, topic), Array(PARTITIONS).fill(20), 'committed offsets survived the crash');

      await produceToAll(kafka, topic, PARTITIONS, 10, 'b');
      await waitFor('the members to consume what was produced after the restart', () => expectedKeys(30).every((k) => seen.has(k)), 90_000);
      await waitForBalanced(kafka, groupId, [m1, m2]);
      const redelivered = [...seen.entries()].filter(([k, who]) => Number(k.split(':')[1]) < 20 && who.length > 1);
      assert.deepEqual(redelivered, [], 'no committed record was delivered again');
    } finally {
      await m1.consumer.disconnect();
      await m2.consumer.disconnect();
    }
  });

  test('deleting a topic removes the committed offsets of every group for it; a topic created again starts clean', async () => {
    const topic = 'grp-deleted';
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      for (const groupId of ['del-a', 'del-b']) await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '9' }] });
      assert.deepEqual(await committed(kafka, 'del-a', topic), [7, 9]);
      await admin.deleteTopics({ topics: [topic] });
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await waitFor('the offsets of the deleted topic to be gone', async () => (await committed(kafka, 'del-b', topic)).every((o) => o === -1), 10_000);
      assert.deepEqual(await committed(kafka, 'del-a', topic), [-1, -1]);
    } finally {
      await admin.disconnect();
    }
  });
});
