// LogManager with single partitions (a cluster broker holds only its replicas): openPartition opens one
// partition of a topic, deletePartition closes it and removes its directory (a replica moved away by a
// reassignment), and a partition opened again after that starts empty; the topic's other partitions and
// the checkpoints are untouched by the hole.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { LogManager, RECOVERY_CHECKPOINT } from '../../../src/log/index.js';
import { buildRecordBatch } from '../../../src/protocol/index.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const root = mkdtempSync(join(tmpdir(), 'gregor-logmanager-partitions-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('LogManager single partitions', () => {
  test('openPartition opens only that partition; deletePartition removes its directory; reopening starts empty', async () => {
    const dir = join(root, 'a');
    const logs = new LogManager(loadBrokerConfig({ overrides: { 'log.dirs': dir } }), quiet);
    const p2 = logs.openPartition('t', 2, {});
    assert.equal(p2.partition, 2);
    assert.ok(existsSync(join(dir, 't-2')));
    assert.ok(!existsSync(join(dir, 't-0')) && !existsSync(join(dir, 't-1')), 'the other partitions stay unopened');
    assert.equal(logs.openPartition('t', 2, {}), p2, 'the open partition is returned again');
    assert.deepEqual(logs.getPartitions('t')!.map((p) => p.partition), [2]);
    await p2.append(await buildRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: Date.now() }]));
    const p0 = logs.openPartition('t', 0, {});
    assert.deepEqual([...logs.allPartitions()].map((p) => p.partition).sort(), [0, 2]);

    assert.equal(logs.deletePartition('t', 2), true);
    assert.ok(!existsSync(join(dir, 't-2')), 'its directory is gone');
    assert.equal(logs.getPartition('t', 2), undefined);
    assert.equal(logs.getPartition('t', 0), p0, 'the other partition stays open');
    assert.equal(logs.deletePartition('t', 2), false, 'deleting twice does nothing');
    assert.doesNotMatch(readFileSync(join(dir, RECOVERY_CHECKPOINT), 'utf8'), /^t 2 /m, 'its checkpoint entry is gone');
    // openTopic over a hole leaves the hole (it only opens partitions past the known ones).
    logs.openTopic('t', 3, {});
    assert.equal(logs.getPartition('t', 2), undefined);
    const again = logs.openPartition('t', 2, {});
    assert.equal(again.logEndOffset, 0, 'a replica given back to this broker starts empty and copies from its leader');
    logs.close();
  });
});
