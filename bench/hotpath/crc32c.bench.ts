// CRC32C: the native addon (hardware CRC32C) against the plain-TypeScript table implementation the
// client uses. Correctness is asserted before timing. Run: npm run bench:crc
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Bench, type Task, type TaskResultCompleted } from 'tinybench';
import { native } from '../../src/hotpath/index.js';
import { crc32c as tsCrc32c } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const sizes = [100, 1024, 16 * 1024, 1024 * 1024];
const rows: Array<Record<string, string | number>> = [];

assert.equal(native.crc32c(Buffer.from('123456789')), 0xe3069283);
for (const size of sizes) {
  const data = randomBytes(size);
  assert.equal(native.crc32c(data), tsCrc32c(data), `native and TypeScript agree on ${size} bytes`);
  const bench = new Bench({ time: 500, warmupTime: 100 });
  bench.add('native', () => {
    native.crc32c(data);
  });
  bench.add('typescript', () => {
    tsCrc32c(data);
  });
  await bench.run();
  const [n, t] = bench.tasks.map(completed);
  const nativeHz = n.throughput.mean;
  const tsHz = t.throughput.mean;
  rows.push({
    bytes: size,
    'native MB/s': (nativeHz * size) / 1e6,
    'typescript MB/s': (tsHz * size) / 1e6,
    'native p99 µs': n.latency.p99 * 1000,
    'typescript p99 µs': t.latency.p99 * 1000,
    speedup: nativeHz / tsHz,
  });
}
printTable(rows);

console.log(`results: ${writeResults('crc32c', rows)}`);

function completed(task: Task): TaskResultCompleted {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${r.state}`);
  return r;
}
