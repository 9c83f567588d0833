// Fuzzing the live broker over TCP: valid requests of every API and version (from the protocol test
// samples), then the same bytes with flipped bits, truncated, extended with garbage, or with random
// API keys/versions. The broker must never crash: every frame gets an answer or a clean disconnect,
// it keeps serving new connections, and stored data never changes. The same for the SASL exchange
// (SaslHandshake and SaslAuthenticate frames, PLAIN tokens, SCRAM client-first and client-final messages,
// OAUTHBEARER first messages with mutated framing, JWT header or claims, and the answer to its error challenge,
// legacy raw tokens) and the ACL requests (CreateAcls, DescribeAcls, DeleteAcls with random and mutated
// fields) against a broker with SASL listeners and the StandardAuthorizer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiVersions, CreateAcls, decodeResponseHeader, Reader, DeleteAcls, DescribeAcls, encodeRequestHeader, ErrorCode, ListOffsets, Metadata, Produce, SaslAuthenticate, SaslHandshake, SaslPlain, Scram, Writer } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { cases } from '../unit/protocol/samples.js';
import { expectedAt } from '../unit/protocol/helpers.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { startSecureBroker } from '../helpers/secure-broker.js';

const VICTIM = 'fuzz-victim-7f3a';
let broker: BrokerProcess;

before(async () => {
  broker = await BrokerProcess.start({ overrides: { 'socket.request.max.bytes': 1 << 20 } });
  const c = await RawConnection.open(broker.port);
  const batch = await buildRecordBatch([0, 1, 2, 3, 4].map((i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: 1_700_000_000_000 + i })));
  const res = await c.request(Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: VICTIM, partitionData: [{ index: 0, records: batch }] }] });
  assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
  c.close();
});
after(async () => {
  await broker?.close();
});

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function encode(codec: { apiKey?: number; encodeRequest(w: Writer, v: number, b: unknown): void }, apiKey: number, version: number, body: unknown): Buffer {
  const w = new Writer();
  encodeRequestHeader(w, { apiKey, apiVersion: version, correlationId: 1, clientId: 'fuzz' });
  codec.encodeRequest(w, version, body);
  return w.toBuffer();
}

function mutate(frame: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(frame);
  switch (Math.floor(rnd() * 5)) {
    case 0: // flip a few bits past the api key/version
      for (let i = 0; i < 1 + Math.floor(rnd() * 4); i++) {
        const at = 4 + Math.floor(rnd() * Math.max(1, b.length - 4));
        if (at < b.length) b[at] ^= 1 << Math.floor(rnd() * 8);
      }
      return b;
    case 1: // truncate
      return b.subarray(0, Math.floor(rnd() * b.length));
    case 2: // append garbage
      return Buffer.concat([b, Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)))]);
    case 3: // random version of the same key
      b.writeInt16BE(Math.floor(rnd() * 40) - 3, 2);
      return b;
    default: // overwrite a length-looking int32 with something huge or negative
      if (b.length > 12) b.writeInt32BE(rnd() < 0.5 ? 0x7fffffff : -2, 8 + Math.floor(rnd() * (b.length - 12)));
      return b;
  }
}

test('random and mutated requests of every API never crash the broker or change stored data', async () => {
  const rnd = prng(0xc0ffee);
  let conn = await RawConnection.open(broker.port);
  let sent = 0;
  let answered = 0;
  let disconnects = 0;
  const frames: Buffer[] = [];
  for (const c of cases) {
    const codec = c.codec as unknown as { apiKey: number; minVersion: number; maxVersion: number; encodeRequest(w: Writer, v: number, b: unknown): void };
    for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
      const valid = encode(codec, codec.apiKey, v, expectedAt(c.request, c.requestFields, v));
      frames.push(valid);
      for (let i = 0; i < 6; i++) frames.push(mutate(valid, rnd));
    }
  }
  for (let i = 0; i < 200; i++) frames.push(Buffer.from(Array.from({ length: Math.floor(rnd() * 100) }, () => Math.floor(rnd() * 256))));
  for (const frame of frames) {
    if (conn.closed) {
      disconnects++;
      conn = await RawConnection.open(broker.port);
    }
    conn.sendFrame(frame);
    sent++;
    const reply = await conn.readFrame(10_000).catch(() => 'timeout' as const);
    assert.notEqual(reply, 'timeout', `no answer and no disconnect within 10 s for frame ${sent - 1} (${frame.subarray(0, 16).toString('hex')})`);
    if (reply) answered++;
  }
  conn.close();
  assert.ok(answered > 100 && disconnects > 10, `a mix of answers (${answered}) and disconnects (${disconnects}) out of ${sent}`);

  // Still serving, and the victim's data is exactly what it was.
  const check = await RawConnection.open(broker.port);
  const versions = await check.request(ApiVersions, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' });
  assert.equal(versions.errorCode, 0);
  const offsets = await check.request(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: VICTIM, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  assert.equal(offsets.topics[0].partitions[0].offset, 5);
  check.close();
  assert.doesNotMatch(broker.output, /uncaught|FATAL|"level":60/i);
});

/** Flips, drops, duplicates or inserts characters of a SASL message (SCRAM attribute syntax matters most). */
function mutateText(msg: Buffer, rnd: () => number): Buffer {
  const b = [...msg];
  const pick = () => Math.floor(rnd() * Math.max(1, b.length));
  switch (Math.floor(rnd() * 6)) {
    case 0: for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) if (b.length > 0) b[pick()] ^= 1 << Math.floor(rnd() * 8); break;
    case 1: b.splice(pick(), 1 + Math.floor(rnd() * 8)); break;
    case 2: b.splice(pick(), 0, ...[',', '=', '\0', 'r', 'p', 'n', ' '].map((c) => c.charCodeAt(0)).slice(Math.floor(rnd() * 7))); break;
    case 3: return msg.subarray(0, Math.floor(rnd() * msg.length));
    case 4: return Buffer.concat([msg, Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)))]);
    default: return Buffer.from(Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256)));
  }
  return Buffer.from(b);
}

const NO_TOPICS = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

test('mutated SASL exchanges (PLAIN, SCRAM, OAUTHBEARER) and ACL requests never crash the broker; logins and ACLs keep working', async () => {
  const sb = await startSecureBroker({ 'connection.failed.authentication.delay.ms': 0, 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:ANONYMOUS;User:alice',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER' });
  try {
    const rnd = prng(0x5a51);
    let answered = 0;
    let closed = 0;
    /** Sends a frame and waits for its answer or the close; false when closed. */
    const step = async (conn: RawConnection, frame: Buffer): Promise<Buffer | null> => {
      conn.sendFrame(frame);
      const reply = await conn.readFrame(10_000).catch(() => 'timeout' as const);
      assert.notEqual(reply, 'timeout', `no answer and no disconnect within 10 s for ${frame.subarray(0, 24).toString('hex')}`);
      if (reply) answered++;
      else closed++;
      return reply as Buffer | null;
    };
    const mechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
    for (let i = 0; i < 240; i++) {
      const conn = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
      try {
        const mechanism = mechanisms[i % 3]!;
        const legacy = i % 8 === 7;
        const hs = encode(SaslHandshake, SaslHandshake.apiKey, legacy ? 0 : 1, { mechanism: i % 5 === 4 ? mutateText(Buffer.from(mechanism), rnd).toString('latin1') : mechanism });
        if (i % 10 === 9) {
          await step(conn, mutate(hs, rnd));
          continue;
        }
        if (!(await step(conn, hs)) || conn.closed) continue;
        let tokenVersion = 2;
        const token = (t: Buffer) => {
          tokenVersion = Math.floor(rnd() * 3);
          return legacy ? t : encode(SaslAuthenticate, SaslAuthenticate.apiKey, tokenVersion, { authBytes: t });
        };
        if (mechanism === 'PLAIN') {
          const t = SaslPlain.formatPlain(rnd() < 0.5 ? 'alice' : 'bob', 'alice-secret');
          await step(conn, rnd() < 0.2 && !legacy ? mutate(token(t), rnd) : token(mutateText(t, rnd)));
          continue;
        }
        const first = Scram.formatClientFirst(rnd() < 0.5 ? 'bob' : 'nobody', Scram.newNonce());
        const mutateFirst = rnd() < 0.4;
        const r1 = await step(conn, token(mutateFirst ? mutateText(Buffer.from(first.message), rnd) : Buffer.from(first.message)));
        if (!r1 || conn.closed || mutateFirst) continue;
        // A well-formed client-final for the server's nonce, then mutated.
        let serverFirst = r1.toString();
        if (!legacy) {
          const r = new Reader(r1);
          decodeResponseHeader(r, SaslAuthenticate.apiKey, tokenVersion);
          serverFirst = SaslAuthenticate.decodeResponse(r, tokenVersion).authBytes.toString();
        }
        let final = Buffer.from(`c=biws,r=x,p=${Buffer.alloc(32).toString('base64')}`);
        try {
          const { nonce, salt, iterations } = Scram.parseServerFirst(serverFirst);
          const m = mechanism as Scram.ScramMechanism;
          const withoutProof = `c=biws,r=${nonce}`;
          final = Buffer.from(`${withoutProof},p=${Scram.clientProof(m, Scram.saltedPassword(m, 'bob-secret', salt, Math.min(iterations, 4096)), Scram.authMessage(first.bare, serverFirst, withoutProof)).toString('base64')}`);
        } catch {
          // a server-first the broker answered with an error: the made-up final still goes out
        }
        await step(conn, token(mutateText(final, rnd)));
      } finally {
        conn.close();
      }
    }

    // OAUTHBEARER (the unsecured validator): first messages with mutated framing, header or claims (JSON
    // text mutated before base64url), then the %x01 answer to an error challenge, itself sometimes mutated.
    const b64 = (t: Buffer) => t.toString('base64url');
    let obLogins = 0;
    let obChallenges = 0;
    for (let i = 0; i < 120; i++) {
      const conn = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
      try {
        if (!(await step(conn, encode(SaslHandshake, SaslHandshake.apiKey, 1, { mechanism: 'OAUTHBEARER' }))) || conn.closed) continue;
        const now = Math.floor(Date.now() / 1000);
        let header: Buffer = Buffer.from('{"alg":"none"}');
        let claims: Buffer = Buffer.from(JSON.stringify({ sub: rnd() < 0.5 ? 'alice' : 'bob', iat: now, exp: now + (rnd() < 0.8 ? 600 : -600), scope: 'a b' }));
        const what = i % 4;
        if (what === 1) header = mutateText(header, rnd);
        if (what === 2) claims = mutateText(claims, rnd);
        let first: Buffer = Buffer.from(`n,${rnd() < 0.3 ? 'a=alice' : ''},\x01auth=Bearer ${b64(header)}.${b64(claims)}.\x01${rnd() < 0.3 ? 'ext=v\x01' : ''}\x01`);
        if (what === 3) first = mutateText(first, rnd);
        const version = Math.floor(rnd() * 3);
        const r1 = await step(conn, encode(SaslAuthenticate, SaslAuthenticate.apiKey, version, { authBytes: first }));
        if (!r1 || conn.closed) continue;
        const r = new Reader(r1);
        decodeResponseHeader(r, SaslAuthenticate.apiKey, version);
        const res = SaslAuthenticate.decodeResponse(r, version);
        if (res.errorCode === ErrorCode.NONE && res.authBytes.length === 0) obLogins++;
        if (res.errorCode !== ErrorCode.NONE || res.authBytes.length === 0) continue;
        obChallenges++;
        assert.deepEqual(Object.keys(JSON.parse(res.authBytes.toString())).slice(0, 1), ['status'], 'an error challenge');
        await step(conn, encode(SaslAuthenticate, SaslAuthenticate.apiKey, version, { authBytes: rnd() < 0.8 ? Buffer.from('\x01') : mutateText(Buffer.from('\x01'), rnd) }));
      } finally {
        conn.close();
      }
    }

    console.log(`# OAUTHBEARER fuzz: ${obLogins} logins, ${obChallenges} error challenges`);
    assert.ok(obLogins > 10 && obChallenges > 10, `good and bad tokens both reached the validator (${obLogins} logins, ${obChallenges} challenges)`);

    // ACL requests: valid ones with random fields, and mutated frames, from a super user (PLAINTEXT, User:ANONYMOUS).
    const str = () => (rnd() < 0.15 ? null : ['', '*', 'User:alice', 'User:', 'Group:x', 'topic-a', '127.0.0.1', 'x'.repeat(Math.floor(rnd() * 400)), mutateText(Buffer.from('User:bob'), rnd).toString('latin1')][Math.floor(rnd() * 9)]!);
    const int8 = () => (rnd() < 0.7 ? Math.floor(rnd() * 15) : Math.floor(rnd() * 256) - 128);
    const filter = () => ({ resourceTypeFilter: int8(), resourceNameFilter: str(), patternTypeFilter: int8(), principalFilter: str(), hostFilter: str(), operation: int8(), permissionType: int8() });
    let conn = await RawConnection.open(sb.ports.PLAINTEXT);
    for (let i = 0; i < 300; i++) {
      const v = Math.floor(rnd() * 4);
      let frame: Buffer;
      switch (i % 3) {
        case 0: frame = encode(CreateAcls, CreateAcls.apiKey, v, { creations: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ resourceType: int8(), resourceName: str() ?? 'r', resourcePatternType: int8(), principal: str() ?? 'User:x', host: str() ?? '*', operation: int8(), permissionType: int8() })) }); break;
        case 1: frame = encode(DescribeAcls, DescribeAcls.apiKey, v, filter()); break;
        default: frame = encode(DeleteAcls, DeleteAcls.apiKey, v, { filters: Array.from({ length: 1 + Math.floor(rnd() * 2) }, filter) });
      }
      if (conn.closed) conn = await RawConnection.open(sb.ports.PLAINTEXT);
      await step(conn, rnd() < 0.5 ? mutate(frame, rnd) : frame);
    }
    conn.close();
    console.log(`# SASL and ACL fuzz: ${answered} answers, ${closed} closed connections`);
    assert.ok(answered > 300 && closed > 50, `a mix of answers (${answered}) and closes (${closed})`);

    // Still serving: a SCRAM login works, and an ACL created now is described back.
    const check = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      assert.equal((await check.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
      assert.equal((await check.request(SaslAuthenticate, 2, { authBytes: SaslPlain.formatPlain('alice', 'alice-secret') })).errorCode, ErrorCode.NONE);
      assert.equal((await check.request(Metadata, 9, NO_TOPICS)).brokers.length, 1);
      const now = Math.floor(Date.now() / 1000);
      const jwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', exp: now + 60 })).toString('base64url')}.`;
      const ob = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
      try {
        assert.equal((await ob.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).errorCode, ErrorCode.NONE);
        assert.equal((await ob.request(SaslAuthenticate, 2, { authBytes: Buffer.from(`n,,\x01auth=Bearer ${jwt}\x01\x01`) })).errorCode, ErrorCode.NONE, 'an OAUTHBEARER login works');
      } finally {
        ob.close();
      }
      const created = await check.request(CreateAcls, 3, { creations: [{ resourceType: 2, resourceName: 'fuzz-check', resourcePatternType: 3, principal: 'User:carol', host: '*', operation: 3, permissionType: 3 }] });
      assert.equal(created.results[0]!.errorCode, ErrorCode.NONE, created.results[0]!.errorMessage ?? '');
      const described = await check.request(DescribeAcls, 3, { resourceTypeFilter: 2, resourceNameFilter: 'fuzz-check', patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 });
      assert.equal(described.errorCode, ErrorCode.NONE);
      assert.deepEqual(described.resources.map((r) => r.acls.map((a) => a.principal)), [['User:carol']]);
    } finally {
      check.close();
    }
    assert.doesNotMatch(sb.broker.output, /uncaught|FATAL|"level":60/i);
  } finally {
    await sb.close();
  }
});
