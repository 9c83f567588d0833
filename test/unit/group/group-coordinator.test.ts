// The coordinator over real partition logs in a temporary log.dirs: what it answered survives a restart
// (replay of __consumer_offsets), offsets of long-empty groups expire, deleted groups stay deleted.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { buildRecordBatch, LogManager, readRecordBatches, type InternalRecord } from '../../../src/log/index.js';
import { LocalMetadataStore } from '../../../src/metadata/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import {
  decodeKey, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue, GroupCoordinator, javaStringHash, OFFSETS_TOPIC,
  offsetsPartitionFor,
} from '../../../src/group/index.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'gregor-coordinator-'));
const config = loadBrokerConfig({ overrides: { 'log.dirs': dir, 'offsets.topic.num.partitions': '3', 'offsets.retention.minutes': '1', 'group.initial.rebalance.delay.ms': '0' } });

/** A coordinator over the data in `dir`, opened the way the broker opens it. */
function open() {
  const metadata = new LocalMetadataStore(dir);
  const logs = new LogManager(config, quiet);
  for (const t of metadata.listTopics()) logs.openTopic(t.name, t.partitions, t.configs);
  if (!metadata.getTopic('t')) {
    void metadata.createTopic({ name: 't', partitions: 2, replicationFactor: 1, replicas: [[0], [0]], configs: {} });
    logs.openTopic('t', 2, {});
  }
  const coordinator = new GroupCoordinator(config, metadata, logs, quiet);
  coordinator.start();
  return {
    coordinator,
    logs,
    close: () => {
      coordinator.close();
      logs.close();
      metadata.close();
    },
  };
}

const join_ = (c: GroupCoordinator, groupId: string, memberId = '') => c.joinGroup(groupId, {
  memberId, groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000,
  protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }], requireKnownMemberId: false,
});

describe('group coordinator over real logs', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('committed offsets and a stable group survive a restart; expiry and deletion are durable too', async () => {
    let b = open();
    let errors = await b.coordinator.commitOffsets('simple', { generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, offsets: [
      { topic: 't', partition: 0, offset: 5, leaderEpoch: 0, metadata: 'm0' }, { topic: 't', partition: 1, offset: 6, leaderEpoch: -1, metadata: null },
    ] });
    assert.deepEqual(errors.map((e) => e.errorCode), [0, 0]);
    const j = await join_(b.coordinator, 'live');
    assert.equal(j.errorCode, ErrorCode.NONE);
    const s = await b.coordinator.syncGroup('live', { generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: j.memberId, assignment: Buffer.from('A') }] });
    assert.equal(s.errorCode, ErrorCode.NONE);
    errors = await b.coordinator.commitOffsets('live', { generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, retentionTimeMs: -1, offsets: [{ topic: 't', partition: 0, offset: 9, leaderEpoch: -1, metadata: '' }] });
    assert.deepEqual(errors.map((e) => e.errorCode), [0]);
    b.close();

    b = open();
    assert.deepEqual(b.coordinator.fetchOffsets('simple', null).offsets.map((o) => [o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata]), [['t', 0, 5, 0, 'm0'], ['t', 1, 6, -1, '']]);
    const d = b.coordinator.describeGroup('live');
    assert.equal(d.state, 'Stable');
    assert.deepEqual(d.members.map((m) => [m.memberId, m.assignment.toString()]), [[j.memberId, 'A']]);
    assert.equal(b.coordinator.heartbeat('live', j.memberId, null, j.generationId), ErrorCode.NONE, 'the member carries on in its generation');
    assert.deepEqual(b.coordinator.listGroups([]).map((g) => [g.groupId, g.state]).sort(), [['live', 'Stable'], ['simple', 'Empty']]);

    // A minute later (offsets.retention.minutes=1) the empty group's offsets expire; the live group keeps its own.
    assert.equal(await b.coordinator.expireOffsets(Date.now() + 61_000), 2);
    assert.deepEqual(b.coordinator.fetchOffsets('simple', null).offsets, []);
    assert.deepEqual(b.coordinator.fetchOffsets('live', null).offsets.map((o) => o.offset), [9]);
    assert.deepEqual((await b.coordinator.deleteGroups(['live', 'simple'])).map((r) => r.errorCode), [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND]);
    assert.deepEqual(b.coordinator.leaveGroup('live', [{ memberId: j.memberId, groupInstanceId: null, reason: null }]).memberErrors, [ErrorCode.NONE]);
    assert.equal(b.coordinator.describeGroup('live').state, 'Empty');
    assert.deepEqual((await b.coordinator.deleteGroups(['live'])).map((r) => r.errorCode), [ErrorCode.NONE]);
    b.close();

    b = open();
    assert.deepEqual(b.coordinator.listGroups([]), [], 'expired and deleted groups stay gone after a restart');
    assert.deepEqual(b.coordinator.fetchOffsets('live', [{ name: 't', partitions: [0] }]).offsets.map((o) => o.offset), [-1]);
    b.close();
  });

  it('creates __consumer_offsets as an internal compacted topic with the configured partitions', () => {
    const b = open();
    b.coordinator.ensureOffsetsTopic();
    const metadata = new LocalMetadataStore(dir);
    const t = metadata.getTopic(OFFSETS_TOPIC)!;
    assert.equal(t.partitions, 3);
    assert.equal(t.internal, true);
    assert.equal(t.configs['cleanup.policy'], 'compact');
    metadata.close();
    b.close();
  });

  it('offsets of a deleted topic are removed from every group, durably', async () => {
    let b = open();
    const commit = (groupId: string) => b.coordinator.commitOffsets(groupId, { generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, offsets: [
      { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }, { topic: 't', partition: 1, offset: 2, leaderEpoch: -1, metadata: null },
    ] });
    await commit('d1');
    await commit('d2');
    assert.equal(await b.coordinator.deleteTopicOffsets('t'), 4);
    assert.equal(await b.coordinator.deleteTopicOffsets('t'), 0);
    b.close();
    b = open();
    assert.deepEqual(b.coordinator.fetchOffsets('d1', null).offsets, []);
    assert.deepEqual(b.coordinator.fetchOffsets('d2', null).offsets, []);
    b.close();
  });

  it('a commit too large for one batch of the offsets topic gets INVALID_COMMIT_OFFSET_SIZE and stores nothing', async () => {
    const small = mkdtempSync(join(tmpdir(), 'gregor-coordinator-small-'));
    try {
      const cfg = loadBrokerConfig({ overrides: { 'log.dirs': small, 'offsets.topic.num.partitions': '1', 'message.max.bytes': '2000' } });
      const metadata = new LocalMetadataStore(small);
      const logs = new LogManager(cfg, quiet);
      void metadata.createTopic({ name: 't', partitions: 2, replicationFactor: 1, replicas: [[0], [0]], configs: {} });
      logs.openTopic('t', 2, {});
      const c = new GroupCoordinator(cfg, metadata, logs, quiet);
      c.start();
      const errors = await c.commitOffsets('big', { generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, offsets: [
        { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(1500) }, { topic: 't', partition: 1, offset: 1, leaderEpoch: -1, metadata: 'y'.repeat(1500) },
      ] });
      assert.deepEqual(errors.map((e) => e.errorCode), [ErrorCode.INVALID_COMMIT_OFFSET_SIZE, ErrorCode.INVALID_COMMIT_OFFSET_SIZE]);
      assert.deepEqual(c.fetchOffsets('big', null).offsets, []);
      c.close();
      logs.close();
      metadata.close();
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });

  // Versions before Kafka's formula put a group in partition (hashCode & 0x7fffffff) % n. 'my-group' hashes to
  // -1906497762: the old formula said partition 2 of 3, Kafka's Utils.abs(hashCode) % 3 says 0.
  it('a group stored by an older version in the old formula\'s partition is found, moved to Kafka\'s, and its old records never come back', async () => {
    const groupId = 'my-group';
    const oldPartition = (javaStringHash(groupId) & 0x7fffffff) % 3;
    assert.deepEqual([oldPartition, offsetsPartitionFor(groupId, 3)], [2, 0], 'the id of this test is one where the formulas differ');
    const offsetRecord = (partition: number, offset: number): InternalRecord => ({
      key: encodeOffsetCommitKey(groupId, 't', partition),
      value: encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata: 'old', commitTimestamp: Date.now(), expireTimestamp: -1 }),
    });
    const recordsIn = (logs: LogManager, partition: number) => {
      const part = logs.getPartition(OFFSETS_TOPIC, partition)!;
      const out: Array<[unknown, string | null]> = [];
      readRecordBatches(part.read(part.logStartOffset, 1 << 20, true).records, (r) => {
        const k = decodeKey(r.key);
        if (k?.groupId === groupId) out.push([k.kind === 'offset' ? k.partition : 'group', r.value === null ? null : 'value']);
      });
      return out;
    };
    const waitFor = async (what: string, done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(done(), what);
    };

    // A data dir as the older version left it: offsets and an empty consumer group's metadata in partition 2.
    let b = open();
    assert.equal(await b.coordinator.ensureOffsetsTopic(), true);
    await b.logs.getPartition(OFFSETS_TOPIC, oldPartition)!.append(buildRecordBatch([
      offsetRecord(0, 7), offsetRecord(1, 8),
      { key: encodeGroupMetadataKey(groupId), value: encodeGroupMetadataValue({ protocolType: 'consumer', generationId: 4, protocolName: 'range', leaderId: null, currentStateTimestamp: Date.now(), members: [] }) },
    ], Date.now()));
    b.close();

    b = open();
    assert.deepEqual(b.coordinator.fetchOffsets(groupId, null).offsets.map((o) => [o.partition, o.offset]), [[0, 7], [1, 8]], 'the old records are found');
    assert.equal(b.coordinator.describeGroup(groupId).state, 'Empty');
    assert.equal(b.coordinator.describeGroup(groupId).protocolType, 'consumer');
    // Moved: rewritten in partition 0, then tombstoned in partition 2.
    await waitFor('the old records get tombstones', () => recordsIn(b.logs, oldPartition).filter(([, v]) => v === null).length === 3);
    assert.deepEqual(recordsIn(b.logs, 0), [[0, 'value'], [1, 'value'], ['group', 'value']]);
    // Later writes go to partition 0: a new offset for t-0, t-1's offset deleted.
    const errors = await b.coordinator.commitOffsets(groupId, { generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, offsets: [{ topic: 't', partition: 0, offset: 20, leaderEpoch: -1, metadata: null }] });
    assert.deepEqual(errors.map((e) => e.errorCode), [ErrorCode.NONE]);
    assert.equal((await b.coordinator.deleteOffsets(groupId, [{ name: 't', partitions: [1] }])).errorCode, ErrorCode.NONE);
    assert.deepEqual(recordsIn(b.logs, oldPartition).length, 6, 'nothing new in the old partition');
    b.close();

    b = open();
    assert.deepEqual(b.coordinator.fetchOffsets(groupId, null).offsets.map((o) => [o.partition, o.offset]), [[0, 20]], 'the newer state wins after a restart');
    b.close();
  });

  it('records left in the old partition (a crash before the move finished) replay before the group\'s own partition', async () => {
    // Both orders of partitions: 'upgraded-2' (-1999151763) was in 2, Kafka says 0; 'upgraded-3' (-1999151762) was in 0, Kafka says 2.
    const groups: Array<[string, number, number]> = [['upgraded-2', 2, 0], ['upgraded-3', 0, 2]];
    let b = open();
    await b.coordinator.ensureOffsetsTopic();
    const value = (offset: number) => encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata: '', commitTimestamp: Date.now(), expireTimestamp: -1 });
    for (const [groupId, was, is] of groups) {
      assert.deepEqual([(javaStringHash(groupId) & 0x7fffffff) % 3, offsetsPartitionFor(groupId, 3)], [was, is]);
      // Old partition: t-0 at 3, t-1 at 4. Kafka's partition, written later: t-0 at 30, t-1 deleted.
      await b.logs.getPartition(OFFSETS_TOPIC, was)!.append(buildRecordBatch([
        { key: encodeOffsetCommitKey(groupId, 't', 0), value: value(3) }, { key: encodeOffsetCommitKey(groupId, 't', 1), value: value(4) },
      ], Date.now()));
      await b.logs.getPartition(OFFSETS_TOPIC, is)!.append(buildRecordBatch([
        { key: encodeOffsetCommitKey(groupId, 't', 0), value: value(30) }, { key: encodeOffsetCommitKey(groupId, 't', 1), value: null },
      ], Date.now()));
    }
    b.close();
    b = open();
    for (const [groupId] of groups) assert.deepEqual(b.coordinator.fetchOffsets(groupId, null).offsets.map((o) => [o.partition, o.offset]), [[0, 30]], groupId);
    // Let the move finish before closing the logs.
    const tombstoned = () => groups.every(([groupId, was]) => {
      let n = 0;
      const part = b.logs.getPartition(OFFSETS_TOPIC, was)!;
      readRecordBatches(part.read(part.logStartOffset, 1 << 20, true).records, (r) => {
        if (decodeKey(r.key)?.groupId === groupId && r.value === null) n++;
      });
      return n === 2;
    });
    for (let i = 0; i < 200 && !tombstoned(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(tombstoned(), 'the old records get tombstones');
    b.close();
    b = open();
    for (const [groupId] of groups) assert.deepEqual(b.coordinator.fetchOffsets(groupId, null).offsets.map((o) => [o.partition, o.offset]), [[0, 30]], groupId);
    b.close();
  });
});
