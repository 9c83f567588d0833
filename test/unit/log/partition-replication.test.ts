// Partition's follower side: copying a leader partition with appendAsFollower (of what the leader's read
// returns), the append queue it shares with append, truncation, and the epoch answers a follower truncates by.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partition } from '../../../src/log/index.js';
import { WorkerPool } from '../../../src/hotpath/index.js';
import { buildRecordBatch } from '../../../src/protocol/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gregor-partition-replication-test-'));
const pool = new WorkerPool('test', 1);
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = { segmentBytes: 800, segmentMs: 0, indexIntervalBytes: 200, flushIntervalMessages: 0, maxMessageBytes: 1 << 20, recoveryPoint: 0 };
const batch = (n: number, ts = 1_000) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.alloc(60, 97 + (i % 26)), timestamp: ts + i })));
const open = (name: string) => new Partition('t', 0, join(dir, name), config, false);

/** Everything the partition holds from `from`, read segment by segment. */
function readAll(p: Partition, from = p.logStartOffset): Buffer {
  const parts: Buffer[] = [];
  let at = from;
  for (let i = 0; i < 1000 && at < p.highWatermark; i++) {
    const r = p.read(at, 1 << 20, true).records;
    parts.push(r);
    at = lastOffsetIn(r) + 1;
  }
  return Buffer.concat(parts);
}

/** The last offset of the last batch in `records` (baseOffset int64 at 0, batchLength int32 at 8, lastOffsetDelta int32 at 23). */
function lastOffsetIn(records: Buffer): number {
  let pos = 0;
  let last = -1;
  while (pos < records.length) {
    last = Number(records.readBigInt64BE(pos)) + records.readInt32BE(pos + 23);
    pos += 12 + records.readInt32BE(pos + 8);
  }
  return last;
}

/** A follower fetch loop: the leader's read at the follower's log end, appended as it came. */
async function replicate(leader: Partition, follower: Partition, maxBytes = 1 << 20): Promise<number> {
  let calls = 0;
  for (let i = 0; i < 1000 && follower.logEndOffset < leader.logEndOffset; i++) {
    const { records } = leader.read(follower.logEndOffset, maxBytes, true);
    const r = await follower.appendAsFollower(records);
    assert.equal(r.baseOffset, Number(records.readBigInt64BE(0)));
    calls++;
  }
  assert.equal(follower.logEndOffset, leader.logEndOffset);
  return calls;
}

/** The leader: epochs 1 then 3, several segments. Returns where epoch 3 started. */
async function fillLeader(leader: Partition): Promise<number> {
  leader.leaderEpoch = 1;
  for (let i = 0; i < 6; i++) await leader.append(await batch(3, 1_000 + i * 10));
  const epoch3 = leader.logEndOffset;
  leader.leaderEpoch = 3;
  for (let i = 0; i < 6; i++) await leader.append(await batch(2, 2_000 + i * 10));
  return epoch3;
}

describe('Partition as a follower', () => {
  test('appendAsFollower copies the leader exactly: offsets, epochs, bytes; wakes waiting fetches', async () => {
    const leader = open('copy-leader');
    const follower = open('copy-follower');
    const epoch3 = await fillLeader(leader);
    assert.ok(leader.segmentCount > 2);
    let woken = 0;
    follower.onData(() => woken++);
    const calls = await replicate(leader, follower);
    assert.ok(calls >= leader.segmentCount, 'one read per segment at least');
    assert.equal(woken, 1);
    assert.deepEqual(readAll(follower), readAll(leader));
    assert.equal(follower.latestEpoch, 3);
    assert.equal(leader.latestEpoch, 3);
    assert.deepEqual(follower.epochEndOffset(1), { leaderEpoch: 1, endOffset: epoch3 });
    assert.deepEqual(follower.epochEndOffset(2), { leaderEpoch: 1, endOffset: epoch3 });
    assert.deepEqual(follower.epochEndOffset(3), { leaderEpoch: 3, endOffset: leader.logEndOffset });
    assert.deepEqual(follower.epochEndOffset(0), { leaderEpoch: 0, endOffset: 0 }, 'below the first epoch: it ends where the first starts');
    assert.equal(follower.segmentCount, leader.segmentCount);
    leader.close();
    follower.close();
  });

  test('refused: batches that do not continue the log, corrupt bytes; the log is unchanged', async () => {
    const leader = open('refuse-leader');
    const follower = open('refuse-follower');
    await fillLeader(leader);
    await replicate(leader, follower);
    const again = leader.read(0, 1 << 20, true).records;
    await assert.rejects(follower.appendAsFollower(again), (e: Error & { code?: string }) => e.code === 'UNKNOWN_SERVER_ERROR' && /below the log end offset/.test(e.message));
    await leader.append(await batch(2));
    const next = Buffer.from(leader.read(follower.logEndOffset, 1 << 20, true).records);
    next[next.length - 1]! ^= 0xff;
    await assert.rejects(follower.appendAsFollower(next), { code: 'CORRUPT_MESSAGE' });
    await assert.rejects(follower.appendAsFollower(next.subarray(0, 20)), { code: 'CORRUPT_MESSAGE' });
    assert.equal(follower.logEndOffset, leader.logEndOffset - 2);
    await replicate(leader, follower);
    assert.deepEqual(readAll(follower), readAll(leader));
    leader.close();
    follower.close();
  });

  test('appendAsFollower queues with append: never interleaved with an append on a pool worker, call order kept', async () => {
    const source = open('queue-source');
    await source.append(await batch(2));
    await source.append(await batch(3));
    const copied = source.read(2, 1 << 20, true).records; // the 3-record batch, base offset 2
    const p = new Partition('t', 0, join(dir, 'queue'), config, false, { type: -1 }, { pool, poolMinBytes: 0 });
    const first = p.append(await batch(2)); // on the worker: offsets 0..1
    const follower = p.appendAsFollower(copied); // must wait for it, then continue at 2
    const last = p.append(await batch(1)); // after the follower append: offset 5
    const [a, f, l] = await Promise.all([first, follower, last]);
    assert.deepEqual([a.baseOffset, f.baseOffset, f.lastOffset, l.baseOffset], [0, 2, 4, 5]);
    assert.equal(p.logEndOffset, 6);
    source.close();
    p.close();
  });

  test('pool: follower appends of at least poolMinBytes run on a worker, copy the leader exactly, refusals keep their codes; smaller ones stay inline', async () => {
    const leader = open('pool-leader');
    await fillLeader(leader);
    const follower = new Partition('t', 0, join(dir, 'pool-follower'), config, false, { type: -1 }, { pool, poolMinBytes: 0 });
    let woken = 0;
    follower.onData(() => woken++);
    const before = pool.stats().completed;
    const calls = await replicate(leader, follower);
    assert.equal(pool.stats().completed - before, calls, 'every follower append on a worker');
    assert.equal(woken, 1);
    assert.deepEqual(readAll(follower), readAll(leader));
    assert.equal(follower.latestEpoch, leader.latestEpoch);
    await leader.append(await batch(2));
    const next = Buffer.from(leader.read(follower.logEndOffset, 1 << 20, true).records);
    next[next.length - 1]! ^= 0xff;
    await assert.rejects(follower.appendAsFollower(next), { code: 'CORRUPT_MESSAGE' });
    await assert.rejects(follower.appendAsFollower(leader.read(0, 1 << 20, true).records), { code: 'UNKNOWN_SERVER_ERROR' });
    const inline = new Partition('t', 0, join(dir, 'pool-inline'), config, false, { type: -1 }, { pool, poolMinBytes: 1 << 20 });
    const atStart = pool.stats().completed;
    await replicate(leader, inline);
    assert.equal(pool.stats().completed, atStart, 'small follower appends stay on the event loop');
    assert.deepEqual(readAll(inline), readAll(leader));
    leader.close();
    follower.close();
    inline.close();
  });

  test('truncateTo cuts the tail (epochs, high watermark too); the leader re-sends it; truncateFullyAndStartAt starts again', async () => {
    const leader = open('trunc-leader');
    const follower = open('trunc-follower');
    const epoch3 = await fillLeader(leader);
    await replicate(leader, follower);
    follower.truncateTo(follower.logEndOffset + 5);
    assert.equal(follower.logEndOffset, leader.logEndOffset, 'past the end: nothing');
    let woken = 0;
    follower.onData(() => woken++);
    // Inside the first batch of epoch 3: that whole batch goes, and epoch 3 with it.
    follower.truncateTo(epoch3 + 1);
    assert.equal(follower.logEndOffset, epoch3);
    assert.equal(woken, 1, 'waiting fetches look again');
    assert.equal(follower.highWatermark, epoch3);
    assert.ok(follower.recoveryPoint <= epoch3);
    assert.equal(follower.latestEpoch, 1);
    assert.deepEqual(follower.epochEndOffset(3), { leaderEpoch: 1, endOffset: epoch3 });
    assert.deepEqual(readAll(follower), readAll(leader).subarray(0, readAll(follower).length));
    assert.equal(lastOffsetIn(readAll(follower)), epoch3 - 1);
    assert.throws(() => follower.read(epoch3 + 1, 100, true), { code: 'OFFSET_OUT_OF_RANGE' });
    await replicate(leader, follower, 300);
    assert.deepEqual(readAll(follower), readAll(leader));
    assert.equal(follower.latestEpoch, 3);
    // Across segments, then appending as leader continues densely.
    follower.truncateTo(4);
    assert.equal(follower.logEndOffset, 3);
    assert.equal(follower.segmentCount, 1);
    follower.leaderEpoch = 5;
    const r = await follower.append(await batch(2));
    assert.deepEqual([r.baseOffset, r.lastOffset], [3, 4]);
    assert.equal(follower.latestEpoch, 5);
    assert.deepEqual(follower.epochEndOffset(3), { leaderEpoch: 1, endOffset: 3 });

    follower.truncateFullyAndStartAt(100);
    assert.deepEqual([follower.logStartOffset, follower.logEndOffset, follower.highWatermark], [100, 100, 100]);
    assert.equal(follower.latestEpoch, null);
    assert.equal(follower.epochEndOffset(5), null);
    assert.deepEqual(readAll(follower), Buffer.alloc(0));
    const r2 = await follower.append(await batch(1));
    assert.equal(r2.baseOffset, 100);
    leader.close();
    follower.close();
  });
});
