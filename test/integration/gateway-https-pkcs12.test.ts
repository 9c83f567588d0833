// An HTTPS:// gateway listener with a PKCS12 key store (made by openssl, listener.name.https.ssl.keystore.*):
// HTTPS requests and WSS upgrades are served with the store's certificate and chain; the PEM files
// uWebSockets.js reads are gone once it started; an inline PEM key store works the same way; a wrong store
// password stops the gateway with the reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { makeTestCerts, type TestCerts } from '../helpers/certs.js';
import { waitFor } from '../helpers/wait.js';

describe('gateway over HTTPS with a PKCS12 key store', () => {
  let certs: TestCerts;
  let broker: BrokerProcess | undefined;
  let port: number;

  before(async () => {
    certs = makeTestCerts();
    port = await freePort();
    broker = await BrokerProcess.start({ overrides: {
      'gateway.listeners': `HTTPS://127.0.0.1:${port}`,
      'listener.name.https.ssl.keystore.type': 'PKCS12',
      'listener.name.https.ssl.keystore.location': certs.brokerP12,
      'listener.name.https.ssl.keystore.password': certs.password,
    } });
    await waitFor('gateway started', () => broker!.output.includes('"gateway started"') || undefined, 20_000);
  });
  after(async () => {
    await broker?.close();
    certs?.remove();
  });

  test('HTTPS and WSS are served with the PKCS12 certificate and chain; no key file is left behind', async () => {
    const ca = readFileSync(certs.caPem);
    const answer = await new Promise<{ status: number; subject: string; issuer: string; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/topics', ca, servername: 'localhost', timeout: 30_000 }, (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, subject: String(peer.subject.CN), issuer: String(peer.issuer.CN), body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(JSON.parse(answer.body), []);
    assert.equal(answer.subject, 'localhost');
    assert.equal(answer.issuer, 'Gregor Test CA');

    const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, { ca });
    const pong = await new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no pong')), 10_000);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'ping', id: 7 })));
      ws.once('message', (d: Buffer) => {
        clearTimeout(timer);
        resolve(JSON.parse(d.toString()));
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    ws.terminate();
    assert.deepEqual(pong, { type: 'pong', id: 7 });
    assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith('gregor-gateway-tls-')), [], 'the decoded key is not left on disk');
  });

  test('an inline PEM key store (ssl.keystore.key + ssl.keystore.certificate.chain) is served the same way', async () => {
    const p = await freePort();
    const b = await BrokerProcess.start({ overrides: {
      'gateway.listeners': `HTTPS://127.0.0.1:${p}`,
      'listener.name.https.ssl.keystore.type': 'PEM',
      'listener.name.https.ssl.keystore.key': certs.read(certs.brokerKey),
      'listener.name.https.ssl.keystore.certificate.chain': certs.read(certs.brokerCert) + certs.read(certs.caPem),
    } });
    try {
      await waitFor('gateway started', () => b.output.includes('"gateway started"') || undefined, 20_000);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: p, path: '/healthz', ca: readFileSync(certs.caPem), servername: 'localhost', timeout: 30_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      await b.close();
    }
  });

  test('a wrong PKCS12 password stops the gateway with the reason', async () => {
    const p = await freePort();
    let output: string;
    try {
      const b = await BrokerProcess.start({ overrides: {
        'gateway.listeners': `HTTPS://127.0.0.1:${p}`,
        'listener.name.https.ssl.keystore.type': 'PKCS12',
        'listener.name.https.ssl.keystore.location': certs.brokerP12,
        'listener.name.https.ssl.keystore.password': 'wrong',
      } });
      try {
        await waitFor('the refusal', () => /PKCS12 key store/.test(b.output) || undefined, 20_000);
      } finally {
        output = b.output;
        await b.close();
      }
    } catch (e) {
      output = (e as Error).message;
    }
    assert.match(output, /Cannot read the PKCS12 key store/);
    assert.doesNotMatch(output, /"gateway started"/);
  });
});
