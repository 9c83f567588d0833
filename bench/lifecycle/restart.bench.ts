// Broker restart cost of one large partition: how long the log takes to open (recover) after a clean close,
// with the producer snapshot the close wrote (segments below it are opened from their indexes, producer state
// comes from the snapshot) and without it (every snapshot deleted first: every segment's batch headers are
// scanned to rebuild producer state, as before snapshots existed). The log holds many small batches of
// idempotent producers (the worst case for the scan), on disk; the page cache is warm (the files were just
// written or read), so this measures CPU and syscalls, not the disk.
// Run: node dist/bench/lifecycle/restart.bench.js [segments] (default 200 segments of 1 MiB)
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native, type LogConfig } from '../../src/hotpath/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const SEGMENTS = Number(process.argv[2] ?? 200);
const PRODUCERS = 50;
const RUNS = 5;
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'gregor-bench-restart-'));
const config: LogConfig = { segmentBytes: 1 << 20, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 1 << 20, recoveryPoint: 0 };
let log = native.PartitionLog.open(dir, config);
const t0 = Date.now();
const sequences = new Array<number>(PRODUCERS).fill(0);
let batches = 0;
while (log.segmentCount <= SEGMENTS) {
  const p = batches % PRODUCERS;
  const batch = await buildRecordBatch(Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(100, 120), timestamp: Date.now(), headers: [] })),
    { producerId: 1000 + p, producerEpoch: 0, baseSequence: sequences[p]! });
  sequences[p]! += 5;
  log.append(batch, { leaderEpoch: 0, nowMs: Date.now(), logAppendTime: false });
  batches++;
}
const buildMs = Date.now() - t0;
const end = log.logEndOffset;
const segments = log.segmentCount;
const bytes = log.sizeInBytes;
log.close();

const snapshots = () => readdirSync(dir).filter((f) => f.endsWith('.snapshot'));
function timeOpen(withSnapshot: boolean): number {
  if (!withSnapshot) for (const f of snapshots()) rmSync(join(dir, f));
  const t = process.hrtime.bigint();
  log = native.PartitionLog.open(dir, { ...config, recoveryPoint: end });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  assert.equal(log.logEndOffset, end);
  assert.equal(log.producerStates().length, PRODUCERS);
  log.close(); // writes the snapshot at the log end again
  return ms;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
timeOpen(false); // warm the page cache
const full: number[] = [];
const snap: number[] = [];
for (let i = 0; i < RUNS; i++) {
  full.push(timeOpen(false));
  snap.push(timeOpen(true));
}
const rows: Array<Record<string, string | number>> = [
  { what: `open after clean close, no snapshot (full header scan)`, segments, batches, 'median ms': median(full), 'min ms': Math.min(...full) },
  { what: `open after clean close, producer snapshot at the log end`, segments, batches, 'median ms': median(snap), 'min ms': Math.min(...snap) },
];
rmSync(dir, { recursive: true, force: true });
printTable(rows);
console.log(`(${segments} segments, ${(bytes / 2 ** 20).toFixed(0)} MiB, ${batches} batches of ${PRODUCERS} idempotent producers; built in ${buildMs} ms; ${RUNS} runs each)`);
console.log(`results: ${writeResults('restart', rows, { segments, batches, bytes })}`);
