// Log compaction against a real broker process: 100,000 updates over 1,000 keys plus tombstones end
// as exactly the latest value per live key at unchanged offsets, read back with kafkajs and kcat; a
// SIGKILL while the cleaner is writing loses nothing and leaves no stray files after the restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { Cluster, ConsumerGroups } from '../../src/client/index.js';
import { waitFor } from '../helpers/wait.js';

const { ConfigResourceTypes } = kafkajs;
const KEYS = 1000;
const UPDATES = 100_000;
const DEAD = 100; // keys 0..99 end with a tombstone
const MARKERS = 400; // never-updated keys after the feed, so every update sits in a closed segment

interface Expected {
  /** Offset and value of every record that must survive, by key. */
  live: Map<string, { offset: number; value: string }>;
  end: number;
}


describe('log compaction', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.cleaner.backoff.ms': 100, 'log.retention.check.interval.ms': 200 } });
    kafka = kafkaClient(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  /** Feeds the updates, tombstones and markers in order to partition 0; offsets equal feed positions. */
  async function feed(topic: string): Promise<Expected> {
    const producer = kafka.producer();
    await producer.connect();
    const live = new Map<string, { offset: number; value: string }>();
    let offset = 0;
    try {
      let batch: Array<{ key: string; value: string | null; partition: number }> = [];
      const push = async (key: string, value: string | null) => {
        batch.push({ key, value, partition: 0 });
        if (value === null) live.delete(key);
        else live.set(key, { offset, value });
        offset++;
        if (batch.length === 1000) await flush();
      };
      const flush = async () => {
        if (batch.length === 0) return;
        await producer.send({ topic, messages: batch });
        batch = [];
      };
      for (let i = 0; i < UPDATES; i++) await push(`key-${(i * 7919) % KEYS}`, `v${i}-`.padEnd(40, '.'));
      for (let k = 0; k < DEAD; k++) await push(`key-${k}`, null);
      await flush();
      for (let m = 0; m < MARKERS; m++) await push(`marker-${m}`, `m${m}-`.padEnd(40, '.'));
      await flush();
    } finally {
      await producer.disconnect();
    }
    return { live, end: offset };
  }

  async function readAllKcat(topic: string): Promise<Array<{ offset: number; key: string; value: string }>> {
    const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(r.code, 0, r.stderr);
    return parseRecords(r.stdout).map((x) => ({ offset: x.offset, key: x.key ?? '', value: x.value ?? '' }));
  }

  /** The cleaned part holds exactly the survivors; what is left in the active segment is the markers' tail. */
  function assertExactlyLatest(records: Array<{ offset: number; key: string; value: string | null }>, expected: Expected): void {
    const byKey = new Map<string, { offset: number; value: string | null }>();
    for (const r of records) {
      assert.ok(!byKey.has(r.key), `key ${r.key} appears twice (offsets ${byKey.get(r.key)?.offset} and ${r.offset})`);
      byKey.set(r.key, { offset: r.offset, value: r.value });
    }
    assert.equal(byKey.size, expected.live.size, `${byKey.size} keys read, ${expected.live.size} live`);
    for (const [key, want] of expected.live) {
      const got = byKey.get(key);
      assert.ok(got, `live key ${key} lost`);
      assert.deepEqual(got, want, `key ${key}`);
    }
  }

  test('100,000 updates over 1,000 keys plus tombstones: exactly the latest value per live key at unchanged offsets (kafkajs and kcat)', async () => {
    const topic = 'compacted';
    await admin.createTopics({ topics: [{ topic, configEntries: [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '16384' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'delete.retention.ms', value: '500' },
    ] }] });
    const expected = await feed(topic);
    // Tombstones go once older than delete.retention.ms, at a later pass than the one that made them the latest.
    const records = await waitFor('compaction to converge', async () => {
      const got = await readAllKcat(topic);
      return got.length === expected.live.size ? got : undefined;
    }, 60_000, 500);
    assertExactlyLatest(records, expected);
    assert.equal(records.at(-1)!.offset, expected.end - 1);
    // kafkajs reads the same survivors through its own decoder (batches with offset gaps).
    const viaKafkajs = await fetchAll(kafka, topic, 0, 0, expected.live.size);
    assertExactlyLatest(viaKafkajs.map((r) => ({ offset: r.offset, key: r.key ?? '', value: r.value })), expected);
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(Number(offsets[0].high), expected.end, 'the log end offset never moves back');
  });

  test('a compacted topic refuses records without a key (INVALID_RECORD, as Kafka), from kcat and kafkajs; keyed records and other topics are fine', async () => {
    await admin.createTopics({ topics: [{ topic: 'keys-required', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }, { topic: 'keys-optional', numPartitions: 1 }] });
    const keyless = await kcat(['-b', broker.bootstrap, '-P', '-t', 'keys-required', '-p', '0'], 'no key here\n');
    assert.notEqual(keyless.code, 0, 'kcat reports the refused record');
    assert.match(keyless.stderr, /Broker failed to validate record/); // librdkafka's text for INVALID_RECORD (87)
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    // kafkajs reports the broker's error code by name, on the error or on the error it wraps.
    const invalidRecord = (e: Error & { type?: string; cause?: { type?: string } }) => e.type === 'INVALID_RECORD' || e.cause?.type === 'INVALID_RECORD';
    await producer.connect();
    try {
      await assert.rejects(producer.send({ topic: 'keys-required', acks: -1, messages: [{ key: 'k', value: 'kept' }, { value: 'no key' }] }), invalidRecord);
      await producer.send({ topic: 'keys-required', acks: -1, messages: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: null }] });
      await producer.send({ topic: 'keys-optional', acks: -1, messages: [{ value: 'no key is fine here' }] });
      // Compaction switched on at run time applies from the next append.
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'keys-optional', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
      await assert.rejects(producer.send({ topic: 'keys-optional', acks: -1, messages: [{ value: 'refused now' }] }), invalidRecord);
    } finally {
      await producer.disconnect();
    }
    const read = await kcat(['-b', broker.bootstrap, '-C', '-t', 'keys-required', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(parseRecords(read.stdout).map((r) => [r.offset, r.key]), [[0, 'k1'], [1, 'k2']], 'only the keyed batch was stored, at offset 0');
  });

  test('SIGKILL while the cleaner writes: nothing lost, no stray files after restart, then the clean completes', async () => {
    const topic = 'compacted-kill';
    // A day of min.compaction.lag.ms: nothing is cleanable until we lower it.
    await admin.createTopics({ topics: [{ topic, configEntries: [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '16384' },
      { name: 'min.compaction.lag.ms', value: '86400000' }, { name: 'delete.retention.ms', value: '500' },
    ] }] });
    const expected = await feed(topic);
    const dir = join(broker.logDir, `${topic}-0`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.cleaned')), [], 'min.compaction.lag.ms holds the cleaner back');
    // Now let it clean; kill -9 as soon as the first cleaned file exists (inotify, not polling, so a busy
    // machine cannot make us miss the window).
    const firstCleaned = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        w.close();
        reject(new Error('no .cleaned file appeared within 30 s'));
      }, 30_000);
      const w = watch(dir, (_event, name) => {
        if (name?.endsWith('.cleaned')) {
          clearTimeout(timer);
          w.close();
          resolve(name);
        }
      });
    });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '16384' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'delete.retention.ms', value: '500' },
    ] }] });
    const stray = await firstCleaned;
    await broker.kill9();
    assert.match(stray, /^\d{20}\.log\.cleaned$/);
    await admin.disconnect();
    // Restart with the cleaner off, so what we see is recovery's work alone.
    broker.overrides['log.cleaner.enable'] = false;
    await broker.restart();
    await admin.connect();
    // After recovery: no strays, and every live key's latest value is still there at its offset.
    const after = readdirSync(dir);
    assert.deepEqual(after.filter((f) => /\.(cleaned|swap|tmp|deleted)$/.test(f)), []);
    const got = await readAllKcat(topic);
    const latest = new Map<string, { offset: number; value: string }>();
    for (const r of got) latest.set(r.key, { offset: r.offset, value: r.value });
    for (const [key, want] of expected.live) assert.deepEqual(latest.get(key), want, `key ${key} after the crash`);
    // With the cleaner back, it resumes and converges to exactly the survivors.
    await admin.disconnect();
    delete broker.overrides['log.cleaner.enable'];
    await broker.restart();
    await admin.connect();
    const records = await waitFor('compaction to converge after restart', async () => {
      const r = await readAllKcat(topic);
      return r.length === expected.live.size ? r : undefined;
    }, 60_000, 500);
    assertExactlyLatest(records, expected);
  });
});

describe('__consumer_offsets is compacted', () => {
  test('500 commits of one group keep the latest offset across a restart while the cleaner shrinks the partition', async () => {
    const broker = await BrokerProcess.start({ overrides: {
      'offsets.topic.num.partitions': 1, 'offsets.topic.segment.bytes': 4096, 'log.cleaner.backoff.ms': 100,
      'log.cleaner.min.cleanable.ratio': 0.01,
    } });
    try {
      const kafka = kafkaClient(broker.bootstrap);
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'tracked', numPartitions: 2 }] });
      // Simple (generation -1) commits through the project's client: one OffsetCommit each.
      const cluster = new Cluster({ bootstrap: broker.bootstrap, clientId: 'commits' });
      const groups = new ConsumerGroups(cluster);
      try {
        for (let i = 1; i <= 500; i++) {
          await groups.commitOffsets('g-compact', [{ topic: 'tracked', partition: 0, offset: i }, { topic: 'tracked', partition: 1, offset: 2 * i }]);
        }
      } finally {
        await cluster.close();
      }
      const dir = join(broker.logDir, '__consumer_offsets-0');
      const records = async () => {
        const r = await kcat(['-b', broker.bootstrap, '-C', '-t', '__consumer_offsets', '-p', '0', '-o', 'beginning', '-e', '-f', '%o\n']);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.split('\n').filter((l) => l !== '').length;
      };
      // 1,000 commit records (500 batches), two keys: the closed segments shrink to about one record per key.
      await waitFor('the cleaner to compact __consumer_offsets', async () => (await records()) < 100, 60_000, 300);
      assert.ok(readdirSync(dir).filter((f) => f.endsWith('.log')).length >= 1);
      const before = await admin.fetchOffsets({ groupId: 'g-compact', topics: ['tracked'] });
      await admin.disconnect();
      await broker.restart();
      await admin.connect();
      const after = await admin.fetchOffsets({ groupId: 'g-compact', topics: ['tracked'] });
      const byPartition = (r: typeof after) => Object.fromEntries(r[0]!.partitions.map((p) => [p.partition, p.offset]));
      assert.deepEqual(byPartition(before), { 0: '500', 1: '1000' });
      assert.deepEqual(byPartition(after), { 0: '500', 1: '1000' }, 'the replay after a restart finds the latest commits');
      await admin.disconnect();
    } finally {
      await broker.close();
    }
  });
});
