// Three Gregor brokers (coordinated through Debian's ZooKeeper) beside three Apache Kafka 4.x nodes (KRaft,
// each broker and controller, -Xmx1G), on this machine, one cluster at a time, driven by Kafka's own
// ProducerPerformance (a warm-up pass first in the same JVM, see WarmProducerPerformance.java):
// - replication factor 1 with acks=1, and replication factor 3 with acks=all and min.insync.replicas=2,
//   3 partitions each, at full speed and at half of it (latency p50/p99/p99.9);
// - failover: an acks=all producer (the project's client, the same against both) sends one record at a
//   time to an RF 3 partition while its leader is killed with SIGKILL; reported is the time from the kill to
//   the first acknowledged record on the new leader. Both clusters run with their defaults, which set it:
//   Kafka's broker.session.timeout.ms (9 s) and Gregor's zookeeper.session.timeout.ms (18 s, Kafka 3.x's);
//   --gregor-session-ms sets Gregor's to compare like with like;
// - the sum of the three brokers' peak RSS (and ZooKeeper's, which Kafka's KRaft nodes do not need).
// Writes a Markdown table and the raw numbers to bench/results/.
//
//   npm run bench:kafka-cluster -- [--records 200000] [--record-size 1024] [--only gregor|kafka] [--warmup 0.5]
//                                  [--gregor-session-ms 18000]
import { parseArgs } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Admin, Producer } from '../../src/client/index.js';
import { startDevZooKeeper, type DevZooKeeper } from '../../src/cli/dev-zookeeper.js';
import { BrokerProcess, freePort } from '../../test/helpers/broker-process.js';
import { printTable } from '../report.js';
import { ensureKafkaJars, KAFKA_VERSION, loadAverage, peakRssMb, prepareKraftNode, producerPerformance, RESULTS, sleep, spawnKafka, type KraftNode, type ProduceRun } from './kafka-jvm.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    'record-size': { type: 'string', default: '1024' },
    only: { type: 'string' },
    warmup: { type: 'string', default: '0.5' },
    'gregor-session-ms': { type: 'string', default: '18000' },
  },
});
const RECORDS = Number(args.records);
const SIZE = Number(args['record-size']);
const WARMUP = Number(args.warmup);

/** A running three-broker cluster, whichever it is. */
interface Cluster {
  name: 'kafka' | 'gregor';
  bootstrap: string;
  /** Broker id -> process id, for RSS and SIGKILL. */
  pids(): Map<number, number | undefined>;
  kill9(brokerId: number): Promise<void>;
  /** Extra processes the cluster needs (ZooKeeper), by name -> pid. */
  helpers(): Map<string, number | undefined>;
  stop(): Promise<void>;
}

async function startKafkaCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-sbs-'));
  const nodes: KraftNode[] = [];
  for (let id = 1; id <= 3; id++) nodes.push({ id, port: await freePort(), controllerPort: await freePort() });
  const clusterId = randomUUID().replace(/-/g, '').slice(0, 22);
  const procs = new Map(nodes.map((n) => [n.id, spawnKafka(prepareKraftNode(dir, n, nodes, clusterId))]));
  return {
    name: 'kafka',
    bootstrap: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    pids: () => new Map([...procs].map(([id, p]) => [id, p.child.pid])),
    kill9: async (id) => {
      const p = procs.get(id)!;
      p.child.kill('SIGKILL');
      if (p.child.exitCode === null && p.child.signalCode === null) await new Promise((r) => p.child.once('exit', r));
    },
    helpers: () => new Map(),
    stop: async () => {
      for (const p of procs.values()) p.child.kill('SIGTERM');
      await Promise.race([Promise.all([...procs.values()].map((p) => (p.child.exitCode !== null || p.child.signalCode !== null ? null : new Promise((r) => p.child.once('exit', r))))), sleep(30_000)]);
      for (const p of procs.values()) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startGregorCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-cluster-sbs-'));
  let zk: DevZooKeeper | undefined;
  const brokers: BrokerProcess[] = [];
  const stop = async () => {
    for (const b of brokers) await b.close();
    await zk?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    zk = await startDevZooKeeper(await freePort(), join(dir, 'zookeeper'));
    for (let id = 1; id <= 3; id++) {
      brokers.push(await BrokerProcess.start({ overrides: {
        'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/bench`, 'zookeeper.session.timeout.ms': Number(args['gregor-session-ms']),
        'group.initial.rebalance.delay.ms': 0,
      } }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    name: 'gregor',
    bootstrap: brokers.map((b) => b.bootstrap).join(','),
    pids: () => new Map(brokers.map((b, i) => [i + 1, b.pid])),
    kill9: (id) => brokers[id - 1]!.kill9(),
    helpers: () => new Map([['ZooKeeper', zk!.child.pid]]),
    stop,
  };
}

/** Creates `topic` and waits until every partition has a leader (or throws after 60 s). */
async function createTopic(bootstrap: string, topic: string, partitions: number, rf: number, configs: Record<string, string> = {}): Promise<void> {
  const admin = new Admin({ bootstrap });
  try {
    await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor: rf, configs }]);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      const d = await admin.describeTopics([topic]).catch(() => []);
      if (d[0]?.partitions.length === partitions && d[0].partitions.every((p) => p.leader >= 0 && p.isr.length === rf)) return;
    }
    throw new Error(`${topic}: partitions without a leader or a full ISR after 60 s`);
  } finally {
    await admin.close();
  }
}

async function leaderOf(bootstrap: string, topic: string): Promise<number> {
  const admin = new Admin({ bootstrap });
  try {
    return (await admin.describeTopics([topic]))[0]!.partitions[0]!.leader;
  } finally {
    await admin.close();
  }
}

/** Kills partition 0's leader while an acks=all producer sends one record at a time; ms to the first ack after. */
async function failover(c: Cluster): Promise<{ leader: number; ms: number }> {
  const topic = 'sbs-failover';
  await createTopic(c.bootstrap, topic, 1, 3, { 'min.insync.replicas': '2' });
  const leader = await leaderOf(c.bootstrap, topic);
  const producer = new Producer({ bootstrap: c.bootstrap, acks: -1, lingerMs: 0 });
  try {
    for (let i = 0; i < 20; i++) await producer.send({ topic, messages: [{ value: Buffer.from(`warm-${i}`), partition: 0 }] });
    const killedAt = performance.now();
    await c.kill9(leader);
    for (let i = 0; performance.now() - killedAt < 120_000; i++) {
      try {
        await producer.send({ topic, messages: [{ value: Buffer.from(`after-${i}`), partition: 0 }] });
        return { leader, ms: performance.now() - killedAt };
      } catch {
        await sleep(20);
      }
    }
    return { leader, ms: NaN };
  } finally {
    await producer.close().catch(() => {});
  }
}

interface Case { name: string; rf: number; acks: string; topic: string; configs: Record<string, string> }
const CASES: Case[] = [
  { name: 'RF 1, acks=1', rf: 1, acks: '1', topic: 'sbs-rf1', configs: {} },
  { name: 'RF 3, acks=all, min.insync.replicas=2', rf: 3, acks: 'all', topic: 'sbs-rf3', configs: { 'min.insync.replicas': '2' } },
];

interface ClusterResult { cases: Array<{ case: string; max: ProduceRun; half: ProduceRun }>; rssMb: number[]; helperRssMb: Record<string, number>; failover: { leader: number; ms: number } }

async function measure(c: Cluster): Promise<ClusterResult> {
  // The brokers' own warm-up (JIT for Kafka, V8 for Gregor) on a topic no case reads.
  await createTopic(c.bootstrap, 'sbs-warmup', 3, 3);
  process.stderr.write(`${c.name}: warm-up ...\n`);
  producerPerformance(c.bootstrap, 'sbs-warmup', Math.round(RECORDS / 2), SIZE, 'all', -1, 0);
  const cases: ClusterResult['cases'] = [];
  for (const k of CASES) {
    await createTopic(c.bootstrap, k.topic, 3, k.rf, k.configs);
    process.stderr.write(`${c.name}: ${k.name}: full speed (load average ${loadAverage()}) ...\n`);
    const max = producerPerformance(c.bootstrap, k.topic, RECORDS, SIZE, k.acks, -1, WARMUP);
    process.stderr.write(`${c.name}: ${k.name}: ${max.recordsPerSec.toFixed(0)} records/s; at half of that ...\n`);
    const half = producerPerformance(c.bootstrap, k.topic, Math.round(RECORDS / 2), SIZE, k.acks, max.recordsPerSec / 2, WARMUP);
    process.stderr.write(`${c.name}: ${k.name}: p50/p99/p99.9 ${half.p50}/${half.p99}/${half.p999} ms\n`);
    cases.push({ case: k.name, max, half });
  }
  const rssMb = [...c.pids().values()].map((pid) => peakRssMb(pid));
  const helperRssMb = Object.fromEntries([...c.helpers()].map(([name, pid]) => [name, peakRssMb(pid)]));
  process.stderr.write(`${c.name}: failover ...\n`);
  const fo = await failover(c);
  process.stderr.write(`${c.name}: leader ${fo.leader} SIGKILL to first ack: ${fo.ms.toFixed(0)} ms\n`);
  return { cases, rssMb, helperRssMb, failover: fo };
}

ensureKafkaJars();
const results = new Map<string, ClusterResult>();
for (const which of (['kafka', 'gregor'] as const).filter((w) => !args.only || args.only === w)) {
  const c = which === 'kafka' ? await startKafkaCluster() : await startGregorCluster();
  try {
    // Ready: an acks=all record on an RF 3 topic is acknowledged.
    for (const deadline = Date.now() + 120_000; ; await sleep(250)) {
      try {
        await createTopic(c.bootstrap, 'sbs-ready', 1, 3);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
    results.set(which, await measure(c));
  } finally {
    await c.stop();
  }
}

const fmt = (n: number | undefined, d = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : 'n/a');
const k = results.get('kafka');
const g = results.get('gregor');
const rows: Array<Record<string, string | number>> = [];
for (const name of CASES.map((x) => x.name)) {
  const kc = k?.cases.find((x) => x.case === name);
  const gc = g?.cases.find((x) => x.case === name);
  const lat = (r: ProduceRun | undefined) => (r ? `${r.p50} / ${r.p99} / ${r.p999}` : 'n/a');
  rows.push({
    case: name,
    'Kafka rec/s (MB/s)': kc ? `${fmt(kc.max.recordsPerSec, 0)} (${fmt(kc.max.mbPerSec)})` : 'n/a',
    'Gregor rec/s (MB/s)': gc ? `${fmt(gc.max.recordsPerSec, 0)} (${fmt(gc.max.mbPerSec)})` : 'n/a',
    'throughput ×': ratio(gc?.max.recordsPerSec, kc?.max.recordsPerSec),
    'Kafka p50/p99/p99.9 @½ ms': lat(kc?.half),
    'Gregor p50/p99/p99.9 @½ ms': lat(gc?.half),
  });
}
const sum = (xs: number[] | undefined) => (xs ? xs.reduce((a, b) => a + b, 0) : undefined);
const summary = [
  { what: 'leader SIGKILL to first acks=all ack, ms', Kafka: fmt(k?.failover.ms, 0), Gregor: fmt(g?.failover.ms, 0) },
  { what: 'sum of 3 brokers\' peak RSS, MB', Kafka: fmt(sum(k?.rssMb), 0), Gregor: fmt(sum(g?.rssMb), 0) },
  { what: 'ZooKeeper peak RSS, MB', Kafka: 'not used (KRaft)', Gregor: fmt(g?.helperRssMb.ZooKeeper, 0) },
];
printTable(rows);
printTable(summary);
const md = (rs: Array<Record<string, string | number>>) => {
  const cols = Object.keys(rs[0]!);
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rs.map((r) => `| ${cols.map((col) => String(r[col])).join(' | ')} |`)].join('\n');
};
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `cluster-side-by-side-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, `# Three Gregor brokers beside three Apache Kafka ${KAFKA_VERSION} nodes (${new Date().toISOString()})\n\n`
  + `ProducerPerformance, ${RECORDS} × ${SIZE} B records, 3 partitions, one cluster at a time. Command: \`npm run bench:kafka-cluster -- ${process.argv.slice(2).join(' ')}\`. `
  + `Gregor's zookeeper.session.timeout.ms: ${args['gregor-session-ms']}; Kafka's broker.session.timeout.ms: 9000 (default).\n\n${md(rows)}\n\n${md(summary)}\n`);
writeFileSync(file.replace(/\.md$/, '.json'), JSON.stringify({ args, kafka: k ?? null, gregor: g ?? null }, null, 1));
console.log(`results: ${file} (and .json)`);
