// Apache Kafka Streams (kafka-streams 4.x from Maven Central, test/java/streams/pom.xml) running
// test/java/streams/WordCount.java, a stateful word count (repartition + changelog), as a child process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { runIn } from './run.js';
import { waitFor } from './wait.js';
import { JAVA_TESTS_DIR, mavenClasspath } from './kafka-tools.js';

const STREAMS_DIR = join(JAVA_TESTS_DIR, 'streams');
let compiled: Promise<string> | undefined;

/** The classpath to run WordCount with: kafka-streams and its dependencies, and WordCount compiled into a temp dir. */
export function wordCountClasspath(): Promise<string> {
  compiled ??= (async () => {
    const cp = await mavenClasspath(STREAMS_DIR, /kafka-streams-4\.\d+\.\d+\.jar/);
    const classes = mkdtempSync(join(tmpdir(), 'gregor-streams-classes-'));
    process.once('exit', () => rmSync(classes, { recursive: true, force: true }));
    const r = await runIn('javac', ['-cp', cp, '-d', classes, join(STREAMS_DIR, 'WordCount.java')], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, `javac WordCount.java failed:\n${r.stdout}${r.stderr}`);
    return `${classes}:${cp}`;
  })();
  return compiled;
}

export interface WordCountOptions {
  bootstrap: string;
  applicationId: string;
  input: string;
  output: string;
  guarantee: 'at_least_once' | 'exactly_once_v2';
  stateDir: string;
  replicationFactor: number;
}

/** One running WordCount process. */
export class WordCountApp {
  readonly child: ChildProcess;
  #out = '';
  #err = '';

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.#out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.#err = (this.#err + d.toString()).slice(-40_000)));
  }

  static async start(o: WordCountOptions): Promise<WordCountApp> {
    const cp = await wordCountClasspath();
    const child = spawn('java', ['-Xmx256m', '-XX:+UseSerialGC', '-cp', cp, 'gregor.streams.WordCount', o.bootstrap, o.applicationId, o.input, o.output, o.guarantee, o.stateDir, String(o.replicationFactor)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    return new WordCountApp(child);
  }

  get states(): string[] {
    return [...this.#out.matchAll(/^state (\w+)$/gm)].map((m) => m[1]!);
  }

  get output(): string {
    return `stdout:\n${this.#out.slice(-4000)}\nstderr:\n${this.#err.slice(-8000)}`;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGKILL, as a crash; resolves once it is gone. */
  async kill9(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM (KafkaStreams.close), SIGKILL after `graceMs`; the exit code or signal. */
  async stop(graceMs = 30_000): Promise<number | string | null> {
    if (!this.exited) {
      const gone = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(t);
    }
    return this.child.exitCode ?? this.child.signalCode;
  }
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda'];

/** `n` lines of 1–8 words (deterministic), added to `counts`. */
export function wordLines(from: number, n: number, counts: Map<string, number>): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const words: string[] = [];
    for (let w = 0; w < 1 + (i % 8); w++) words.push(WORDS[(i * 7 + w * 3) % WORDS.length]!);
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    lines.push(words.map((w, j) => (j % 3 === 0 ? w.toUpperCase() : w)).join(separator(i)));
  }
  return lines;
}
const separator = (i: number) => (i % 2 === 0 ? ' ' : ', ');

/**
 * Reads `topic` from the beginning with a kafkajs group consumer (`isolation`: read_committed unless told)
 * until the latest count of every word equals `expected`, and returns the latest counts seen.
 */
export async function awaitCounts(kafka: Kafka, topic: string, expected: ReadonlyMap<string, number>, timeoutMs: number, readUncommitted = false): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `counts-${topic}-${Date.now()}`, readUncommitted });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        assert.ok(message.key && message.value && message.value.length === 8, 'a count is a word key and an 8-byte long');
        latest.set(message.key.toString(), Number(message.value.readBigInt64BE(0)));
      },
    });
    const matches = () => {
      // A count above the words produced is a record counted twice: fail at once, it cannot come down.
      const over = [...latest].filter(([w, c]) => c > (expected.get(w) ?? 0));
      if (over.length > 0) throw new Error(`counted more than produced: ${JSON.stringify(Object.fromEntries(over))} (expected ${JSON.stringify(Object.fromEntries(expected))})`);
      return [...expected].every(([w, c]) => latest.get(w) === c) && latest.size === expected.size;
    };
    await waitFor(`word counts on ${topic} to reach ${JSON.stringify(Object.fromEntries(expected))}`, matches, timeoutMs, 250)
      .catch((e: Error) => assert.fail(`${e.message}; latest seen ${JSON.stringify(Object.fromEntries(latest))}`));
    return latest;
  } finally {
    await consumer.disconnect();
  }
}
