// A failed-login flood: 200 connections at once on the SASL_PLAINTEXT listener, half SCRAM-SHA-256 with a
// wrong password (a well-formed client-final whose proof does not match), half PLAIN with a wrong password.
// Each is answered SASL_AUTHENTICATION_FAILED no sooner than connection.failed.authentication.delay.ms after
// its last token and then closed; the broker stays up, and a kafkajs client authenticated over SASL_SSL beside
// them keeps producing and consuming throughout (every round-trip during the flood succeeds).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode, Metadata, SaslAuthenticate, SaslHandshake, SaslPlain, Scram } from '../../src/protocol/index.js';
import { RawConnection } from '../helpers/raw-client.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';
import { waitFor } from '../helpers/wait.js';

const DELAY_MS = 400;
const FLOOD = 200;
const METADATA = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

interface Attempt {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  /** From sending the last token to its answer. */
  readonly waitedMs: number;
  readonly closed: boolean;
}

/** One login with a wrong password; SCRAM computes a real proof from the server's salt, for the wrong password. */
async function failedLogin(port: number, mechanism: 'PLAIN' | 'SCRAM-SHA-256', i: number): Promise<Attempt> {
  const raw = await RawConnection.open(port);
  try {
    const hs = await raw.request(SaslHandshake, 1, { mechanism });
    assert.equal(hs.errorCode, ErrorCode.NONE);
    let last: Buffer;
    if (mechanism === 'PLAIN') {
      last = SaslPlain.formatPlain('alice', `wrong-${i}`);
    } else {
      const first = Scram.formatClientFirst('bob', Scram.newNonce());
      const r1 = await raw.request(SaslAuthenticate, 2, { authBytes: Buffer.from(first.message) });
      assert.equal(r1.errorCode, ErrorCode.NONE, r1.errorMessage ?? '');
      const serverFirst = r1.authBytes.toString();
      const { nonce, salt, iterations } = Scram.parseServerFirst(serverFirst);
      const withoutProof = `c=biws,r=${nonce}`;
      const proof = Scram.clientProof(mechanism, Scram.saltedPassword(mechanism, `wrong-${i}`, salt, iterations), Scram.authMessage(first.bare, serverFirst, withoutProof));
      last = Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
    }
    const sent = performance.now();
    const res = await raw.request(SaslAuthenticate, 2, { authBytes: last });
    const waitedMs = performance.now() - sent;
    return { errorCode: res.errorCode, errorMessage: res.errorMessage, waitedMs, closed: await raw.waitClosed(5000) };
  } finally {
    raw.close();
  }
}

describe('a failed-login flood', () => {
  let sb: SecureBroker;
  before(async () => {
    sb = await startSecureBroker({ 'connection.failed.authentication.delay.ms': DELAY_MS });
  });
  after(async () => {
    await sb?.close();
  });

  test(`${FLOOD} parallel wrong-password logins (SCRAM and PLAIN) each fail after the delay; a good client is served throughout`, async () => {
    const kafka = new Kafka({ clientId: 'flood-bystander', brokers: [sb.addr('SASL_SSL')], logLevel: logLevel.NOTHING, ssl: { ca: [readFileSync(sb.certs.caPem, 'utf8')] },
      sasl: { mechanism: 'scram-sha-256', username: 'carol', password: 'carol-secret' } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'flood-rt', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'flood-rt', maxWaitTimeInMs: 50 });
    const seen = new Set<string>();
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: 'flood-rt', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.add(message.value!.toString()); } });
    try {
      await producer.send({ topic: 'flood-rt', messages: [{ value: 'warmup' }] });
      await waitFor('the bystander consumer is reading', () => seen.has('warmup'), 60_000);

      // Round-trips of the good client (produce, then see it consumed) for as long as the flood lasts.
      let flooding = true;
      const roundTrips: number[] = [];
      const bystander = (async () => {
        for (let n = 0; flooding; n++) {
          const start = performance.now();
          await producer.send({ topic: 'flood-rt', messages: [{ value: `rt-${n}` }] });
          await waitFor(`round-trip ${n} consumed`, () => seen.has(`rt-${n}`), 30_000);
          roundTrips.push(performance.now() - start);
        }
      })();
      const started = performance.now();
      const attempts = await Promise.all(Array.from({ length: FLOOD }, (_, i) => failedLogin(sb.ports.SASL_PLAINTEXT, i % 2 === 0 ? 'SCRAM-SHA-256' : 'PLAIN', i)));
      const floodMs = performance.now() - started;
      flooding = false;
      await bystander;
      console.log(`# ${FLOOD} failed logins in ${Math.round(floodMs)} ms; the bystander completed ${roundTrips.length} produce/consume round-trips meanwhile (max ${Math.round(Math.max(...roundTrips))} ms)`);
      for (const a of attempts) {
        assert.equal(a.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
        assert.match(a.errorMessage ?? '', /Authentication failed/);
        assert.ok(a.waitedMs >= DELAY_MS - 5, `answered after ${a.waitedMs} ms, before connection.failed.authentication.delay.ms`);
        assert.ok(a.closed, 'the connection is closed after the failure');
      }
      assert.ok(roundTrips.length >= 1, 'the good client completed round-trips during the flood');
      const failures = sb.broker.output.split('\n').filter((l) => l.includes('"msg":"failed authentication"')).length;
      assert.ok(failures >= FLOOD, `${failures} failed authentications logged`);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
    // Still serving: a correct login right after.
    const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      assert.equal((await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
      assert.equal((await raw.request(SaslAuthenticate, 2, { authBytes: SaslPlain.formatPlain('alice', 'alice-secret') })).errorCode, ErrorCode.NONE);
      assert.equal((await raw.request(Metadata, 9, METADATA)).brokers.length, 1);
    } finally {
      raw.close();
    }
    assert.doesNotMatch(sb.broker.output, /uncaught|FATAL|"level":60/i);
  });
});
