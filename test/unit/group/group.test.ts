// The classic group state machine on its own (no broker): joins, leader election, protocol choice, sync,
// heartbeats, session and rebalance timeouts. Real timers with small values; every wait is bounded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { Group, type JoinGroupParams, type JoinGroupResult } from '../../../src/group/index.js';

interface HostOptions {
  delayMs?: number;
  now?: () => number;
}

function host(o: HostOptions = {}) {
  const stored: number[] = [];
  return {
    stored,
    initialRebalanceDelayMs: o.delayMs ?? 0,
    maxGroupSize: 100,
    now: o.now ?? Date.now,
    storeGroup: (g: Group) => {
      stored.push(g.generationId);
      return Promise.resolve();
    },
    log: { info: () => undefined, warn: () => undefined },
  };
}

function params(memberId = '', extra: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    memberId, groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }], requireKnownMemberId: false, ...extra,
  };
}

/** `p`, or a rejection after `ms`; its timer keeps the process alive meanwhile (the group's timers are unref'd). */
function within<T>(p: Promise<T>, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stable(g: Group, joins: Array<Promise<JoinGroupResult>>): Promise<JoinGroupResult[]> {
  const joined = await within(Promise.all(joins));
  const leader = joined.find((j) => j.memberId === j.leaderId)!;
  const syncs = joined.map((j) => g.sync({
    generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null,
    assignments: j === leader ? leader.members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(m.memberId) })) : [],
  }));
  for (const s of await within(Promise.all(syncs))) assert.equal(s.errorCode, ErrorCode.NONE);
  assert.equal(g.state, 'Stable');
  return joined;
}

describe('group state machine', () => {
  it('regression: the initial-delay timer firing before the clock reads the deadline still completes the join', async () => {
    // Node timers can fire a millisecond before Date.now() reaches their deadline; a frozen clock is the extreme.
    const g = new Group('g', host({ delayMs: 20, now: () => 1_000_000 }));
    const r = await within(g.join(params()));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.generationId, 1);
    g.shutdown();
  });

  it('two members: one leader with everyone\'s metadata, assignments handed out by SyncGroup', async () => {
    const h = host({ delayMs: 30 });
    const g = new Group('g', h);
    const a = g.join(params('', { clientId: 'a' }));
    const b = g.join(params('', { clientId: 'b', protocols: [{ name: 'range', metadata: Buffer.from('sub-b') }] }));
    const [ja, jb] = await within(Promise.all([a, b]));
    assert.equal(ja.generationId, 1);
    assert.equal(jb.generationId, 1);
    assert.equal(ja.leaderId, jb.leaderId);
    const leader = ja.memberId === ja.leaderId ? ja : jb;
    const follower = leader === ja ? jb : ja;
    assert.equal(leader.members.length, 2);
    assert.deepEqual(follower.members, []);
    assert.equal(g.state, 'CompletingRebalance');
    const followerSync = g.sync({ generationId: 1, memberId: follower.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    await sleep(10);
    assert.equal(g.state, 'CompletingRebalance', 'followers wait for the leader');
    const leaderSync = await within(g.sync({ generationId: 1, memberId: leader.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [
      { memberId: leader.memberId, assignment: Buffer.from('L') }, { memberId: follower.memberId, assignment: Buffer.from('F') },
    ] }));
    assert.equal(leaderSync.assignment.toString(), 'L');
    assert.equal((await within(followerSync)).assignment.toString(), 'F');
    assert.equal(g.state, 'Stable');
    assert.deepEqual(h.stored, [1], 'the assignment was stored before it was handed out');
    g.shutdown();
  });

  it('the protocol chosen is one every member supports, preferred by most', async () => {
    const g = new Group('g', host({ delayMs: 20 }));
    const both = (first: string, second: string) => [{ name: first, metadata: Buffer.alloc(0) }, { name: second, metadata: Buffer.alloc(0) }];
    const joins = [
      g.join(params('', { protocols: both('roundrobin', 'range') })),
      g.join(params('', { protocols: both('range', 'roundrobin') })),
      g.join(params('', { protocols: [{ name: 'range', metadata: Buffer.alloc(0) }, { name: 'sticky', metadata: Buffer.alloc(0) }] })),
    ];
    const joined = await within(Promise.all(joins));
    assert.deepEqual(joined.map((j) => j.protocolName), ['range', 'range', 'range']);
    g.shutdown();
  });

  it('a new member in a stable group: heartbeats say REBALANCE_IN_PROGRESS until everyone rejoined a new generation', async () => {
    const g = new Group('g', host());
    const [first] = await stable(g, [g.join(params())]);
    const newcomer = g.join(params());
    assert.equal(g.state, 'PreparingRebalance');
    assert.equal(g.heartbeat(first.memberId, null, first.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = g.join(params(first.memberId));
    const [n, r] = await within(Promise.all([newcomer, rejoin]));
    assert.equal(n.generationId, 2);
    assert.equal(r.generationId, 2);
    assert.equal(g.heartbeat(first.memberId, null, 1), ErrorCode.ILLEGAL_GENERATION);
    g.shutdown();
  });

  it('a member without heartbeats is removed after its session timeout, and the rest rebalance', async () => {
    const g = new Group('g', host({ delayMs: 30 }));
    const joined = await stable(g, [g.join(params('', { sessionTimeoutMs: 150 })), g.join(params('', { sessionTimeoutMs: 150 }))]);
    const [alive, silent] = joined;
    const started = Date.now();
    while (Date.now() - started < 400) {
      assert.notEqual(g.heartbeat(alive.memberId, null, alive.generationId), ErrorCode.UNKNOWN_MEMBER_ID);
      await sleep(40);
    }
    assert.ok(!g.members.has(silent.memberId), 'the silent member is gone');
    assert.equal(g.heartbeat(alive.memberId, null, alive.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    const again = await within(g.join(params(alive.memberId, { sessionTimeoutMs: 150 })));
    assert.equal(again.generationId, alive.generationId + 1);
    assert.deepEqual(again.members.map((m) => m.memberId), [alive.memberId]);
    g.shutdown();
  });

  it('members that do not rejoin within the rebalance timeout are removed; the join completes for the rest', async () => {
    const g = new Group('g', host({ delayMs: 30 }));
    const [a, b] = await stable(g, [g.join(params('', { rebalanceTimeoutMs: 100 })), g.join(params('', { rebalanceTimeoutMs: 100 }))]);
    const t0 = Date.now();
    const r = await within(g.join(params(a.memberId, { rebalanceTimeoutMs: 100 })));
    assert.ok(Date.now() - t0 >= 90, 'it waited for the other member');
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.deepEqual(r.members.map((m) => m.memberId), [a.memberId]);
    assert.ok(!g.members.has(b.memberId));
    g.shutdown();
  });

  it('a leader that never sends SyncGroup is removed after the rebalance timeout; waiting followers are told to rejoin', async () => {
    const g = new Group('g', host({ delayMs: 30 }));
    const [x, y] = await within(Promise.all([g.join(params('', { rebalanceTimeoutMs: 100 })), g.join(params('', { rebalanceTimeoutMs: 100 }))]));
    const follower = x.memberId === x.leaderId ? y : x;
    const sync = await within(g.sync({ generationId: follower.generationId, memberId: follower.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    assert.equal(sync.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await within(g.join(params(follower.memberId, { rebalanceTimeoutMs: 100 })));
    assert.equal(rejoined.leaderId, follower.memberId, 'the follower leads the new generation');
    assert.equal(g.members.size, 1);
    g.shutdown();
  });

  it('KIP-394: a new dynamic member first gets MEMBER_ID_REQUIRED with its id; an unknown id is refused', async () => {
    const g = new Group('g', host());
    const first = await within(g.join(params('', { requireKnownMemberId: true })));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.ok(first.memberId.length > 0);
    assert.equal((await within(g.join(params('someone-else', { requireKnownMemberId: true })))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const second = await within(g.join(params(first.memberId, { requireKnownMemberId: true })));
    assert.equal(second.errorCode, ErrorCode.NONE);
    assert.equal(second.memberId, first.memberId);
    g.shutdown();
  });
});
