// The consumer-protocol bytes a WebSocket group member exchanges with Kafka clients, and the leader's
// assignment: every partition to exactly one subscribed member.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assign, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../src/gateway/group-member.js';

test('subscription and assignment bytes match the consumer protocol v0 layout', () => {
  const sub = encodeSubscription(['a', 'bc']);
  // version 0 | 2 topics | "a" | "bc" | null user data
  assert.deepEqual([...sub], [0, 0, 0, 0, 0, 2, 0, 1, 0x61, 0, 2, 0x62, 0x63, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeSubscription(sub), ['a', 'bc']);
  const a = encodeAssignment(new Map([['t', [0, 2]]]));
  assert.deepEqual([...a], [0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeAssignment(a), [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }]);
});

test('round-robin and range assignments cover every partition once, only to subscribers', () => {
  const parts: Record<string, number> = { x: 5, y: 3 };
  const members = [{ memberId: 'm2', topics: ['x', 'y'] }, { memberId: 'm1', topics: ['x'] }, { memberId: 'm3', topics: ['y'] }];
  for (const protocol of ['RoundRobinAssigner', 'roundrobin', 'range']) {
    const plan = assign(protocol, members, (t) => parts[t]!);
    const seen = new Map<string, string>();
    for (const [member, topics] of plan) {
      for (const [t, ps] of topics) {
        assert.ok(members.find((m) => m.memberId === member)!.topics.includes(t), `${protocol}: ${member} subscribed to ${t}`);
        for (const p of ps) {
          assert.ok(!seen.has(`${t}/${p}`), `${protocol}: ${t}/${p} once`);
          seen.set(`${t}/${p}`, member);
        }
      }
    }
    assert.equal(seen.size, 8, protocol);
    // Same subscriptions everywhere: counts differ by at most one.
    const same = assign(protocol, [{ memberId: 'a', topics: ['x'] }, { memberId: 'b', topics: ['x'] }], (t) => parts[t]!);
    const counts = [...same.values()].map((m) => [...m.values()].reduce((n, ps) => n + ps.length, 0));
    assert.deepEqual(counts.sort(), [2, 3], protocol);
  }
});
