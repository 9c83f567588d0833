// Apache Kafka 4.x on this machine for side-by-side benchmarks: its jars (broker and kafka-tools, with
// dependencies, from Maven Central through bench/kafka/pom.xml), KRaft nodes, and its own load generators
// (ProducerPerformance, with a warm-up pass in the same JVM, and ConsumerPerformance) run against any
// bootstrap, Kafka's or Gregor's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const KAFKA_VERSION = '4.1.1';
const HERE = resolve(import.meta.dirname, '..', '..', '..', 'bench', 'kafka');
const LIB = join(HERE, 'target', 'lib');
const CLASSES = join(HERE, 'target', 'classes');
export const CLASSPATH = `${CLASSES}:${LIB}/*`;
export const RESULTS = resolve(HERE, '..', 'results');

/** Fetches Kafka's jars once and compiles the warm-up wrapper around ProducerPerformance. */
export function ensureKafkaJars(): void {
  if (!existsSync(join(LIB, `kafka-tools-${KAFKA_VERSION}.jar`))) {
    console.error('fetching Apache Kafka jars with Maven (once) ...');
    const r = spawnSync('mvn', ['-q', '-B', '-f', join(HERE, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${LIB}`], { stdio: 'inherit', timeout: 900_000 });
    if (r.status !== 0) throw new Error('mvn dependency:copy-dependencies failed');
  }
  // Compiled each run: it is small, and stays in step with the source.
  const c = spawnSync('javac', ['-cp', `${LIB}/*`, '-d', CLASSES, join(HERE, 'WarmProducerPerformance.java')], { encoding: 'utf8', timeout: 120_000 });
  if (c.status !== 0) throw new Error(`javac WarmProducerPerformance.java failed (a JDK 17 is needed): ${c.error?.message ?? ''}${c.stderr}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's peak resident set (VmHWM) in MB, NaN once it is gone. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The machine's 1, 5 and 15 minute load averages, for the log of a run. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export interface KraftNode { id: number; port: number; controllerPort: number }

/**
 * Writes server.properties for one combined broker+controller KRaft node of a cluster of `nodes`, formats
 * its storage with `clusterId`, and returns the command that runs it (`java -Xmx1G ... kafka.Kafka`).
 */
export function prepareKraftNode(dir: string, node: KraftNode, nodes: readonly KraftNode[], clusterId: string, extra: readonly string[] = []): string[] {
  const props = join(dir, `server-${node.id}.properties`);
  const rf = Math.min(3, nodes.length);
  writeFileSync(props, [
    'process.roles=broker,controller', `node.id=${node.id}`,
    `controller.quorum.voters=${nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`, `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT', 'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(dir, `data-${node.id}`)}`, 'num.partitions=1', `offsets.topic.replication.factor=${rf}`, `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${Math.min(2, rf)}`, 'group.initial.rebalance.delay.ms=0', `share.coordinator.state.topic.replication.factor=${rf}`,
    ...extra,
  ].join('\n') + '\n');
  const fmt = spawnSync('java', ['-cp', CLASSPATH, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], { encoding: 'utf8', timeout: 120_000 });
  if (fmt.status !== 0) throw new Error(`kafka storage format failed: ${fmt.stderr}${fmt.stdout}`);
  return ['java', '-Xmx1G', '-Xms1G', '-cp', CLASSPATH, 'kafka.Kafka', props];
}

/** Spawns a command prepared by prepareKraftNode, its output kept (last 20 kB) for error messages. */
export function spawnKafka(cmd: readonly string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => output };
}

export interface ProduceResult { recordsPerSec: number; mbPerSec: number; avgMs: number; p50: number; p99: number; p999: number; maxMs: number }
/** The measured pass and, when there was one, the warm-up pass before it in the same JVM. */
export interface ProduceRun extends ProduceResult { warmup: ProduceResult | null }

const TOTAL_LINE = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th/;

function parseTotal(text: string): ProduceResult | null {
  const m = TOTAL_LINE.exec(text);
  return m ? { recordsPerSec: Number(m[2]), mbPerSec: Number(m[3]), avgMs: Number(m[4]), maxMs: Number(m[5]), p50: Number(m[6]), p99: Number(m[8]), p999: Number(m[9]) } : null;
}

/**
 * ProducerPerformance in one JVM: `warmup` × `records` first (same topic, size, acks and rate), then
 * `records` measured. `throughput` -1 is full speed.
 */
export function producerPerformance(bootstrap: string, topic: string, records: number, size: number, acks: string, throughput: number, warmup: number): ProduceRun {
  const pp = (n: number) => ['--topic', topic, '--num-records', String(n), '--record-size', String(size), '--throughput', String(Math.round(throughput)),
    '--producer-props', `bootstrap.servers=${bootstrap}`, `acks=${acks}`];
  const warmRecords = Math.round(records * warmup);
  const r = spawnSync('java', ['-Xmx512m', '-cp', CLASSPATH, 'org.apache.kafka.tools.WarmProducerPerformance', ...(warmRecords > 0 ? pp(warmRecords) : []), '--', ...pp(records)],
    { encoding: 'utf8', timeout: 600_000 });
  const at = r.stdout.indexOf('== measured');
  const measured = at >= 0 ? parseTotal(r.stdout.slice(at)) : null;
  if (!measured) throw new Error(`ProducerPerformance output not understood (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return { ...measured, warmup: warmRecords > 0 ? parseTotal(r.stdout.slice(0, at)) : null };
}

export interface ConsumeResult { mbPerSec: number; recordsPerSec: number; rebalanceMs: number; fetchMbPerSec: number }

/** One ConsumerPerformance run (a fresh JVM and group reading `records` from the start), or why it failed. */
export function consumerPerformance(bootstrap: string, topic: string, records: number): ConsumeResult | string {
  const r = spawnSync('java', ['-Xmx512m', '-cp', CLASSPATH, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records),
    '--timeout', '30000', '--hide-header'], { encoding: 'utf8', timeout: 180_000 });
  const line = r.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).pop();
  if (r.status !== 0 || !line) return `failed (exit ${r.status}): ${(r.stderr.split('\n').find((l) => /Exception|ERROR/.test(l)) ?? r.stderr.slice(-300)).trim()}`;
  const f = line.split(',').map((s) => s.trim());
  // start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s
  return { mbPerSec: Number(f[3]), recordsPerSec: Number(f[5]), rebalanceMs: Number(f[6]), fetchMbPerSec: Number(f[8]) };
}
