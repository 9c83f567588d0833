// RecordBatch v2 validation (what every produce pays): native addon vs plain TypeScript, for small and
// large batches of 100-byte and 1 KiB records. Correctness is asserted before timing. Run: npm run bench:validate
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Bench, type Task, type TaskResultCompleted } from 'tinybench';
import { native } from '../../src/hotpath/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';
import { validateBatchesTs } from './batch-validate.js';

const cases = [
  { records: 10, size: 100 },
  { records: 160, size: 100 },
  { records: 16, size: 1024 },
  { records: 1000, size: 1024 },
];
const rows: Array<Record<string, string | number>> = [];
for (const c of cases) {
  const batch = await buildRecordBatch(Array.from({ length: c.records }, (_, i) => ({
    key: Buffer.from(`key-${i}`), value: randomBytes(c.size), timestamp: Date.now() + i, headers: [{ key: 'h', value: Buffer.from('v') }],
  })));
  assert.equal(native.validateBatches(batch, 1 << 30), 1);
  assert.equal(validateBatchesTs(batch, 1 << 30), 1);
  const bad = Buffer.from(batch);
  bad[bad.length - 1] ^= 1;
  assert.throws(() => native.validateBatches(bad, 1 << 30), (e: { code?: string }) => e.code === 'CORRUPT_MESSAGE');
  assert.throws(() => validateBatchesTs(bad, 1 << 30));

  const bench = new Bench({ time: 500, warmupTime: 100 });
  bench.add('native', () => {
    native.validateBatches(batch, 1 << 30);
  });
  bench.add('typescript', () => {
    validateBatchesTs(batch, 1 << 30);
  });
  await bench.run();
  const [n, t] = bench.tasks.map(completed);
  rows.push({
    batch: `${c.records} x ${c.size} B`,
    bytes: batch.length,
    'native MB/s': (n.throughput.mean * batch.length) / 1e6,
    'typescript MB/s': (t.throughput.mean * batch.length) / 1e6,
    'native p99 µs': n.latency.p99 * 1000,
    'typescript p99 µs': t.latency.p99 * 1000,
    speedup: n.throughput.mean / t.throughput.mean,
  });
}
printTable(rows);
console.log(`results: ${writeResults('batch-validate', rows)}`);

function completed(task: Task): TaskResultCompleted {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${r.state}`);
  return r;
}
