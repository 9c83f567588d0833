// listener.name.<listener>.<key>: per-listener ssl.* and sasl.* overrides, validated at load; and
// listener.name.<listener>.oauthbearer.sasl.*, OAUTHBEARER's own, which choose its token validator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, listenerConfig, listenerOverrides, loadBrokerConfig, mechanismConfig } from '../../../src/config/index.js';
import { oauthBearerValidator } from '../../../src/broker/listeners.js';
import { SignedValidator, UnsecuredValidator } from '../../../src/security/index.js';

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

test('listener.name.<l>.oauthbearer.sasl.*: OAUTHBEARER\'s own settings over the listener\'s and the plain keys; bad ones refused', () => {
  const cfg = loadBrokerConfig({ overrides: {
    'sasl.oauthbearer.expected.issuer': 'https://a',
    'sasl.oauthbearer.clock.skew.seconds': '10',
    'listener.name.ext.sasl.oauthbearer.clock.skew.seconds': '20',
    'listener.name.ext.oauthbearer.sasl.oauthbearer.expected.issuer': 'https://b',
    'listener.name.ext.oauthbearer.sasl.oauthbearer.expected.audience': 'x,y',
  } });
  const ext = mechanismConfig(cfg, 'EXT', 'OAUTHBEARER');
  assert.equal(ext['sasl.oauthbearer.expected.issuer'], 'https://b');
  assert.deepEqual(ext['sasl.oauthbearer.expected.audience'], ['x', 'y']);
  assert.equal(ext['sasl.oauthbearer.clock.skew.seconds'], 20);
  assert.equal(mechanismConfig(cfg, 'OTHER', 'OAUTHBEARER')['sasl.oauthbearer.expected.issuer'], 'https://a');
  assert.equal(listenerConfig(cfg, 'EXT')['sasl.oauthbearer.expected.issuer'], 'https://a', 'the mechanism prefix is OAUTHBEARER\'s alone');
  assert.throws(() => loadBrokerConfig({ overrides: { 'listener.name.x.oauthbearer.sasl.oauthbearer.clock.skew.seconds': '-1' } }), ConfigError);
  assert.throws(() => loadBrokerConfig({ overrides: { 'listener.name.x.oauthbearer.log.retention.ms': '5' } }), ConfigError);
});

test('the OAUTHBEARER validator a listener\'s settings choose: unsecured by default, signed with a JWKS URL, anything else refused', () => {
  const load = (o: Record<string, string>) => loadBrokerConfig({ overrides: o });
  assert.ok(oauthBearerValidator(load({}), 'L') instanceof UnsecuredValidator);
  const jaas = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorPrincipalClaimName="email";';
  const v = oauthBearerValidator(load({ 'listener.name.l.oauthbearer.sasl.jaas.config': jaas }), 'L') as UnsecuredValidator;
  assert.equal(v.options.principalClaim, 'email');
  const handler = 'listener.name.l.oauthbearer.sasl.server.callback.handler.class';
  assert.throws(() => oauthBearerValidator(load({ [handler]: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler' }), 'L'), /needs sasl.oauthbearer.jwks.endpoint.url/);
  assert.throws(() => oauthBearerValidator(load({ [handler]: 'com.example.MyHandler' }), 'L'), /com.example.MyHandler is not supported/);
  assert.throws(() => oauthBearerValidator(load({ [handler]: 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler', 'sasl.oauthbearer.jwks.endpoint.url': 'ftp://x/jwks' }), 'L'), /expected an http:\/\/, https:\/\/ or file: URL/);
  const signed = oauthBearerValidator(load({ [handler]: 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler', 'sasl.oauthbearer.jwks.endpoint.url': 'file:///nonexistent/jwks.json' }), 'L');
  assert.ok(signed instanceof SignedValidator);
  signed.source.close();
});
