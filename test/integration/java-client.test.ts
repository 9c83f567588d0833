// The Java client (org.apache.kafka:kafka-clients, the reference implementation) against a real broker
// process: AdminClient topic creation, the idempotent producer (acks=all) with 20,000 keyed records and
// headers, a group-less consumer (assign + seekToBeginning) reading them back, records crossing between
// Java, kafkajs and kcat, every compression.type, and group consumers (subscribe) sharing partitions and
// resuming from committed offsets. The Java side is test/java (a small Maven project, built here once); it
// prints JSON lines that this file checks record by record.
import { runIn as run } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_JAR, CLIENT_CHECK_BUILD_TIMEOUT_MS } from '../helpers/client-check.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { AssignerProtocol } from 'kafkajs';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { partitionOf } from '../helpers/murmur2.js';

const JAR = CLIENT_CHECK_JAR;
const BUILD_TIMEOUT_MS = CLIENT_CHECK_BUILD_TIMEOUT_MS;

function tail(s: string, lines = 40): string {
  return s.split('\n').slice(-lines).join('\n');
}

function requireTool(cmd: string, versionArgs: string[], hint: string): void {
  const r = spawnSync(cmd, versionArgs, { stdio: 'ignore', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`'${cmd} ${versionArgs.join(' ')}' failed (${r.error?.message ?? `exit ${r.status}`}), and ` +
      `test/integration/java-client.test.ts needs ${cmd} (${hint}). On Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless maven`);
  }
}

// ---- the Java CLI (test/java/src/main/java/gregor/clientcheck/ClientCheck.java) ------------------------------

interface JavaRun {
  code: number | null;
  lines: any[];
  /** The last line, {"summary": ...}; null when the command died before printing it. */
  summary: any;
  stderr: string;
  /** The Java client's own WARN/ERROR log lines (it logs at WARN and above here). */
  warnings: string[];
}

async function java(args: string[], timeoutMs = 120_000): Promise<JavaRun> {
  const r = await run('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, ...args], { timeoutMs });
  const lines = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const summary = lines.length > 0 && typeof lines[lines.length - 1].summary === 'string' ? lines.pop() : null;
  const warnings = r.stderr.split('\n').filter((l) => / (WARN|ERROR) /.test(l));
  return { code: r.code, lines, summary, stderr: r.stderr, warnings };
}

function assertClean(r: JavaRun, what: string): void {
  assert.equal(r.code, 0, `${what}: exit ${r.code}, summary ${JSON.stringify(r.summary)}; stderr:\n${tail(r.stderr)}`);
  assert.ok(r.summary, `${what}: no summary line; stderr:\n${tail(r.stderr)}`);
  assert.deepEqual(r.warnings, [], `${what}: the Java client logged warnings or errors (retries, disconnects, ...)`);
}

interface Ack { i: number; p: number; o: number; ts: number }
interface JRecord { p: number; o: number; k: string | null; v: string | null; ts: number; tt: string; h: Array<[string, string | null]> }

// ---- stored batches: Kafka's on-disk layout, read straight from the broker's data dir ------------------------

interface StoredBatch {
  baseOffset: number;
  lastOffsetDelta: number;
  attributes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

function storedBatches(logDir: string, topic: string, partition: number): StoredBatch[] {
  const dir = join(logDir, `${topic}-${partition}`);
  const out: StoredBatch[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const buf = readFileSync(join(dir, name));
    let pos = 0;
    while (pos + 61 <= buf.length) {
      const batchLength = buf.readInt32BE(pos + 8);
      if (batchLength <= 0) break;
      assert.equal(buf.readInt8(pos + 16), 2, `magic of the batch at byte ${pos} of ${name}`);
      out.push({
        baseOffset: Number(buf.readBigInt64BE(pos)),
        attributes: buf.readInt16BE(pos + 21),
        lastOffsetDelta: buf.readInt32BE(pos + 23),
        producerId: buf.readBigInt64BE(pos + 43),
        producerEpoch: buf.readInt16BE(pos + 51),
        baseSequence: buf.readInt32BE(pos + 53),
        recordCount: buf.readInt32BE(pos + 57),
      });
      pos += 12 + batchLength;
    }
  }
  return out;
}

function logBytes(logDir: string, topic: string, partition: number): number {
  const dir = join(logDir, `${topic}-${partition}`);
  return readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((sum, n) => sum + readFileSync(join(dir, n)).length, 0);
}

/** Batches of one idempotent producer session: same id and epoch, not transactional, sequences = offsets. */
function assertIdempotentBatches(batches: StoredBatch[], records: number): void {
  assert.ok(batches.length > 0);
  let next = 0;
  for (const b of batches) {
    assert.equal(b.baseOffset, next, 'batches are contiguous');
    assert.equal(b.recordCount, b.lastOffsetDelta + 1);
    assert.equal(b.attributes & 0x10, 0, 'not transactional');
    assert.equal(b.producerId, batches[0].producerId, 'one producer id');
    assert.equal(b.producerEpoch, batches[0].producerEpoch, 'one producer epoch (no epoch bump after an error)');
    assert.equal(b.baseSequence, b.baseOffset, 'sequence numbers start at 0 and match offsets (no resend, no reset)');
    next += b.recordCount;
  }
  assert.ok(batches[0].producerId >= 0n, 'batches carry a producer id: the producer was idempotent');
  assert.equal(next, records);
}

describe('Java client (kafka-clients)', () => {
  let broker: BrokerProcess;

  before(async () => {
    requireTool('java', ['-version'], 'runs the Java Kafka client');
    requireTool('mvn', ['-B', '-v'], 'builds test/java, which fetches org.apache.kafka:kafka-clients from Maven Central');
    await buildClientCheck();
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.segment.bytes': 1 << 20 } });
  }, { timeout: BUILD_TIMEOUT_MS + 60_000 });
  after(async () => {
    await broker?.close();
  });

  const TOPIC = 'jv-keyed';
  const N = 20_000;
  let acks: Ack[] = [];
  let consumed: JRecord[] = [];

  test('AdminClient creates a 3-partition topic and lists it', { timeout: 120_000 }, async () => {
    const r = await java(['create-topic', broker.bootstrap, TOPIC, '3']);
    assertClean(r, 'create-topic');
    assert.deepEqual(r.summary, { summary: 'create-topic', topic: TOPIC, partitions: 3, listed: true });
    const again = await java(['create-topic', broker.bootstrap, TOPIC, '3']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /TopicExistsException/, 'creating it again fails with TOPIC_ALREADY_EXISTS');
  });

  test('AdminClient: describeCluster, incrementalAlterConfigs (and INVALID_CONFIG), describeConfigs, createPartitions, deleteRecords, describeLogDirs', { timeout: 120_000 }, async () => {
    const topic = 'jv-admin';
    assertClean(await java(['create-topic', broker.bootstrap, topic, '1']), 'create-topic');
    assertClean(await java(['produce', broker.bootstrap, topic, '10']), 'produce');
    const r = await java(['admin-lifecycle', broker.bootstrap, topic]);
    assertClean(r, 'admin-lifecycle');
    const s = r.summary;
    assert.equal(s.controller, 0);
    assert.equal(s.brokers, 1);
    assert.equal(s.clusterId.length, 22);
    assert.equal(s.retention, '3600000');
    assert.equal(s.retentionSource, 'DYNAMIC_TOPIC_CONFIG');
    assert.equal(s.policy, 'delete,compact');
    assert.equal(s.segmentSource, 'STATIC_BROKER_CONFIG', 'log.segment.bytes is set on the broker command line');
    assert.equal(s.flushSource, 'DEFAULT_CONFIG');
    assert.match(s.invalid, /^InvalidConfigurationException: .*retention\.ms/);
    assert.equal(s.partitions, 3);
    assert.equal(s.lowWatermark, 5);
    assert.equal(s.logDirs, 1);
    assert.ok(s.size0 > 0);
  });

  test('idempotent producer: 20,000 keyed records with headers, every ack, dense offsets, murmur2 partitions', { timeout: 180_000 }, async () => {
    const started = Date.now();
    const r = await java(['produce', broker.bootstrap, TOPIC, String(N)]);
    assertClean(r, 'produce');
    assert.equal(r.summary.acked, N);
    assert.equal(r.summary.errors, 0);
    acks = r.lines;
    assert.equal(acks.length, N);
    const next = [0, 0, 0];
    acks.forEach((a, i) => {
      assert.equal(a.i, i);
      assert.equal(a.p, partitionOf(`key-${i}`, 3), `key-${i}: the Java partitioner is murmur2`);
      assert.equal(a.o, next[a.p]++, `key-${i}: offsets in partition ${a.p} are dense and in send order`);
      assert.ok(a.ts >= started - 1000 && a.ts <= Date.now() + 1000, 'CreateTime timestamp acknowledged');
    });
    for (let p = 0; p < 3; p++) {
      assert.ok(next[p] > N / 4, `partition ${p} got a fair share (${next[p]})`);
      assertIdempotentBatches(storedBatches(broker.logDir, TOPIC, p), next[p]);
    }
  });

  test('consumer (assign, seekToBeginning, no group) reads every record back exactly', { timeout: 180_000 }, async () => {
    assert.equal(acks.length, N, 'needs the records of the producer test');
    const r = await java(['consume', broker.bootstrap, TOPIC, String(N)]);
    assertClean(r, 'consume');
    assert.equal(r.summary.count, N);
    assert.equal(r.summary.extra, 0);
    consumed = r.lines;
    assert.equal(consumed.length, N);
    const counts = [0, 1, 2].map((p) => acks.filter((a) => a.p === p).length);
    assert.deepEqual(Object.keys(r.summary.partitions), ['0', '1', '2']);
    for (let p = 0; p < 3; p++) {
      assert.deepEqual(r.summary.partitions[p], { count: counts[p], first: 0, last: counts[p] - 1, start: 0, beginning: 0, end: counts[p] }, `partition ${p}`);
    }
    const byPos = new Map(acks.map((a) => [`${a.p}/${a.o}`, a]));
    const seen = new Set<number>();
    for (const rec of consumed) {
      const ack = byPos.get(`${rec.p}/${rec.o}`);
      assert.ok(ack, `record at ${rec.p}/${rec.o} was never acknowledged`);
      const i = ack.i;
      assert.ok(!seen.has(i), `record ${i} delivered twice`);
      seen.add(i);
      assert.deepEqual(rec, { p: ack.p, o: ack.o, k: `key-${i}`, v: `value-${i}`, ts: ack.ts, tt: 'CreateTime', h: [['seq', String(i)], ['origin', 'java']] });
    }
    assert.equal(seen.size, N);
  });

  test('kcat (librdkafka) reads the Java-produced records with identical content', { timeout: 180_000 }, async () => {
    assert.equal(consumed.length, N, 'needs the records of the consumer test');
    const c = await kcat(['-b', broker.bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(c.code, 0, c.stderr);
    const fromKcat = new Map(parseRecords(c.stdout).map((r) => [`${r.partition}/${r.offset}`, r]));
    assert.equal(fromKcat.size, N);
    for (const j of consumed) {
      const k = fromKcat.get(`${j.p}/${j.o}`);
      assert.ok(k, `kcat lacks ${j.p}/${j.o}`);
      assert.deepEqual([k.key, k.value, k.timestamp, k.headers], [j.k, j.v, j.ts, j.h.map(([hk, hv]) => `${hk}=${hv}`).join(',')]);
    }
  });

  test('Java consumer reads records produced by kafkajs, from the beginning and from a timestamp', { timeout: 180_000 }, async () => {
    const topic = 'jv-from-kafkajs';
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();

    const n = 5_000;
    const baseTs = Date.now() - 3_600_000;
    const odd = ['', 'ünïcödé €', '"quoted" \\ back\nslash\ttab', '😀'.repeat(50)];
    const expected: Array<Array<Omit<JRecord, 'p' | 'o'>>> = [[], []];
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let start = 0; start < n; start += 1_000) {
        const messages = [];
        for (let i = start; i < start + 1_000; i++) {
          // Every 10th record has a null key and an explicit partition; the rest go by kafkajs's murmur2.
          const key = i % 10 === 0 ? null : `kjs-key-${i}`;
          const value = i % 7 === 0 ? odd[(i / 7) % odd.length] : `kjs-value-${i}`;
          const partition = key === null ? i % 2 : partitionOf(key, 2);
          const headers = { n: String(i), from: 'kafkajs' };
          messages.push({ key, value, timestamp: String(baseTs + i), headers, ...(key === null ? { partition } : {}) });
          expected[partition].push({ k: key, v: value, ts: baseTs + i, tt: 'CreateTime', h: [['n', String(i)], ['from', 'kafkajs']] });
        }
        const res = await producer.send({ topic, acks: -1, messages });
        for (const a of res) assert.equal(a.errorCode, 0);
      }
    } finally {
      await producer.disconnect();
    }

    const r = await java(['consume', broker.bootstrap, topic, String(n)]);
    assertClean(r, 'consume');
    for (let p = 0; p < 2; p++) {
      const got = (r.lines as JRecord[]).filter((x) => x.p === p);
      assert.deepEqual(got.map((x) => x.o), expected[p].map((_, o) => o), `partition ${p}: dense offsets from 0`);
      assert.deepEqual(got.map(({ p: _p, o: _o, ...rest }) => rest), expected[p], `partition ${p}: keys, values, timestamps, headers`);
    }

    // offsetsForTimes (ListOffsets by timestamp), then seek: from the first record at or after the time.
    const from = baseTs + 2_500;
    const later = expected.map((list) => list.filter((x) => x.ts >= from));
    const t = await java(['consume', broker.bootstrap, topic, String(later[0].length + later[1].length), '--from-time', String(from)]);
    assertClean(t, 'consume --from-time');
    for (let p = 0; p < 2; p++) {
      const skipped = expected[p].length - later[p].length;
      assert.equal(t.summary.partitions[p].start, skipped, `partition ${p}: offsetsForTimes found the first record at or after the time`);
      const got = (t.lines as JRecord[]).filter((x) => x.p === p);
      assert.deepEqual(got.map((x) => x.o), later[p].map((_, i) => skipped + i));
      assert.deepEqual(got.map(({ p: _p, o: _o, ...rest }) => rest), later[p]);
    }
  });

  const CODECS: Array<[string, number]> = [['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]];
  for (const [codec, id] of CODECS) {
    test(`compression.type=${codec}: stored compressed, consumed intact`, { timeout: 180_000 }, async () => {
      const topic = `jv-${codec}`; // auto-created by the producer's Metadata request (1 partition)
      const n = 5_000;
      const pad = 40;
      const value = (i: number) => `${codec}-value-${i}${'abc'.repeat(i % pad)}`;
      const p = await java(['produce', broker.bootstrap, topic, String(n), '--compression', codec, '--prefix', `${codec}-`, '--pad', String(pad)]);
      assertClean(p, `produce ${codec}`);
      assert.equal(p.summary.acked, n);
      assert.deepEqual(p.lines.map((a: Ack) => [a.p, a.o]), Array.from({ length: n }, (_, i) => [0, i]));

      const batches = storedBatches(broker.logDir, topic, 0);
      assertIdempotentBatches(batches, n);
      for (const b of batches) assert.equal(b.attributes & 0x07, id, `batch at ${b.baseOffset} is stored with codec ${codec}`);
      const raw = Array.from({ length: n }, (_, i) => value(i).length).reduce((a, b) => a + b, 0);
      const stored = logBytes(broker.logDir, topic, 0);
      // Stored plainly, the segment would be larger than the values alone (keys, headers, record framing).
      assert.ok(stored < raw / 2, `${codec}: ${stored} bytes on disk for ${raw} bytes of values`);

      const c = await java(['consume', broker.bootstrap, topic, String(n)]);
      assertClean(c, `consume ${codec}`);
      assert.equal(c.lines.length, n);
      c.lines.forEach((rec: JRecord, i: number) => {
        assert.deepEqual(rec, { p: 0, o: i, k: `${codec}-key-${i}`, v: value(i), ts: p.lines[i].ts, tt: 'CreateTime', h: [['seq', String(i)], ['origin', 'java']] });
      });
    });
  }

  test('group consumers (subscribe, classic protocol): two members share 6 partitions, commit, and a new member resumes', { timeout: 240_000 }, async () => {
    const topic = 'jv-group';
    const group = 'java-group';
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    const producer = kafka.producer();
    await producer.connect();
    const produce = async (from: number, to: number) => {
      for (let p = 0; p < 6; p++) await producer.send({ topic, acks: -1, messages: Array.from({ length: to - from }, (_, i) => ({ partition: p, value: `v${from + i}` })) });
    };
    try {
      await produce(0, 100);
      // Two members for 20 s each, started together; while they run, the broker's view of the group is checked.
      const members = [java(['group-consume', broker.bootstrap, topic, group, '--duration-ms', '20000'], 90_000), java(['group-consume', broker.bootstrap, topic, group, '--duration-ms', '20000'], 90_000)];
      let balanced = false;
      const deadline = Date.now() + 18_000;
      while (!balanced && Date.now() < deadline) {
        const { groups } = await admin.describeGroups([group]);
        const g = groups[0];
        if (g.state === 'Stable' && g.members.length === 2) {
          const parts = g.members.flatMap((m) => Object.values(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).flat()).sort();
          balanced = parts.join() === '0,1,2,3,4,5';
        }
        if (!balanced) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(balanced, 'the two Java members held 3 partitions each in a Stable group');
      const runs = await Promise.all(members);
      for (const r of runs) assertClean(r, 'group-consume');
      const seen = runs.flatMap((r) => r.lines.filter((l) => 'p' in l).map((l) => `${l.p}:${l.o}`));
      assert.deepEqual([...new Set(seen)].sort(), Array.from({ length: 600 }, (_, i) => `${Math.floor(i / 100)}:${i % 100}`).sort(), 'every record, none lost');
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      assert.deepEqual(committed.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset), Array(6).fill('100'));

      await produce(100, 110);
      const next = await java(['group-consume', broker.bootstrap, topic, group, '--duration-ms', '8000'], 60_000);
      assertClean(next, 'group-consume (resume)');
      const resumed = next.lines.filter((l) => 'p' in l).map((l) => `${l.p}:${l.o}`).sort();
      assert.deepEqual(resumed, Array.from({ length: 60 }, (_, i) => `${Math.floor(i / 10)}:${100 + (i % 10)}`).sort(), 'exactly the records after the committed offsets');
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
