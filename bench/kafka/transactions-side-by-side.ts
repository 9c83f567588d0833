// Transactions, Gregor beside Apache Kafka 4.x: one single-node Kafka (KRaft, -Xmx1G) and one Gregor broker
// process, one at a time, each driven by the same Java client (bench/kafka/TxnBench.java on kafka-clients of
// the Kafka version, fetched with the broker by kafka-jvm.ts). Per broker:
// - produce at full speed, 1 partition, acks=all: idempotence off, idempotence on, and transactional with a
//   commit every 10, 100 and 1,000 records (records/s, latency p50/p99/p99.9 from send to callback, commit
//   p50/p99);
// - consume the 1,000-records-per-transaction topic from the start with read_uncommitted and read_committed
//   (records/s and MB/s);
// - the broker's peak RSS (VmHWM) at the end.
// Every driver JVM runs a warm-up pass (its own producer or consumer) before the measured one.
//
//   npm run bench:kafka-transactions -- [--only kafka|gregor] [--size 1024] [--scale 1]
import { parseArgs } from 'node:util';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Admin, Producer } from '../../src/client/index.js';
import { freePort, GREGOR_BIN } from '../../test/helpers/broker-process.js';
import { printTable } from '../report.js';
import { CLASSPATH, ensureKafkaJars, KAFKA_VERSION, loadAverage, peakRssMb, prepareKraftNode, RESULTS, sleep } from './kafka-jvm.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    size: { type: 'string', default: '1024' },
    /** Multiplies every case's record count (1: about 4 minutes per broker on 2 shared cores). */
    scale: { type: 'string', default: '1' },
  },
});
const SIZE = Number(args.size);
const SCALE = Number(args.scale);
const HERE = resolve(import.meta.dirname, '..', '..', '..', 'bench', 'kafka');

interface ProduceCase { name: string; mode: 'plain' | 'idempotent' | 'transactional'; perTxn: number; records: number; topic: string }
const n = (x: number) => Math.max(100, Math.round(x * SCALE));
const PRODUCE: ProduceCase[] = [
  { name: 'idempotence off', mode: 'plain', perTxn: 0, records: n(200_000), topic: 'txb-plain' },
  { name: 'idempotence on', mode: 'idempotent', perTxn: 0, records: n(200_000), topic: 'txb-idempotent' },
  { name: 'transactional, 10 records per transaction', mode: 'transactional', perTxn: 10, records: n(10_000), topic: 'txb-txn-10' },
  { name: 'transactional, 100 records per transaction', mode: 'transactional', perTxn: 100, records: n(50_000), topic: 'txb-txn-100' },
  { name: 'transactional, 1,000 records per transaction', mode: 'transactional', perTxn: 1000, records: n(200_000), topic: 'txb-txn-1000' },
];
const CONSUME_TOPIC = 'txb-txn-1000';

interface ProduceResult { records: number; recordsPerSec: number; mbPerSec: number; p50Ms: number; p99Ms: number; p999Ms: number; transactions: number; commitP50Ms: number; commitP99Ms: number }
interface ConsumeResult { records: number; recordsPerSec: number; mbPerSec: number; complete: boolean }

/** Compiles the driver against the Kafka jars (small; each run, so it stays in step with its source). */
function compileDriver(): void {
  mkdirSync(join(HERE, 'target', 'classes'), { recursive: true });
  const c = spawnSync('javac', ['-cp', CLASSPATH, '-d', join(HERE, 'target', 'classes'), join(HERE, 'TxnBench.java')], { encoding: 'utf8', timeout: 120_000 });
  if (c.status !== 0) throw new Error(`javac TxnBench.java failed: ${c.error?.message ?? ''}${c.stderr}`);
}

function driver<T>(argv: string[]): T {
  const r = spawnSync('java', ['-Xmx512m', '-cp', CLASSPATH, 'TxnBench', ...argv], { encoding: 'utf8', timeout: 300_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`TxnBench ${argv.join(' ')} failed (exit ${r.status}):\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-3000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

interface RunningBroker { name: string; bootstrap: string; child: ChildProcess; stop(): Promise<void> }

async function start(name: string, bootstrap: string, cmd: string[], cleanup: () => void): Promise<RunningBroker> {
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(30_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    cleanup();
  };
  for (const deadline = Date.now() + 120_000; ;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start:\n${output}`);
    const p = new Producer({ bootstrap, acks: -1, lingerMs: 0 });
    try {
      await p.send({ topic: 'first-produce', messages: [{ value: Buffer.from('x') }] });
      await p.close();
      break;
    } catch {
      await p.close().catch(() => {});
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${name} never accepted a produce:\n${output}`);
      }
      await sleep(50);
    }
  }
  return { name, bootstrap, child, stop };
}

async function startKafka(): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-txn-sbs-'));
  const node = { id: 1, port: await freePort(), controllerPort: await freePort() };
  const cmd = prepareKraftNode(dir, node, [node], randomUUID().replace(/-/g, '').slice(0, 22));
  return start('kafka', `127.0.0.1:${node.port}`, cmd, () => rmSync(dir, { recursive: true, force: true }));
}

async function startGregor(): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-txn-sbs-'));
  const port = await freePort();
  const cmd = [process.execPath, GREGOR_BIN, 'broker', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`,
    '--override', 'log.level=warn', '--override', 'group.initial.rebalance.delay.ms=0'];
  return start('gregor', `127.0.0.1:${port}`, cmd, () => rmSync(dir, { recursive: true, force: true }));
}

interface BrokerResult { produce: Map<string, ProduceResult>; consume: Map<string, ConsumeResult>; rssMb: number; load: string[] }

async function measure(b: RunningBroker): Promise<BrokerResult> {
  const admin = new Admin({ bootstrap: b.bootstrap });
  await admin.createTopics(PRODUCE.map((c) => ({ topic: c.topic, numPartitions: 1, replicationFactor: 1 })));
  await admin.close();
  const out: BrokerResult = { produce: new Map(), consume: new Map(), rssMb: NaN, load: [] };
  for (const c of PRODUCE) {
    const load = loadAverage();
    out.load.push(load);
    process.stderr.write(`${b.name}: ${c.name}: ${c.records} records (load average ${load}) ...\n`);
    // The warm-up pass sends a fifth as many records to the same topic (so the consume cases read both passes).
    const r = driver<ProduceResult>(['produce', b.bootstrap, c.topic, c.mode, String(Math.max(1, c.perTxn)), String(c.records), String(SIZE), String(Math.round(c.records / 5))]);
    process.stderr.write(`${b.name}: ${c.name}: ${r.recordsPerSec.toFixed(0)} records/s, p50/p99/p99.9 ${r.p50Ms}/${r.p99Ms}/${r.p999Ms} ms\n`);
    out.produce.set(c.name, r);
  }
  const total = PRODUCE.find((c) => c.topic === CONSUME_TOPIC)!;
  const records = total.records + Math.round(total.records / 5);
  for (const isolation of ['read_uncommitted', 'read_committed']) {
    process.stderr.write(`${b.name}: consume ${records} records ${isolation} (load average ${loadAverage()}) ...\n`);
    const r = driver<ConsumeResult>(['consume', b.bootstrap, CONSUME_TOPIC, isolation, String(records), '1']);
    if (!r.complete) throw new Error(`${b.name}: ${isolation} read ${r.records} of ${records} records`);
    process.stderr.write(`${b.name}: ${isolation}: ${r.recordsPerSec.toFixed(0)} records/s\n`);
    out.consume.set(isolation, r);
  }
  out.rssMb = peakRssMb(b.child.pid);
  return out;
}

ensureKafkaJars();
compileDriver();
const startedLoad = loadAverage();
const results = new Map<string, BrokerResult>();
for (const w of (['kafka', 'gregor'] as const).filter((x) => !args.only || args.only === x)) {
  const b = w === 'kafka' ? await startKafka() : await startGregor();
  try {
    results.set(w, await measure(b));
  } finally {
    await b.stop();
  }
}

const fmt = (x: number | undefined, d = 0) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : 'n/a');
const k = results.get('kafka');
const g = results.get('gregor');
const lat = (r: ProduceResult | undefined) => (r ? `${fmt(r.p50Ms, 1)} / ${fmt(r.p99Ms, 1)} / ${fmt(r.p999Ms, 1)}` : 'n/a');
const commit = (r: ProduceResult | undefined) => (r && r.transactions > 0 ? `${fmt(r.commitP50Ms, 1)} / ${fmt(r.commitP99Ms, 1)}` : '–');
const rows: Array<Record<string, string>> = PRODUCE.map((c) => {
  const kr = k?.produce.get(c.name);
  const gr = g?.produce.get(c.name);
  return {
    'produce (1 partition, acks=all)': c.name,
    'Kafka records/s': fmt(kr?.recordsPerSec), 'Gregor records/s': fmt(gr?.recordsPerSec), '×': ratio(gr?.recordsPerSec, kr?.recordsPerSec),
    'Kafka p50/p99/p99.9 ms': lat(kr), 'Gregor p50/p99/p99.9 ms': lat(gr),
    'commit p50/p99 ms Kafka': commit(kr), 'commit p50/p99 ms Gregor': commit(gr),
  };
});
const consumeRows: Array<Record<string, string>> = ['read_uncommitted', 'read_committed'].map((iso) => {
  const kr = k?.consume.get(iso);
  const gr = g?.consume.get(iso);
  return {
    [`consume ${CONSUME_TOPIC}`]: iso,
    'Kafka records/s (MB/s)': kr ? `${fmt(kr.recordsPerSec)} (${fmt(kr.mbPerSec, 1)})` : 'n/a',
    'Gregor records/s (MB/s)': gr ? `${fmt(gr.recordsPerSec)} (${fmt(gr.mbPerSec, 1)})` : 'n/a',
    '×': ratio(gr?.recordsPerSec, kr?.recordsPerSec),
  };
});
const rss = [{ what: 'broker peak RSS MB', Kafka: fmt(k?.rssMb, 0), Gregor: fmt(g?.rssMb, 0), '×': ratio(g?.rssMb, k?.rssMb) }];
printTable(rows);
printTable(consumeRows);
printTable(rss);
const endLoad = loadAverage();
console.log(`load average at start ${startedLoad}, at end ${endLoad}`);
const md = (rs: Array<Record<string, string>>) => {
  const cols = Object.keys(rs[0]!);
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rs.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`)].join('\n');
};
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `transactions-side-by-side-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, `# Transactions: Gregor beside Apache Kafka ${KAFKA_VERSION} (${new Date().toISOString()})\n\n`
  + `One broker at a time, the same Java client (TxnBench.java, kafka-clients ${KAFKA_VERSION}), ${SIZE}-byte records. Command: \`npm run bench:kafka-transactions -- ${process.argv.slice(2).join(' ')}\`. `
  + `Load average at start ${startedLoad}, at end ${endLoad}; per case: Kafka ${k?.load.join('; ') ?? 'n/a'}, Gregor ${g?.load.join('; ') ?? 'n/a'}.\n\n${md(rows)}\n\n${md(consumeRows)}\n\n${md(rss)}\n`);
writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ args, kafka: k ? { ...k, produce: Object.fromEntries(k.produce), consume: Object.fromEntries(k.consume) } : null,
  gregor: g ? { ...g, produce: Object.fromEntries(g.produce), consume: Object.fromEntries(g.consume) } : null }, null, 1));
console.log(`results: ${file} (and .json)`);
