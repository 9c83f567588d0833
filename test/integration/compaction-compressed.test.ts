// Log compaction of compressed batches against a real broker process: kcat (librdkafka) produces
// lz4- and gzip-compressed updates over a small key set plus tombstones to a compacted topic with
// tiny segments; once the cleaner has run, kcat and kafkajs read back exactly the latest value per
// live key at its original offset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { compress, decompress } from '../../src/client/index.js';
import { waitFor } from '../helpers/wait.js';

// kafkajs ships gzip only; lz4 plugs into its codec registry, backed by the project client's codec.
const { CompressionCodecs, CompressionTypes } = kafkajs;
(CompressionCodecs as Record<number, unknown>)[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => compress(3, encoder.buffer),
  decompress: async (buffer: Buffer) => decompress(3, buffer),
});

const KEYS = 200;
const UPDATES = 20_000;
const DEAD = 20; // keys 0..19 end with a tombstone
const MARKERS = 600; // never-updated keys with incompressible values, so every update sits in a closed segment


describe('log compaction of compressed batches', () => {
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

  async function readAllKcat(topic: string): Promise<Array<{ offset: number; key: string; value: string }>> {
    const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(r.code, 0, r.stderr);
    return parseRecords(r.stdout).map((x) => ({ offset: x.offset, key: x.key, value: x.value }));
  }

  for (const codec of ['lz4', 'gzip'] as const) {
    test(`kcat -z ${codec}: ${UPDATES} updates over ${KEYS} keys plus tombstones compact to the latest value per live key at its offset`, async () => {
      const topic = `compacted-${codec}`;
      await admin.createTopics({ topics: [{ topic, configEntries: [
        { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '16384' },
        { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'delete.retention.ms', value: '500' },
      ] }] });
      // One kcat run, one partition: offsets equal line numbers. -Z makes an empty value a tombstone.
      const live = new Map<string, { offset: number; value: string }>();
      const lines: string[] = [];
      const push = (key: string, value: string | null) => {
        if (value === null) live.delete(key);
        else live.set(key, { offset: lines.length, value });
        lines.push(`${key}:${value ?? ''}`);
      };
      for (let i = 0; i < UPDATES; i++) push(`key-${(i * 7919) % KEYS}`, `v${i}-`.padEnd(40, '.'));
      for (let k = 0; k < DEAD; k++) push(`key-${k}`, null);
      for (let m = 0; m < MARKERS; m++) push(`marker-${m}`, randomBytes(32).toString('hex'));
      const end = lines.length;
      const p = await kcat(['-b', broker.bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec, '-K', ':', '-Z',
        '-X', 'linger.ms=20', '-X', 'batch.num.messages=500'], lines.join('\n') + '\n');
      assert.equal(p.code, 0, p.stderr);
      const offsets = await admin.fetchTopicOffsets(topic);
      assert.equal(Number(offsets[0].high), end);

      const records = await waitFor('compaction to converge', async () => {
        const got = await readAllKcat(topic);
        return got.length === live.size ? got : undefined;
      }, 60_000, 500);
      const check = (got: Array<{ offset: number; key: string; value: string | null }>) => {
        const byKey = new Map<string, { offset: number; value: string | null }>();
        for (const r of got) {
          assert.ok(!byKey.has(r.key), `key ${r.key} appears twice (offsets ${byKey.get(r.key)?.offset} and ${r.offset})`);
          byKey.set(r.key, { offset: r.offset, value: r.value });
        }
        assert.equal(byKey.size, live.size);
        for (const [key, want] of live) assert.deepEqual(byKey.get(key), want, `key ${key}`);
      };
      check(records);
      assert.equal(records.at(-1)!.offset, end - 1);
      // kafkajs decodes the rewritten compressed batches itself (offset gaps inside a batch).
      const viaKafkajs = await fetchAll(kafka, topic, 0, 0, live.size);
      check(viaKafkajs.map((r) => ({ offset: r.offset, key: r.key ?? '', value: r.value })));
      assert.equal(Number((await admin.fetchTopicOffsets(topic))[0].high), end, 'the log end offset never moves back');
    });
  }
});
