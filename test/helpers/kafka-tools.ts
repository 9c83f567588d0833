// Apache Kafka's own command-line tools (org.apache.kafka:kafka-tools 4.x from Maven Central, resolved through
// test/java/kafka-tools/pom.xml), run with `java -cp` the way bin/kafka-*.sh run them. The classpath is
// resolved once per process (Maven keeps the jars in its local repository).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runIn, type RunResult } from './run.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const JAVA_TESTS_DIR = join(ROOT, 'test', 'java');
const TOOLS_DIR = join(JAVA_TESTS_DIR, 'kafka-tools');
/** Time for a first resolution on a fresh machine (downloads from Maven Central). */
export const KAFKA_TOOLS_RESOLVE_TIMEOUT_MS = 5 * 60_000;

/** The main class behind each bin/kafka-*.sh script the tests use. */
export const KAFKA_TOOL = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  configs: 'org.apache.kafka.tools.ConfigCommand',
  acls: 'org.apache.kafka.tools.AclCommand',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  leaderElection: 'org.apache.kafka.tools.LeaderElectionCommand',
  reassignPartitions: 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand',
  logDirs: 'org.apache.kafka.tools.LogDirsCommand',
  brokerApiVersions: 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  dumpLogSegments: 'org.apache.kafka.tools.DumpLogSegments',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
} as const;

const classpaths = new Map<string, Promise<string>>();

/** The kafka-tools classpath; fails with what to install when java or mvn is missing. */
export function kafkaToolsClasspath(): Promise<string> {
  return mavenClasspath(TOOLS_DIR, /kafka-tools-4\.\d+\.\d+\.jar/);
}

/**
 * The classpath of the dependencies a pom in `dir` (under test/java) declares, resolved once per process;
 * `expect` is a jar it must contain.
 */
export function mavenClasspath(dir: string, expect: RegExp): Promise<string> {
  let cp = classpaths.get(dir);
  if (!cp) {
    cp = resolveClasspath(dir, expect);
    classpaths.set(dir, cp);
  }
  return cp;
}

async function resolveClasspath(dir: string, expect: RegExp): Promise<string> {
  for (const [cmd, args] of [['java', ['-version']], ['mvn', ['-B', '-v']]] as const) {
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
    assert.ok(!r.error && r.status === 0, `${cmd} is needed (apt-get install -y openjdk-17-jdk-headless maven)`);
  }
  const cpDir = mkdtempSync(join(tmpdir(), 'gregor-kafka-cp-'));
  try {
    const cpFile = join(cpDir, 'classpath.txt');
    const r = await runIn('mvn', ['-q', '-B', '-Dstyle.color=never', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], { cwd: dir, timeoutMs: KAFKA_TOOLS_RESOLVE_TIMEOUT_MS });
    assert.equal(r.code, 0, `resolving the dependencies of ${join(dir, 'pom.xml')} failed:\n${(r.stdout + r.stderr).slice(-6000)}`);
    const cp = readFileSync(cpFile, 'utf8').trim();
    assert.match(cp, expect);
    return cp;
  } finally {
    rmSync(cpDir, { recursive: true, force: true });
  }
}

/** Runs one Kafka tool (a KAFKA_TOOL main class) with `args`, killed after `timeoutMs`. */
export async function runKafkaTool(mainClass: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  const cp = await kafkaToolsClasspath();
  return runIn('java', ['-Xss2m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', cp, mainClass, ...args], { timeoutMs });
}

/** The files of a partition directory ending in `suffix` (".log", ".snapshot", ".txnindex"), sorted, as paths. */
export function partitionFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
}

/** Kafka's DumpLogSegments with --deep-iteration over every segment of a partition directory: its output. */
export async function dumpPartitionLog(dir: string): Promise<string> {
  const r = await runKafkaTool(KAFKA_TOOL.dumpLogSegments, ['--deep-iteration', '--files', partitionFiles(dir, '.log').join(',')], KAFKA_TOOLS_RESOLVE_TIMEOUT_MS);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
