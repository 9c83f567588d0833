// Fuzzing the live broker over TCP: valid requests of every API and version (from the protocol test
// samples), then the same bytes with flipped bits, truncated, extended with garbage, or with random
// API keys/versions. The broker must never crash: every frame gets an answer or a clean disconnect,
// it keeps serving new connections, and stored data never changes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiVersions, encodeRequestHeader, ListOffsets, Produce, Writer } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { cases } from '../unit/protocol/samples.js';
import { expectedAt } from '../unit/protocol/helpers.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';

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
