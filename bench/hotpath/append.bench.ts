// In-process append throughput: one partition log, batches of 1 KiB records of several sizes, appended
// inline on the main thread (PartitionLog.append) against the same append sent to a worker of the
// compute pool (piscina; the batch in a SharedArrayBuffer, so the hop moves no bytes: what the pool costs
// per hop), the same with a plain Buffer (copied into shared memory first), and a group of 8 coalesced
// into one worker call (group commit). Also an empty round trip to a worker. Page cache only (no fsync).
// Run: npm run bench:append
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench, type Task, type TaskResultCompleted } from 'tinybench';
import { native, WorkerPool } from '../../src/hotpath/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const dir = mkdtempSync(join(tmpdir(), 'gregor-append-bench-'));
const pool = new WorkerPool('append-bench', 1);
const rows: Array<Record<string, string | number>> = [];
try {
  let n = 0;
  let sub = dir;
  const open = () => native.PartitionLog.open(join(sub, `p-${n++}`), {
    segmentBytes: 256 << 20, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 64 << 20, recoveryPoint: 0,
  });
  const opts = { leaderEpoch: 0, nowMs: Date.now(), logAppendTime: false };
  assert.equal(await pool.ping(1), 1);
  const hop = new Bench({ time: 400, warmupTime: 100 });
  hop.add('empty round trip to a worker', async () => void (await pool.ping(1)));
  await hop.run();
  const hopUs = completed(hop.tasks[0]!).latency.p50! * 1000;
  for (const records of [1, 16, 256, 1024]) {
    sub = mkdtempSync(join(dir, 's-'));
    const template = await buildRecordBatch(Array.from({ length: records }, (_, i) => ({ key: null, value: Buffer.alloc(1024, 97 + (i % 26)), timestamp: Date.now() })));
    const size = template.length;
    // Appends rewrite offsets in place: each call gets its own copy, made outside the timed section's
    // hot loop by cycling through rings of prepared buffers (plain and in shared memory).
    const ring = Array.from({ length: 64 }, () => Buffer.from(template));
    const sharedRing = Array.from({ length: 64 }, () => {
      const s = Buffer.from(new SharedArrayBuffer(size));
      template.copy(s);
      return s;
    });
    let k = 0;
    const next = () => ring[k++ & 63]!;
    const nextShared = () => sharedRing[k++ & 63]!;
    const inline = open();
    const pooled = open();
    const copied = open();
    const grouped = open();
    assert.equal(inline.append(Buffer.from(template), opts).recordCount, records);
    // Large batches: short runs, so the page cache's dirty limit (writeback throttling) is not what the
    // later tasks measure.
    const bench = size > 100_000 ? new Bench({ time: 60, warmupTime: 20, iterations: 16 }) : new Bench({ time: 400, warmupTime: 100 });
    bench.add('inline append', () => void inline.append(next(), opts));
    bench.add('worker append (1 per hop, shared)', async () => void (await pool.append(pooled.handle, [nextShared()], opts)));
    bench.add('worker append (1 per hop, copied)', async () => void (await pool.append(copied.handle, [next()], opts)));
    bench.add('worker group of 8', async () => void (await pool.append(grouped.handle, [nextShared(), nextShared(), nextShared(), nextShared(), nextShared(), nextShared(), nextShared(), nextShared()], opts)));
    await bench.run();
    const [a, b, c, d] = bench.tasks.map(completed);
    rows.push({
      'batch bytes': size,
      'inline MB/s': (a!.throughput.mean * size) / 1e6,
      'worker MB/s': (b!.throughput.mean * size) / 1e6,
      'worker+copy MB/s': (c!.throughput.mean * size) / 1e6,
      'group-of-8 MB/s': (d!.throughput.mean * size * 8) / 1e6,
      'inline µs/append': a!.latency.mean * 1000,
      'worker µs/append': b!.latency.mean * 1000,
      'hop cost µs': (b!.latency.mean - a!.latency.mean) * 1000,
      'empty hop p50 µs': hopUs,
    });
    for (const l of [inline, pooled, copied, grouped]) l.close();
    rmSync(sub, { recursive: true, force: true });
  }
} finally {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}
printTable(rows);
console.log(`results: ${writeResults('append', rows)}`);

function completed(task: Task): TaskResultCompleted {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${r.state}`);
  return r;
}
