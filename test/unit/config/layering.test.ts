// Config layering and validation: defaults < properties file < environment < command line, aliases in
// every layer, bad values refused with key/value/allowed and the layer they came from, typed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_CONFIG, ConfigError, TOPIC_CONFIG, brokerKey, defaultValue, effectiveTopicConfig, loadBrokerConfig, type ConfigKey } from '../../../src/config/index.js';

function propertiesFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gregor-layers-')), 'server.properties');
  writeFileSync(file, text);
  return file;
}

test('each layer overrides the one before it, key by key', () => {
  const file = propertiesFile('num.partitions=2\ndefault.replication.factor=2\nlog.segment.bytes=2000\nlog.level=warn\n');
  const env = { GREGOR_NUM_PARTITIONS: '3', GREGOR_DEFAULT_REPLICATION_FACTOR: '3' };
  const cfg = loadBrokerConfig({ file, env, overrides: { 'num.partitions': '4' } });
  assert.equal(cfg['num.partitions'], 4, 'command line beats environment');
  assert.equal(cfg['default.replication.factor'], 3, 'environment beats file');
  assert.equal(cfg['log.segment.bytes'], 2000, 'file beats default');
  assert.equal(cfg['log.level'], 'warn');
  assert.equal(cfg['message.max.bytes'], 1048588, 'default when no layer sets it');
});

test('no layer: every key has its schema default, lists copied out of the schema', () => {
  const cfg = loadBrokerConfig();
  const byName: Readonly<Record<string, unknown>> = cfg;
  for (const k of BROKER_CONFIG) assert.deepEqual(byName[k.name], defaultValue(k.default), k.name);
  assert.deepEqual(cfg['listeners'], ['PLAINTEXT://127.0.0.1:9092']);
  assert.equal(cfg['log.retention.ms'], null);
  assert.equal(cfg['worker.pool.threads'], null);
  assert.ok(Object.isFrozen(cfg));
});

test('aliases work in the file, the environment and on the command line; the last layer wins', () => {
  assert.equal(loadBrokerConfig({ file: propertiesFile('node.id=3\n') })['broker.id'], 3);
  assert.equal(loadBrokerConfig({ env: { GREGOR_NODE_ID: '4' } })['broker.id'], 4);
  assert.equal(loadBrokerConfig({ env: { GREGOR_LOG_DIR: '/env/dir' } })['log.dirs'], '/env/dir');
  assert.equal(loadBrokerConfig({ file: propertiesFile('broker.id=1\n'), overrides: { 'node.id': '2' } })['broker.id'], 2);
  assert.equal(loadBrokerConfig({ env: { GREGOR_NODE_ID: '5' }, overrides: { 'broker.id': '6' } })['broker.id'], 6);
  assert.equal(brokerKey('node.id')?.name, 'broker.id');
});

test('environment: only GREGOR_ variables naming a known key are read', () => {
  const unknown: string[] = [];
  const cfg = loadBrokerConfig({ env: { GREGOR_NOT_A_KEY: '1', NUM_PARTITIONS: '9', GREGOR_NUM_PARTITIONS: undefined }, onUnknownKey: (k) => unknown.push(k) });
  assert.equal(cfg['num.partitions'], 1);
  assert.deepEqual(unknown, []);
});

test('values are typed by the schema: numbers, booleans, lists, nullable keys', () => {
  const cfg = loadBrokerConfig({ overrides: {
    'auto.create.topics.enable': 'FALSE', 'listeners': 'PLAINTEXT://127.0.0.1:0, OTHER://[::1]:1', 'log.cleanup.policy': 'compact,delete',
    'log.retention.ms': '1000', 'log.cleaner.min.cleanable.ratio': '0.25', 'worker.pool.threads': '2', 'advertised.listeners': '',
  } });
  assert.equal(cfg['auto.create.topics.enable'], false);
  assert.deepEqual(cfg['listeners'], ['PLAINTEXT://127.0.0.1:0', 'OTHER://[::1]:1']);
  assert.deepEqual(cfg['log.cleanup.policy'], ['compact', 'delete']);
  assert.equal(cfg['log.retention.ms'], 1000);
  assert.equal(cfg['log.cleaner.min.cleanable.ratio'], 0.25);
  assert.equal(cfg['worker.pool.threads'], 2);
  assert.equal(cfg['advertised.listeners'], null, 'an empty value unsets a key whose default is unset');
});

test('a bad value names the key, the value, what is allowed and the layer it came from', () => {
  const refused = (opts: Parameters<typeof loadBrokerConfig>[0], key: string, value: string, allowed: RegExp, source: RegExp) =>
    assert.throws(() => loadBrokerConfig(opts), (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_CONFIG' && e.key === key &&
      e.message.includes(key) && e.message.includes(`"${value}"`) && allowed.test(e.message) && source.test(e.message), `${key}=${value}`);
  refused({ file: propertiesFile('log.retention.bytes=-2\n') }, 'log.retention.bytes', '-2', />= -1/, /from .*server\.properties/);
  refused({ env: { GREGOR_LOG_LEVEL: 'loud' } }, 'log.level', 'loud', /one of fatal, error, warn, info, debug, trace, silent/, /environment GREGOR_LOG_LEVEL/);
  refused({ overrides: { 'log.message.timestamp.type': 'Now' } }, 'log.message.timestamp.type', 'Now', /one of CreateTime, LogAppendTime/, /--override/);
  refused({ overrides: { 'node.id': '-1' } }, 'broker.id', '-1', />= 0/, /--override/);
  refused({ overrides: { 'log.cleaner.min.cleanable.ratio': '2' } }, 'log.cleaner.min.cleanable.ratio', '2', /\[0, 1\]/, /--override/);
  refused({ overrides: { 'gateway.ws.idle.timeout.ms': '10' } }, 'gateway.ws.idle.timeout.ms', '10', /\[8000, 960000\]/, /--override/);
  refused({ overrides: { 'compression.gzip.level': '0' } }, 'compression.gzip.level', '0', /-1 or a number in \[1, 9\]/, /--override/);
  refused({ overrides: { 'log.cleanup.policy': 'shred' } }, 'log.cleanup.policy', 'shred', /delete, compact/, /--override/);
  refused({ overrides: { 'num.partitions': '1.5' } }, 'num.partitions', '1.5', /an integer/, /--override/);
  // Only the final value is checked: a later layer replaces an earlier bad one.
  assert.equal(loadBrokerConfig({ file: propertiesFile('num.partitions=zero\n'), overrides: { 'num.partitions': '2' } })['num.partitions'], 2);
});

test('an unreadable properties file is refused with its path', () => {
  assert.throws(() => loadBrokerConfig({ file: '/nonexistent/gregor/server.properties' }), (e: unknown) => e instanceof ConfigError && /\/nonexistent\/gregor\/server\.properties/.test(e.message));
});

test('the schema is consistent: unique names and aliases, defaults pass their own validators', () => {
  const names = new Set<string>();
  for (const k of BROKER_CONFIG) {
    for (const n of [k.name, ...(k.aliases ?? [])]) {
      assert.ok(!names.has(n), `${n} declared once`);
      names.add(n);
    }
  }
  const check = (k: ConfigKey) => {
    const v = defaultValue(k.default);
    if (v === null) return;
    assert.equal(k.validate?.(v), undefined, `${k.name}: default ${String(v)} passes its validator`);
    if (k.allowed) assert.ok(typeof v === 'string' && k.allowed.includes(v), `${k.name}: default is allowed`);
  };
  BROKER_CONFIG.forEach(check);
  TOPIC_CONFIG.forEach(check);
  assert.equal(new Set(TOPIC_CONFIG.map((k) => k.name)).size, TOPIC_CONFIG.length);
  for (const k of TOPIC_CONFIG) if (k.synonym !== undefined) assert.ok(brokerKey(k.synonym), `${k.name}: synonym ${k.synonym} is a broker key`);
});

test('effective topic config: every topic key, typed, frozen, broker defaults flowing in', () => {
  const broker = loadBrokerConfig({ overrides: { 'compression.type': 'zstd', 'log.flush.interval.ms': '500', 'log.roll.hours': '1' } });
  const eff = effectiveTopicConfig(broker, { 'max.message.bytes': '2048' });
  assert.ok(Object.isFrozen(eff));
  assert.equal(eff['compression.type'], 'zstd');
  assert.equal(eff['flush.ms'], 500);
  assert.equal(eff['segment.ms'], 3_600_000);
  assert.equal(eff['max.message.bytes'], 2048);
  assert.equal(effectiveTopicConfig(loadBrokerConfig(), {})['flush.ms'], Number.MAX_SAFE_INTEGER, 'unset log.flush.interval.ms: never');
  const byName: Readonly<Record<string, unknown>> = eff;
  assert.deepEqual(Object.keys(byName).sort(), TOPIC_CONFIG.map((k) => k.name).sort());
});
