// Dynamic broker configs (AlterConfigs on the broker): which keys may change, validation naming the key,
// layering on the static configuration, and the static keys DescribeConfigs reports as STATIC_BROKER_CONFIG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveTopicConfig, loadBrokerConfig, staticallySetKeys, validateDynamicBrokerConfigs, withDynamicBrokerConfigs } from '../../../src/config/index.js';
import { parseAddConfig } from '../../../src/cli/configs-command.js';

test('dynamic broker configs: only the log defaults and friends, validated with the key named', () => {
  assert.deepEqual(validateDynamicBrokerConfigs({ 'log.retention.ms': '60000', 'log.cleanup.policy': 'compact' }), { 'log.retention.ms': '60000', 'log.cleanup.policy': 'compact' });
  assert.throws(() => validateDynamicBrokerConfigs({ 'log.dirs': '/elsewhere' }), (e: { code?: string; key?: string; message: string }) =>
    e.code === 'INVALID_CONFIG' && e.key === 'log.dirs' && /dynamically/.test(e.message));
  assert.throws(() => validateDynamicBrokerConfigs({ 'log.retention.bytes': 'lots' }), /log\.retention\.bytes/);
  assert.throws(() => validateDynamicBrokerConfigs({ 'no.such.key': '1' }), /no\.such\.key/);
});

test('dynamic values override static ones and flow into topic defaults; static keys stay known', () => {
  const base = loadBrokerConfig({ overrides: { 'log.retention.hours': '2', 'num.partitions': '3' } });
  assert.deepEqual([...staticallySetKeys(base)].sort(), ['log.retention.hours', 'num.partitions']);
  assert.equal(effectiveTopicConfig(base, {})['retention.ms'], 7_200_000);
  const dyn = withDynamicBrokerConfigs(base, { 'log.retention.ms': '1000', 'log.cleanup.policy': 'compact,delete' });
  assert.equal(effectiveTopicConfig(dyn, {})['retention.ms'], 1000, 'log.retention.ms wins over .hours');
  assert.deepEqual(effectiveTopicConfig(dyn, {})['cleanup.policy'], ['compact', 'delete']);
  assert.equal(effectiveTopicConfig(dyn, { 'retention.ms': '5' })['retention.ms'], 5, 'a topic override wins');
  assert.deepEqual([...staticallySetKeys(dyn)].sort(), ['log.retention.hours', 'num.partitions']);
  assert.ok(Object.isFrozen(dyn));
});

test('gregor configs --add-config: comma-separated pairs, lists in brackets', () => {
  assert.deepEqual(parseAddConfig(['retention.ms=1000,cleanup.policy=[compact,delete]', 'segment.bytes=4096']),
    { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete', 'segment.bytes': '4096' });
  assert.throws(() => parseAddConfig(['retention.ms']), /key=value/);
});
