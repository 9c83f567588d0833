import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, effectiveTopicConfig, loadBrokerConfig, parseProperties, validateTopicConfigs } from '../../../src/config/index.js';

test('parseProperties reads Java properties syntax', () => {
  const p = parseProperties(['# comment', '! also comment', 'a=1', 'b : two', 'c three', '  d=with\\', '    continuation', 'e=x\\=y', 'f='].join('\n'));
  assert.deepEqual(Object.fromEntries(p), { a: '1', b: 'two', c: 'three', d: 'withcontinuation', e: 'x=y', f: '' });
});

test('layers: defaults < file < environment < overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-cfg-'));
  const file = join(dir, 'server.properties');
  writeFileSync(file, 'num.partitions=3\nlog.dirs=/from/file\nlog.retention.hours=24\nsome.unknown.key=1\n');
  const unknown: string[] = [];
  const cfg = loadBrokerConfig({ file, env: { GREGOR_LOG_DIRS: '/from/env', GREGOR_NUM_PARTITIONS: '4', PATH: '/bin' }, overrides: { 'num.partitions': '5' }, onUnknownKey: (k) => unknown.push(k) });
  assert.equal(cfg['num.partitions'], 5);
  assert.equal(cfg['log.dirs'], '/from/env');
  assert.equal(cfg['log.retention.hours'], 24);
  assert.equal(cfg['auto.create.topics.enable'], true);
  assert.deepEqual(unknown, ['some.unknown.key']);
  assert.ok(Object.isFrozen(cfg));
});

test('aliases set the same key', () => {
  assert.equal(loadBrokerConfig({ overrides: { 'node.id': '7' } })['broker.id'], 7);
  assert.equal(loadBrokerConfig({ overrides: { 'log.dir': '/x' } })['log.dirs'], '/x');
});

test('bad values are refused with key, value and what is allowed', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['num.partitions', 'zero', /integer/],
    ['num.partitions', '0', />= 1/],
    ['auto.create.topics.enable', 'yes', /true or false/],
    ['compression.type', 'brotli', /one of producer, uncompressed, gzip, snappy, lz4, zstd/],
    ['listeners', 'localhost:9092', /NAME:\/\/host:port/],
    ['message.max.bytes', '99999999999', /32-bit/],
  ];
  for (const [key, value, re] of cases) {
    assert.throws(() => loadBrokerConfig({ overrides: { [key]: value } }), (e: unknown) => e instanceof ConfigError && re.test(e.message) && e.message.includes(key) && e.message.includes(`"${value}"`) && e.key === key, `${key}=${value}`);
  }
});

test('Long.MAX_VALUE style defaults are accepted', () => {
  assert.equal(loadBrokerConfig({ overrides: { 'log.flush.interval.messages': '9223372036854775807' } })['log.flush.interval.messages'], Number.MAX_SAFE_INTEGER);
});

test('topic configs: validated by Kafka name, defaults from the broker', () => {
  const broker = loadBrokerConfig({ overrides: { 'log.retention.hours': '1', 'log.segment.bytes': '1000' } });
  const eff = effectiveTopicConfig(broker, { 'segment.bytes': '2000' });
  assert.equal(eff['retention.ms'], 3_600_000);
  assert.equal(eff['segment.bytes'], 2000);
  assert.deepEqual(eff['cleanup.policy'], ['delete']);
  assert.deepEqual(validateTopicConfigs({ 'cleanup.policy': 'compact,delete' }), { 'cleanup.policy': 'compact,delete' });
  assert.throws(() => validateTopicConfigs({ 'retention.ms': 'soon' }), /retention\.ms/);
  assert.throws(() => validateTopicConfigs({ 'no.such.config': '1' }), /no\.such\.config/);
  assert.throws(() => validateTopicConfigs({ 'cleanup.policy': 'shred' }), /cleanup\.policy/);
});
