// Kafka-style command-line values, parsed without a broker: repeatable `key=value` flags (--override,
// --config, --producer-property), integer options, and kafka-configs.sh's --add-config list syntax.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { collectKeyValue } from '../../../src/cli/args.js';
import { intOption } from '../../../src/cli/topics-command.js';
import { parseAddConfig } from '../../../src/cli/configs-command.js';

describe('collectKeyValue (repeatable key=value flags)', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['a=b', { a: 'b' }],
    ['log.dirs=/var/lib/gregor', { 'log.dirs': '/var/lib/gregor' }],
    ['a=b=c', { a: 'b=c' }], // only the first '=' separates
    ['a=', { a: '' }], // an empty value is a value
    [' a =  x ', { a: '  x ' }], // the key is trimmed, the value is kept as written
    ['listeners=PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093', { listeners: 'PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093' }],
  ];
  for (const [arg, want] of cases) {
    it(`${JSON.stringify(arg)} -> ${JSON.stringify(want)}`, () => {
      assert.deepEqual(collectKeyValue(arg), want);
    });
  }
  for (const bad of ['novalue', '=x', '', ' ']) {
    it(`${JSON.stringify(bad)} is refused, naming the argument`, () => {
      assert.throws(() => collectKeyValue(bad), { message: `expected key=value, got "${bad}"` });
    });
  }
  it('repeats accumulate; a later flag for the same key wins; the previous record is not modified', () => {
    const first = collectKeyValue('a=1');
    const second = collectKeyValue('b=2', first);
    const third = collectKeyValue('a=3', second);
    assert.deepEqual(third, { a: '3', b: '2' });
    assert.deepEqual(first, { a: '1' });
    assert.deepEqual(second, { a: '1', b: '2' });
  });
});

describe('intOption (integer flags such as --partitions, --offset)', () => {
  const partitions = intOption('a partition count', 1, 1_000_000);
  const offset = intOption('an offset', -1);
  const good: Array<[(v: string) => number, string, number]> = [
    [partitions, '1', 1], [partitions, '1000000', 1_000_000], [partitions, ' 12 ', 12],
    [offset, '-1', -1], [offset, '0', 0], [offset, String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ];
  for (const [parse, v, want] of good) it(`${JSON.stringify(v)} -> ${want}`, () => assert.equal(parse(v), want));
  const bad: Array<[(v: string) => number, string, RegExp]> = [
    [partitions, '0', /^expected a partition count \(an integer from 1 to 1000000\)$/],
    [partitions, '1000001', /from 1 to 1000000/],
    [partitions, '1.5', /an integer/], [partitions, '1e3', /an integer/], [partitions, '0x10', /an integer/],
    [partitions, '', /an integer/], [partitions, 'three', /an integer/],
    [offset, '-2', /^expected an offset \(an integer >= -1\)$/],
    [offset, '9007199254740993', /an integer/], // beyond Number.MAX_SAFE_INTEGER: refused, not rounded
  ];
  for (const [parse, v, message] of bad) {
    it(`${JSON.stringify(v)} is refused with commander's InvalidArgumentError (${message.source})`, () => {
      assert.throws(() => parse(v), (e: Error) => e instanceof InvalidArgumentError && message.test(e.message));
    });
  }
});

describe('parseAddConfig (kafka-configs.sh --add-config)', () => {
  const cases: Array<[string[], Record<string, string>]> = [
    [['retention.ms=1000'], { 'retention.ms': '1000' }],
    [['retention.ms=1000,segment.bytes=4096'], { 'retention.ms': '1000', 'segment.bytes': '4096' }],
    // A list value in brackets keeps its commas (kafka-configs.sh syntax).
    [['cleanup.policy=[compact,delete],retention.ms=5'], { 'cleanup.policy': 'compact,delete', 'retention.ms': '5' }],
    [['cleanup.policy=[compact]'], { 'cleanup.policy': 'compact' }],
    [['a=1', 'b=2', 'a=3'], { a: '3', b: '2' }], // repeated flags; the later value wins
    [[' retention.ms = 7 '], { 'retention.ms': '7' }],
    [['x='], { x: '' }],
  ];
  for (const [specs, want] of cases) {
    it(`${JSON.stringify(specs)} -> ${JSON.stringify(want)}`, () => assert.deepEqual(parseAddConfig(specs), want));
  }
  for (const bad of ['retention.ms', 'a=1,b', '=1']) {
    it(`${JSON.stringify(bad)} is refused`, () => {
      assert.throws(() => parseAddConfig([bad]), /expected key=value in --add-config/);
    });
  }
});
