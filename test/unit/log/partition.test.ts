// Partition appends: group commit on the compute worker pool (piscina threads loading the addon) against
// inline appends, in-process; compaction on the pool.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partition } from '../../../src/log/index.js';
import { native, WorkerPool } from '../../../src/hotpath/index.js';
import { buildRecordBatch } from '../../../src/protocol/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gregor-partition-test-'));
const pool = new WorkerPool('test', 2);
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = { segmentBytes: 1 << 30, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 1 << 20, recoveryPoint: 0 };
const batch = (n: number, key?: string) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: key === undefined ? null : Buffer.from(key), value: Buffer.alloc(100, 97 + (i % 26)), timestamp: Date.now() })));
/** A copy of `b` in a SharedArrayBuffer, as the connection assembles large frames. */
const shared = (b: Buffer) => {
  const s = Buffer.from(new SharedArrayBuffer(b.length));
  b.copy(s);
  return s;
};

describe('Partition.append', () => {
  test('pool: appends queued behind the one in flight are coalesced into one worker call, offsets in call order', async () => {
    const p = new Partition('t', 0, join(dir, 'pool'), config, false, { type: -1 }, { pool, poolMinBytes: 0 });
    const batches = await Promise.all(Array.from({ length: 10 }, (_, i) => batch(i + 1)));
    const bad = Buffer.from(batches[5]!);
    bad[bad.length - 1]! ^= 0xff;
    batches[5] = bad;
    const results = await Promise.allSettled(batches.map((b) => p.append(b)));
    assert.equal(p.nativeAppendCalls, 2, 'the first append alone, then the nine queued behind it in one call');
    let next = 0;
    results.forEach((r, i) => {
      if (i === 5) {
        assert.equal(r.status, 'rejected');
        assert.equal(((r as PromiseRejectedResult).reason as { code: string }).code, 'CORRUPT_MESSAGE');
        return;
      }
      assert.equal(r.status, 'fulfilled');
      assert.equal((r as PromiseFulfilledResult<{ baseOffset: number }>).value.baseOffset, next);
      next += i + 1;
    });
    assert.equal(p.logEndOffset, next);
    // What the worker wrote is what the main thread reads back: the same native log.
    const read = p.read(0, 1 << 20, false).records;
    assert.equal(native.validateBatches(read, 1 << 20), 9);
    p.close();
  });

  test('pool: shared buffers reach the worker without a copy and are rewritten in place; others are copied once', async () => {
    const p = new Partition('t', 0, join(dir, 'sharing'), config, false, { type: -1 }, { pool, poolMinBytes: 0 });
    const before = pool.stats();
    await p.append(await batch(4));
    const s = shared(await batch(3));
    const r = await p.append(s);
    assert.equal(r.baseOffset, 4);
    assert.equal(s.readBigInt64BE(0), 4n, 'the worker assigned the offset in the caller\'s shared memory');
    const after = pool.stats();
    assert.equal(after.sharedBytes - before.sharedBytes, s.length);
    assert.ok(after.copiedBytes - before.copiedBytes > 0, 'the plain Buffer was copied into shared memory');
    p.close();
  });

  test('inline: one native call per append, completed before append returns', async () => {
    const p = new Partition('t', 0, join(dir, 'inline'), config, false);
    const pending = [p.append(await batch(3)), p.append(await batch(2))];
    assert.equal(p.nativeAppendCalls, 2);
    assert.equal(p.logEndOffset, 5, 'inline appends are done synchronously');
    assert.deepEqual((await Promise.all(pending)).map((r) => r.baseOffset), [0, 3]);
    p.close();
  });

  test('pool: appends below poolMinBytes stay inline', async () => {
    const p = new Partition('t', 0, join(dir, 'small'), config, false, { type: -1 }, { pool, poolMinBytes: 1 << 20 });
    const r = p.append(await batch(1));
    assert.equal(p.logEndOffset, 1);
    assert.equal((await r).baseOffset, 0);
    p.close();
  });

  test('pool: appends the topic re-compresses go to a worker from poolRecompressMinBytes; others stay inline below poolMinBytes', async () => {
    const zstd = 4;
    const p = new Partition('t', 0, join(dir, 'recompress'), config, false, { type: zstd }, { pool, poolMinBytes: 1 << 20, poolRecompressMinBytes: 0 });
    const tasks = pool.stats().completed;
    assert.equal((await p.append(await batch(5))).baseOffset, 0);
    assert.equal(pool.stats().completed, tasks + 1, 'an uncompressed batch for a zstd topic went to a worker');
    const sent = await buildRecordBatch([{ key: null, value: Buffer.alloc(100, 98), timestamp: Date.now() }], { compression: zstd });
    assert.equal((await p.append(sent)).baseOffset, 5);
    assert.equal(pool.stats().completed, tasks + 1, 'a batch already in the topic\'s codec is appended inline');
    const stored = p.read(0, 1 << 20, false).records;
    assert.equal(stored[22]! & 7, zstd, 'stored in the topic\'s codec');
    p.close();
  });

  test('pool: an append to a closed log is refused with NOT_LEADER_OR_FOLLOWER, and closed logs leave the handle table', async () => {
    const [logsBefore] = native.handleCounts();
    const p = new Partition('t', 0, join(dir, 'closed'), config, false, { type: -1 }, { pool, poolMinBytes: 0 });
    assert.equal(native.handleCounts()[0], logsBefore! + 1);
    const b = await batch(1);
    p.close();
    assert.equal(native.handleCounts()[0], logsBefore);
    await assert.rejects(p.append(b), { code: 'NOT_LEADER_OR_FOLLOWER' });
  });

  test('compaction runs on the pool and keeps the latest value per key', async () => {
    const p = new Partition('t', 0, join(dir, 'compact'), { ...config, segmentBytes: 4096 }, false, { type: -1 }, { pool, poolMinBytes: 0 });
    for (let i = 0; i < 40; i++) await p.append(await batch(1, `k${i % 4}`));
    const r = await p.compact({ firstDirtyOffset: 0, minCleanableRatio: 0, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, deleteRetentionMs: 0, force: true, nowMs: Date.now(), dedupeBufferBytes: 1 << 20 });
    assert.ok(r.cleaned);
    assert.ok(r.recordsRemoved > 0);
    p.close();
  });
});

describe('WorkerPool', () => {
  test('a closed pool refuses work with a clear error', async () => {
    const p = new WorkerPool('closing', 1);
    assert.equal(await p.ping(7), 7);
    await p.close();
    await assert.rejects(p.ping(1), /worker pool closing is closed/);
  });

  test('threads must be a positive integer', () => {
    assert.throws(() => new WorkerPool('bad', 0), /threads must be an integer >= 1/);
  });
});
