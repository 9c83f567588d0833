// The standard benchmark matrix (`npm run bench`): produce and fetch at 100 B and 1 KiB, with the design
// choices switched on and off (worker pool + group commit, sendfile), each run against a fresh broker
// process; writes one Markdown table (with the exact command of every row) to bench/results/.
//   npm run bench [-- --scale 0.5] [-- --repeat 3]   (repeat: median of N runs per row, by MB/s)
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { printTable } from './report.js';

const { values: args } = parseArgs({ options: { scale: { type: 'string', default: '1' }, repeat: { type: 'string', default: '1' }, only: { type: 'string' } } });
const scale = Number(args.scale);
const repeat = Math.max(1, Number(args.repeat));
const ROOT = resolve(import.meta.dirname, '..', '..');
const n = (x: number) => String(Math.round(x * scale));

type Row = Record<string, string | number>;

function run(script: string, argv: string[]): Row {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', script), ...argv], { encoding: 'utf8', timeout: 900_000, cwd: ROOT });
  const m = /results: (.+\.json)/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`${script} ${argv.join(' ')} failed (${r.status}):\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`);
  const rows = JSON.parse(readFileSync(m[1]!, 'utf8')).rows as Row[];
  return rows[0]!;
}

function median(script: string, argv: string[]): Row {
  const runs = Array.from({ length: repeat }, () => run(script, argv));
  runs.sort((a, b) => Number(a['MB/s']) - Number(b['MB/s']));
  return runs[Math.floor(runs.length / 2)]!;
}

const out: Row[] = [];
const add = (what: string, script: string, argv: string[], pick: (r: Row) => Row) => {
  if (args.only && !what.includes(args.only)) return;
  process.stderr.write(`${what} ...\n`);
  const r = median(script, argv);
  out.push({ what, command: `node dist/bench/${script} ${argv.join(' ')}`, ...pick(r) });
};
const num = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : String(v));

// Produce, librdkafka as the load (the broker is the bottleneck): the compute pool with group commit at
// its default threshold, for every append, and off (inline); and with the broker re-compressing to zstd.
const POOL_MODES: ReadonlyArray<[string, string[]]> = [
  ['pool on (default thresholds)', ['append.pool=true']],
  ['pool on for every append', ['append.pool=true', 'append.pool.min.bytes=0']],
  ['pool off', ['append.pool=false']],
];
const overrides = (o: readonly string[]) => o.flatMap((x) => ['--broker-override', x]);
for (const [size, records] of [[100, 2_000_000], [1024, 500_000]] as const) {
  for (const [mode, o] of POOL_MODES) {
    add(`produce ${size} B (kcat), 1 partition, ${mode}`, 'e2e/kcat-produce.js',
      ['--records', n(records), '--record-size', String(size), ...overrides(o)],
      (r) => ({ 'records/s': r['records/s']!, 'MB/s': num(r['MB/s']), 'p99 ms': '', 'broker CPU s': num(r['broker cpu s'], 2), 'peak RSS MB': num(r['broker peak RSS MB'], 0) }));
  }
}
for (const [mode, o] of [POOL_MODES[0]!, POOL_MODES[2]!]) {
  add(`produce 1 KiB (kcat, uncompressed), broker compression.type=zstd, ${mode}`, 'e2e/kcat-produce.js',
    ['--records', n(300_000), '--record-size', '1024', ...overrides([...o, 'compression.type=zstd'])],
    (r) => ({ 'records/s': r['records/s']!, 'MB/s': num(r['MB/s']), 'p99 ms': '', 'broker CPU s': num(r['broker cpu s'], 2), 'peak RSS MB': num(r['broker peak RSS MB'], 0) }));
}
// Produce with the project client: peak, then p99 at half of that peak.
for (const [size, records] of [[100, 1_500_000], [1024, 300_000]] as const) {
  for (const pool of [true, false]) {
    const label = `produce ${size} B (project client), 1 partition, pool ${pool ? 'on' : 'off'}`;
    if (args.only && !label.includes(args.only)) continue;
    const argv = ['--records', n(records), '--record-size', String(size), '--broker-override', `append.pool=${pool}`];
    process.stderr.write(`${label} ...\n`);
    const peak = median('e2e/produce-perf.js', argv);
    out.push({ what: `${label}, max rate`, command: `node dist/bench/e2e/produce-perf.js ${argv.join(' ')}`, 'records/s': peak['records/s']!, 'MB/s': num(peak['MB/s']), 'p99 ms': num(peak['p99 ms'], 2), 'broker CPU s': '', 'peak RSS MB': num(peak['broker peak RSS MB'], 0) });
    const halfArgv = [...argv, '--throughput', String(Math.round(Number(peak['records/s']) / 2))];
    const half = median('e2e/produce-perf.js', halfArgv);
    out.push({ what: `${label}, half of that rate`, command: `node dist/bench/e2e/produce-perf.js ${halfArgv.join(' ')}`, 'records/s': half['records/s']!, 'MB/s': num(half['MB/s']), 'p99 ms': num(half['p99 ms'], 2), 'broker CPU s': '', 'peak RSS MB': num(half['broker peak RSS MB'], 0) });
  }
}
// Fetch: sendfile on (every size) and off, bare Fetch requests so the broker is measured.
for (const [size, records, partitions] of [[100, 2_000_000, 1], [1024, 1_000_000, 6]] as const) {
  for (const zc of [true, false]) {
    add(`fetch ${size} B, ${partitions} partition(s), sendfile ${zc ? 'on' : 'off'}`, 'e2e/consumer-perf.js',
      ['--records', n(records), '--record-size', String(size), '--partitions', String(partitions), '--mode', 'raw', '--broker-override', `fetch.zero.copy=${zc}`, '--broker-override', 'fetch.zero.copy.min.bytes=0'],
      (r) => ({ 'records/s': r['records/s']!, 'MB/s': num(r['MB/s']), 'p99 ms': num(r['fetch p99 ms'], 2), 'broker CPU s': num(r['broker CPU s'], 2), 'peak RSS MB': num(r['broker peak RSS MB'], 0) }));
  }
}
add('consume 1 KiB, 6 partitions, project client (defaults)', 'e2e/consumer-perf.js',
  ['--records', n(500_000), '--record-size', '1024', '--partitions', '6', '--mode', 'client'],
  (r) => ({ 'records/s': r['records/s']!, 'MB/s': num(r['MB/s']), 'p99 ms': num(r['fetch p99 ms'], 2), 'broker CPU s': num(r['broker CPU s'], 2), 'peak RSS MB': num(r['broker peak RSS MB'], 0) }));

printTable(out.map(({ command: _c, ...rest }) => rest));
const cols = Object.keys(out[0] ?? { what: '' });
const md = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...out.map((r) => `| ${cols.map((c) => (c === 'command' ? `\`${r[c]}\`` : String(r[c] ?? ''))).join(' | ')} |`)].join('\n');
const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `matrix-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, `# Benchmark matrix (${new Date().toISOString()}, Node ${process.version}, ${repeat} run(s) per row, median by MB/s)\n\n${md}\n`);
console.log(`results: ${file}`);
