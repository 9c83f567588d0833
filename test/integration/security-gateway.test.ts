// The HTTP/WebSocket gateway over TLS (an HTTPS:// gateway listener, PEM key store) with
// gateway.authentication=basic: requests, the console and WebSocket upgrades need HTTP Basic credentials
// of the same users as the Kafka listeners (PLAIN users from JAAS, SCRAM users from the metadata store);
// missing or wrong credentials get 401 with a Basic challenge.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { freePort } from '../helpers/broker-process.js';
import { startSecureBroker, setScramUser, type SecureBroker } from '../helpers/secure-broker.js';
import { waitFor } from '../helpers/wait.js';
import { kafkaClient } from '../helpers/kafkajs.js';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

describe('gateway over HTTPS with HTTP Basic authentication', () => {
  let sb: SecureBroker;
  let port: number;
  let ca: Buffer;

  before(async () => {
    port = await freePort();
    sb = await startSecureBroker({ 'gateway.listeners': `HTTPS://127.0.0.1:${port}`, 'gateway.authentication': 'basic' });
    ca = readFileSync(sb.certs.caPem);
    await waitFor('gateway started', () => sb.broker.output.includes('"gateway started"') || undefined, 20_000);
  });
  after(async () => {
    await sb?.close();
  });

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  function https(method: string, path: string, auth?: string, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, ca, servername: 'localhost', timeout: 30_000,
        headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(body);
    });
  }

  test('no or wrong credentials: 401 with a Basic challenge, for the API and the console', async () => {
    for (const [path, auth] of [['/topics', undefined], ['/', undefined], ['/topics', basic('alice', 'wrong')], ['/topics', basic('mallory', 'x')], ['/topics', 'Bearer abc']] as const) {
      const r = await https('GET', path, auth);
      assert.equal(r.status, 401, `${path} ${auth ?? 'anonymous'}`);
      assert.match(String(r.headers['www-authenticate']), /^Basic realm="gregor"/);
    }
  });

  test('a PLAIN user (JAAS) and a SCRAM user (metadata store) are let in; produce over HTTPS lands in the log', async () => {
    const list = await https('GET', '/topics', basic('alice', 'alice-secret'));
    assert.equal(list.status, 200, list.body);
    const console = await https('GET', '/', basic('bob', 'bob-secret'));
    assert.equal(console.status, 200);
    assert.match(console.body, /<html/i);
    const produced = await https('POST', '/topics/gw-secure', basic('bob', 'bob-secret'), JSON.stringify({ records: [{ value: 'over https' }] }));
    assert.ok(produced.status === 200 || produced.status === 201, produced.body);
    const admin = kafkaClient(sb.addr('PLAINTEXT')).admin();
    await admin.connect();
    try {
      assert.equal((await admin.fetchTopicOffsets('gw-secure'))[0]!.high, '1');
    } finally {
      await admin.disconnect();
    }
    // A SCRAM user created after the start is known within the refresh interval.
    await setScramUser(sb.addr('PLAINTEXT'), 'frank', 'frank-secret', 'SCRAM-SHA-256');
    await waitFor('frank accepted', async () => (await https('GET', '/topics', basic('frank', 'frank-secret'))).status === 200 || undefined, 20_000);
  });

  test('WebSocket upgrades need credentials too', async () => {
    const open = (headers: Record<string, string>) => new Promise<number>((resolve) => {
      const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, { ca, headers });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', () => resolve(-1));
    });
    assert.equal(await open({}), 401);
    assert.equal(await open({ authorization: basic('bob', 'nope') }), 401);
    assert.equal(await open({ authorization: basic('alice', 'alice-secret') }), 101);
  });
});
