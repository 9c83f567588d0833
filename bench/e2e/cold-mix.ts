// A consumer catching up on data that is not in the page cache, beside a producer at a steady rate on the
// same broker: what the cold reads cost the producer's latency, with fetch.cold.reads.pool off (the
// event loop reads cold data itself) and on (an io worker reads it into the page cache first).
// For each mode: a fresh broker, --mb of 1 KiB records on topic A, A's files evicted from the page cache,
// then consumer-perf reads A (raw fetches) while produce-perf sends 100 B records to topic B at --rate.
//
//   node dist/bench/e2e/cold-mix.js [--mb 600] [--rate 30000] [--seconds 2] [--rounds 3]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { native } from '../../src/hotpath/index.js';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({ options: { mb: { type: 'string', default: '600' }, rate: { type: 'string', default: '30000' }, seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '3' } } });
const HERE = resolve(import.meta.dirname);
type Row = Record<string, string | number>;

function runBench(script: string, argv: string[]): Promise<Row> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(HERE, script), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const m = /results: (.+\.json)/.exec(out);
      if (code !== 0 || !m) return rej(new Error(`${script} failed (${code}): ${out.slice(-1000)}`));
      res((JSON.parse(readFileSync(m[1]!, 'utf8')) as { rows: Row[] }).rows[0]!);
    });
  });
}

const records = Math.round((Number(args.mb) * 1e6) / 1024);
const rows: Row[] = [];
for (let round = 0; round < Number(args.rounds); round++) {
  for (const pool of [false, true]) {
    const broker = await BrokerProcess.start({ overrides: { 'fetch.cold.reads.pool': pool } });
    try {
      const common = ['--bootstrap', broker.bootstrap, '--topic', 'A', '--records', String(records), '--record-size', '1024', '--mode', 'raw'];
      await runBench('consumer-perf.js', common);
      for (const f of readdirSync(join(broker.logDir, 'A-0'))) native.evictFromPageCache(join(broker.logDir, 'A-0', f));
      const [consumer, producer] = await Promise.all([
        runBench('consumer-perf.js', [...common, '--skip-fill']),
        runBench('produce-perf.js', ['--bootstrap', broker.bootstrap, '--topic', 'B', '--records', String(Number(args.rate) * Number(args.seconds)), '--record-size', '100', '--throughput', args.rate!]),
      ]);
      rows.push({ round: round + 1, 'fetch.cold.reads.pool': String(pool), 'cold consumer MB/s': Number(consumer['MB/s']).toFixed(0),
        'producer p50 ms': producer['p50 ms']!, 'producer p99 ms': producer['p99 ms']!, 'producer p999 ms': producer['p999 ms']! });
    } finally {
      await broker.close();
    }
  }
}
printTable(rows);
console.log(`results: ${writeResults('cold-mix', rows, { args })}`);
