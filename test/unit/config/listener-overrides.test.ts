// listener.name.<listener>.<key>: per-listener ssl.* and sasl.* overrides, validated at load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, listenerConfig, listenerOverrides, loadBrokerConfig } from '../../../src/config/index.js';

test('per-listener keys override the plain key for that listener only', () => {
  const cfg = loadBrokerConfig({ overrides: {
    'ssl.client.auth': 'none',
    'listener.name.MTLS.ssl.client.auth': 'required',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': 'X required user_a="b";',
  } });
  assert.equal(listenerConfig(cfg, 'MTLS')['ssl.client.auth'], 'required');
  assert.equal(listenerConfig(cfg, 'SSL')['ssl.client.auth'], 'none');
  assert.equal(listenerOverrides(cfg, 'SASL_SSL')['plain.sasl.jaas.config'], 'X required user_a="b";');
  assert.deepEqual(cfg['listener.security.protocol.map'], ['PLAINTEXT:PLAINTEXT', 'SSL:SSL', 'SASL_PLAINTEXT:SASL_PLAINTEXT', 'SASL_SSL:SASL_SSL']);
});

test('bad per-listener keys and values are refused at load with the key', () => {
  assert.throws(() => loadBrokerConfig({ overrides: { 'listener.name.x.ssl.client.auth': 'sometimes' } }), ConfigError);
  assert.throws(() => loadBrokerConfig({ overrides: { 'listener.name.x.log.retention.ms': '5' } }), /only ssl\.\*, sasl\.\*/);
  assert.throws(() => loadBrokerConfig({ overrides: { 'listener.security.protocol.map': 'A:TLS' } }), ConfigError);
});
