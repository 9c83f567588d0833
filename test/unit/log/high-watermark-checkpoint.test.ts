// replication-offset-checkpoint in Kafka's checkpoint format (read from a file as a Kafka 3.x broker writes
// it, written back byte for byte the same way), and hosted-only logs: in a cluster LogManager opens logs only
// for the partitions it is told it hosts, deletes one partition's log, and removes stray partition dirs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { HIGH_WATERMARK_CHECKPOINT, LogManager, parseCheckpoint } from '../../../src/log/index.js';
import { buildRecordBatch } from '../../../src/protocol/index.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const root = mkdtempSync(join(tmpdir(), 'gregor-hw-checkpoint-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

// As Kafka's CheckpointFile writes it (OffsetCheckpointFile: version 0, the entry count, then
// "<topic> <partition> <offset>" lines, each ended by the platform's line separator), from a Kafka 3.x
// broker's log dir holding three replicas.
const KAFKA_SAMPLE = '0\n3\n__consumer_offsets 12 7\norders 0 1042\norders-eu.v2 3 0\n';

const newManager = (dir: string, overrides: Record<string, string> = {}) => new LogManager(loadBrokerConfig({ overrides: { 'log.dirs': dir, ...overrides } }), quiet);

describe('replication-offset-checkpoint', () => {
  test('parses the file Kafka writes; refuses another version or a wrong count', () => {
    assert.deepEqual(parseCheckpoint(KAFKA_SAMPLE), new Map([['__consumer_offsets 12', 7], ['orders 0', 1042], ['orders-eu.v2 3', 0]]));
    assert.deepEqual(parseCheckpoint('0\n0\n'), new Map());
    assert.equal(parseCheckpoint('1\n1\nt 0 5\n'), undefined, 'unknown version');
    assert.equal(parseCheckpoint('0\n2\nt 0 5\n'), undefined, 'fewer entries than the count');
    assert.equal(parseCheckpoint('0\n1\nt zero 5\n'), undefined, 'a bad line');
  });

  test('a broker starts with the checkpointed high watermarks of a Kafka-written file', () => {
    const dir = join(root, 'read');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT), KAFKA_SAMPLE);
    const logs = newManager(dir);
    assert.equal(logs.checkpointedHighWatermark('orders', 0), 1042);
    assert.equal(logs.checkpointedHighWatermark('__consumer_offsets', 12), 7);
    assert.equal(logs.checkpointedHighWatermark('orders', 1), undefined);
    logs.close();
  });

  test('an unreadable checkpoint is ignored (replicas learn their high watermark from the leader)', () => {
    const dir = join(root, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT), '0\n5\ntorn');
    const logs = newManager(dir);
    assert.equal(logs.checkpointedHighWatermark('torn', 0), undefined);
    logs.close();
  });

  test('written in the background and at close, in the exact format Kafka writes and reads', async () => {
    const dir = join(root, 'write');
    const logs = newManager(dir);
    logs.openTopic('orders', 1, {});
    logs.openTopic('__consumer_offsets', 13, {});
    logs.openTopic('orders-eu.v2', 4, {});
    const hws = [{ topic: '__consumer_offsets', partition: 12, highWatermark: 7 }, { topic: 'orders', partition: 0, highWatermark: 1042 },
      { topic: 'orders-eu.v2', partition: 3, highWatermark: 0 }, { topic: 'not-open', partition: 0, highWatermark: 9 }];
    logs.startHighWatermarkCheckpoints(() => hws, 0);
    await logs.checkpointHighWatermarksInBackground();
    assert.equal(readFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT), 'utf8'), KAFKA_SAMPLE, 'only open logs, Kafka\'s bytes');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary files left');
    hws[1] = { topic: 'orders', partition: 0, highWatermark: 1050 };
    logs.close();
    assert.match(readFileSync(join(dir, HIGH_WATERMARK_CHECKPOINT), 'utf8'), /^0\n3\n.*orders 0 1050\n/s, 'close writes the last high watermarks');
    const again = newManager(dir);
    assert.equal(again.checkpointedHighWatermark('orders', 0), 1050);
    again.close();
  });

  test('a single node (no source) writes no replication-offset-checkpoint', () => {
    const dir = join(root, 'single');
    const logs = newManager(dir);
    logs.openTopic('t', 2, {});
    logs.close();
    assert.equal(existsSync(join(dir, HIGH_WATERMARK_CHECKPOINT)), false);
  });
});

describe('hosted-only logs', () => {
  test('only hosted partitions get a log; one partition can be opened and deleted alone', async () => {
    const dir = join(root, 'hosted');
    const logs = newManager(dir);
    logs.setHostedPartitions((topic, p) => topic === 't' && p % 2 === 1);
    assert.deepEqual(logs.openTopic('t', 4, {}).map((p) => p.partition), [1, 3]);
    assert.equal(logs.getPartition('t', 0), undefined);
    assert.deepEqual(logs.openTopic('u', 2, {}), []);
    assert.deepEqual([...logs.allPartitions()].map((p) => `${p.topic}-${p.partition}`), ['t-1', 't-3']);
    assert.deepEqual(readdirSync(dir).filter((f) => /-\d+$/.test(f)).sort(), ['t-1', 't-3']);
    // Newly assigned here: opened explicitly whatever the filter says.
    const p2 = logs.openPartition('t', 2, {});
    await p2.append(await buildRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: Date.now() }]));
    assert.equal(logs.getPartition('t', 2), p2);
    // Moved away: its log goes, the others stay.
    logs.deletePartition('t', 1);
    assert.equal(logs.getPartition('t', 1), undefined);
    assert.equal(existsSync(join(dir, 't-1')), false);
    assert.deepEqual(logs.getPartitions('t')!.map((p) => p.partition), [2, 3]);
    logs.close();
  });

  test('stray partition directories (topic deleted while the broker was down) are removed, hosted ones kept', () => {
    const dir = join(root, 'strays');
    const first = newManager(dir);
    first.openTopic('gone', 2, {});
    first.openTopic('kept', 2, {});
    first.openTopic('my-topic-with-dashes', 1, {});
    first.close();
    writeFileSync(join(dir, 'notes-1'), 'a file, not a partition directory');
    const logs = newManager(dir);
    const hosted = (topic: string, p: number) => (topic === 'kept' && p === 0) || topic === 'my-topic-with-dashes';
    logs.setHostedPartitions(hosted);
    assert.deepEqual(logs.removeStrayLogs(hosted).sort(), ['gone-0', 'gone-1', 'kept-1']);
    logs.openTopic('kept', 2, {});
    logs.openTopic('my-topic-with-dashes', 1, {});
    assert.deepEqual(readdirSync(dir).filter((f) => /-\d+$/.test(f)).sort(), ['kept-0', 'my-topic-with-dashes-0', 'notes-1']);
    assert.doesNotMatch(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8'), /gone/);
    logs.close();
  });
});
