// Record batch codecs: the addon's gzip/snappy/lz4/zstd against the npm libraries the client uses
// (node:zlib, snappy, lz4-napi, zstd-napi), compress and decompress, on record-like data.
// Each output is checked by the other side's decoder before timing. Run: npm run bench:codecs
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import * as snappy from 'snappy';
import * as lz4 from 'lz4-napi';
import * as zstd from 'zstd-napi';
import { Bench, type Task, type TaskResultCompleted } from 'tinybench';
import { native } from '../../src/hotpath/index.js';
import { compress as clientCompress, decompress as clientDecompress } from '../../src/client/index.js';
import { printTable, writeResults } from '../report.js';

/** Record-like bytes: JSON-ish values with repeating keys and varying numbers (compresses ~3-5x). */
function recordLike(size: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  let x = 7;
  while (n < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    const s = `{"id":${x},"user":"u${x % 9973}","event":"${['click', 'view', 'buy'][x % 3]}","ts":${1700000000000 + (x % 100000)}}`;
    parts.push(s);
    n += s.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

type Lib = { compress(d: Buffer): Buffer; decompress(d: Buffer): Buffer };
const LIBS: Record<string, { id: 1 | 2 | 3 | 4; lib: Lib; libName: string }> = {
  gzip: { id: 1, libName: 'node:zlib', lib: { compress: (d) => zlib.gzipSync(d), decompress: (d) => zlib.gunzipSync(d) } },
  snappy: { id: 2, libName: 'snappy', lib: { compress: (d) => snappy.compressSync(d), decompress: (d) => snappy.uncompressSync(d, { asBuffer: true }) as Buffer } },
  lz4: { id: 3, libName: 'lz4-napi', lib: { compress: (d) => lz4.compressSync(d), decompress: (d) => lz4.uncompressSync(d) } },
  zstd: { id: 4, libName: 'zstd-napi', lib: { compress: (d) => zstd.compress(d), decompress: (d) => zstd.decompress(d) } },
};

const sizes = [1024, 64 * 1024, 1024 * 1024];
const rows: Array<Record<string, string | number>> = [];
for (const [name, { id, lib, libName }] of Object.entries(LIBS)) {
  for (const size of sizes) {
    const data = recordLike(size);
    const mine = native.compress(id, data);
    // Cross-checks: the client (npm libraries, Kafka framing) reads the addon's output and vice versa.
    assert.ok((await clientDecompress(id, mine)).equals(data), `${name}: client reads native output`);
    assert.ok(native.decompress(id, await clientCompress(id, data)).equals(data), `${name}: native reads client output`);
    const theirs = lib.compress(data);
    const bench = new Bench({ time: 400, warmupTime: 100 });
    bench.add('native compress', () => void native.compress(id, data));
    bench.add(`${libName} compress`, () => void lib.compress(data));
    bench.add('native decompress', () => void native.decompress(id, mine));
    bench.add(`${libName} decompress`, () => void lib.decompress(theirs));
    await bench.run();
    const [nc, lc, nd, ld] = bench.tasks.map(completed);
    const mbs = (t: TaskResultCompleted) => (t.throughput.mean * size) / 1e6;
    rows.push({
      codec: name, bytes: size, baseline: libName, ratio: data.length / mine.length,
      'native comp MB/s': mbs(nc), 'lib comp MB/s': mbs(lc), 'native decomp MB/s': mbs(nd), 'lib decomp MB/s': mbs(ld),
    });
  }
}
printTable(rows);
console.log(`results: ${writeResults('codecs', rows)}`);

function completed(task: Task): TaskResultCompleted {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${r.state}`);
  return r;
}
