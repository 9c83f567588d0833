// SASL/OAUTHBEARER against a broker process with two OAUTHBEARER listeners: UNSEC (Kafka's default,
// unsecured validator: unsigned tokens trusted as they are) and SIGNED (OAuthBearerValidatorCallbackHandler,
// KIP-768: JWTs the test signs with RS256 and ES256, keys served by a loopback JWKS endpoint, audience and
// issuer checked, connections.max.reauth.ms 60 s). kcat (librdkafka's unsecured JWT login) and kafkajs (a
// token provider) produce and consume; bad tokens (audience, issuer, expired, signature, unknown kid, alg
// none, malformed) fail, on the wire as RFC 7628 says (error challenge, %x01, SASL_AUTHENTICATION_FAILED);
// malformed client messages fail cleanly; the session lasts as long as the token (or reauth.ms); the
// broker serves on throughout. Tokens' principals are what ACLs see. The gateway with
// gateway.authentication=bearer takes the same signed tokens (keys from a file: JWKS) over HTTP and WebSocket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { ApiVersions, ErrorCode, SaslAuthenticate, SaslHandshake } from '../../src/protocol/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { LocalMetadataStore } from '../../src/metadata/index.js';
import { join } from 'node:path';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { buildClientCheck, CLIENT_CHECK_JAR } from '../helpers/client-check.js';
import { runIn } from '../helpers/run.js';
import { claims, jwks, JwksServer, makeKey, signJwt, unsecuredJwt, type TestKey } from '../helpers/jwt.js';
import { kafkaClient, kafkajsConnects } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { RawConnection } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';

const ISSUER = 'https://issuer.test';
const SIGNED_HANDLER = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler';

export const firstMessage = (token: string, authzid = '') => Buffer.from(`n,${authzid ? `a=${authzid}` : ''},\x01auth=Bearer ${token}\x01\x01`);

/** SaslHandshake + SaslAuthenticate with `authBytes` on a fresh connection. */
async function authenticate(port: number, authBytes: Buffer): Promise<{ raw: RawConnection; res: SaslAuthenticate.SaslAuthenticateResponse }> {
  const raw = await RawConnection.open(port);
  assert.equal((await raw.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).errorCode, ErrorCode.NONE);
  return { raw, res: await raw.request(SaslAuthenticate, 2, { authBytes }) };
}

describe('SASL/OAUTHBEARER: kcat, kafkajs, the wire', () => {
  let broker: BrokerProcess;
  let server: JwksServer;
  let rs: TestKey;
  let es: TestKey;
  const ports = { UNSEC: 0, SIGNED: 0 };

  before(async () => {
    await buildClientCheck();
    rs = makeKey('RS256', 'rs-1');
    es = makeKey('ES256', 'es-1');
    server = await JwksServer.start(jwks(rs, es));
    ports.UNSEC = await freePort();
    ports.SIGNED = await freePort();
    const plain = await freePort();
    broker = await BrokerProcess.start({
      port: plain,
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},UNSEC://127.0.0.1:${ports.UNSEC},SIGNED://127.0.0.1:${ports.SIGNED}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,UNSEC:SASL_PLAINTEXT,SIGNED:SASL_PLAINTEXT',
        'sasl.enabled.mechanisms': 'OAUTHBEARER',
        'listener.name.unsec.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorAllowableClockSkewMs="1000";',
        'listener.name.signed.oauthbearer.sasl.server.callback.handler.class': SIGNED_HANDLER,
        'listener.name.signed.oauthbearer.sasl.oauthbearer.jwks.endpoint.url': server.url,
        'listener.name.signed.oauthbearer.sasl.oauthbearer.expected.audience': 'kafka',
        'sasl.oauthbearer.expected.issuer': ISSUER,
        'listener.name.signed.connections.max.reauth.ms': 60_000,
        'num.partitions': 1,
        'group.initial.rebalance.delay.ms': 0,
      },
    });
  });
  after(async () => {
    await broker?.close();
    await server?.close();
  });

  /** The Java client's produce-and-consume (ClientCheck secure-roundtrip) with these client properties. */
  async function javaRoundtrip(name: string, port: number, props: string[], jvm: string[] = []): Promise<{ code: number | null; summary: any; stderr: string }> {
    const file = join(broker.logDir, `${name}.properties`);
    writeFileSync(file, props.join('\n') + '\n');
    const r = await runIn('java', [...jvm, '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', CLIENT_CHECK_JAR, 'secure-roundtrip', `127.0.0.1:${port}`, `java-${name}`, file, '50'], { timeoutMs: 180_000 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    return { code: r.code, summary: last.startsWith('{') ? JSON.parse(last) : null, stderr: r.stderr };
  }

  const good = (sub: string, extra: Record<string, unknown> = {}, lifetimeS = 3600) => claims(sub, { aud: 'kafka', iss: ISSUER, ...extra }, lifetimeS);
  const kafkajs = (token: string): Omit<KafkaConfig, 'logLevel' | 'retry'> => ({
    clientId: 'oauth-test', brokers: [`127.0.0.1:${ports.SIGNED}`], connectionTimeout: 10_000,
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
  });

  test('kcat (librdkafka, enable.sasl.oauthbearer.unsecure.jwt) against the unsecured validator: produce and consume as User:alice', async () => {
    const args = ['-b', `127.0.0.1:${ports.UNSEC}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER',
      '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', 'sasl.oauthbearer.config=principal=alice'];
    const lines = Array.from({ length: 100 }, (_, i) => `ob-${i}`);
    const p = await kcat([...args, '-P', '-t', 'ob-kcat'], lines.join('\n') + '\n', 60_000);
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat([...args, '-C', '-t', 'ob-kcat', '-o', 'beginning', '-e', '-q'], undefined, 60_000);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(c.stdout.trim().split('\n'), lines);
    assert.match(broker.output, /"principal":"User:alice","mechanism":"OAUTHBEARER"/);
    assert.match(broker.output, /OAUTHBEARER on listener UNSEC uses the unsecured validator: any unsigned token is trusted/);
    assert.doesNotMatch(broker.output, /OAUTHBEARER on listener SIGNED uses the unsecured validator/);
  });

  test('kafkajs with RS256 and ES256 tokens checked against the JWKS endpoint: produce and consume in a group', async () => {
    for (const [key, sub] of [[rs, 'svc-orders'], [es, 'svc-billing']] as const) {
      const kafka = new Kafka({ ...kafkajs(signJwt(good(sub), key)), logLevel: logLevel.NOTHING, retry: { retries: 2 } });
      const topic = `ob-kafkajs-${key.alg}`;
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: `${sub}-${i}` })) });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: `g-${topic}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: string[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      try {
        await waitFor(`${topic}: 20 records consumed`, () => got.length >= 20, 60_000);
      } finally {
        await consumer.disconnect();
      }
      assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => `${sub}-${i}`));
      assert.match(broker.output, new RegExp(`"principal":"User:${sub}","mechanism":"OAUTHBEARER"`));
    }
  });

  test('the Java client: OAuthBearerLoginModule\'s unsecured login (unsecuredLoginStringClaim_sub) against the unsecured validator', async () => {
    const r = await javaRoundtrip('ob-unsecured', ports.UNSEC, ['security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=OAUTHBEARER',
      'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";']);
    assert.equal(r.code, 0, `${JSON.stringify(r.summary)}\n${r.stderr.slice(-3000)}`);
    assert.deepEqual(r.summary, { summary: 'secure-roundtrip', produced: 50, consumed: 50 });
  });

  test('the Java client: OAuthBearerLoginCallbackHandler gets a signed token from a client_credentials token endpoint; a wrong audience fails', async () => {
    server.issue = (id, secret) => id === 'java-app' && secret === 'java-secret' ? signJwt(good('svc-java'), rs) : id === 'web-app' ? signJwt(good('svc-web', { aud: 'web' }), rs) : undefined;
    const props = (clientId: string) => ['security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=OAUTHBEARER',
      'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
      `sasl.oauthbearer.token.endpoint.url=${server.tokenUrl}`,
      `sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="${clientId}" clientSecret="java-secret";`];
    const jvm = [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${server.tokenUrl}`];
    let r = await javaRoundtrip('ob-signed', ports.SIGNED, props('java-app'), jvm);
    assert.equal(r.code, 0, `${JSON.stringify(r.summary)}\n${r.stderr.slice(-3000)}`);
    assert.deepEqual(r.summary, { summary: 'secure-roundtrip', produced: 50, consumed: 50 });
    assert.match(broker.output, /"principal":"User:svc-java","mechanism":"OAUTHBEARER"/);
    assert.ok(server.tokenRequests.some((f) => f.includes('grant_type=client_credentials')));
    r = await javaRoundtrip('ob-signed-web', ports.SIGNED, props('web-app'), jvm);
    assert.notEqual(r.code, 0);
    assert.match(`${r.summary?.error ?? ''}\n${r.stderr}`, /SaslAuthenticationException.*audience "web" is none of the expected kafka/s);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const badTokens = (): Array<[string, string, RegExp]> => {
    const t = signJwt(good('svc'), rs);
    return [
      ['wrong audience', signJwt(good('svc', { aud: 'web' }), rs), /audience "web" is none of the expected kafka/],
      ['wrong issuer', signJwt(good('svc', { iss: 'https://evil.test' }), rs), /issuer "https:\/\/evil.test" is not the expected/],
      ['expired', signJwt(good('svc', { iat: now() - 7200, exp: now() - 3600 }), rs), /the token expired/],
      ['bad signature', `${t.slice(0, t.lastIndexOf('.'))}.${signJwt(good('mallory'), rs).split('.')[2]}`, /signature does not verify/],
      ['unknown kid', signJwt(good('svc'), makeKey('RS256', 'rogue')), /no key with kid rogue/],
      ['alg none', unsecuredJwt(good('svc')), /algorithm "none" is not accepted/],
      ['malformed', 'not-a-jwt', /3 dot-separated parts/],
      ['garbage JSON', `${Buffer.from('{"alg":"RS256"').toString('base64url')}.${Buffer.from('[1,').toString('base64url')}.AAAA`, /header is not JSON/],
    ];
  };

  test('kafkajs with bad tokens cannot connect (it does not answer the error challenge); the broker logs why and serves on', async () => {
    for (const [name, token, reason] of badTokens()) {
      assert.equal(await kafkajsConnects(kafkajs(token)), false, name);
      await waitFor(`${name}: the broker logs the reason`, () => reason.test(broker.output.replaceAll('\\"', '"')), 10_000);
    }
    assert.equal(await kafkajsConnects(kafkajs(signJwt(good('svc'), rs))), true, 'a good token still works');
  });

  test('on the wire (RFC 7628): a bad token gets {"status":"invalid_token"}, %x01 then SASL_AUTHENTICATION_FAILED with the reason, and the close', async () => {
    for (const [name, token, reason] of badTokens()) {
      const { raw, res } = await authenticate(ports.SIGNED, firstMessage(token));
      try {
        assert.equal(res.errorCode, ErrorCode.NONE, name);
        assert.deepEqual(JSON.parse(res.authBytes.toString()), { status: 'invalid_token' }, name);
        const fin = await raw.request(SaslAuthenticate, 2, { authBytes: Buffer.from('\x01') });
        assert.equal(fin.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED, name);
        assert.match(fin.errorMessage ?? '', reason, name);
        assert.ok(await raw.waitClosed(), `${name}: closed`);
      } finally {
        raw.close();
      }
    }
    // A signed token means nothing to the unsecured validator, and an unsigned one is refused where keys are checked.
    const { raw, res } = await authenticate(ports.UNSEC, firstMessage(signJwt(good('svc'), rs)));
    raw.close();
    assert.deepEqual(JSON.parse(res.authBytes.toString()), { status: 'invalid_token' });
  });

  test('bad client messages (GS2 header, no auth=, not Bearer, no terminator, authzid of another user) fail cleanly; an oversized token closes the connection', async () => {
    const token = signJwt(good('svc'), rs);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['GS2 header', Buffer.from(`p=tls-unique,,\x01auth=Bearer ${token}\x01\x01`), /bad GS2 header/],
      ['no auth', Buffer.from('n,,\x01host=localhost\x01\x01'), /'auth' not specified/],
      ['Basic', Buffer.from('n,,\x01auth=Basic YWxpY2U6c2VjcmV0\x01\x01'), /not "Bearer <token>"/],
      ['no terminator', Buffer.from(`n,,\x01auth=Bearer ${token}\x01`), /must end with two/],
      ['binary', Buffer.from([0xff, 0x00, 0x01, 0x01]), /bad GS2 header/],
      ['authzid', firstMessage(token, 'admin'), /authorization id \(admin\) that is different from the token's principal name \(svc\)/],
    ];
    for (const [name, bytes, reason] of cases) {
      const { raw, res } = await authenticate(ports.SIGNED, bytes);
      try {
        assert.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED, name);
        assert.match(res.errorMessage ?? '', reason, name);
        assert.ok(await raw.waitClosed(), `${name}: closed`);
      } finally {
        raw.close();
      }
    }
    const big = await RawConnection.open(ports.SIGNED);
    try {
      assert.equal((await big.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).errorCode, ErrorCode.NONE);
      big.send(SaslAuthenticate, 2, { authBytes: firstMessage(`${'a'.repeat(600_000)}.b.c`) });
      assert.ok(await big.waitClosed(), 'a token above sasl.server.max.receive.size closes the connection');
    } finally {
      big.close();
    }
    assert.equal(await kafkajsConnects(kafkajs(token)), true, 'the broker serves on');
  });

  test('session_lifetime_ms: the token\'s remaining life, capped by connections.max.reauth.ms; the session ends with the token unless re-authenticated with a fresh one (same principal)', async () => {
    let { raw, res } = await authenticate(ports.SIGNED, firstMessage(signJwt(good('svc'), rs)));
    raw.close();
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.sessionLifetimeMs, 60_000, 'reauth.ms is sooner than the token\'s hour');
    const exp = now() + 3;
    ({ raw, res } = await authenticate(ports.SIGNED, firstMessage(signJwt(good('svc', { exp }), rs))));
    try {
      assert.equal(res.errorCode, ErrorCode.NONE);
      assert.ok(res.sessionLifetimeMs > 0 && res.sessionLifetimeMs <= 3000, `lifetime ${res.sessionLifetimeMs}`);
      assert.equal((await raw.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' })).errorCode, ErrorCode.NONE);
      await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 200));
      raw.send(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      assert.ok(await raw.waitClosed(), 'a request after the token expired closes the connection');
    } finally {
      raw.close();
    }
    // Re-authentication (KIP-368) with a fresh token on the same connection outlives the first token; another principal may not take the connection over.
    const first = now() + 3;
    ({ raw, res } = await authenticate(ports.SIGNED, firstMessage(signJwt(good('svc', { exp: first }), rs))));
    try {
      assert.equal(res.errorCode, ErrorCode.NONE);
      assert.equal((await raw.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).errorCode, ErrorCode.NONE);
      const again = await raw.request(SaslAuthenticate, 2, { authBytes: firstMessage(signJwt(good('svc'), rs)) });
      assert.equal(again.errorCode, ErrorCode.NONE);
      assert.equal(again.sessionLifetimeMs, 60_000);
      await new Promise((r) => setTimeout(r, first * 1000 - Date.now() + 200));
      assert.equal((await raw.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' })).errorCode, ErrorCode.NONE, 'served past the first token\'s exp');
      assert.equal((await raw.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).errorCode, ErrorCode.NONE);
      const other = await raw.request(SaslAuthenticate, 2, { authBytes: firstMessage(signJwt(good('mallory'), rs)) });
      assert.equal(other.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
      assert.match(other.errorMessage ?? '', /Cannot change principals during re-authentication from User:svc: User:mallory/);
      assert.ok(await raw.waitClosed());
    } finally {
      raw.close();
    }
    // Without connections.max.reauth.ms (UNSEC) the token alone bounds the session.
    ({ raw, res } = await authenticate(ports.UNSEC, firstMessage(unsecuredJwt(claims('alice', {}, 120)))));
    raw.close();
    assert.ok(res.sessionLifetimeMs > 100_000 && res.sessionLifetimeMs <= 120_000, `lifetime ${res.sessionLifetimeMs}`);
  });
});

describe('OAUTHBEARER principals and ACLs', () => {
  let broker: BrokerProcess;
  let port: number;

  before(async () => {
    port = await freePort();
    const plain = await freePort();
    broker = await BrokerProcess.start({
      port: plain,
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},UNSEC://127.0.0.1:${port}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,UNSEC:SASL_PLAINTEXT',
        'sasl.enabled.mechanisms': 'OAUTHBEARER',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': false,
        // The PLAINTEXT listener (User:ANONYMOUS) sets the test up.
        'super.users': 'User:ANONYMOUS',
        'num.partitions': 1,
      },
    });
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'ob-acl' }, { topic: 'ob-acl-other' }], waitForLeaders: true });
      // (kafkajs's enums are not ESM exports: TOPIC 2, LITERAL 3, WRITE 4, ALLOW 3.)
      await admin.createAcls({ acl: [{ resourceType: 2 as never, resourceName: 'ob-acl', resourcePatternType: 3 as never,
        principal: 'User:writer', host: '*', operation: 4 as never, permissionType: 3 as never }] });
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => {
    await broker?.close();
  });

  const kcatAs = (principal: string, args: string[], input?: string) => kcat(['-b', `127.0.0.1:${port}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER',
    '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=principal=${principal}`, ...args], input, 60_000);

  test('User:<sub> is the principal ACLs see: writer may write ob-acl but not read it, nor write another topic; others may do nothing', async () => {
    const produced = await kcatAs('writer', ['-P', '-t', 'ob-acl'], 'one\ntwo\n');
    assert.equal(produced.code, 0, produced.stderr);
    const read = await kcatAs('writer', ['-C', '-t', 'ob-acl', '-o', 'beginning', '-e', '-q']);
    assert.notEqual(read.code, 0);
    assert.match(read.stderr, /Topic authorization failed|Not authorized/i, read.stderr);
    const other = await kcatAs('writer', ['-P', '-t', 'ob-acl-other'], 'x\n');
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /authoriz/i, other.stderr);
    const stranger = await kcatAs('stranger', ['-P', '-t', 'ob-acl'], 'x\n');
    assert.notEqual(stranger.code, 0);
    assert.match(stranger.stderr, /authoriz/i, stranger.stderr);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets('ob-acl');
      assert.equal(offsets[0]!.high, '2', 'only writer\'s two records');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('gateway.authentication=bearer', () => {
  let dir: string;
  let broker: BrokerProcess;
  let base: string;
  let key: TestKey;

  before(async () => {
    key = makeKey('ES256', 'gw-1');
    dir = mkdtempSync(join(tmpdir(), 'gregor-gw-bearer-'));
    const jwksPath = join(dir, 'jwks.json');
    writeFileSync(jwksPath, jwks(key));
    const store = new LocalMetadataStore(join(dir, 'data'));
    const allow = (principal: string, ...ops: string[]) => ops.map((operation) => ({ principal, permissionType: 'Allow' as const, operation: operation as never, host: '*' }));
    await store.updateAcls({ resourceType: 'Topic', patternType: 'LITERAL', name: 'gw-ob' }, () => [...allow('User:writer', 'Write', 'Describe'), ...allow('User:reader', 'Read', 'Describe')]);
    await store.close();
    const port = await freePort();
    broker = await BrokerProcess.start({
      logDir: join(dir, 'data'),
      overrides: {
        'gateway.listeners': `HTTP://127.0.0.1:${port}`,
        'gateway.authentication': 'bearer',
        'listener.name.http.oauthbearer.sasl.server.callback.handler.class': SIGNED_HANDLER,
        'listener.name.http.oauthbearer.sasl.oauthbearer.jwks.endpoint.url': pathToFileURL(jwksPath).href,
        'sasl.oauthbearer.expected.audience': 'gateway',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': false, 'super.users': 'User:ANONYMOUS',
        'num.partitions': 1,
      },
    });
    base = `http://127.0.0.1:${port}`;
    await waitFor('gateway started', () => broker.output.includes('"gateway started"') || undefined, 20_000);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'gw-ob' }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => {
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const token = (sub: string, extra: Record<string, unknown> = {}, lifetimeS = 3600) => signJwt(claims(sub, { aud: 'gateway', ...extra }, lifetimeS), key);
  const call = async (method: string, path: string, authorization?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(30_000),
      headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, challenge: res.headers.get('www-authenticate'), text: await res.text() };
  };

  test('no token: 401 with a Bearer challenge; bad, expired, wrong-audience, forged or Basic credentials: 401 error="invalid_token"', async () => {
    const none = await call('GET', '/topics');
    assert.equal(none.status, 401);
    assert.equal(none.challenge, 'Bearer realm="gregor"');
    const t = token('reader');
    const forged = `${t.slice(0, t.lastIndexOf('.'))}.${token('writer').split('.')[2]}`;
    const now = Math.floor(Date.now() / 1000);
    for (const [name, auth, reason] of [
      ['garbage', 'Bearer not.a.jwt', /not JSON|base64url/],
      ['expired', `Bearer ${token('reader', { iat: now - 7200, exp: now - 3600 })}`, /expired/],
      ['audience', `Bearer ${token('reader', { aud: 'kafka' })}`, /audience/],
      ['forged', `Bearer ${forged}`, /signature/],
      ['unsigned', `Bearer ${unsecuredJwt(claims('reader', { aud: 'gateway' }))}`, /algorithm 'none'/],
    ] as const) {
      const r = await call('GET', '/topics', auth);
      assert.equal(r.status, 401, name);
      assert.match(r.challenge ?? '', /^Bearer realm="gregor", error="invalid_token", error_description="/, name);
      assert.match(r.challenge ?? '', reason, name);
      assert.match(r.text, /SASL_AUTHENTICATION_FAILED/, name);
    }
    const basic = await call('GET', '/topics', `Basic ${Buffer.from('reader:x').toString('base64')}`);
    assert.equal(basic.status, 401);
    assert.equal(basic.challenge, 'Bearer realm="gregor"');
  });

  test('a valid token is User:<sub> under the ACLs: writer produces but may not read, reader reads over WebSocket but may not produce', async () => {
    const produced = await call('POST', '/topics/gw-ob', `Bearer ${token('writer')}`, { records: [{ value: 'gw-bearer-1' }, { value: 'gw-bearer-2' }] });
    assert.ok(produced.status === 200 || produced.status === 201, produced.text);
    const denied = await call('POST', '/topics/gw-ob', `Bearer ${token('reader')}`, { records: [{ value: 'nope' }] });
    assert.equal(denied.status, 403, denied.text);
    assert.match(denied.text, /TOPIC_AUTHORIZATION_FAILED/);
    const subscribe = async (sub: string) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token(sub)}` } });
      const texts: string[] = [];
      ws.on('message', (d: Buffer) => void texts.push(d.toString()));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ type: 'subscribe', topic: 'gw-ob', from: 'earliest', credit: 100 }));
      return { ws, texts };
    };
    const reader = await subscribe('reader');
    try {
      await waitFor('reader gets the records', () => reader.texts.join('\n').includes('gw-bearer-2') || undefined, 20_000);
    } finally {
      reader.ws.terminate();
    }
    const writer = await subscribe('writer');
    try {
      await waitFor('writer is refused reading', () => writer.texts.find((t) => t.includes('TOPIC_AUTHORIZATION_FAILED')) ?? undefined, 20_000);
      assert.ok(!writer.texts.join('\n').includes('gw-bearer-1'));
    } finally {
      writer.ws.terminate();
    }
  });

  test('WebSocket upgrades need a valid token; a socket is closed when its token expires', async () => {
    const open = (headers: Record<string, string>) => new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers });
      ws.once('open', () => resolve({ status: 101, ws }));
      ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0 });
        ws.terminate();
      });
      ws.once('error', () => resolve({ status: -1 }));
    });
    assert.equal((await open({})).status, 401);
    assert.equal((await open({ authorization: `Bearer ${token('reader', { aud: 'kafka' })}` })).status, 401);
    const short = await open({ authorization: `Bearer ${token('reader', {}, 2)}` });
    assert.equal(short.status, 101);
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not closed at the token\'s expiry')), 15_000);
      short.ws!.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
    assert.deepEqual(closed, { code: 1008, reason: 'bearer token expired' });
  });
});
