// SASL sessions: connections.max.reauth.ms (KIP-368) — the lifetime is announced in SaslAuthenticate v1+,
// re-authentication on the same connection is accepted, an expired session is closed at its next request,
// and kafkajs keeps producing across several lifetimes by re-authenticating; the legacy SaslHandshake v0
// flow (raw tokens without a Kafka header); max.connections.per.ip.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode, Metadata, SaslAuthenticate, SaslHandshake, SaslPlain } from '../../src/protocol/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';

const METADATA = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

async function plainLogin(raw: RawConnection, password = 'alice-secret') {
  const hs = await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' });
  assert.equal(hs.errorCode, ErrorCode.NONE);
  return raw.request(SaslAuthenticate, 2, { authBytes: SaslPlain.formatPlain('alice', password) });
}

describe('SASL sessions and re-authentication', () => {
  let sb: SecureBroker;
  before(async () => {
    sb = await startSecureBroker({ 'connections.max.reauth.ms': 3000 });
  });
  after(async () => {
    await sb?.close();
  });

  test('the session lifetime is announced; re-authentication renews it; an expired session is closed', async () => {
    const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      const auth = await plainLogin(raw);
      assert.equal(auth.errorCode, ErrorCode.NONE);
      assert.equal(auth.sessionLifetimeMs, 3000);
      assert.equal((await raw.request(Metadata, 9, METADATA)).brokers.length, 1);
      const again = await plainLogin(raw);
      assert.equal(again.errorCode, ErrorCode.NONE, 'a second SaslHandshake + SaslAuthenticate re-authenticates');
      await new Promise((r) => setTimeout(r, 3500)); // let the renewed session run out
      raw.send(Metadata, 9, METADATA);
      assert.ok(await raw.waitClosed(), 'a request after the session expired closes the connection');
    } finally {
      raw.close();
    }
  });

  test('kafkajs keeps producing over several session lifetimes (it re-authenticates)', async () => {
    const kafka = new Kafka({ clientId: 'reauth', logLevel: logLevel.NOTHING, brokers: [sb.addr('SASL_PLAINTEXT')], sasl: { mechanism: 'scram-sha-256', username: 'bob', password: 'bob-secret' } });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const started = Date.now();
      let sent = 0;
      while (Date.now() - started < 8000) {
        await producer.send({ topic: 'reauth', messages: [{ value: `v${sent}` }] });
        sent++;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(sent > 10);
    } finally {
      await producer.disconnect();
    }
    const reauths = sb.broker.output.split('\n').filter((l) => l.includes('"principal":"User:bob","mechanism":"SCRAM-SHA-256"')).length;
    assert.ok(reauths >= 3, `kafkajs authenticated ${reauths} times in 8 s with 3 s sessions`);
  });

  test('SaslHandshake v0: the tokens follow as raw frames', async () => {
    const raw = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      assert.equal((await raw.request(SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
      raw.sendFrame(SaslPlain.formatPlain('alice', 'alice-secret'));
      const answer = await raw.readFrame();
      assert.ok(answer !== null && answer.length === 0, 'an empty server token');
      assert.equal((await raw.request(Metadata, 9, METADATA)).brokers.length, 1, 'authenticated');
    } finally {
      raw.close();
    }
    const bad = await RawConnection.open(sb.ports.SASL_PLAINTEXT);
    try {
      assert.equal((await bad.request(SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
      bad.sendFrame(SaslPlain.formatPlain('alice', 'wrong'));
      assert.ok(await bad.waitClosed(), 'a failed legacy exchange closes the connection');
    } finally {
      bad.close();
    }
  });
});

describe('max.connections.per.ip', () => {
  let broker: BrokerProcess;
  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'max.connections.per.ip': 3 } });
  });
  after(async () => {
    await broker?.close();
  });

  test('the fourth connection from one address is closed; after one closes, a new one is served', async () => {
    const open = [await RawConnection.open(broker.port), await RawConnection.open(broker.port), await RawConnection.open(broker.port)];
    try {
      for (const c of open) assert.equal((await c.request(Metadata, 9, METADATA)).brokers.length, 1);
      const fourth = await RawConnection.open(broker.port);
      assert.ok(await fourth.waitClosed(), 'refused');
      fourth.close();
      open.shift()!.close();
      let served = false;
      for (let attempt = 0; attempt < 50 && !served; attempt++) {
        const c = await RawConnection.open(broker.port);
        c.send(Metadata, 9, METADATA);
        served = (await c.readFrame(2000).catch(() => null)) !== null;
        c.close();
        if (!served) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(served, 'a slot freed by a closed connection is used again');
    } finally {
      for (const c of open) c.close();
    }
  });
});
