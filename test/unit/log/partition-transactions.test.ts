// Partition transaction state: transactional batches open a producer's transaction, markers (COMMIT/ABORT
// control batches written by appendTxnMarker) end it; the first unstable offset, the aborted transactions a
// read_committed fetch lists, the .txnindex, producer states, and recovery of all of it on reopen.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partition } from '../../../src/log/index.js';
import { WorkerPool } from '../../../src/hotpath/index.js';
import { buildRecordBatch, CONTROL_FLAG, parseRecordBatchesSync, splitRecordBatches, readRecordBatchHeader, decodeEndTransactionMarker } from '../../../src/protocol/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gregor-partition-txn-test-'));
const pool = new WorkerPool('test', 1);
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = { segmentBytes: 1 << 30, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 1 << 20, recoveryPoint: 0 };
const txnBatch = (producerId: number, producerEpoch: number, baseSequence: number, n: number, transactional = true) =>
  buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`p${producerId}-${baseSequence + i}`), timestamp: Date.now() })),
    { producerId, producerEpoch, baseSequence, transactional });
const marker = (producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch = 0) => ({ producerId, producerEpoch, coordinatorEpoch, commit });
const txnIndex = (d: string) => join(d, '00000000000000000000.txnindex');

describe('Partition transactions', () => {
  test('open transactions hold the first unstable offset; markers end them; ABORT lands in the .txnindex', async () => {
    const d = join(dir, 'basic');
    const p = new Partition('t', 0, d, config, false);
    await p.append(await buildRecordBatch([{ key: null, value: Buffer.from('plain'), timestamp: Date.now() }])); // 0
    assert.equal(p.firstUnstableOffset, null);
    await p.append(await txnBatch(1000, 0, 0, 2)); // 1-2: producer 1000 opens at 1
    await p.append(await txnBatch(2000, 0, 0, 1)); // 3: producer 2000 opens at 3
    assert.equal(p.firstUnstableOffset, 1);
    await p.append(await txnBatch(1000, 0, 2, 1)); // 4: continues 1000's transaction
    const commit = await p.appendTxnMarker(marker(1000, 0, true, 5)); // 5
    assert.equal(commit.baseOffset, 5);
    assert.equal(p.firstUnstableOffset, 3, 'producer 2000 still open');
    await p.appendTxnMarker(marker(2000, 0, false)); // 6: ABORT
    assert.equal(p.firstUnstableOffset, null);
    assert.equal(p.logEndOffset, 7);
    assert.deepEqual(p.abortedTransactions(0, 7), [{ producerId: 2000, firstOffset: 3 }]);
    assert.deepEqual(p.abortedTransactions(7, 8), [], 'nothing overlaps past the marker');
    assert.deepEqual(p.abortedTransactions(0, 3), [], 'nothing overlaps before the first offset');
    // Kafka's layout: version i16 0, producerId i64, firstOffset i64, lastOffset i64, lastStableOffset i64.
    const idx = readFileSync(txnIndex(d));
    assert.equal(idx.length, 34);
    assert.equal(idx.readInt16BE(0), 0);
    assert.equal(idx.readBigInt64BE(2), 2000n);
    assert.equal(idx.readBigInt64BE(10), 3n);
    assert.equal(idx.readBigInt64BE(18), 6n);
    assert.equal(idx.readBigInt64BE(26), 7n);
    // The control batches as stored: control + transactional, one record with Kafka's marker key and value.
    const read = p.read(5, 1 << 20, true);
    const batches = splitRecordBatches(read.records);
    const headers = batches.map((b) => readRecordBatchHeader(b));
    assert.ok(headers.every((h) => (h.attributes & CONTROL_FLAG) !== 0));
    const parsed = parseRecordBatchesSync(read.records);
    assert.deepEqual(parsed.map((b) => decodeEndTransactionMarker(b.records[0]!)), [{ type: 1, coordinatorEpoch: 5 }, { type: 0, coordinatorEpoch: 0 }]);
    const states = p.producerStates();
    assert.deepEqual(states.map((s) => [s.producerId, s.producerEpoch, s.lastSequence, s.coordinatorEpoch, s.currentTxnStartOffset]), [[1000, 0, 2, 5, -1], [2000, 0, 0, 0, -1]]);
    p.close();

    // Reopen (recovery scan): the same state and index, from the log alone even when the index is gone.
    rmSync(txnIndex(d));
    const q = new Partition('t', 0, d, config, false);
    assert.equal(q.firstUnstableOffset, null);
    assert.deepEqual(q.abortedTransactions(0, 7), [{ producerId: 2000, firstOffset: 3 }]);
    assert.deepEqual(readFileSync(txnIndex(d)), idx, 'recovery rebuilt the .txnindex byte for byte');
    q.close();
  });

  test('an open transaction survives a reopen; stale markers and non-transactional writes are refused', async () => {
    const d = join(dir, 'reopen');
    const p = new Partition('t', 0, d, config, false, { type: -1 }, { pool, poolMinBytes: 0 });
    await p.append(await txnBatch(7, 3, 0, 3)); // 0-2
    await assert.rejects(p.append(await txnBatch(7, 3, 3, 1, false)), { code: 'INVALID_TXN_STATE' });
    await assert.rejects(p.appendTxnMarker(marker(7, 2, true)), { code: 'INVALID_PRODUCER_EPOCH' });
    await p.appendTxnMarker(marker(8, 0, true, 3)); // 3: a producer with no transaction: written, no error
    await assert.rejects(p.appendTxnMarker(marker(8, 0, true, 2)), { code: 'TRANSACTION_COORDINATOR_FENCED' });
    p.close();
    const q = new Partition('t', 0, d, config, false);
    assert.equal(q.firstUnstableOffset, 0, 'the open transaction came back with the log');
    assert.equal(q.producerStates().find((s) => s.producerId === 7)?.currentTxnStartOffset, 0);
    await q.append(await txnBatch(7, 3, 3, 1)); // 4
    await q.appendTxnMarker(marker(7, 3, false)); // 5
    await q.appendTxnMarker(marker(7, 3, false)); // 6: a repeated marker is written again, no new index entry
    assert.equal(q.firstUnstableOffset, null);
    assert.deepEqual(q.abortedTransactions(0, 100), [{ producerId: 7, firstOffset: 0 }]);
    assert.ok(existsSync(txnIndex(d)));
    q.close();
  });
});
