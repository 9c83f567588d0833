// Shared output for benchmarks: a printed table, and JSON under bench/results/ for before/after diffs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RESULTS = resolve(import.meta.dirname, '..', '..', 'bench', 'results');

export function writeResults(name: string, rows: Array<Record<string, string | number>>, meta: Record<string, unknown> = {}): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, ...meta, rows }, null, 2));
  return file;
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? '').length)));
  const line = (vals: string[]) => '| ' + vals.map((v, i) => v.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(cols));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c] ?? ''))));
}
