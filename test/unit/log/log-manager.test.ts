// LogManager checkpoints: the periodic one is written off the event loop and never replaces a newer
// synchronous write (DeleteRecords) that happened while it was in flight.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { LogManager, LOG_START_CHECKPOINT, RECOVERY_CHECKPOINT } from '../../../src/log/index.js';
import { buildRecordBatch } from '../../../src/protocol/index.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const root = mkdtempSync(join(tmpdir(), 'gregor-logmanager-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const checkpoint = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

describe('LogManager checkpoints', () => {
  test('the background checkpoint writes recovery points and log start offsets', async () => {
    const dir = join(root, 'a');
    const logs = new LogManager(loadBrokerConfig({ overrides: { 'log.dirs': dir } }), quiet);
    const [p] = logs.openTopic('t', 1, {});
    await p!.append(await buildRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: Date.now() }]));
    p!.flush();
    await logs.checkpointInBackground();
    assert.match(checkpoint(dir, RECOVERY_CHECKPOINT), /^0\n1\nt 0 1\n$/);
    assert.match(checkpoint(dir, LOG_START_CHECKPOINT), /^0\n1\nt 0 0\n$/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary files left');
    logs.close();
  });

  test('a synchronous write made while the background one is in flight is not replaced by it', async () => {
    const dir = join(root, 'b');
    const logs = new LogManager(loadBrokerConfig({ overrides: { 'log.dirs': dir } }), quiet);
    const [p] = logs.openTopic('t', 1, {});
    for (let i = 0; i < 3; i++) await p!.append(await buildRecordBatch([{ key: null, value: Buffer.from(`v${i}`), timestamp: Date.now() }]));
    const background = logs.checkpointInBackground();
    // DeleteRecords while the background write is on libuv's threads: its checkpoint is newer.
    assert.equal(logs.deleteRecords('t', 0, 2), 2);
    await background;
    assert.match(checkpoint(dir, LOG_START_CHECKPOINT), /t 0 2\n$/, 'the DeleteRecords checkpoint survives');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    logs.close();
  });
});
