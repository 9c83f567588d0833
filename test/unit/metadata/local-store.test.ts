// The single-node MetadataStore (src/metadata/local-store.ts): one JSON file under log.dirs, replaced
// atomically on every change. Each case reopens the directory with a new store, as a restart would.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMetadataStore, METADATA_FILE } from '../../../src/metadata/index.js';

const TOPIC_ID = /^[A-Za-z0-9_-]{22}$/;

describe('LocalMetadataStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-meta-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const reopen = () => new LocalMetadataStore(dir);

  it('a new directory gets a file at once, with a 22-character cluster id that a reopen keeps', () => {
    const s = new LocalMetadataStore(join(dir, 'nested', 'logs'));
    assert.match(s.clusterId, TOPIC_ID);
    assert.ok(existsSync(join(dir, 'nested', 'logs', METADATA_FILE)), 'written before any change');
    assert.equal(new LocalMetadataStore(join(dir, 'nested', 'logs')).clusterId, s.clusterId);
    assert.deepEqual(s.listTopics(), []);
  });

  it('a given cluster id is used for a new directory and ignored for an existing one', () => {
    assert.equal(new LocalMetadataStore(dir, 'AAAAAAAAAAAAAAAAAAAAAA').clusterId, 'AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(new LocalMetadataStore(dir, 'BBBBBBBBBBBBBBBBBBBBBB').clusterId, 'AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('createTopic: stored frozen with a topic id, found by name and id, durable across reopen', () => {
    const s = reopen();
    const t = s.createTopic({ name: 'orders', partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
    assert.deepEqual({ ...t, configs: { ...t.configs } }, { name: 'orders', topicId: t.topicId, partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' }, internal: false });
    assert.match(t.topicId, TOPIC_ID);
    assert.notEqual(Buffer.from(t.topicId, 'base64url').toString('hex'), '0'.repeat(32));
    assert.ok(Object.isFrozen(t) && Object.isFrozen(t.configs));
    assert.throws(() => s.createTopic({ name: 'orders', partitions: 1, replicationFactor: 1, configs: {} }), /already exists/);
    s.createTopic({ name: '__consumer_offsets', partitions: 50, replicationFactor: 1, configs: {}, internal: true });

    const r = reopen();
    assert.deepEqual(r.listTopics().map((x) => [x.name, x.partitions, x.internal]), [['orders', 3, false], ['__consumer_offsets', 50, true]]);
    assert.deepEqual(r.getTopic('orders'), t);
    assert.deepEqual(r.getTopicById(t.topicId), t);
    assert.equal(r.getTopic('nope'), undefined);
    assert.equal(r.getTopicById('AAAAAAAAAAAAAAAAAAAAAA'), undefined);
    assert.ok(Object.isFrozen(r.getTopic('orders')!.configs), 'frozen after reopen too');
  });

  it('the caller\'s config object is copied, not kept', () => {
    const s = reopen();
    const configs: Record<string, string> = { 'retention.ms': '1000' };
    s.createTopic({ name: 't', partitions: 1, replicationFactor: 1, configs });
    configs['retention.ms'] = '2000';
    assert.equal(s.getTopic('t')!.configs['retention.ms'], '1000');
  });

  it('topic ids are distinct', () => {
    const s = reopen();
    const ids = new Set(Array.from({ length: 50 }, (_, i) => s.createTopic({ name: `t${i}`, partitions: 1, replicationFactor: 1, configs: {} }).topicId));
    assert.equal(ids.size, 50);
  });

  it('alterTopic: grows partitions, replaces configs (whole), keeps the topic id; refuses to shrink or an unknown topic', () => {
    const s = reopen();
    const t = s.createTopic({ name: 't', partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '1000', 'segment.bytes': '4096' } });
    const grown = s.alterTopic('t', { partitions: 5 });
    assert.equal(grown.partitions, 5);
    assert.deepEqual({ ...grown.configs }, { 'retention.ms': '1000', 'segment.bytes': '4096' }, 'configs untouched when not given');
    const altered = s.alterTopic('t', { configs: { 'cleanup.policy': 'compact' } });
    assert.deepEqual({ ...altered.configs }, { 'cleanup.policy': 'compact' }, 'the new set replaces the old one');
    assert.equal(altered.partitions, 5);
    assert.equal(altered.topicId, t.topicId);
    assert.throws(() => s.alterTopic('t', { partitions: 4 }), /cannot shrink from 5 to 4/);
    assert.throws(() => s.alterTopic('missing', { partitions: 4 }), /does not exist/);
    assert.equal(s.alterTopic('t', { partitions: 5 }).partitions, 5, 'the same count is allowed');
    const r = reopen().getTopic('t')!;
    assert.deepEqual([r.partitions, { ...r.configs }, r.topicId], [5, { 'cleanup.policy': 'compact' }, t.topicId]);
  });

  it('deleteTopic: gone after reopen; deleting an unknown topic is a no-op; a re-created topic gets a new id', () => {
    const s = reopen();
    const t = s.createTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: {} });
    s.createTopic({ name: 'u', partitions: 1, replicationFactor: 1, configs: {} });
    s.deleteTopic('t');
    s.deleteTopic('never-existed');
    assert.deepEqual(reopen().listTopics().map((x) => x.name), ['u']);
    const again = s.createTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: {} });
    assert.notEqual(again.topicId, t.topicId);
    assert.equal(reopen().getTopicById(t.topicId), undefined);
  });

  it('broker configs: per entity ("" cluster default, a broker id), replaced whole, durable, copies out', () => {
    const s = reopen();
    assert.deepEqual(s.brokerConfigs(''), {});
    s.setBrokerConfigs('', { 'log.retention.ms': '1000' });
    s.setBrokerConfigs('0', { 'message.max.bytes': '2048', 'compression.type': 'lz4' });
    s.setBrokerConfigs('0', { 'compression.type': 'zstd' });
    const r = reopen();
    assert.deepEqual(r.brokerConfigs(''), { 'log.retention.ms': '1000' });
    assert.deepEqual(r.brokerConfigs('0'), { 'compression.type': 'zstd' });
    assert.deepEqual(r.brokerConfigs('1'), {});
    assert.ok(Object.isFrozen(r.brokerConfigs('0')));
    const mine: Record<string, string> = { a: '1' };
    s.setBrokerConfigs('2', mine);
    mine.a = '2';
    assert.deepEqual(s.brokerConfigs('2'), { a: '1' });
  });

  it('a file written before broker configs existed (no brokerConfigs field) opens with none', () => {
    writeFileSync(join(dir, METADATA_FILE), JSON.stringify({ version: 1, clusterId: 'CCCCCCCCCCCCCCCCCCCCCC', nextProducerId: 7, topics: [] }));
    const s = reopen();
    assert.deepEqual(s.brokerConfigs(''), {});
    assert.deepEqual(s.allocateProducerIds(1), { firstProducerId: 7, size: 1 });
  });

  it('producer id blocks: consecutive, never overlapping, and never handed out again after reopen', () => {
    const s = reopen();
    assert.deepEqual(s.allocateProducerIds(1000), { firstProducerId: 0, size: 1000 });
    assert.deepEqual(s.allocateProducerIds(10), { firstProducerId: 1000, size: 10 });
    assert.deepEqual(reopen().allocateProducerIds(5), { firstProducerId: 1010, size: 5 });
    assert.deepEqual(reopen().allocateProducerIds(5), { firstProducerId: 1015, size: 5 });
  });

  it('every change is written through: a second store opened after it sees it without the first closing', () => {
    const s = reopen();
    s.createTopic({ name: 'a', partitions: 1, replicationFactor: 1, configs: {} });
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a']);
    s.alterTopic('a', { partitions: 2 });
    assert.equal(reopen().getTopic('a')!.partitions, 2);
    s.allocateProducerIds(3);
    assert.equal(JSON.parse(readFileSync(join(dir, METADATA_FILE), 'utf8')).nextProducerId, 3);
  });

  it('replacement is atomic: no temporary file is left behind, and a stale one from a crash is ignored', () => {
    const s = reopen();
    s.createTopic({ name: 'a', partitions: 1, replicationFactor: 1, configs: {} });
    assert.ok(!existsSync(join(dir, `${METADATA_FILE}.tmp`)));
    // A crash between writing the temporary file and the rename leaves a (maybe torn) .tmp: the old file wins.
    writeFileSync(join(dir, `${METADATA_FILE}.tmp`), '{"version":1,"clusterId":"torn');
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a']);
    reopen().createTopic({ name: 'b', partitions: 1, replicationFactor: 1, configs: {} });
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a', 'b']);
  });

  it('a torn or corrupt file is refused with its path (not silently replaced by an empty cluster)', () => {
    reopen().createTopic({ name: 'a', partitions: 1, replicationFactor: 1, configs: {} });
    const path = join(dir, METADATA_FILE);
    const good = readFileSync(path, 'utf8');
    for (const bad of [good.slice(0, good.length >> 1), '', '\u0000\u0000\u0000', '{"version":1,']) {
      writeFileSync(path, bad);
      assert.throws(() => reopen(), (e: Error) => e.message.startsWith(`Cannot read ${path}: `), JSON.stringify(bad.slice(0, 20)));
      assert.equal(readFileSync(path, 'utf8'), bad, 'the damaged file is left for the operator to inspect');
    }
    writeFileSync(path, good);
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a']);
  });
});
