// README's configuration tables against the schema: every key listed once, no key the schema lacks,
// the same default and origin; and the generated section is what `npm run docs:config` writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BROKER_CONFIG, TOPIC_CONFIG, formatConfigValue, type ConfigKey } from '../../../src/config/index.js';
import { README_BEGIN, README_END, withConfigTables } from '../../../src/config/docs.js';

// dist/test/unit/config/ -> the repository root.
const README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

interface Row {
  names: string[];
  cells: string[];
}

/** The rows of the markdown table under `heading` inside README's generated section. */
function tableRows(heading: string): Row[] {
  const section = README.slice(README.indexOf(README_BEGIN), README.indexOf(README_END));
  const start = section.indexOf(`### ${heading}`);
  assert.ok(start >= 0, `README has a "### ${heading}" table`);
  const rows: Row[] = [];
  for (const line of section.slice(start).split('\n').slice(1)) {
    if (line.startsWith('### ')) break;
    if (!line.startsWith('| `')) continue;
    const cells = line.slice(2, -2).split(/ (?<!\\)\| /);
    rows.push({ names: [...cells[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]), cells });
  }
  return rows;
}

function checkTable(heading: string, keys: readonly ConfigKey[], originColumn: number): void {
  const rows = tableRows(heading);
  const listed = rows.map((r) => r.names[0]);
  const schemaNames = keys.map((k) => k.name);
  assert.deepEqual(schemaNames.filter((n) => !listed.includes(n)), [], `${heading}: schema keys missing from README (run npm run docs:config)`);
  assert.deepEqual(listed.filter((n) => !schemaNames.includes(n)), [], `${heading}: README lists keys the schema lacks`);
  assert.equal(new Set(listed).size, listed.length, `${heading}: a key listed twice`);
  for (const k of keys) {
    const row = rows.find((r) => r.names[0] === k.name)!;
    assert.deepEqual(row.names.slice(1), [...(k.aliases ?? [])], `${k.name}: aliases`);
    const shown = /^`([^`]*)`/.exec(row.cells[1])?.[1] ?? null;
    assert.equal(shown, formatConfigValue(k.default), `${k.name}: README's default differs from the schema's`);
    assert.equal(row.cells[originColumn], k.origin === 'gregor' ? 'Gregor' : 'Kafka', `${k.name}: origin`);
  }
}

test('README lists every broker key with the schema default and origin, and nothing else', () => {
  checkTable('Broker configs', BROKER_CONFIG, 2);
});

test('README lists every topic key with the schema default, and nothing else', () => {
  checkTable('Topic configs', TOPIC_CONFIG, 3);
});

test('README\'s configuration section is what npm run docs:config generates from the schema', () => {
  assert.ok(README.includes(README_BEGIN) && README.includes(README_END), 'README has the generated-section markers');
  assert.equal(README, withConfigTables(README), 'README is out of date with src/config/schema.ts: run npm run docs:config');
});

test('Gregor\'s own keys are marked in the schema; Kafka\'s keep Kafka\'s names', () => {
  const own = BROKER_CONFIG.filter((k) => k.origin === 'gregor').map((k) => k.name);
  for (const prefix of ['worker.', 'append.pool', 'fetch.zero.copy', 'fetch.cold.reads.pool', 'gateway.']) {
    for (const k of BROKER_CONFIG.filter((k) => k.name.startsWith(prefix))) assert.ok(own.includes(k.name), `${k.name} is Gregor's own`);
  }
  assert.ok(own.includes('log.level'));
  for (const kafka of ['listeners', 'log.retention.hours', 'compression.gzip.level', 'compression.zstd.level', 'queued.max.request.bytes', 'producer.id.expiration.ms']) {
    assert.ok(!own.includes(kafka), `${kafka} is Kafka's`);
  }
  assert.ok(TOPIC_CONFIG.every((k) => k.origin === undefined), 'topic keys are all Kafka\'s');
});
