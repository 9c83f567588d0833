// Retention checks over one partition of 10,000 segments: the periodic check when nothing is due
// (what every log.retention.check.interval.ms pass pays), and deleting 9,999 expired segments at once;
// beside them, reopening (recovering) the 10,000-segment log. Run: node dist/bench/lifecycle/retention.bench.js
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native, type LogConfig } from '../../src/hotpath/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const SEGMENTS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'gregor-bench-retention-'));
const config: LogConfig = { segmentBytes: 100, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 1 << 20, recoveryPoint: 0 };
let log = native.PartitionLog.open(dir, config);
const old = Date.now() - 3_600_000;
const t0 = Date.now();
for (let i = 0; i < SEGMENTS; i++) {
  const batch = await buildRecordBatch([{ key: Buffer.from(`k${i}`), value: Buffer.from('x'.repeat(64)), timestamp: old + i, headers: [] }]);
  log.append(batch, { leaderEpoch: 0, nowMs: old + i, logAppendTime: false });
}
const buildMs = Date.now() - t0;
assert.equal(log.segmentCount, SEGMENTS);

const rows: Array<Record<string, string | number>> = [];
// Nothing due: retention of a day; the check looks at the oldest segment only.
const keep = { retentionMs: 86_400_000, retentionBytes: -1, deleteEnabled: true };
const N = 10_000;
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) assert.equal(log.enforceRetention(Date.now(), keep).deletedSegments, 0);
let ns = Number(process.hrtime.bigint() - t);
rows.push({ what: `retention.ms check, nothing due (${SEGMENTS} segments)`, 'total ms': ns / 1e6, count: N, 'µs each': ns / 1e3 / N });

// Also by size with a budget that keeps everything.
const bySize = { retentionMs: -1, retentionBytes: 1 << 30, deleteEnabled: true };
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) assert.equal(log.enforceRetention(Date.now(), bySize).deletedSegments, 0);
ns = Number(process.hrtime.bigint() - t);
rows.push({ what: `retention.bytes check, nothing due (${SEGMENTS} segments)`, 'total ms': ns / 1e6, count: N, 'µs each': ns / 1e3 / N });

// Reopen (recovery scan of 10,000 segments, everything below the recovery point).
const rp = log.recoveryPoint;
log.close();
t = process.hrtime.bigint();
log = native.PartitionLog.open(dir, { ...config, recoveryPoint: rp });
ns = Number(process.hrtime.bigint() - t);
rows.push({ what: `reopen ${SEGMENTS} segments (recovery point at the end)`, 'total ms': ns / 1e6, count: SEGMENTS, 'µs each': ns / 1e3 / SEGMENTS });

// Everything expired: one check deletes 9,999 closed segments (30k files) and fsyncs the directory once.
t = process.hrtime.bigint();
const r = log.enforceRetention(Date.now(), { retentionMs: 60_000, retentionBytes: -1, deleteEnabled: true });
const delMs = Number(process.hrtime.bigint() - t) / 1e6;
assert.equal(r.deletedSegments, SEGMENTS - 1);
assert.equal(r.byTime, SEGMENTS - 1);
assert.equal(log.logStartOffset, SEGMENTS - 1);
rows.push({ what: `delete ${SEGMENTS - 1} expired segments in one check (event loop held)`, 'total ms': delMs, count: SEGMENTS - 1, 'µs each': (delMs * 1000) / (SEGMENTS - 1) });
// Their files go on the addon's background deleter thread.
const deadline = Date.now() + 300_000;
while (readdirSync(dir).filter((f) => f.endsWith('.log')).length > 1) {
  if (Date.now() > deadline) throw new Error('segment files were not deleted within 5 minutes');
  await new Promise((r) => setTimeout(r, 20));
}
const goneMs = Number(process.hrtime.bigint() - t) / 1e6;
rows.push({ what: `  ... their 3 x ${SEGMENTS - 1} files unlinked in the background`, 'total ms': goneMs, count: SEGMENTS - 1, 'µs each': (goneMs * 1000) / (SEGMENTS - 1) });
log.close();
rmSync(dir, { recursive: true, force: true });
printTable(rows);
console.log(`(building the ${SEGMENTS}-segment log took ${buildMs} ms: every roll fsyncs the sealed segment)`);
console.log(`results: ${writeResults('retention', rows, { segments: SEGMENTS })}`);
