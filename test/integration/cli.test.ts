// The gregor CLI tools (topics, console-producer, console-consumer) against a real
// broker process: topic lifecycle with kafka-topics.sh-style output, and a keyed
// produce -> consume round trip through the CLI for every compression codec, also
// read back with kcat (librdkafka) to check our batches are what other clients expect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { kcat } from '../helpers/kcat.js';
import { run, type RunResult } from '../helpers/run.js';
import { partitionOf } from '../helpers/murmur2.js';

function gregor(args: string[], input?: string, timeoutMs = 60_000): Promise<RunResult> {
  return run(process.execPath, [GREGOR_BIN, ...args], input, timeoutMs);
}

describe('gregor CLI', () => {
  let broker: BrokerProcess;
  let bs: string[];

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1 } });
    bs = ['--bootstrap-server', broker.bootstrap];
  });
  after(async () => {
    await broker?.close();
  });

  test('topics: create, list, describe, delete, with --if-not-exists and --if-exists', async () => {
    let r = await gregor(['topics', ...bs, '--create', '--topic', 'cli-t1', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=3600000']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Created topic cli-t1.\n');

    r = await gregor(['topics', ...bs, '--create', '--topic', 'cli-t1', '--partitions', '3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists/);
    assert.equal(r.stdout, '');
    r = await gregor(['topics', ...bs, '--create', '--topic', 'cli-t1', '--if-not-exists']);
    assert.equal(r.code, 0, r.stderr);

    r = await gregor(['topics', ...bs, '--create', '--topic', 'cli-t2']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['topics', ...bs, '--list']);
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout.trim().split('\n');
    assert.ok(names.includes('cli-t1') && names.includes('cli-t2'), r.stdout);

    r = await gregor(['topics', ...bs, '--describe', '--topic', 'cli-t1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4, r.stdout);
    assert.match(lines[0]!, /^Topic: cli-t1\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=3600000$/, 'Configs: lists the topic\'s overrides, as kafka-topics does');
    for (let p = 0; p < 3; p++) assert.equal(lines[p + 1], `\tTopic: cli-t1\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0`);

    r = await gregor(['topics', ...bs, '--describe', '--topic', 'cli-nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist/);

    r = await gregor(['topics', ...bs, '--delete', '--topic', 'cli-t2']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['topics', ...bs, '--list']);
    assert.ok(!r.stdout.split('\n').includes('cli-t2'), r.stdout);
    r = await gregor(['topics', ...bs, '--delete', '--topic', 'cli-t2']);
    assert.equal(r.code, 1);
    r = await gregor(['topics', ...bs, '--delete', '--topic', 'cli-t2', '--if-exists']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('bad flags and values give a one-line error and a usage hint, not a stack trace', async () => {
    for (const args of [
      ['topics', ...bs, '--list', '--bogus'],
      ['topics', ...bs, '--create', '--topic', 'x', '--partitions', 'many'],
      ['topics', ...bs],
      ['console-consumer', ...bs, '--topic', 'cli-t1', '--max-messages', '-3'],
      ['console-producer', ...bs, '--topic', 'cli-t1', '--compression-type', 'brotli'],
    ]) {
      const r = await gregor(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, `stack trace for ${args.join(' ')}:\n${r.stderr}`);
      assert.match(r.stderr, /--help/, args.join(' '));
    }
    const down = await gregor(['topics', '--bootstrap-server', '127.0.0.1:1', '--list']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot connect to 127\.0\.0\.1:1.*gregor broker/);
    const group = await gregor(['console-consumer', ...bs, '--topic', 'cli-t1', '--group', 'g', '--partition', '0']);
    assert.notEqual(group.code, 0);
    assert.match(group.stderr, /--group cannot be combined with --partition/);
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    test(`1000 keyed lines round-trip through console-producer and console-consumer (${codec})`, async () => {
      const topic = `cli-rt-${codec}`;
      const partitions = 3;
      let r = await gregor(['topics', ...bs, '--create', '--topic', topic, '--partitions', String(partitions)]);
      assert.equal(r.code, 0, r.stderr);

      const n = 1000;
      const input = Array.from({ length: n }, (_, i) => `key-${i}:value-${i}-${'x'.repeat(i % 40)}`).join('\n') + '\n';
      r = await gregor(
        ['console-producer', ...bs, '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:', '--compression-type', codec, '--linger-ms', '20', '--batch-size', '4096'],
        input,
      );
      assert.equal(r.code, 0, r.stderr);

      r = await gregor([
        'console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', String(n), '--timeout-ms', '15000',
        '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.timestamp=true',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`Processed a total of ${n} messages`));
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, n);
      const seen = new Set<number>();
      const lastOffset = new Map<number, number>();
      const lastIndex = new Map<number, number>();
      for (const line of lines) {
        const m = /^CreateTime:(\d+)\tPartition:(\d+)\tOffset:(\d+)\tkey-(\d+)\tvalue-(\d+)-(x*)$/.exec(line);
        assert.ok(m, `unexpected line: ${JSON.stringify(line)}`);
        const [partition, offset, i] = [Number(m[2]), Number(m[3]), Number(m[4])];
        assert.equal(Number(m[5]), i);
        assert.equal(m[6]!.length, i % 40);
        assert.equal(partition, partitionOf(`key-${i}`, partitions), `key-${i} in the partition the Java client would pick`);
        assert.ok((lastOffset.get(partition) ?? -1) < offset, 'offsets increase within a partition');
        assert.ok((lastIndex.get(partition) ?? -1) < i, 'lines keep their input order within a partition');
        lastOffset.set(partition, offset);
        lastIndex.set(partition, i);
        seen.add(i);
      }
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), 'every line once');

      // librdkafka reads the same records: our batches (CRC, compression framing) are standard.
      const k = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n']);
      assert.equal(k.code, 0, k.stderr);
      const kl = k.stdout.trimEnd().split('\n');
      assert.equal(kl.length, n, k.stderr);
      assert.ok(kl.includes(`key-999=value-999-${'x'.repeat(999 % 40)}`));
    });
  }

  test('console-consumer --partition/--offset, --timeout-ms and print options', async () => {
    const topic = 'cli-offsets';
    let r = await gregor(['topics', ...bs, '--create', '--topic', topic, '--partitions', '1']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['console-producer', ...bs, '--topic', topic], 'a\nb\nc\nd\n');
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['console-consumer', ...bs, '--topic', topic, '--partition', '0', '--offset', '2', '--timeout-ms', '1500', '--property', 'print.offset=true', '--property', 'print.key=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Offset:2\tnull\tc\nOffset:3\tnull\td\n');
    assert.match(r.stderr, /Processed a total of 2 messages/);
    // Starting at the end with nothing new: exits after the timeout with nothing printed.
    const started = Date.now();
    r = await gregor(['console-consumer', ...bs, '--topic', topic, '--timeout-ms', '1000']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Processed a total of 0 messages/);
    assert.ok(Date.now() - started < 10_000);
  });
});
