// The coordinator over real partition logs in a temporary log.dirs: what it answered survives a restart
// (replay of __consumer_offsets), offsets of long-empty groups expire, deleted groups stay deleted.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { LogManager } from '../../../src/log/index.js';
import { LocalMetadataStore } from '../../../src/metadata/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { GroupCoordinator, OFFSETS_TOPIC } from '../../../src/group/index.js';

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
});
