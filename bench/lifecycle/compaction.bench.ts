// Compaction throughput: MB/s of log cleaned (bytes read by the cleaner) for a log of 100-byte values,
// with few keys (almost everything removed) and many keys (little removed); the pool task (a piscina
// worker of the compute pool) beside its synchronous twin, with the event loop's worst delay while the pool cleans.
// Correctness (exactly the superseded records removed, log end offset unchanged, survivors readable) is
// asserted on every run.
// Run: node dist/bench/lifecycle/compaction.bench.js [--mb 64] [--codec none|gzip|snappy|lz4|zstd]
// (with a codec, the log's batches are compressed and "log MB" counts compressed bytes).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { native, WorkerPool, type CompactOptions, type PartitionLog } from '../../src/hotpath/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const mbArg = process.argv.indexOf('--mb');
const LOG_MB = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 64;
const codecArg = process.argv.indexOf('--codec');
const CODEC_NAME = codecArg > 0 ? process.argv[codecArg + 1]! : 'none';
const CODEC = ['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(CODEC_NAME);
if (CODEC < 0) throw new Error(`--codec ${CODEC_NAME}: expected none, gzip, snappy, lz4 or zstd`);
const VALUE = 100;
const PER_BATCH = 1000;

const options = (nowMs: number): CompactOptions => ({
  firstDirtyOffset: 0, minCleanableRatio: 0.5, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  deleteRetentionMs: 86_400_000, force: true, nowMs, dedupeBufferBytes: 0,
});

/** A log of about LOG_MB MiB: record i has key i % keys and value "v<i>" padded to VALUE bytes. */
async function buildLog(keys: number): Promise<{ dir: string; log: PartitionLog; records: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-bench-compact-'));
  const log = native.PartitionLog.open(dir, {
    segmentBytes: 16 << 20, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 64 << 20, recoveryPoint: 0,
  });
  const target = LOG_MB << 20;
  let i = 0;
  const now = Date.now() - 60_000;
  while (log.sizeInBytes < target) {
    const batch = await buildRecordBatch(Array.from({ length: PER_BATCH }, (_, j) => {
      const n = i + j;
      return { key: Buffer.from(`key-${n % keys}`), value: Buffer.from(`v${n}-`.padEnd(VALUE, '.')), timestamp: now, headers: [] };
    }), { compression: CODEC as 0 | 1 | 2 | 3 | 4 });
    log.append(batch, { leaderEpoch: 0, nowMs: now, logAppendTime: false });
    i += PER_BATCH;
  }
  // One more (tiny) append rolls nothing; make the data closed by rolling via a batch bigger than what is left.
  const filler = await buildRecordBatch([{ key: Buffer.from('filler'), value: Buffer.alloc(16 << 20, 1), timestamp: now, headers: [] }]);
  log.append(filler, { leaderEpoch: 0, nowMs: now, logAppendTime: false });
  return { dir, log, records: i, bytes: log.sizeInBytes - filler.length };
}

/** Survivors are readable from the log start: batch headers walk to the end with increasing offsets. */
function checkReadable(log: PartitionLog, records: number): void {
  let offset = log.logStartOffset;
  let last = -1;
  while (offset < records) {
    const r = log.read(offset, 8 << 20, log.highWatermark, true);
    assert.ok(r.records.length > 0, `nothing readable at ${offset}`);
    let p = 0;
    while (p < r.records.length) {
      const base = Number(r.records.readBigInt64BE(p));
      assert.ok(base > last, 'offsets increase');
      last = base;
      offset = base + r.records.readInt32BE(p + 23) + 1;
      p += 12 + r.records.readInt32BE(p + 8);
    }
  }
  assert.equal(log.logEndOffset, records + 1, 'the log end offset is unchanged');
}

const pool = new WorkerPool('compaction-bench', 1);
const rows: Array<Record<string, string | number>> = [];
for (const keys of [1_000, 100_000]) {
  const results: Array<{ mode: string; ms: number; read: number; records: number; removed: number; written: number; maxDelayMs: number }> = [];
  for (const mode of ['sync', 'pool', 'sync', 'pool']) {
    const { dir, log, records, bytes } = await buildLog(keys);
    const h = monitorEventLoopDelay({ resolution: 1 });
    const t0 = process.hrtime.bigint();
    let r;
    if (mode === 'sync') {
      r = log.compactSync(options(Date.now()));
    } else {
      h.enable();
      // Keep the loop busy with a 1 ms ticker so its delay shows whether the clean blocks it.
      const ticker = setInterval(() => {}, 1);
      r = await pool.compact(log.handle, options(Date.now()));
      clearInterval(ticker);
      h.disable();
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(r.errorCode ?? null, null, r.errorMessage ?? '');
    assert.ok(r.cleaned);
    assert.ok(r.bytesRead >= bytes, `read ${r.bytesRead} of ${bytes}`);
    const expectedRemoved = records - Math.min(keys, records);
    assert.equal(r.recordsRemoved, expectedRemoved, 'exactly the superseded records go');
    checkReadable(log, records);
    results.push({ mode, ms, read: r.bytesRead, records, removed: r.recordsRemoved, written: r.bytesWritten, maxDelayMs: mode === 'pool' ? h.max / 1e6 : NaN });
    log.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const mode of ['sync', 'pool']) {
    const runs = results.filter((x) => x.mode === mode);
    const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
    rows.push({
      codec: CODEC_NAME, keys, mode, 'log MB': best.read / 1e6, records: best.records, 'removed %': (100 * best.removed) / best.records,
      'written MB': best.written / 1e6, ms: best.ms, 'MB/s cleaned': best.read / 1e6 / (best.ms / 1000),
      'Mrecords/s': best.records / 1e6 / (best.ms / 1000),
      'max loop delay ms': mode === 'pool' ? Math.max(...runs.map((x) => x.maxDelayMs)) : '(blocked)',
    });
  }
}
await pool.close();
printTable(rows);
console.log(`results: ${writeResults('compaction', rows, { logMb: LOG_MB, codec: CODEC_NAME })}`);
