// The broker's SASL exchanges: PLAIN against JAAS users, SCRAM against stored credentials, including the
// final message of librdkafka before 2.6.1 (client nonce repeated before the server nonce), accepted only
// while sasl.scram.accept.repeated.client.nonce is on and only with a valid proof.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scram } from '../../../src/protocol/index.js';
import { createSaslExchange, parseJaasConfig, plainUsers, loginCredentials, parsePrincipalRules, mapDistinguishedName, SaslAuthenticationError, type SaslServerConfig } from '../../../src/security/index.js';

const bobCred = Scram.credentialFromPassword('SCRAM-SHA-512', 'bob-secret', 4096);
const config = (acceptRepeatedClientNonce = true): SaslServerConfig => ({
  mechanisms: ['PLAIN', 'SCRAM-SHA-512'],
  plainUsers: new Map([['alice', 'alice-secret']]),
  acceptRepeatedClientNonce,
  scramCredential: async (user, m) => (user === 'bob' && m === 'SCRAM-SHA-512' ? bobCred : undefined),
});

async function scram(password: string, opts: { repeatNonce?: boolean; accept?: boolean; user?: string } = {}) {
  const ex = createSaslExchange('SCRAM-SHA-512', config(opts.accept ?? true));
  const nonce = 'clientnonce123';
  const first = Scram.formatClientFirst(opts.user ?? 'bob', nonce);
  const sfText = (await ex.evaluate(Buffer.from(first.message))).response.toString();
  const sf = Scram.parseServerFirst(sfText);
  assert.ok(sf.nonce.startsWith(nonce));
  const finalNonce = opts.repeatNonce ? nonce + sf.nonce : sf.nonce;
  const withoutProof = `c=biws,r=${finalNonce}`;
  const auth = Scram.authMessage(first.bare, sfText, withoutProof);
  const salted = Scram.saltedPassword('SCRAM-SHA-512', password, sf.salt, sf.iterations);
  return ex.evaluate(Buffer.from(`${withoutProof},p=${Scram.clientProof('SCRAM-SHA-512', salted, auth).toString('base64')}`));
}

test('SCRAM-SHA-512: the right password completes with the user and a server signature', async () => {
  const step = await scram('bob-secret');
  assert.equal(step.user, 'bob');
  assert.match(step.response.toString(), /^v=/);
});

test('SCRAM: wrong password, unknown user: Kafka\'s message', async () => {
  await assert.rejects(scram('nope'), (e: Error) => e instanceof SaslAuthenticationError && e.message === 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
  await assert.rejects(scram('bob-secret', { user: 'nobody' }), SaslAuthenticationError);
});

test('SCRAM: librdkafka < 2.6.1\'s repeated client nonce is accepted with a valid proof, refused when the setting is off', async () => {
  assert.equal((await scram('bob-secret', { repeatNonce: true })).user, 'bob');
  await assert.rejects(scram('nope', { repeatNonce: true }), SaslAuthenticationError, 'the proof is still verified');
  await assert.rejects(scram('bob-secret', { repeatNonce: true, accept: false }), /Invalid client nonce/);
});

test('PLAIN: JAAS users; wrong passwords and malformed messages fail', async () => {
  const ok = await createSaslExchange('PLAIN', config()).evaluate(Buffer.from('\u0000alice\u0000alice-secret'));
  assert.equal(ok.user, 'alice');
  await assert.rejects(createSaslExchange('PLAIN', config()).evaluate(Buffer.from('\u0000alice\u0000x')), /Invalid username or password/);
  await assert.rejects(createSaslExchange('PLAIN', config()).evaluate(Buffer.from('garbage')), SaslAuthenticationError);
  await assert.rejects(createSaslExchange('PLAIN', config()).evaluate(Buffer.from('bob\u0000alice\u0000alice-secret')), SaslAuthenticationError, 'another authorization id');
});

test('JAAS configs: users, login credentials, quoting, errors', () => {
  const e = parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="a\\"b" user_admin="a\\"b" user_alice=alice-secret;');
  assert.deepEqual([...plainUsers(e)], [['admin', 'a"b'], ['alice', 'alice-secret']]);
  assert.deepEqual(loginCredentials(e), { username: 'admin', password: 'a"b' });
  assert.throws(() => parseJaasConfig('Module required user_a="x"'), /must end with/);
  assert.throws(() => parseJaasConfig('Module maybe;'), /control flag/);
  assert.throws(() => parseJaasConfig(''), /no login module/);
});

test('ssl.principal.mapping.rules: RULE with case folding, DEFAULT, first match wins', () => {
  const rules = parsePrincipalRules('RULE:^CN=([^,]+),OU=Clients,.*$/$1/L,RULE:^CN=(.*?),.*$/svc-$1/U,DEFAULT');
  assert.equal(mapDistinguishedName(rules, 'CN=Alice,OU=Clients,O=Gregor,C=DE'), 'alice');
  assert.equal(mapDistinguishedName(rules, 'CN=batch,O=Gregor'), 'SVC-BATCH');
  assert.equal(mapDistinguishedName(rules, 'O=Gregor'), 'O=Gregor');
  assert.equal(mapDistinguishedName(parsePrincipalRules('DEFAULT'), 'CN=x,O=y'), 'CN=x,O=y');
  assert.throws(() => parsePrincipalRules('RULE:abc'), /ssl.principal.mapping.rules/);
});
