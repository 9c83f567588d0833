// The single-node MetadataStore (src/metadata/local-store.ts): one JSON file under log.dirs, replaced
// atomically on every change; a change is durable when its promise resolves. Each case reopens the
// directory with a new store, as a restart would.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMetadataStore, METADATA_FILE, type NewTopic } from '../../../src/metadata/index.js';

const TOPIC_ID = /^[A-Za-z0-9_-]{22}$/;

/** A topic with one replica (broker 0) per partition. */
function topic(name: string, partitions = 1, configs: Record<string, string> = {}, internal?: boolean): NewTopic {
  return { name, partitions, replicationFactor: 1, replicas: Array.from({ length: partitions }, () => [0]), configs, ...(internal === undefined ? {} : { internal }) };
}
const replicas = (n: number) => Array.from({ length: n }, () => [0]);

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

  it('createTopic: stored frozen with a topic id and replicas, found by name and id, durable across reopen', async () => {
    const s = reopen();
    const t = await s.createTopic({ ...topic('orders', 3, { 'cleanup.policy': 'compact' }), replicas: [[0], [0], [0]] });
    assert.deepEqual({ ...t, configs: { ...t.configs } }, { name: 'orders', topicId: t.topicId, partitions: 3, replicationFactor: 1, replicas: [[0], [0], [0]], configs: { 'cleanup.policy': 'compact' }, internal: false });
    assert.match(t.topicId, TOPIC_ID);
    assert.notEqual(Buffer.from(t.topicId, 'base64url').toString('hex'), '0'.repeat(32));
    assert.ok(Object.isFrozen(t) && Object.isFrozen(t.configs) && Object.isFrozen(t.replicas) && Object.isFrozen(t.replicas[0]));
    await assert.rejects(s.createTopic(topic('orders')), /already exists/);
    await assert.rejects(s.createTopic({ ...topic('bad', 2), replicas: [[0]] }), /1 replica lists for 2 partitions/);
    await s.createTopic(topic('__consumer_offsets', 50, {}, true));

    const r = reopen();
    assert.deepEqual(r.listTopics().map((x) => [x.name, x.partitions, x.internal]), [['orders', 3, false], ['__consumer_offsets', 50, true]]);
    assert.deepEqual(r.getTopic('orders'), t);
    assert.deepEqual(r.getTopicById(t.topicId), t);
    assert.equal(r.getTopic('nope'), undefined);
    assert.equal(r.getTopic('bad'), undefined, 'a refused topic was not stored');
    assert.equal(r.getTopicById('AAAAAAAAAAAAAAAAAAAAAA'), undefined);
    assert.ok(Object.isFrozen(r.getTopic('orders')!.configs), 'frozen after reopen too');
  });

  it('the caller\'s config object is copied, not kept', async () => {
    const s = reopen();
    const configs: Record<string, string> = { 'retention.ms': '1000' };
    await s.createTopic(topic('t', 1, configs));
    configs['retention.ms'] = '2000';
    assert.equal(s.getTopic('t')!.configs['retention.ms'], '1000');
  });

  it('topic ids are distinct', async () => {
    const s = reopen();
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add((await s.createTopic(topic(`t${i}`))).topicId);
    assert.equal(ids.size, 50);
  });

  it('alterTopic: grows partitions with their replicas, replaces configs (whole), keeps the topic id; refuses to shrink or an unknown topic', async () => {
    const s = reopen();
    const t = await s.createTopic(topic('t', 2, { 'retention.ms': '1000', 'segment.bytes': '4096' }));
    const grown = await s.alterTopic('t', { replicas: replicas(5) });
    assert.equal(grown.partitions, 5);
    assert.equal(grown.replicas.length, 5);
    assert.deepEqual({ ...grown.configs }, { 'retention.ms': '1000', 'segment.bytes': '4096' }, 'configs untouched when not given');
    const altered = await s.alterTopic('t', { configs: { 'cleanup.policy': 'compact' } });
    assert.deepEqual({ ...altered.configs }, { 'cleanup.policy': 'compact' }, 'the new set replaces the old one');
    assert.equal(altered.partitions, 5);
    assert.equal(altered.topicId, t.topicId);
    await assert.rejects(s.alterTopic('t', { replicas: replicas(4) }), /cannot shrink from 5 to 4/);
    await assert.rejects(s.alterTopic('missing', { replicas: replicas(4) }), /does not exist/);
    assert.equal((await s.alterTopic('t', { replicas: replicas(5) })).partitions, 5, 'the same count is allowed');
    const r = reopen().getTopic('t')!;
    assert.deepEqual([r.partitions, r.replicas.length, { ...r.configs }, r.topicId], [5, 5, { 'cleanup.policy': 'compact' }, t.topicId]);
  });

  it('deleteTopic: gone after reopen; deleting an unknown topic is a no-op; a re-created topic gets a new id', async () => {
    const s = reopen();
    const t = await s.createTopic(topic('t'));
    await s.createTopic(topic('u'));
    await s.deleteTopic('t');
    await s.deleteTopic('never-existed');
    assert.deepEqual(reopen().listTopics().map((x) => x.name), ['u']);
    const again = await s.createTopic(topic('t'));
    assert.notEqual(again.topicId, t.topicId);
    assert.equal(reopen().getTopicById(t.topicId), undefined);
  });

  it('broker configs: per entity ("" cluster default, a broker id), replaced whole, durable, copies out', async () => {
    const s = reopen();
    assert.deepEqual(s.brokerConfigs(''), {});
    await s.setBrokerConfigs('', { 'log.retention.ms': '1000' });
    await s.setBrokerConfigs('0', { 'message.max.bytes': '2048', 'compression.type': 'lz4' });
    await s.setBrokerConfigs('0', { 'compression.type': 'zstd' });
    const r = reopen();
    assert.deepEqual(r.brokerConfigs(''), { 'log.retention.ms': '1000' });
    assert.deepEqual(r.brokerConfigs('0'), { 'compression.type': 'zstd' });
    assert.deepEqual(r.brokerConfigs('1'), {});
    assert.ok(Object.isFrozen(r.brokerConfigs('0')));
    const mine: Record<string, string> = { a: '1' };
    await s.setBrokerConfigs('2', mine);
    mine.a = '2';
    assert.deepEqual(s.brokerConfigs('2'), { a: '1' });
  });

  it('a file from before broker configs and replica assignments opens with none, and one replica per partition on this broker', async () => {
    writeFileSync(join(dir, METADATA_FILE), JSON.stringify({ version: 1, clusterId: 'CCCCCCCCCCCCCCCCCCCCCC', nextProducerId: 7, topics: [
      { name: 'old', topicId: 'DDDDDDDDDDDDDDDDDDDDDD', partitions: 2, replicationFactor: 1, configs: {}, internal: false },
    ] }));
    const s = new LocalMetadataStore(dir, null, 3);
    assert.deepEqual(s.brokerConfigs(''), {});
    assert.deepEqual(s.getTopic('old')!.replicas, [[3], [3]]);
    assert.deepEqual(await s.allocateProducerIds(1), { firstProducerId: 7, size: 1 });
  });

  it('producer id blocks: consecutive, never overlapping, and never handed out again after reopen', async () => {
    const s = reopen();
    assert.deepEqual(await s.allocateProducerIds(1000), { firstProducerId: 0, size: 1000 });
    assert.deepEqual(await s.allocateProducerIds(10), { firstProducerId: 1000, size: 10 });
    assert.deepEqual(await reopen().allocateProducerIds(5), { firstProducerId: 1010, size: 5 });
    assert.deepEqual(await reopen().allocateProducerIds(5), { firstProducerId: 1015, size: 5 });
  });

  it('every change is written through: a second store opened after it sees it without the first closing', async () => {
    const s = reopen();
    await s.createTopic(topic('a'));
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a']);
    await s.alterTopic('a', { replicas: replicas(2) });
    assert.equal(reopen().getTopic('a')!.partitions, 2);
    await s.allocateProducerIds(3);
    assert.equal(JSON.parse(readFileSync(join(dir, METADATA_FILE), 'utf8')).nextProducerId, 3);
  });

  it('replacement is atomic: no temporary file is left behind, and a stale one from a crash is ignored', async () => {
    const s = reopen();
    await s.createTopic(topic('a'));
    assert.ok(!existsSync(join(dir, `${METADATA_FILE}.tmp`)));
    // A crash between writing the temporary file and the rename leaves a (maybe torn) .tmp: the old file wins.
    writeFileSync(join(dir, `${METADATA_FILE}.tmp`), '{"version":1,"clusterId":"torn');
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a']);
    await reopen().createTopic(topic('b'));
    assert.deepEqual(reopen().listTopics().map((t) => t.name), ['a', 'b']);
  });

  it('a torn or corrupt file is refused with its path (not silently replaced by an empty cluster)', async () => {
    await reopen().createTopic(topic('a'));
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

  it('client quotas of ip entities (connection_creation_rate) survive a reopen beside user and client quotas', async () => {
    const s = reopen();
    await s.alterClientQuotas({ ip: '127.0.0.2' }, { connection_creation_rate: 5 }, []);
    await s.alterClientQuotas({ ip: '<default>' }, { connection_creation_rate: 100 }, []);
    await s.alterClientQuotas({ clientId: 'c' }, { producer_byte_rate: 1024 }, []);
    const sorted = (st: LocalMetadataStore) => st.clientQuotas().map((q) => ({ entity: { ...q.entity }, values: { ...q.values } })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const again = reopen();
    assert.deepEqual(sorted(again), sorted(s));
    assert.equal(again.clientQuotas().length, 3);
    assert.deepEqual(again.clientQuotas().find((q) => q.entity.ip === '127.0.0.2')?.values, { connection_creation_rate: 5 });
    assert.deepEqual(again.clientQuotas().find((q) => q.entity.ip === '<default>')?.values, { connection_creation_rate: 100 });
    await again.alterClientQuotas({ ip: '127.0.0.2' }, {}, ['connection_creation_rate']);
    assert.deepEqual(reopen().clientQuotas().map((q) => q.entity.ip ?? q.entity.clientId).sort(), ['<default>', 'c'], 'a removed ip quota stays removed');
  });
});
