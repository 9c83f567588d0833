// Gregor beside Apache Kafka, driven by Kafka's own load generators. Fetches Kafka 4.x (broker and
// kafka-tools, with dependencies) from Maven Central through Maven (bench/kafka/pom.xml), starts it as a
// single KRaft node with -Xmx1G on a loopback port beside a Gregor broker process, and runs
// org.apache.kafka.tools.ProducerPerformance and ConsumerPerformance against each. Both stay up and every
// case runs on one broker right after the other (the first alternates), so that a change in the machine's
// load (2 cores, shared) hits both alike; the other broker is idle meanwhile. --sequential: one broker at a
// time, all of Kafka's cases and then all of Gregor's (the harness before). For each case: produce
// records/s and MB/s at full speed, latency (p50/p99/p99.9) at half of that rate, consume MB/s; per
// broker: peak RSS and start-to-first-produce.
// Writes a Markdown table to bench/results/.
//
// Warm-up, the same for both brokers (both JVM-free Gregor and JIT-compiled Kafka get it):
// - once per broker, before the cases, a full-speed produce and a consume on a scratch topic
//   (--broker-warmup-records, 0 to skip);
// - every ProducerPerformance run first sends --warmup (a fraction of its records, same rate, same topic)
//   in the same JVM (WarmProducerPerformance.java), then the measured records. Without it a run of a
//   few seconds measures the client JVM's start: its p99 at half load was the first second's backlog
//   (hundreds of ms against either broker), while each broker answered in about a millisecond. The
//   warm-up pass's own p99 is reported too ("cold p99"), so that number is not hidden.
// - ConsumerPerformance runs --consume-runs times (fresh JVM and group each time); the median is reported.
//
//   npm run bench:kafka -- [--records-1k 300000] [--records-100 1500000] [--only gregor|kafka] [--cases <substring>]
//                          [--warmup 0.5] [--broker-warmup-records 300000] [--consume-runs 3] [--sequential] [--profile]
import { parseArgs } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Admin, Producer } from '../../src/client/index.js';
import { freePort, GREGOR_BIN } from '../../test/helpers/broker-process.js';
import { printTable } from '../report.js';
import { consumerPerformance, ensureKafkaJars, KAFKA_VERSION, loadAverage, peakRssMb, prepareKraftNode, producerPerformance, RESULTS, sleep, type ConsumeResult, type ProduceRun } from './kafka-jvm.js';

const { values: args } = parseArgs({
  options: {
    'records-1k': { type: 'string', default: '300000' },
    'records-100': { type: 'string', default: '1500000' },
    only: { type: 'string' },
    cases: { type: 'string', default: 'all' },
    /** One broker at a time (all of Kafka's cases, then all of Gregor's) instead of both up and the cases interleaved. */
    sequential: { type: 'boolean', default: false },
    /** Records each ProducerPerformance JVM sends before the measured ones, as a fraction of those (0: cold runs, as before). */
    warmup: { type: 'string', default: '0.5' },
    /** 1 KiB records produced at full speed (and consumed) on a scratch topic before the cases, per broker. */
    'broker-warmup-records': { type: 'string', default: '300000' },
    /** ConsumerPerformance runs per case; the median MB/s is reported. */
    'consume-runs': { type: 'string', default: '3' },
    /** Write a V8 CPU profile of the Gregor broker (node --cpu-prof) and print its top functions by self time. */
    profile: { type: 'boolean', default: false },
  },
});

const WARMUP = Number(args.warmup);
const CONSUME_RUNS = Math.max(1, Number(args['consume-runs']));

interface RunningBroker {
  name: string;
  bootstrap: string;
  child: ChildProcess;
  startToFirstProduceMs: number;
  stop(): Promise<void>;
}

/** Spawns, then produces one record (auto-creating a topic) until it is acknowledged. */
async function startAndTime(name: string, bootstrap: string, spawnIt: () => ChildProcess, cleanup: () => void): Promise<RunningBroker> {
  const t0 = performance.now();
  const child = spawnIt();
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  let elapsed = NaN;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start:\n${output}`);
    const p = new Producer({ bootstrap, acks: -1, lingerMs: 0 });
    try {
      await p.send({ topic: 'first-produce', messages: [{ value: Buffer.from('x') }] });
      elapsed = performance.now() - t0;
      await p.close();
      break;
    } catch {
      await p.close().catch(() => {});
      await sleep(25);
    }
  }
  if (Number.isNaN(elapsed)) throw new Error(`${name} never accepted a produce:\n${output}`);
  return {
    name, bootstrap, child, startToFirstProduceMs: elapsed,
    stop: async () => {
      child.kill('SIGTERM');
      const done = new Promise((r) => child.once('exit', r));
      await Promise.race([done, sleep(30_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      cleanup();
    },
  };
}

async function startKafka(): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sbs-'));
  const node = { id: 1, port: await freePort(), controllerPort: await freePort() };
  const cmd = prepareKraftNode(dir, node, [node], randomUUID().replace(/-/g, '').slice(0, 22));
  return startAndTime('kafka', `127.0.0.1:${node.port}`, () => spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }),
    () => rmSync(dir, { recursive: true, force: true }));
}

const PROFILE_DIR = join(RESULTS, `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);

async function startGregor(): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-sbs-'));
  const port = await freePort();
  const prof = args.profile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  return startAndTime('gregor', `127.0.0.1:${port}`, () => spawn(process.execPath, [...prof, GREGOR_BIN, 'broker', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`, '--override', 'log.level=warn',
    // Same group setting as the Kafka node above (both default to 3 s, which ConsumerPerformance would count).
    '--override', 'group.initial.rebalance.delay.ms=0'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    () => rmSync(dir, { recursive: true, force: true }));
}

/** `CONSUME_RUNS` ConsumerPerformance runs (each a fresh JVM and group reading from the start): the median by MB/s, and all MB/s. */
function consumeMedian(bootstrap: string, topic: string, records: number): { median: ConsumeResult; all: number[]; runs: ConsumeResult[] } | string {
  const runs: ConsumeResult[] = [];
  for (let i = 0; i < CONSUME_RUNS; i++) {
    const c = consumerPerformance(bootstrap, topic, records);
    if (typeof c === 'string') return c;
    process.stderr.write(`  consume: ${c.mbPerSec.toFixed(1)} MB/s (group join ${c.rebalanceMs} ms, then ${c.fetchMbPerSec.toFixed(1)} MB/s)\n`);
    runs.push(c);
  }
  const sorted = [...runs].sort((a, b) => a.mbPerSec - b.mbPerSec);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, all: runs.map((c) => c.mbPerSec), runs };
}

interface CaseResult { case: string; produce: ProduceRun; half: ProduceRun; consume: ReturnType<typeof consumeMedian> }

/** The broker's own warm-up (JIT for Kafka, V8 for Gregor), on a topic no case reads. */
async function warmBroker(b: RunningBroker): Promise<void> {
  const warmRecords = Number(args['broker-warmup-records']);
  if (warmRecords <= 0) return;
  const admin = new Admin({ bootstrap: b.bootstrap });
  await admin.createTopics([{ topic: 'sbs-warmup', numPartitions: 1, replicationFactor: 1 }]);
  await admin.close();
  process.stderr.write(`${b.name}: broker warm-up: ${warmRecords} × 1 KiB produced and consumed ...\n`);
  producerPerformance(b.bootstrap, 'sbs-warmup', warmRecords, 1024, '1', -1, WARMUP);
  consumerPerformance(b.bootstrap, 'sbs-warmup', warmRecords);
}

interface CaseSpec { name: string; size: number; acks: string; partitions: number; records: number; topic: string }

function caseSpecs(): CaseSpec[] {
  const specs: CaseSpec[] = [];
  for (const size of [1024, 100]) {
    for (const acks of ['1', 'all']) {
      for (const partitions of [1, 6]) {
        const name = `${size === 1024 ? '1 KiB' : '100 B'}, acks=${acks}, ${partitions} partition(s)`;
        if (args.cases !== 'all' && !name.includes(args.cases!)) continue;
        specs.push({ name, size, acks, partitions, records: Number(size === 1024 ? args['records-1k'] : args['records-100']), topic: `sbs-${size}-${acks}-${partitions}` });
      }
    }
  }
  return specs;
}

async function runCase(b: RunningBroker, c: CaseSpec): Promise<CaseResult> {
  const admin = new Admin({ bootstrap: b.bootstrap });
  await admin.createTopics([{ topic: c.topic, numPartitions: c.partitions, replicationFactor: 1 }]);
  await admin.close();
  process.stderr.write(`${b.name}: ${c.name}: produce at full speed (load average ${loadAverage()}) ...\n`);
  const produce = producerPerformance(b.bootstrap, c.topic, c.records, c.size, c.acks, -1, WARMUP);
  process.stderr.write(`${b.name}: ${c.name}: ${produce.recordsPerSec.toFixed(0)} records/s; at half of that ...\n`);
  const half = producerPerformance(b.bootstrap, c.topic, Math.round(c.records / 2), c.size, c.acks, produce.recordsPerSec / 2, WARMUP);
  process.stderr.write(`${b.name}: ${c.name}: p50/p99/p99.9 ${half.p50}/${half.p99}/${half.p999} ms (warm-up pass p99 ${half.warmup?.p99 ?? 'n/a'} ms); consume ...\n`);
  const consume = consumeMedian(b.bootstrap, c.topic, c.records);
  return { case: c.name, produce, half, consume };
}

ensureKafkaJars();
const results = new Map<string, { cases: CaseResult[]; rssMb: number; startMs: number }>();
const which = (['kafka', 'gregor'] as const).filter((w) => !args.only || args.only === w);
if (args.sequential) {
  // One broker at a time, all its cases, as before.
  for (const w of which) {
    const b = w === 'kafka' ? await startKafka() : await startGregor();
    try {
      await warmBroker(b);
      const cases: CaseResult[] = [];
      for (const c of caseSpecs()) cases.push(await runCase(b, c));
      results.set(w, { cases, rssMb: peakRssMb(b.child.pid), startMs: b.startToFirstProduceMs });
    } finally {
      await b.stop();
    }
  }
} else {
  // Both brokers up, each case measured on one right after the other (which goes first alternates), so a
  // change in the machine's load during a long run hits both alike; the broker not being measured is idle.
  const brokers: RunningBroker[] = [];
  try {
    for (const w of which) brokers.push(w === 'kafka' ? await startKafka() : await startGregor());
    for (const b of brokers) await warmBroker(b);
    const cases = new Map<string, CaseResult[]>(brokers.map((b) => [b.name, []]));
    const specs = caseSpecs();
    for (let i = 0; i < specs.length; i++) {
      const order = i % 2 === 0 ? brokers : [...brokers].reverse();
      for (const b of order) cases.get(b.name)!.push(await runCase(b, specs[i]!));
    }
    for (const b of brokers) results.set(b.name, { cases: cases.get(b.name)!, rssMb: peakRssMb(b.child.pid), startMs: b.startToFirstProduceMs });
  } finally {
    for (const b of brokers) await b.stop();
  }
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const cons = (c: CaseResult['consume'] | undefined) => (c === undefined ? 'n/a' : typeof c === 'string' ? c : `${fmt(c.median.mbPerSec)}${c.all.length > 1 ? ` (${fmt(Math.min(...c.all), 0)}–${fmt(Math.max(...c.all), 0)})` : ''}`);
const lat = (r: ProduceRun | undefined) => (r ? `${r.p50} / ${r.p99} / ${r.p999}` : 'n/a');
const ratio = (a: number | undefined, b: number | undefined, d = 2) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(d) : 'n/a');
const k = results.get('kafka');
const g = results.get('gregor');
const rows: Array<Record<string, string | number>> = [];
for (const c of (g ?? k)!.cases) {
  const kc = k?.cases.find((x) => x.case === c.case);
  const gc = g?.cases.find((x) => x.case === c.case);
  const consRatio = kc && gc && typeof kc.consume !== 'string' && typeof gc.consume !== 'string' ? ratio(gc.consume.median.mbPerSec, kc.consume.median.mbPerSec) : 'n/a';
  rows.push({
    case: c.case,
    'Kafka produce MB/s (rec/s)': kc ? `${fmt(kc.produce.mbPerSec)} (${fmt(kc.produce.recordsPerSec, 0)})` : 'n/a',
    'Gregor produce MB/s (rec/s)': gc ? `${fmt(gc.produce.mbPerSec)} (${fmt(gc.produce.recordsPerSec, 0)})` : 'n/a',
    'produce ×': ratio(gc?.produce.mbPerSec, kc?.produce.mbPerSec),
    'Kafka p50/p99/p99.9 @½ ms': lat(kc?.half),
    'Gregor p50/p99/p99.9 @½ ms': lat(gc?.half),
    'p99 ×': ratio(gc?.half.p99, kc?.half.p99),
    'cold p99 @½ ms Kafka / Gregor': `${kc?.half.warmup?.p99 ?? 'n/a'} / ${gc?.half.warmup?.p99 ?? 'n/a'}`,
    'Kafka consume MB/s': cons(kc?.consume),
    'Gregor consume MB/s': cons(gc?.consume),
    'consume ×': consRatio,
  });
}
const summary = [
  { what: 'broker peak RSS MB', Kafka: fmt(k?.rssMb ?? NaN), Gregor: fmt(g?.rssMb ?? NaN), '×': ratio(g?.rssMb, k?.rssMb) },
  { what: 'start to first produce ms', Kafka: fmt(k?.startMs ?? NaN, 0), Gregor: fmt(g?.startMs ?? NaN, 0), '×': ratio(g?.startMs, k?.startMs, 3) },
];
printTable(rows);
printTable(summary);
const md = (rs: Array<Record<string, string | number>>) => {
  const cols = Object.keys(rs[0]!);
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rs.map((r) => `| ${cols.map((c) => String(r[c])).join(' | ')} |`)].join('\n');
};
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `side-by-side-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, `# Gregor beside Apache Kafka ${KAFKA_VERSION} (${new Date().toISOString()})\n\nProducerPerformance / ConsumerPerformance from kafka-tools, default producer settings but acks; ${args.sequential ? 'one broker at a time' : 'both brokers up, cases interleaved'} on this machine. Command: \`npm run bench:kafka -- ${process.argv.slice(2).join(' ')}\`. Each ProducerPerformance JVM sent ${WARMUP} × its records first (warm-up pass, its p99 in \"cold p99\"); consume is the median of ${CONSUME_RUNS} runs (range in brackets); broker warm-up ${args['broker-warmup-records']} records.\n\n${md(rows)}\n\n${md(summary)}\n`);
// Everything measured (both passes of every produce run, every consume run's fields), for before/after comparisons.
writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ args, kafka: k ?? null, gregor: g ?? null }, null, 1));
console.log(`results: ${file} (and .json)`);
if (args.profile) printProfile(PROFILE_DIR);

/** Top functions by self time (and the share of idle time) of every .cpuprofile in `dir`. */
function printProfile(dir: string): void {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };
    const self = new Map<number, number>();
    p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const byName = new Map<string, number>();
    for (const n of p.nodes) {
      const t = self.get(n.id) ?? 0;
      const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
      byName.set(name, (byName.get(name) ?? 0) + t);
    }
    const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25);
    console.log(`\nprofile ${join(dir, f)} (${(total / 1e6).toFixed(1)} s sampled); top self time:`);
    printTable(top.map(([name, t]) => ({ function: name.slice(0, 110), 'self %': (100 * t) / total })));
  }
}
