// Gregor beside Apache Kafka, driven by Kafka's own load generators. Fetches Kafka 4.x (broker and
// kafka-tools, with dependencies) from Maven Central through Maven (bench/kafka/pom.xml), starts it as a
// single KRaft node with -Xmx1G on a loopback port, runs org.apache.kafka.tools.ProducerPerformance and
// ConsumerPerformance against it, stops it, then does the same against a Gregor broker process (one broker
// at a time: the machine has 2 cores). For each case: produce records/s and MB/s at full speed, p99
// latency at half of that rate, consume MB/s; per broker: peak RSS and start-to-first-produce.
// Writes a Markdown table to bench/results/.
//
//   npm run bench:kafka -- [--records-1k 300000] [--records-100 1500000] [--only gregor|kafka]
import { parseArgs } from 'node:util';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Admin, Producer } from '../../src/client/index.js';
import { freePort, GREGOR_BIN } from '../../test/helpers/broker-process.js';
import { printTable } from '../report.js';

const { values: args } = parseArgs({
  options: {
    'records-1k': { type: 'string', default: '300000' },
    'records-100': { type: 'string', default: '1500000' },
    only: { type: 'string' },
    cases: { type: 'string', default: 'all' },
    /** Write a V8 CPU profile of the Gregor broker (node --cpu-prof) and print its top functions by self time. */
    profile: { type: 'boolean', default: false },
  },
});

const HERE = resolve(import.meta.dirname, '..', '..', '..', 'bench', 'kafka');
const LIB = join(HERE, 'target', 'lib');
const RESULTS = resolve(HERE, '..', 'results');

function ensureKafkaJars(): void {
  if (existsSync(join(LIB, 'kafka-tools-4.1.1.jar'))) return;
  console.error('fetching Apache Kafka jars with Maven (once) ...');
  const r = spawnSync('mvn', ['-q', '-B', '-f', join(HERE, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${LIB}`], { stdio: 'inherit', timeout: 900_000 });
  if (r.status !== 0) throw new Error('mvn dependency:copy-dependencies failed');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

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
  const port = await freePort();
  const cport = await freePort();
  const props = join(dir, 'server.properties');
  writeFileSync(props, [
    'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${cport}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${cport}`, `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`, 'num.partitions=1', 'offsets.topic.replication.factor=1', 'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1', 'group.initial.rebalance.delay.ms=0', 'share.coordinator.state.topic.replication.factor=1',
  ].join('\n') + '\n');
  const cp = `${LIB}/*`;
  const fmt = spawnSync('java', ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', randomUUID().replace(/-/g, '').slice(0, 22), '-c', props], { encoding: 'utf8', timeout: 120_000 });
  if (fmt.status !== 0) throw new Error(`kafka storage format failed: ${fmt.stderr}${fmt.stdout}`);
  return startAndTime('kafka', `127.0.0.1:${port}`, () => spawn('java', ['-Xmx1G', '-Xms1G', '-cp', cp, 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] }),
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

interface ProduceResult { recordsPerSec: number; mbPerSec: number; avgMs: number; p50: number; p99: number; p999: number }

function producerPerformance(bootstrap: string, topic: string, records: number, size: number, acks: string, throughput: number): ProduceResult {
  const r = spawnSync('java', ['-Xmx512m', '-cp', `${LIB}/*`, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', String(records), '--record-size', String(size),
    '--throughput', String(Math.round(throughput)), '--producer-props', `bootstrap.servers=${bootstrap}`, `acks=${acks}`], { encoding: 'utf8', timeout: 600_000 });
  const m = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th/.exec(r.stdout);
  if (!m) throw new Error(`ProducerPerformance output not understood (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return { recordsPerSec: Number(m[2]), mbPerSec: Number(m[3]), avgMs: Number(m[4]), p50: Number(m[6]), p99: Number(m[8]), p999: Number(m[9]) };
}

function consumerPerformance(bootstrap: string, topic: string, records: number): { mbPerSec: number; recordsPerSec: number } | string {
  const r = spawnSync('java', ['-Xmx512m', '-cp', `${LIB}/*`, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records),
    '--timeout', '30000', '--hide-header'], { encoding: 'utf8', timeout: 180_000 });
  const line = r.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).pop();
  if (r.status !== 0 || !line) return `failed (exit ${r.status}): ${(r.stderr.split('\n').find((l) => /Exception|ERROR/.test(l)) ?? r.stderr.slice(-300)).trim()}`;
  const f = line.split(',').map((s) => s.trim());
  return { mbPerSec: Number(f[3]), recordsPerSec: Number(f[5]) };
}

interface CaseResult { case: string; produce: ProduceResult; half: ProduceResult; consume: ReturnType<typeof consumerPerformance> }

async function runAll(b: RunningBroker): Promise<{ cases: CaseResult[]; rssMb: number }> {
  const cases: CaseResult[] = [];
  for (const size of [1024, 100]) {
    for (const acks of ['1', 'all']) {
      for (const partitions of [1, 6]) {
        const name = `${size === 1024 ? '1 KiB' : '100 B'}, acks=${acks}, ${partitions} partition(s)`;
        if (args.cases !== 'all' && !name.includes(args.cases!)) continue;
        const records = Number(size === 1024 ? args['records-1k'] : args['records-100']);
        const topic = `sbs-${size}-${acks}-${partitions}`;
        const admin = new Admin({ bootstrap: b.bootstrap });
        await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor: 1 }]);
        await admin.close();
        process.stderr.write(`${b.name}: ${name}: produce at full speed ...\n`);
        const produce = producerPerformance(b.bootstrap, topic, records, size, acks, -1);
        process.stderr.write(`${b.name}: ${name}: ${produce.recordsPerSec.toFixed(0)} records/s; at half of that ...\n`);
        const half = producerPerformance(b.bootstrap, topic, Math.round(records / 2), size, acks, produce.recordsPerSec / 2);
        process.stderr.write(`${b.name}: ${name}: consume ...\n`);
        const consume = consumerPerformance(b.bootstrap, topic, records);
        cases.push({ case: name, produce, half, consume });
      }
    }
  }
  return { cases, rssMb: peakRssMb(b.child.pid) };
}

ensureKafkaJars();
const results = new Map<string, { cases: CaseResult[]; rssMb: number; startMs: number }>();
for (const which of ['kafka', 'gregor'] as const) {
  if (args.only && args.only !== which) continue;
  const b = which === 'kafka' ? await startKafka() : await startGregor();
  try {
    const r = await runAll(b);
    results.set(which, { ...r, startMs: b.startToFirstProduceMs });
  } finally {
    await b.stop();
  }
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const cons = (c: CaseResult['consume'] | undefined) => (c === undefined ? 'n/a' : typeof c === 'string' ? c : fmt(c.mbPerSec));
const ratio = (a: number | undefined, b: number | undefined, d = 2) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(d) : 'n/a');
const k = results.get('kafka');
const g = results.get('gregor');
const rows: Array<Record<string, string | number>> = [];
for (const c of (g ?? k)!.cases) {
  const kc = k?.cases.find((x) => x.case === c.case);
  const gc = g?.cases.find((x) => x.case === c.case);
  const consRatio = kc && gc && typeof kc.consume !== 'string' && typeof gc.consume !== 'string' ? ratio(gc.consume.mbPerSec, kc.consume.mbPerSec) : 'n/a';
  rows.push({
    case: c.case,
    'Kafka produce MB/s (rec/s)': kc ? `${fmt(kc.produce.mbPerSec)} (${fmt(kc.produce.recordsPerSec, 0)})` : 'n/a',
    'Gregor produce MB/s (rec/s)': gc ? `${fmt(gc.produce.mbPerSec)} (${fmt(gc.produce.recordsPerSec, 0)})` : 'n/a',
    'produce ×': ratio(gc?.produce.mbPerSec, kc?.produce.mbPerSec),
    'Kafka p99 @½ ms': kc ? kc.half.p99 : 'n/a',
    'Gregor p99 @½ ms': gc ? gc.half.p99 : 'n/a',
    'p99 ×': ratio(gc?.half.p99, kc?.half.p99),
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
writeFileSync(file, `# Gregor beside Apache Kafka 4.1.1 (${new Date().toISOString()})\n\nProducerPerformance / ConsumerPerformance from kafka-tools, default producer settings but acks; one broker at a time on this machine.\n\n${md(rows)}\n\n${md(summary)}\n`);
console.log(`results: ${file}`);
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
