// OAUTHBEARER: the client's first message (RFC 7628), the unsecured validator (Kafka's default: unsigned
// tokens, exp/iat with unsecuredValidatorAllowableClockSkewMs, principal and scope claims), the signed
// validator (KIP-768: RS/PS/ES signatures against a JWKS, aud, iss, exp, nbf, iat, clock skew, unknown kid
// refetch, alg none refused), the exchange's error challenge and the session lifetime a token bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSaslExchange, OAuthTokenError, parseClientInitialResponse, SaslAuthenticationError, SignedValidator, UnsecuredValidator, unsecuredOptions, type SignedOptions, type TokenValidator } from '../../../src/security/index.js';
import { sessionLifetime } from '../../../src/broker/sasl-session.js';
import { claims, jwks, JwksServer, makeKey, signJwt, unsecuredJwt } from '../../helpers/jwt.js';

const msg = (token: string, authzid = '', ext = '') => Buffer.from(`n,${authzid ? `a=${authzid}` : ''},\x01auth=Bearer ${token}\x01${ext}\x01`);

test('the client first message: token, authzid and extensions; malformed ones are refused', () => {
  const r = parseClientInitialResponse(msg('a.b.c', 'alice', 'traceId=123\x01'));
  assert.equal(r.token, 'a.b.c');
  assert.equal(r.authzid, 'alice');
  assert.equal(r.extensions.get('traceId'), '123');
  assert.equal(parseClientInitialResponse(Buffer.from('n,,\x01auth=bearer x.y.\x01\x01')).token, 'x.y.');
  for (const bad of ['', 'y,,\x01auth=Bearer a.b.c\x01\x01', 'n,,auth=Bearer a.b.c\x01\x01', 'n,,\x01host=x\x01\x01', 'n,,\x01auth=Basic abc\x01\x01',
    'n,,\x01auth=Bearer a.b.c\x01', 'n,,\x01auth=Bearer a b\x01\x01', 'n,,\x01auth=Bearer a.b.c\x011bad=x\x01\x01', 'n,,\x01auth=Bearer\x01\x01']) {
    assert.throws(() => parseClientInitialResponse(Buffer.from(bad)), /Invalid OAUTHBEARER client first message/, JSON.stringify(bad));
  }
});

test('unsecured validator: exp, iat and clock skew, principal and scope claims, only unsigned tokens', () => {
  const now = 1_700_000_000_000;
  const v = (jaas: Record<string, string> = {}) => new UnsecuredValidator(unsecuredOptions(jaas), () => now);
  const s = now / 1000;
  assert.deepEqual(v().validateSync(unsecuredJwt({ sub: 'alice', iat: s, exp: s + 60, scope: 'a b' })), { principal: 'alice', expiresAtMs: now + 60_000, scope: ['a', 'b'] });
  assert.throws(() => v().validateSync(unsecuredJwt({ sub: 'alice', exp: s })), /expired/);
  assert.equal(v({ unsecuredValidatorAllowableClockSkewMs: '5000' }).validateSync(unsecuredJwt({ sub: 'alice', exp: s - 1 })).principal, 'alice');
  assert.throws(() => v().validateSync(unsecuredJwt({ sub: 'alice', iat: s + 10, exp: s + 60 })), /issued in the future/);
  assert.throws(() => v().validateSync(unsecuredJwt({ sub: 'alice' })), /no exp claim/);
  assert.throws(() => v().validateSync(unsecuredJwt({ exp: s + 60 })), /no principal name in its sub claim/);
  assert.equal(v({ unsecuredValidatorPrincipalClaimName: 'email' }).validateSync(unsecuredJwt({ email: 'a@x', exp: s + 60 })).principal, 'a@x');
  const scoped = v({ unsecuredValidatorRequiredScope: 'kafka', unsecuredValidatorScopeClaimName: 'scp' });
  assert.deepEqual(scoped.validateSync(unsecuredJwt({ sub: 'a', exp: s + 60, scp: ['kafka', 'x'] })).scope, ['kafka', 'x']);
  assert.throws(() => scoped.validateSync(unsecuredJwt({ sub: 'a', exp: s + 60, scp: 'x' })), (e: OAuthTokenError) => e.status === 'insufficient_scope' && e.challenge() === '{"status":"insufficient_scope","scope":"kafka"}');
  const key = makeKey('RS256', 'k1');
  assert.throws(() => v().validateSync(signJwt({ sub: 'a', exp: s + 60 }, key)), /only unsigned tokens/);
  for (const bad of ['abc', 'a.b', '!!.e30.', 'e30.bm90IGpzb24.', 'W10.e30.', `${Buffer.from('{"alg":"none"}').toString('base64url')}.WzFd.`]) {
    assert.throws(() => v().validateSync(bad), OAuthTokenError, bad);
  }
});

test('unsecuredOptions refuses a bad clock skew', () => {
  assert.throws(() => unsecuredOptions({ unsecuredValidatorAllowableClockSkewMs: '-1' }), /unsecuredValidatorAllowableClockSkewMs/);
});

function jwksFile(body: string): { url: string; write(b: string): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-jwks-'));
  const path = join(dir, 'jwks.json');
  writeFileSync(path, body);
  return { url: pathToFileURL(path).href, write: (b) => writeFileSync(path, b), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const signedOptions = (jwksUrl: string, o: Partial<SignedOptions> = {}): SignedOptions => ({
  jwksUrl, refreshMs: 3_600_000, retryBackoffMs: 0, retryBackoffMaxMs: 0, expectedAudience: [], expectedIssuer: null, subClaim: 'sub', scopeClaim: 'scope', clockSkewSeconds: 30, ...o,
});

test('signed validator: RS256/RS512/PS256/ES256/ES384 from a file: JWKS; aud, iss, exp with skew, nbf, iat, signature, algs', async () => {
  const keys = [makeKey('RS256', 'rs'), makeKey('RS512', 'rs512'), makeKey('PS256', 'ps'), makeKey('ES256', 'es'), makeKey('ES384', 'es384')];
  const file = jwksFile(jwks(...keys));
  const v = new SignedValidator(signedOptions(file.url, { expectedAudience: ['kafka', 'other'], expectedIssuer: 'https://issuer' }));
  try {
    const good = claims('alice', { aud: ['kafka'], iss: 'https://issuer' });
    for (const k of keys) assert.equal((await v.validate(signJwt(good, k))).principal, 'alice', k.alg);
    assert.equal((await v.validate(signJwt({ ...good, aud: 'other' }, keys[0]!))).principal, 'alice');
    const fails = async (token: string, re: RegExp) => assert.rejects(v.validate(token), (e: Error) => e instanceof OAuthTokenError && re.test(e.message), re.source);
    await fails(signJwt({ ...good, aud: 'web' }, keys[0]!), /audience "web" is none of the expected/);
    await fails(signJwt({ ...good, aud: undefined }, keys[0]!), /audience null/);
    await fails(signJwt({ ...good, iss: 'https://evil' }, keys[0]!), /issuer "https:\/\/evil" is not the expected/);
    const now = Math.floor(Date.now() / 1000);
    await fails(signJwt({ ...good, iat: now - 100, exp: now - 31 }, keys[0]!), /expired/);
    assert.equal((await v.validate(signJwt({ ...good, iat: now - 100, exp: now - 20 }, keys[0]!))).principal, 'alice', 'within the 30 s skew');
    await fails(signJwt({ ...good, nbf: now + 60 }, keys[0]!), /not valid before/);
    await fails(signJwt({ ...good, iat: undefined }, keys[0]!), /no iat claim/);
    await fails(signJwt({ ...good, sub: undefined }, keys[0]!), /no principal name/);
    const t = signJwt(good, keys[0]!);
    await fails(`${t.slice(0, t.lastIndexOf('.'))}.${signJwt({ ...good, sub: 'mallory' }, keys[0]!).split('.')[2]}`, /signature does not verify/);
    await fails(signJwt(good, keys[0]!, { kid: 'es' }), /no key with kid es for RS256/);
    await fails(signJwt(good, keys[3]!, { alg: 'ES384' }), /no key with kid es for ES384/);
    await fails(unsecuredJwt(good), /algorithm "none" is not accepted/);
    await fails(signJwt(good, keys[0]!, { alg: 'HS256' }), /algorithm "HS256" is not accepted/);
    await fails('e30.e30', /3 dot-separated parts/);
    assert.equal((await v.validate(signJwt(good, keys[0]!, { kid: undefined }))).principal, 'alice', 'no kid: any fitting key');
  } finally {
    v.source.close();
    file.remove();
  }
});

test('signed validator: sub.claim.name, scope claim; an unknown kid refetches the JWKS (once a minute per kid)', async () => {
  const k1 = makeKey('RS256', 'k1');
  const k2 = makeKey('ES256', 'k2');
  const server = await JwksServer.start(jwks(k1));
  const v = new SignedValidator(signedOptions(server.url, { subClaim: 'client_id', scopeClaim: 'scp' }));
  try {
    const r = await v.validate(signJwt(claims('ignored', { client_id: 'svc', scp: ['kafka'] }), k1));
    assert.deepEqual([r.principal, r.scope], ['svc', ['kafka']]);
    assert.equal(server.fetches, 1);
    server.body = jwks(k1, k2);
    assert.equal((await v.validate(signJwt(claims('x', { client_id: 'svc2' }), k2))).principal, 'svc2', 'the new key was fetched');
    assert.equal(server.fetches, 2);
    const k3 = makeKey('RS256', 'k3');
    for (let i = 0; i < 5; i++) await assert.rejects(v.validate(signJwt(claims('x', { client_id: 'svc' }), k3)), /no key with kid k3/);
    assert.equal(server.fetches, 3, 'an unknown kid refetches once, then waits');
  } finally {
    v.source.close();
    await server.close();
  }
});

test('signed validator: an unreachable JWKS fails tokens with the reason, not the process', async () => {
  const v = new SignedValidator(signedOptions('http://127.0.0.1:1/jwks', { retryBackoffMs: 10, retryBackoffMaxMs: 40 }));
  try {
    await assert.rejects(v.validate(signJwt(claims('a'), makeKey('RS256', 'k'))), /has not been loaded/);
  } finally {
    v.source.close();
  }
});

test('the OAUTHBEARER exchange: success with the token\'s expiry; a bad token gets the JSON challenge, then fails on %x01; authzid must be the principal', async () => {
  const validator: TokenValidator = new UnsecuredValidator(unsecuredOptions({}));
  const config = { mechanisms: ['OAUTHBEARER'], plainUsers: new Map(), acceptRepeatedClientNonce: true, scramCredential: async () => undefined, oauthBearer: validator };
  const c = claims('alice', {}, 600);
  const ok = await createSaslExchange('OAUTHBEARER', config).evaluate(msg(unsecuredJwt(c), 'alice'));
  assert.equal(ok.user, 'alice');
  assert.equal(ok.credentialExpiresAtMs, (c.exp as number) * 1000);
  const ex = createSaslExchange('OAUTHBEARER', config);
  const challenge = await ex.evaluate(msg(unsecuredJwt(claims('alice', { iat: Math.floor(Date.now() / 1000) - 3600 }, -60))));
  assert.equal(challenge.user, undefined);
  assert.deepEqual(JSON.parse(challenge.response.toString()), { status: 'invalid_token' });
  await assert.rejects(ex.evaluate(Buffer.from('\x01')), (e: Error) => e instanceof SaslAuthenticationError && /invalid OAUTHBEARER token \(invalid_token\): the token expired/.test(e.message));
  await assert.rejects(createSaslExchange('OAUTHBEARER', config).evaluate(msg(unsecuredJwt(c), 'bob')), /authorization id \(bob\) that is different from the token's principal name \(alice\)/);
  await assert.rejects(createSaslExchange('OAUTHBEARER', config).evaluate(Buffer.from('n,,\x01\x01')), (e: Error) => e instanceof SaslAuthenticationError && /'auth' not specified/.test(e.message));
});

test('session lifetime: connections.max.reauth.ms or the token\'s remaining life, the sooner', () => {
  assert.equal(sessionLifetime(1000, 0, undefined), undefined);
  assert.equal(sessionLifetime(1000, 500, undefined), 500);
  assert.equal(sessionLifetime(1000, 0, 4000), 3000);
  assert.equal(sessionLifetime(1000, 500, 4000), 500);
  assert.equal(sessionLifetime(1000, 5000, 4000), 3000);
  assert.equal(sessionLifetime(1000, 5000, 900), 0);
});
