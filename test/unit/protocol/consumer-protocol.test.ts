// The consumer embedded protocol (ConsumerProtocolSubscription/Assignment) the client, the group
// coordinator and the gateway's WebSocket members exchange with Kafka clients, and the leader's
// assignors: every partition to exactly one subscribed member.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  ASSIGNORS, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, ProtocolDecodeError, rangeAssign, roundRobinAssign,
  type AssignmentPlan,
} from '../../../src/protocol/index.js';

test('subscription and assignment bytes match the consumer protocol v0 layout', () => {
  const sub = encodeSubscription({ topics: ['a', 'bc'] });
  // version 0 | 2 topics | "a" | "bc" | null user data
  assert.deepEqual([...sub], [0, 0, 0, 0, 0, 2, 0, 1, 0x61, 0, 2, 0x62, 0x63, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeSubscription(sub).topics, ['a', 'bc']);
  const a = encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 2] }] });
  assert.deepEqual([...a], [0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeAssignment(a).assignedPartitions, [{ topic: 't', partitions: [0, 2] }]);
});

test('subscription versions 1-3 add owned partitions, generation id and rack id; newer versions parse as the newest known', () => {
  const full = { topics: ['x'], userData: Buffer.from([1, 2]), ownedPartitions: [{ topic: 'x', partitions: [3] }], generationId: 7, rackId: 'r1' };
  for (const version of [0, 1, 2, 3]) {
    const d = decodeSubscription(encodeSubscription({ ...full, version }));
    assert.equal(d.version, version);
    assert.deepEqual(d.topics, ['x']);
    assert.deepEqual(d.userData, Buffer.from([1, 2]));
    assert.deepEqual(d.ownedPartitions, version >= 1 ? full.ownedPartitions : []);
    assert.equal(d.generationId, version >= 2 ? 7 : -1);
    assert.equal(d.rackId, version >= 3 ? 'r1' : null);
  }
  const v4 = encodeSubscription({ ...full, version: 3 });
  v4.writeInt16BE(4, 0);
  const d = decodeSubscription(Buffer.concat([v4, Buffer.from([9, 9, 9])]));
  assert.equal(d.version, 4);
  assert.equal(d.rackId, 'r1');
  const negative = Buffer.from(v4);
  negative.writeInt16BE(-1, 0);
  assert.throws(() => decodeSubscription(negative), ProtocolDecodeError);
  assert.throws(() => encodeSubscription({ topics: [], version: 4 }), RangeError);
});

test('assignments: versions 0-3 share one layout; empty bytes are no assignment, garbage is an error', () => {
  for (const version of [0, 1, 2, 3]) {
    const d = decodeAssignment(encodeAssignment({ version, assignedPartitions: [{ topic: 'y', partitions: [1] }], userData: Buffer.from('u') }));
    assert.deepEqual(d, { version, assignedPartitions: [{ topic: 'y', partitions: [1] }], userData: Buffer.from('u') });
  }
  assert.deepEqual(decodeAssignment(Buffer.alloc(0)).assignedPartitions, []);
  assert.throws(() => decodeAssignment(Buffer.from([0])), ProtocolDecodeError);
});

test('kafkajs reads our subscription and assignment and we read its', () => {
  const require = createRequire(import.meta.url);
  const { AssignerProtocol } = require('kafkajs');
  const ours = AssignerProtocol.MemberMetadata.decode(encodeSubscription({ topics: ['t1', 't2'], userData: Buffer.from('ud') }));
  assert.deepEqual(ours.topics, ['t1', 't2']);
  // kafkajs's assigners announce version 1 but write the v0 layout.
  const theirs = AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['a'], userData: Buffer.alloc(0) });
  assert.deepEqual(decodeSubscription(theirs).topics, ['a']);
  assert.deepEqual(decodeSubscription(theirs).ownedPartitions, []);
  const assignment = AssignerProtocol.MemberAssignment.decode(encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 2] }] }));
  assert.deepEqual(assignment.assignment, { t: [0, 2] });
  const theirAssignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { a: [1, 0] }, userData: Buffer.alloc(0) });
  assert.deepEqual(decodeAssignment(theirAssignment).assignedPartitions, [{ topic: 'a', partitions: [1, 0] }]);
});

function covered(plan: AssignmentPlan): Map<string, string> {
  const seen = new Map<string, string>();
  for (const [member, list] of plan) {
    for (const { topic, partitions } of list) {
      for (const p of partitions) {
        assert.ok(!seen.has(`${topic}/${p}`), `${topic}/${p} once`);
        seen.set(`${topic}/${p}`, member);
      }
    }
  }
  return seen;
}

test('round-robin and range assignments cover every partition once, only to subscribers', () => {
  const parts = new Map([['x', 5], ['y', 3]]);
  const members = [{ memberId: 'm2', topics: ['x', 'y'] }, { memberId: 'm1', topics: ['x'] }, { memberId: 'm3', topics: ['y'] }];
  for (const protocol of ['RoundRobinAssigner', 'roundrobin', 'range']) {
    const plan = ASSIGNORS.get(protocol)!(members, parts);
    for (const [member, list] of plan) {
      for (const { topic } of list) assert.ok(members.find((m) => m.memberId === member)!.topics.includes(topic), `${protocol}: ${member} subscribed to ${topic}`);
    }
    assert.equal(covered(plan).size, 8, protocol);
    // Same subscriptions everywhere: counts differ by at most one.
    const same = ASSIGNORS.get(protocol)!([{ memberId: 'a', topics: ['x'] }, { memberId: 'b', topics: ['x'] }], parts);
    const counts = [...same.values()].map((m) => m.reduce((n, tp) => n + tp.partitions.length, 0));
    assert.deepEqual(counts.sort(), [2, 3], protocol);
  }
});

test('range gives contiguous ranges per topic, first members one more; round-robin deals partitions in turn', () => {
  const members = [{ memberId: 'c', topics: ['t'] }, { memberId: 'a', topics: ['t', 'u'] }, { memberId: 'b', topics: ['t'] }];
  const parts = new Map([['t', 7], ['u', 2], ['unsubscribed', 4]]);
  assert.deepEqual(Object.fromEntries(rangeAssign(members, parts)), {
    a: [{ topic: 't', partitions: [0, 1, 2] }, { topic: 'u', partitions: [0, 1] }],
    b: [{ topic: 't', partitions: [3, 4] }],
    c: [{ topic: 't', partitions: [5, 6] }],
  });
  // Kafka's RoundRobinAssignor: t-0..t-6 then u-0, u-1 to the next subscriber in a circle a, b, c.
  assert.deepEqual(Object.fromEntries(roundRobinAssign(members, parts)), {
    a: [{ topic: 't', partitions: [0, 3, 6] }, { topic: 'u', partitions: [0, 1] }],
    b: [{ topic: 't', partitions: [1, 4] }],
    c: [{ topic: 't', partitions: [2, 5] }],
  });
});
