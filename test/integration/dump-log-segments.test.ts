// Kafka's own tools read Gregor's segment files (README, "On disk"): Apache Kafka's DumpLogSegments
// (org.apache.kafka.tools.DumpLogSegments, what kafka-dump-log.sh runs; from Maven Central through
// test/java/kafka-tools/pom.xml) reads the .log, .index and .timeindex files a broker wrote for records produced
// by kafkajs (uncompressed, gzip, an idempotent producer) and kcat (snappy, lz4, zstd), over several rolled
// segments. Checked: every batch is valid (CRC) with the codec it was sent with and its producer fields; the
// records' offsets, keys, values, header keys and timestamps are the ones produced; Kafka's index sanity
// checks pass and its index verification finds no offset or timestamp mismatch; and the __consumer_offsets
// records a group commit wrote decode with Kafka's own offsets decoder.
import { runIn as run, type RunResult } from '../helpers/run.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionTypes } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { KAFKA_TOOLS_RESOLVE_TIMEOUT_MS, kafkaToolsClasspath } from '../helpers/kafka-tools.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';

const TOPIC = 'dump';



interface DumpedBatch {
  file: string;
  baseOffset: number;
  lastOffset: number;
  count: number;
  baseSequence: number;
  producerId: number;
  producerEpoch: number;
  position: number;
  maxTimestamp: number;
  codec: string;
  valid: boolean;
}
interface DumpedRecord { offset: number; timestamp: number; headerKeys: string; key: string; value: string; batch: DumpedBatch }

const field = (line: string, name: string): string => {
  const m = new RegExp(`(?:^| )${name}: (\\S+)`).exec(line);
  assert.ok(m, `no ${name} in ${JSON.stringify(line)}`);
  return m[1]!;
};

/** Parses `DumpLogSegments --deep-iteration --print-data-log` output for .log files. */
function parseLogDump(stdout: string): { files: Array<{ file: string; startOffset: number }>; batches: DumpedBatch[]; records: DumpedRecord[]; other: string[] } {
  const files: Array<{ file: string; startOffset: number }> = [];
  const batches: DumpedBatch[] = [];
  const records: DumpedRecord[] = [];
  const other: string[] = [];
  let file = '';
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Dumping ')) {
      file = line.slice('Dumping '.length);
    } else if (line.startsWith('Log starting offset: ')) {
      files.push({ file, startOffset: Number(line.slice('Log starting offset: '.length)) });
    } else if (line.startsWith('baseOffset: ')) {
      batches.push({
        file, baseOffset: Number(field(line, 'baseOffset')), lastOffset: Number(field(line, 'lastOffset')), count: Number(field(line, 'count')),
        baseSequence: Number(field(line, 'baseSequence')), producerId: Number(field(line, 'producerId')), producerEpoch: Number(field(line, 'producerEpoch')),
        position: Number(field(line, 'position')), maxTimestamp: Number(field(line, 'CreateTime')), codec: field(line, 'compresscodec'), valid: field(line, 'isvalid') === 'true',
      });
    } else if (line.startsWith('| offset: ')) {
      const m = /^\| offset: (\d+) CreateTime: (\d+) keySize: \d+ valueSize: \d+ sequence: -?\d+ headerKeys: (\[[^\]]*\]) key: (\S+) payload: (.*)$/.exec(line);
      assert.ok(m, `unexpected record line ${JSON.stringify(line)}`);
      records.push({ offset: Number(m[1]), timestamp: Number(m[2]), headerKeys: m[3]!, key: m[4]!, value: m[5]!, batch: batches[batches.length - 1]! });
    } else if (line.trim() !== '') {
      other.push(line);
    }
  }
  return { files, batches, records, other };
}

interface Expected { key: string; value: string; headerKeys: string; codec: string; timestamp?: number; producer: 'plain' | 'idempotent' }

describe('Kafka\'s DumpLogSegments reads segment files Gregor wrote', () => {
  let broker: BrokerProcess;
  let classpath: string;
  const expected: Expected[] = [];
  let dir: string;

  before(async () => {
    classpath = await kafkaToolsClasspath();
    // Small index interval: several index entries per segment.
    broker = await BrokerProcess.start({ overrides: { 'log.index.interval.bytes': 512, 'offsets.topic.num.partitions': 1 } });
    dir = join(broker.logDir, `${TOPIC}-0`);
  }, { timeout: KAFKA_TOOLS_RESOLVE_TIMEOUT_MS + 60_000 });
  after(async () => {
    await broker?.close();
  });

  function dump(args: string[]): Promise<RunResult> {
    return run('java', ['-cp', classpath, 'org.apache.kafka.tools.DumpLogSegments', ...args], { timeoutMs: 120_000 });
  }

  const files = (suffix: string) => readdirSync(dir).filter((n) => n.endsWith(suffix)).sort().map((n) => join(dir, n));

  test('produce with kafkajs and kcat in every codec, over several segments', { timeout: 120_000 }, async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    // 8 KiB segments: the records below fill several.
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '8192' }] }] });
    await admin.disconnect();
    const baseTs = Date.now() - 60_000;
    let n = 0;
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (const [codec, compression] of [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP], ['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP]] as const) {
        for (let b = 0; b < 4; b++) {
          const messages = Array.from({ length: 15 }, () => {
            const i = n++;
            const value = `value ${i} ${'x'.repeat(i % 97)}`;
            expected.push({ key: `k-${i}`, value, headerKeys: '[seq,src]', codec, timestamp: baseTs + i, producer: 'plain' });
            return { key: `k-${i}`, value, timestamp: String(baseTs + i), headers: { seq: String(i), src: 'kafkajs' } };
          });
          await producer.send({ topic: TOPIC, acks: -1, compression, messages });
        }
      }
    } finally {
      await producer.disconnect();
    }
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    try {
      const messages = Array.from({ length: 10 }, () => {
        const i = n++;
        expected.push({ key: `k-${i}`, value: `idempotent ${i}`, headerKeys: '[]', codec: 'none', timestamp: baseTs + i, producer: 'idempotent' });
        return { key: `k-${i}`, value: `idempotent ${i}`, timestamp: String(baseTs + i) };
      });
      await idempotent.send({ topic: TOPIC, acks: -1, messages });
    } finally {
      await idempotent.disconnect();
    }
    for (const codec of ['snappy', 'lz4', 'zstd']) {
      const lines: string[] = [];
      for (let j = 0; j < 60; j++) {
        const i = n++;
        const value = `${codec} value ${i} ${'y'.repeat(i % 89)}`;
        expected.push({ key: `k-${i}`, value, headerKeys: '[codec]', codec, producer: 'idempotent' });
        lines.push(`k-${i}\t${value}`);
      }
      const r = await kcat(['-b', broker.bootstrap, '-P', '-t', TOPIC, '-p', '0', '-K', '\t', '-z', codec, '-H', `codec=${codec}`, '-X', 'enable.idempotence=true'], lines.join('\n') + '\n');
      assert.equal(r.code, 0, r.stderr);
    }
    // Stop cleanly (the broker trims its index files on close, as Kafka does), then read the files cold.
    assert.equal(await broker.stop(), 0);
    assert.ok(files('.log').length >= 3, `several segments: ${readdirSync(dir).join(', ')}`);
  });

  test('the .log files: valid batches, their codecs and producer fields, and every record as produced', { timeout: 120_000 }, async () => {
    assert.ok(expected.length > 0, 'needs the records of the produce test');
    const r = await dump(['--files', files('.log').join(','), '--deep-iteration', '--print-data-log']);
    assert.equal(r.code, 0, r.stderr);
    const { files: dumped, batches, records, other } = parseLogDump(r.stdout);
    // The tool counts a segment's first offset as a gap after "-1" unless the segment starts at 0; any other
    // pair would be a real gap.
    const gaps = [...r.stderr.matchAll(/^\s+(-?\d+) is followed by (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    for (const [from, to] of gaps) assert.ok(from === -1 && dumped.some((f) => f.startOffset === to), `a gap in offsets: ${from} is followed by ${to}`);
    assert.doesNotMatch(r.stderr.replace(/^Non-consecutive offsets in .*$/gm, '').replace(/^\s+-1 is followed by \d+$/gm, ''), /\S/, r.stderr);
    assert.deepEqual(other.filter((l) => !/^Dumping /.test(l)), [], 'nothing but batches and records (no "invalid bytes at the end")');
    assert.deepEqual(dumped.map((f) => f.file), files('.log'));
    for (const f of dumped) {
      const first = batches.find((b) => b.file === f.file);
      assert.ok(first, `${f.file} has batches`);
      assert.equal(first.baseOffset, f.startOffset, 'a segment is named after its first offset');
      assert.equal(first.position, 0);
    }
    for (const b of batches) {
      assert.ok(b.valid, `batch at ${b.baseOffset}: CRC valid`);
      assert.equal(b.count, b.lastOffset - b.baseOffset + 1);
    }
    assert.deepEqual(records.map((x) => x.offset), expected.map((_, i) => i), 'offsets 0..n-1, dense, across segments');
    records.forEach((rec, i) => {
      const want = expected[i]!;
      assert.deepEqual([rec.key, rec.value, rec.headerKeys, rec.batch.codec], [want.key, want.value, want.headerKeys, want.codec], `record ${i}`);
      if (want.timestamp !== undefined) assert.equal(rec.timestamp, want.timestamp, `record ${i}: CreateTime`);
      if (want.producer === 'plain') {
        // (kafkajs writes epoch 0 and sequence 0 into batches without a producer id; kept as sent.)
        assert.equal(rec.batch.producerId, -1, `record ${i}: no producer id`);
      } else {
        assert.ok(rec.batch.producerId >= 0 && rec.batch.producerEpoch >= 0 && rec.batch.baseSequence >= 0, `record ${i}: idempotent producer fields kept`);
      }
    });
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) assert.ok(batches.some((b) => b.codec === codec), `a ${codec} batch`);
  });

  test('the .index and .timeindex files pass Kafka\'s sanity checks and its verification against the log', { timeout: 120_000 }, async () => {
    const indexes = [...files('.index'), ...files('.timeindex')];
    assert.equal(indexes.length, 2 * files('.log').length, 'each segment has both indexes');
    const sanity = await dump(['--files', indexes.join(','), '--index-sanity-check']);
    assert.equal(sanity.code, 0, sanity.stderr);
    assert.doesNotMatch(sanity.stderr, /Exception|corrupt/i, sanity.stderr);
    for (const f of indexes) assert.match(sanity.stdout, new RegExp(`^${f.replace(/[.]/g, '\\.')} (passed sanity check|is empty)\\.$`, 'm'));

    const full = await dump(['--files', indexes.join(',')]);
    assert.equal(full.code, 0, full.stderr);
    assert.doesNotMatch(full.stderr, /Mismatches|mismatch|out of order|not found|Exception/i, full.stderr);
    const log = parseLogDump((await dump(['--files', files('.log').join(',')])).stdout);
    // Every offset index entry points at a batch and names that batch's last offset (as Kafka writes them);
    // every time index entry names a batch's last offset and its max timestamp.
    let file = '';
    let offsetEntries = 0;
    let timeEntries = 0;
    for (const line of full.stdout.split('\n')) {
      if (line.startsWith('Dumping ')) file = line.slice('Dumping '.length).replace(/\.(time)?index$/, '.log');
      let m = /^offset: (\d+) position: (\d+)$/.exec(line);
      if (m) {
        const b = log.batches.find((x) => x.file === file && x.position === Number(m![2]));
        assert.ok(b, `${file}: an index entry at position ${m[2]} points at a batch`);
        assert.equal(b.lastOffset, Number(m[1]));
        offsetEntries++;
      }
      m = /^timestamp: (\d+) offset: (\d+)$/.exec(line);
      if (m) {
        const b = log.batches.find((x) => x.file === file && x.lastOffset === Number(m![2]));
        assert.ok(b, `${file}: a time index entry names the last offset of a batch`);
        assert.equal(b.maxTimestamp, Number(m[1]));
        timeEntries++;
      }
    }
    assert.ok(offsetEntries >= files('.log').length, `${offsetEntries} offset index entries`);
    assert.ok(timeEntries >= files('.log').length, `${timeEntries} time index entries`);
  });

  test('__consumer_offsets records of a group commit decode with Kafka\'s offsets decoder', { timeout: 120_000 }, async () => {
    await broker.restart();
    // A kcat (librdkafka) group member reads every record (every codec) and commits when it exits at the end.
    const settings = ['-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-X', 'partition.assignment.strategy=range'];
    const c = await kcat(['-b', broker.bootstrap, ...settings, '-f', '%o\n', '-q', '-e', '-G', 'dump-group', TOPIC], undefined, 90_000);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.split('\n').filter((l) => l).length, expected.length);
    assert.equal(await broker.stop(), 0);
    const offsetsDir = join(broker.logDir, '__consumer_offsets-0');
    const logs = readdirSync(offsetsDir).filter((n) => n.endsWith('.log')).sort().map((n) => join(offsetsDir, n));
    const r = await dump(['--files', logs.join(','), '--deep-iteration', '--print-data-log', '--offsets-decoder']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Error at offset|Unknown record type|Failed to decode/, r.stdout);
    // The offset commit: key {group, topic, partition}, value with the committed offset.
    const commits = r.stdout.split('\n').filter((l) => l.includes('"group":"dump-group"') && l.includes(`"topic":"${TOPIC}"`));
    assert.ok(commits.some((l) => l.includes(`"offset":${expected.length}`)), `an offset commit of ${expected.length} for dump-group:\n${r.stdout.slice(-3000)}`);
    // The group's metadata record (written by the JoinGroup/SyncGroup round) decodes too.
    assert.ok(r.stdout.split('\n').some((l) => l.includes('"group":"dump-group"') && l.includes('"protocolType":"consumer"')), 'group metadata decoded');
  });
});
