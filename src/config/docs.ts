// README's configuration tables, generated from the schema: `npm run docs:config` writes them between
// the markers in README.md, and test/unit/config/readme.test.ts fails when README and schema disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { formatConfigValue } from './load.js';
import { BROKER_CONFIG, TOPIC_CONFIG, type ConfigKey, type TopicKey } from './schema.js';

export const README_BEGIN = '<!-- config:begin (generated from src/config/schema.ts by `npm run docs:config`: edit the schema, not this table) -->';
export const README_END = '<!-- config:end -->';

const DURATIONS: ReadonlyArray<readonly [number, string, string]> = [[86_400_000, 'day', 'days'], [3_600_000, 'h', 'h'], [60_000, 'min', 'min'], [1_000, 's', 's']];
const SIZES: ReadonlyArray<readonly [number, string]> = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];

/** The default in words, from the key's unit (`.ms`, `.bytes`, `.size`), when it is a round number of a larger one. */
function inUnits(k: ConfigKey): string | undefined {
  const v = k.default;
  if (typeof v !== 'number' || v <= 0) return undefined;
  if (k.name.endsWith('.ms')) {
    const d = DURATIONS.find(([ms]) => v >= ms && v % ms === 0);
    return d ? `${v / d[0]} ${v === d[0] ? d[1] : d[2]}` : undefined;
  }
  if (k.name.endsWith('.bytes') || k.name.endsWith('.size')) {
    const s = SIZES.find(([b]) => v >= b && v % b === 0);
    return s ? `${v / s[0]} ${s[1]}` : undefined;
  }
  return undefined;
}

/** The default column: Kafka's textual form of the default in code, with its meaning in words; or what unset means. */
export function defaultCell(k: ConfigKey): string {
  const v = formatConfigValue(k.default);
  if (v === null) return k.defaultText ?? 'unset';
  const words = k.defaultText ?? inUnits(k);
  return words === undefined ? `\`${v}\`` : `\`${v}\` (${words})`;
}

export function keyCell(k: ConfigKey): string {
  const aliases = k.aliases?.length ? ` (${k.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
  return `\`${k.name}\`${aliases}`;
}

export function originCell(k: ConfigKey): string {
  return k.origin === 'gregor' ? 'Gregor' : 'Kafka';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;

/** The generated part of README's "## Configuration" section (without the markers). */
export function configTablesMarkdown(): string {
  const lines = [
    'The origin column says whose key it is: **Kafka** keys have Apache Kafka\'s name and meaning; **Gregor** keys are',
    'Gregor\'s own (its worker pools, zero-copy paths, gateway, logging) and mean nothing to a Kafka broker.',
    '',
    '### Broker configs',
    '',
    '| key | default | origin | meaning |',
    '|---|---|---|---|',
    ...BROKER_CONFIG.map((k) => row([keyCell(k), defaultCell(k), originCell(k), k.doc])),
    '',
    '### Topic configs',
    '',
    'Topic-level overrides use Kafka\'s topic config names; a topic without its own value takes the broker key\'s.',
    '',
    '| key | default | broker key | origin | meaning |',
    '|---|---|---|---|---|',
    ...TOPIC_CONFIG.map((k: TopicKey) => row([keyCell(k), defaultCell(k), k.synonym === undefined ? '' : `\`${k.synonym}\``, originCell(k), k.doc])),
  ];
  return lines.join('\n');
}

/** README text with the generated section put between its markers. */
export function withConfigTables(readme: string): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README has no ${README_BEGIN} ... ${README_END} markers`);
  return `${readme.slice(0, begin + README_BEGIN.length)}\n${configTablesMarkdown()}\n${readme.slice(end)}`;
}

// `node dist/src/config/docs.js README.md` (npm run docs:config) rewrites the section in place.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2] ?? 'README.md';
  const before = readFileSync(path, 'utf8');
  const after = withConfigTables(before);
  if (after !== before) writeFileSync(path, after);
  process.stdout.write(`${path}: configuration tables ${after === before ? 'already up to date' : 'rewritten'}\n`);
}
