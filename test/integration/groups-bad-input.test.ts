// Group requests that must be refused with Kafka's error codes, sent as hand-built frames (edge cases only;
// real clients are exercised in groups-kafkajs and groups-kcat). After each refusal the group and its offsets
// must be exactly as before, and the broker must keep serving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiVersions, CreateTopics, DeleteGroups, Metadata, ZERO_UUID, DescribeGroups, ErrorCode, FindCoordinator, Heartbeat, JoinGroup, LeaveGroup, OffsetCommit, OffsetDelete,
  OffsetFetch, SyncGroup, Writer,
} from '../../src/protocol/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { kafkaClient } from '../helpers/kafkajs.js';

// A consumer-protocol subscription to topic "bad-in" (version 0, [topics], null user data).
const SUBSCRIPTION = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, 6]), Buffer.from('bad-in'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
const TOPIC = 'bad-in';

function joinRequest(groupId: string, memberId = '', extra: Partial<JoinGroup.JoinGroupRequest> = {}): JoinGroup.JoinGroupRequest {
  return {
    groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: SUBSCRIPTION }], reason: null, ...extra,
  };
}

function commitRequest(groupId: string, generationId: number, memberId: string, partitions: Array<{ topic: string; partition: number; offset: number; metadata?: string }>): OffsetCommit.OffsetCommitRequest {
  const topics = new Map<string, OffsetCommit.OffsetCommitRequestPartition[]>();
  for (const p of partitions) {
    const list = topics.get(p.topic) ?? [];
    list.push({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: p.metadata ?? '' });
    topics.set(p.topic, list);
  }
  return { groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, topics: [...topics].map(([name, ps]) => ({ name, partitions: ps })) };
}

function errorsOf(res: OffsetCommit.OffsetCommitResponse): number[] {
  return res.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

describe('group requests with bad input', () => {
  let broker: BrokerProcess;
  const conns: RawConnection[] = [];
  const open = async (): Promise<RawConnection> => {
    const c = await RawConnection.open(broker.port);
    conns.push(c);
    return c;
  };

  /** Joins as a new dynamic member (two JoinGroups, KIP-394) and syncs as the only member. */
  async function joinAlone(c: RawConnection, groupId: string): Promise<{ memberId: string; generationId: number }> {
    const first = await c.request(JoinGroup, 5, joinRequest(groupId));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await c.request(JoinGroup, 5, joinRequest(groupId, first.memberId));
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.leader, joined.memberId);
    const synced = await c.request(SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('a') }] });
    assert.equal(synced.errorCode, ErrorCode.NONE);
    assert.deepEqual(synced.assignment, Buffer.from('a'));
    return { memberId: joined.memberId, generationId: joined.generationId };
  }

  async function fetchOffset(c: RawConnection, groupId: string, partition: number): Promise<number> {
    const res = await c.request(OffsetFetch, 5, { groupId, topics: [{ name: TOPIC, partitionIndexes: [partition] }], groups: [], requireStable: false });
    assert.equal(res.errorCode, ErrorCode.NONE);
    return res.topics[0].partitions[0].committedOffset;
  }

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'offsets.topic.num.partitions': 3, 'group.initial.rebalance.delay.ms': 0 } });
    const c = await open();
    const res = await c.request(CreateTopics, 4, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
  });
  after(async () => {
    for (const c of conns) c.close();
    await broker?.close();
  });

  test('a Metadata request that auto-creates __consumer_offsets gets the coordinator\'s internal topic', async () => {
    const c = await open();
    const res = await c.request(Metadata, 9, { topics: [{ topicId: ZERO_UUID, name: '__consumer_offsets' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    const t = res.topics[0];
    assert.deepEqual([t.errorCode, t.isInternal, t.partitions.length], [ErrorCode.NONE, true, 3], 'internal, with offsets.topic.num.partitions partitions');
  });

  test('a join with another protocol type, or none, is refused and the group keeps its member', async () => {
    const c = await open();
    const m = await joinAlone(c, 'g-proto');
    const other = await open();
    const wrongType = await other.request(JoinGroup, 5, joinRequest('g-proto', '', { protocolType: 'connect' }));
    assert.equal(wrongType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const noCommonProtocol = await other.request(JoinGroup, 5, joinRequest('g-proto', '', { protocols: [{ name: 'sticky-only', metadata: SUBSCRIPTION }] }));
    assert.equal(noCommonProtocol.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const emptyType = await other.request(JoinGroup, 5, joinRequest('g-new', '', { protocolType: '' }));
    assert.equal(emptyType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const noProtocols = await other.request(JoinGroup, 5, joinRequest('g-new', '', { protocols: [] }));
    assert.equal(noProtocols.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const d = await c.request(DescribeGroups, 4, { groups: ['g-proto', 'g-new'], includeAuthorizedOperations: false });
    assert.equal(d.groups[0].groupState, 'Stable');
    assert.deepEqual(d.groups[0].members.map((x) => x.memberId), [m.memberId]);
    assert.equal(d.groups[1].groupState, 'Dead', 'the refused joins created no group');
    assert.equal((await c.request(Heartbeat, 3, { groupId: 'g-proto', generationId: m.generationId, memberId: m.memberId, groupInstanceId: null })).errorCode, ErrorCode.NONE);
  });

  test('a commit for a generation that has passed gets ILLEGAL_GENERATION and leaves the offsets alone', async () => {
    const c = await open();
    const m = await joinAlone(c, 'g-gen');
    assert.deepEqual(errorsOf(await c.request(OffsetCommit, 5, commitRequest('g-gen', m.generationId, m.memberId, [{ topic: TOPIC, partition: 0, offset: 7 }]))), [ErrorCode.NONE]);
    // The leader rejoins: a new generation.
    const rejoined = await c.request(JoinGroup, 5, joinRequest('g-gen', m.memberId));
    assert.equal(rejoined.errorCode, ErrorCode.NONE);
    assert.equal(rejoined.generationId, m.generationId + 1);
    // Between join and sync (CompletingRebalance) a commit from the current generation must wait for the sync.
    assert.deepEqual(errorsOf(await c.request(OffsetCommit, 5, commitRequest('g-gen', rejoined.generationId, m.memberId, [{ topic: TOPIC, partition: 0, offset: 8 }]))), [ErrorCode.REBALANCE_IN_PROGRESS]);
    const stale = await c.request(OffsetCommit, 5, commitRequest('g-gen', m.generationId, m.memberId, [{ topic: TOPIC, partition: 0, offset: 99 }]));
    assert.deepEqual(errorsOf(stale), [ErrorCode.ILLEGAL_GENERATION]);
    const staleSync = await c.request(SyncGroup, 3, { groupId: 'g-gen', generationId: m.generationId, memberId: m.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    assert.equal(staleSync.errorCode, ErrorCode.ILLEGAL_GENERATION);
    const staleBeat = await c.request(Heartbeat, 3, { groupId: 'g-gen', generationId: m.generationId, memberId: m.memberId, groupInstanceId: null });
    assert.equal(staleBeat.errorCode, ErrorCode.ILLEGAL_GENERATION);
    const unknown = await c.request(OffsetCommit, 5, commitRequest('g-gen', rejoined.generationId, 'nobody', [{ topic: TOPIC, partition: 0, offset: 99 }]));
    assert.deepEqual(errorsOf(unknown), [ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.equal(await fetchOffset(c, 'g-gen', 0), 7, 'the refused commits changed nothing');
    const synced = await c.request(SyncGroup, 3, { groupId: 'g-gen', generationId: rejoined.generationId, memberId: m.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: m.memberId, assignment: Buffer.from('b') }] });
    assert.equal(synced.errorCode, ErrorCode.NONE);
    assert.deepEqual(errorsOf(await c.request(OffsetCommit, 5, commitRequest('g-gen', rejoined.generationId, m.memberId, [{ topic: TOPIC, partition: 0, offset: 9 }]))), [ErrorCode.NONE]);
    assert.equal(await fetchOffset(c, 'g-gen', 0), 9);
  });

  test('offsets for unknown topics or partitions are refused one by one; the valid ones are stored', async () => {
    const c = await open();
    const res = await c.request(OffsetCommit, 8, commitRequest('g-simple', -1, '', [
      { topic: 'no-such-topic', partition: 0, offset: 5 },
      { topic: TOPIC, partition: 99, offset: 5 },
      { topic: TOPIC, partition: 1, offset: 42, metadata: 'x'.repeat(5000) },
      { topic: TOPIC, partition: 1, offset: 41, metadata: 'fine' },
    ]));
    assert.deepEqual(errorsOf(res), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
    const fetched = await c.request(OffsetFetch, 8, { groupId: '', topics: null, groups: [{ groupId: 'g-simple', topics: null }], requireStable: false });
    assert.deepEqual(fetched.groups[0].topics, [{ name: TOPIC, partitions: [{ partitionIndex: 1, committedOffset: 41, committedLeaderEpoch: -1, metadata: 'fine', errorCode: 0 }] }]);
    // A group that does not exist yet refuses a commit that claims a generation.
    assert.deepEqual(errorsOf(await c.request(OffsetCommit, 5, commitRequest('g-never', 3, 'm', [{ topic: TOPIC, partition: 0, offset: 1 }]))), [ErrorCode.ILLEGAL_GENERATION]);
  });

  test('an empty group id gets INVALID_GROUP_ID (INVALID_REQUEST from FindCoordinator); the longest legal one works', async () => {
    const c = await open();
    const longest = 'g'.repeat(32_767); // Kafka's STRING limit, which the __consumer_offsets key must also hold
    assert.equal((await c.request(FindCoordinator, 2, { key: '', keyType: 0, coordinatorKeys: [] })).errorCode, ErrorCode.INVALID_REQUEST);
    const v4 = await c.request(FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['ok-group', '', longest] });
    assert.deepEqual(v4.coordinators.map((x) => x.errorCode), [ErrorCode.NONE, ErrorCode.INVALID_REQUEST, ErrorCode.NONE]);
    assert.equal(v4.coordinators[0].port, broker.port);
    assert.equal((await c.request(JoinGroup, 5, joinRequest(''))).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.deepEqual(errorsOf(await c.request(OffsetCommit, 5, commitRequest('', -1, '', [{ topic: TOPIC, partition: 0, offset: 1 }]))), [ErrorCode.INVALID_GROUP_ID]);
    assert.equal((await c.request(OffsetFetch, 5, { groupId: '', topics: null, groups: [], requireStable: false })).errorCode, ErrorCode.INVALID_GROUP_ID);
    const multi = await c.request(OffsetFetch, 8, { groupId: '', topics: null, groups: [{ groupId: '', topics: null }, { groupId: 'g-simple', topics: null }], requireStable: false });
    assert.deepEqual(multi.groups.map((g) => g.errorCode), [ErrorCode.INVALID_GROUP_ID, ErrorCode.NONE]);
    assert.equal((await c.request(Heartbeat, 3, { groupId: '', generationId: 1, memberId: 'x', groupInstanceId: null })).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal((await c.request(SyncGroup, 3, { groupId: '', generationId: 1, memberId: 'x', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.deepEqual((await c.request(DeleteGroups, 1, { groupsNames: [''] })).results.map((r) => r.errorCode), [ErrorCode.INVALID_GROUP_ID]);
    // The longest legal group id is a group like any other, stored and fetched back.
    assert.deepEqual(errorsOf(await c.request(OffsetCommit, 8, commitRequest(longest, -1, '', [{ topic: TOPIC, partition: 0, offset: 3 }]))), [ErrorCode.NONE]);
    const back = await c.request(OffsetFetch, 8, { groupId: '', topics: null, groups: [{ groupId: longest, topics: null }], requireStable: false });
    assert.equal(back.groups[0].topics[0].partitions[0].committedOffset, 3);
  });

  test('a group id longer than a Kafka STRING can hold is a malformed frame: the connection closes, nothing else changes', async () => {
    const c = await open();
    // JoinGroup v6 (flexible): request header v2, then a compact string of 40,000 bytes.
    const w = new Writer().int16(JoinGroup.apiKey).int16(6).int32(77).string('raw').unsignedVarint(0).unsignedVarint(40_001).raw(Buffer.alloc(40_000, 0x67));
    w.int32(10_000).int32(10_000).unsignedVarint(1).unsignedVarint(0).unsignedVarint(9).raw(Buffer.from('consumer')).unsignedVarint(1).unsignedVarint(0);
    c.sendFrame(w.toBuffer());
    assert.equal(await c.waitClosed(), true);
    const other = await open();
    assert.equal(await fetchOffset(other, 'g-gen', 0), 9, 'other groups keep their offsets');
  });

  test('a rebalance waiting for a silent member stalls no other group', async () => {
    const c1 = await open();
    const slow = await joinAlone(c1, 'g-slow');
    // A second member joins: the rebalance now waits (up to the 10 s rebalance timeout) for the first to rejoin.
    const c2 = await open();
    const first = await c2.request(JoinGroup, 5, joinRequest('g-slow'));
    const parked = c2.request(JoinGroup, 5, joinRequest('g-slow', first.memberId));
    const t0 = Date.now();
    const c3 = await open();
    const fast = await joinAlone(c3, 'g-fast');
    assert.deepEqual(errorsOf(await c3.request(OffsetCommit, 5, commitRequest('g-fast', fast.generationId, fast.memberId, [{ topic: TOPIC, partition: 1, offset: 3 }]))), [ErrorCode.NONE]);
    assert.ok(Date.now() - t0 < 2000, `another group formed and committed in ${Date.now() - t0} ms while g-slow was rebalancing`);
    assert.equal((await c1.request(Heartbeat, 3, { groupId: 'g-slow', generationId: slow.generationId, memberId: slow.memberId, groupInstanceId: null })).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    // The first member rejoins: the parked join completes with both members.
    const rejoined = await c1.request(JoinGroup, 5, joinRequest('g-slow', slow.memberId));
    const second = await parked;
    assert.equal(rejoined.generationId, second.generationId);
    assert.equal(second.errorCode, ErrorCode.NONE);
  });

  test('membership errors: unknown member, bad session timeout, fenced static member, deleting a live group', async () => {
    const c = await open();
    assert.equal((await c.request(Heartbeat, 3, { groupId: 'g-proto', generationId: 1, memberId: 'ghost', groupInstanceId: null })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await c.request(JoinGroup, 5, joinRequest('g-proto', 'ghost'))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await c.request(JoinGroup, 5, joinRequest('g-timeout', '', { sessionTimeoutMs: 100 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal((await c.request(JoinGroup, 5, joinRequest('g-timeout', '', { sessionTimeoutMs: 3_600_000 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);

    // Static membership: the same group.instance.id coming back fences the old member id.
    const first = await c.request(JoinGroup, 5, joinRequest('g-static', '', { groupInstanceId: 'instance-1' }));
    assert.equal(first.errorCode, ErrorCode.NONE, 'static members need no MEMBER_ID_REQUIRED round');
    const s1 = await c.request(SyncGroup, 3, { groupId: 'g-static', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'instance-1', protocolType: null, protocolName: null, assignments: [{ memberId: first.memberId, assignment: Buffer.from('p0') }] });
    assert.equal(s1.errorCode, ErrorCode.NONE);
    const again = await c.request(JoinGroup, 5, joinRequest('g-static', '', { groupInstanceId: 'instance-1' }));
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.notEqual(again.memberId, first.memberId);
    assert.equal(again.generationId, first.generationId, 'a static member coming back to a stable group causes no rebalance');
    assert.equal((await c.request(Heartbeat, 3, { groupId: 'g-static', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'instance-1' })).errorCode, ErrorCode.FENCED_INSTANCE_ID);
    const s2 = await c.request(SyncGroup, 3, { groupId: 'g-static', generationId: again.generationId, memberId: again.memberId, groupInstanceId: 'instance-1', protocolType: null, protocolName: null, assignments: [] });
    assert.deepEqual([s2.errorCode, s2.assignment.toString()], [ErrorCode.NONE, 'p0'], 'the assignment carries over');
    assert.deepEqual((await c.request(DeleteGroups, 1, { groupsNames: ['g-static', 'no-such-group'] })).results.map((r) => r.errorCode), [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND]);
    const od = await c.request(OffsetDelete, 0, { groupId: 'g-static', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] });
    assert.deepEqual([od.errorCode, od.topics[0].partitions[0].errorCode], [ErrorCode.NONE, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC]);

    // Batch leave (v3+): the static member by instance id, plus one that is not there.
    const left = await c.request(LeaveGroup, 4, { groupId: 'g-static', memberId: '', members: [{ memberId: '', groupInstanceId: 'instance-1', reason: null }, { memberId: 'ghost', groupInstanceId: null, reason: null }] });
    assert.deepEqual([left.errorCode, ...left.members.map((m) => m.errorCode)], [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    const d = await c.request(DescribeGroups, 4, { groups: ['g-static'], includeAuthorizedOperations: false });
    assert.equal(d.groups[0].groupState, 'Empty');
    assert.deepEqual((await c.request(DeleteGroups, 1, { groupsNames: ['g-static'] })).results.map((r) => r.errorCode), [ErrorCode.NONE]);

    const alive = await c.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    assert.equal(alive.errorCode, ErrorCode.NONE);
    assert.ok(!/"level":(50|60)/.test(broker.output), 'no error-level log lines');
  });
  test('__consumer_offsets belongs to the coordinator: kafkajs cannot append to, delete or create it, and commits survive the attempts', async () => {
    const c = await open();
    const { memberId, generationId } = await joinAlone(c, 'g-internal');
    const commit = await c.request(OffsetCommit, 8, commitRequest('g-internal', generationId, memberId, [{ topic: TOPIC, partition: 1, offset: 7 }]));
    assert.deepEqual(errorsOf(commit), [ErrorCode.NONE]);
    const kafka = kafkaClient(broker.bootstrap);
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    await assert.rejects(producer.send({ topic: '__consumer_offsets', acks: -1, messages: [{ key: 'forged', value: 'x', partition: 0 }] }), (e: { type?: string; cause?: { type?: string } }) => (e.type ?? e.cause?.type) === 'INVALID_TOPIC_EXCEPTION');
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await assert.rejects(admin.deleteTopics({ topics: ['__consumer_offsets'], timeout: 5000 }), (e: { type?: string; errors?: Array<{ type?: string }> }) => (e.errors?.[0]?.type ?? e.type) === 'INVALID_TOPIC_EXCEPTION');
      assert.ok((await admin.listTopics()).includes('__consumer_offsets'));
    } finally {
      await admin.disconnect();
    }
    const created = await c.request(CreateTopics, 4, { topics: [{ name: '__consumer_offsets', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(created.topics[0].errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(await fetchOffset(c, 'g-internal', 1), 7, 'the commit is intact');
  });
});
