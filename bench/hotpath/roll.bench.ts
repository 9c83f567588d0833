// The cost of a segment roll to the thread that appends: one partition log with segments of --segment-mb,
// 1 MiB batches appended until --rolls rolls have happened; prints the slowest append (the one that rolled,
// which seals the old segment) beside the median. Page cache as the OS has it (no fsync policy).
// Run: node dist/bench/hotpath/roll.bench.js [--segment-mb 256] [--rolls 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { native } from '../../src/hotpath/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({ options: { 'segment-mb': { type: 'string', default: '256' }, rolls: { type: 'string', default: '3' } } });
const segmentBytes = Number(args['segment-mb']) << 20;
const dir = mkdtempSync(join(tmpdir(), 'gregor-roll-bench-'));
try {
  const log = native.PartitionLog.open(dir, { segmentBytes, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 2 << 20, recoveryPoint: 0 });
  const template = await buildRecordBatch(Array.from({ length: 1024 }, (_, i) => ({ key: null, value: Buffer.alloc(1000, 97 + (i % 26)), timestamp: Date.now() })));
  const opts = { leaderEpoch: 0, nowMs: Date.now(), logAppendTime: false };
  const times: number[] = [];
  const rollTimes: number[] = [];
  let segments = log.segmentCount;
  while (log.segmentCount <= Number(args.rolls)) {
    const b = Buffer.from(template);
    const t = performance.now();
    log.append(b, opts);
    const ms = performance.now() - t;
    times.push(ms);
    if (log.segmentCount !== segments) {
      rollTimes.push(ms);
      segments = log.segmentCount;
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const rows = [{
    'segment MB': Number(args['segment-mb']),
    appends: times.length,
    'median append ms': sorted[Math.floor(sorted.length / 2)]!,
    'appends that rolled, ms': rollTimes.map((t) => t.toFixed(1)).join(' / '),
    'slowest append ms': sorted[sorted.length - 1]!,
  }];
  log.close();
  printTable(rows);
  console.log(`results: ${writeResults('roll', rows)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
