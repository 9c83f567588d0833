// kcat (librdkafka, from Debian) against a real broker process: metadata, keyed produce (plain,
// idempotent, every codec), and consume from the beginning, from an offset, and to the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { partitionOf } from '../helpers/murmur2.js';

describe('kcat', () => {
  let broker: BrokerProcess;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.segment.bytes': 4 << 20 } });
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kc-keyed', numPartitions: 4 }, { topic: 'kc-small', numPartitions: 2 }] });
    await admin.disconnect();
  });
  after(async () => {
    await broker?.close();
  });

  test('-L lists the broker and topics with their partitions', async () => {
    const r = await kcat(['-b', broker.bootstrap, '-L', '-J']);
    assert.equal(r.code, 0, r.stderr);
    const meta = JSON.parse(r.stdout);
    assert.deepEqual(meta.brokers.map((b: { id: number; name: string }) => [b.id, b.name]), [[0, broker.bootstrap]]);
    const keyed = meta.topics.find((t: { topic: string }) => t.topic === 'kc-keyed');
    assert.equal(keyed.partitions.length, 4);
    for (const p of keyed.partitions) {
      assert.equal(p.leader, 0);
      assert.deepEqual(p.isrs.map((x: { id: number }) => x.id), [0]);
    }
  });

  test('100,000 keyed records produced with -P -K and consumed with -C from the beginning', async () => {
    const n = 100_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`key-${i}:value-${i}`);
    const before = Date.now();
    const p = await kcat(['-b', broker.bootstrap, '-P', '-t', 'kc-keyed', '-K', ':', '-X', 'topic.partitioner=murmur2_random', '-X', 'linger.ms=5'], lines.join('\n') + '\n');
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat(['-b', broker.bootstrap, '-C', '-t', 'kc-keyed', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(c.code, 0, c.stderr);
    const records = parseRecords(c.stdout);
    assert.equal(records.length, n);
    const nextOffset = [0, 0, 0, 0];
    const byKey = new Map<string, number>();
    for (const r of records) {
      assert.equal(r.offset, nextOffset[r.partition]++, `dense offsets in partition ${r.partition}`);
      assert.equal(r.value, r.key.replace('key-', 'value-'));
      assert.equal(r.partition, partitionOf(r.key, 4), 'murmur2 partitioning matches the Java client');
      assert.ok(r.timestamp >= before - 1000 && r.timestamp <= Date.now() + 1000, 'producer timestamps kept');
      byKey.set(r.key, (byKey.get(r.key) ?? 0) + 1);
    }
    assert.equal(byKey.size, n, 'every key exactly once');
    for (let i = 0; i < n; i++) if (byKey.get(`key-${i}`) !== 1) assert.fail(`key-${i} read ${byKey.get(`key-${i}`) ?? 0} times`);
    // Records within a partition keep the producer's order.
    for (let part = 0; part < 4; part++) {
      const ids = records.filter((r) => r.partition === part).map((r) => Number(r.key.slice(4)));
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1]);
    }
  });

  test('consume from an offset with a count, and headers round-trip', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line-${i}`).join('\n') + '\n';
    const p = await kcat(['-b', broker.bootstrap, '-P', '-t', 'kc-small', '-p', '1', '-H', 'origin=kcat', '-H', 'n=1'], lines);
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat(['-b', broker.bootstrap, '-C', '-t', 'kc-small', '-p', '1', '-o', '150', '-c', '10', '-f', RECORD_FORMAT]);
    assert.equal(c.code, 0, c.stderr);
    const records = parseRecords(c.stdout);
    assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 10 }, (_, i) => 150 + i));
    assert.deepEqual(records.map((r) => r.value), Array.from({ length: 10 }, (_, i) => `line-${150 + i}`));
    for (const r of records) assert.equal(r.headers, 'origin=kcat,n=1');
    // Partition 0 is empty: -e ends at once with nothing.
    const empty = await kcat(['-b', broker.bootstrap, '-C', '-t', 'kc-small', '-p', '0', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(parseRecords(empty.stdout).length, 0);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    test(`-z ${codec} batches are stored and consumed intact`, async () => {
      const topic = `kc-${codec}`;
      const lines = Array.from({ length: 3000 }, (_, i) => `k${i % 97}:${codec}-${i}-${'abc'.repeat(i % 20)}`).join('\n') + '\n';
      const p = await kcat(['-b', broker.bootstrap, '-P', '-t', topic, '-K', ':', '-z', codec], lines);
      assert.equal(p.code, 0, p.stderr);
      const c = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
      assert.equal(c.code, 0, c.stderr);
      const records = parseRecords(c.stdout);
      assert.equal(records.length, 3000);
      assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 3000 }, (_, i) => i));
      assert.deepEqual(records.map((r) => r.value), Array.from({ length: 3000 }, (_, i) => `${codec}-${i}-${'abc'.repeat(i % 20)}`));
    });
  }

  test('acks=0 and acks=1 producers: records arrive, acks=0 gets no answer to wait for', async () => {
    for (const acks of ['0', '1']) {
      const topic = `kc-acks${acks}`;
      const lines = Array.from({ length: 5000 }, (_, i) => `a${acks}-${i}`).join('\n') + '\n';
      const p = await kcat(['-b', broker.bootstrap, '-P', '-t', topic, '-X', `acks=${acks}`], lines);
      assert.equal(p.code, 0, p.stderr);
      const c = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
      assert.deepEqual(parseRecords(c.stdout).map((r) => r.value), Array.from({ length: 5000 }, (_, i) => `a${acks}-${i}`));
    }
  });

  test('idempotent librdkafka producer (enable.idempotence=true)', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `i${i}`).join('\n') + '\n';
    const p = await kcat(['-b', broker.bootstrap, '-P', '-t', 'kc-idem', '-X', 'enable.idempotence=true', '-X', 'linger.ms=2'], lines);
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat(['-b', broker.bootstrap, '-C', '-t', 'kc-idem', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    const records = parseRecords(c.stdout);
    assert.deepEqual(records.map((r) => r.value), Array.from({ length: 20_000 }, (_, i) => `i${i}`));
  });
});
