// The HTTPS gateway's key store reloaded without a restart, as the Kafka listeners' is: AlterConfigs on the
// broker with listener.name.https.ssl.keystore.location (Kafka's dynamic listener SSL config). A store that
// cannot be read is refused with INVALID_CONFIG and the gateway keeps serving its certificate; the same
// location altered again after the file was replaced (certificate rotation in place) serves the new one to
// new connections, while a WebSocket opened before the reload keeps its session.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Kafka, logLevel } from 'kafkajs';
import WebSocket from 'ws';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { makeTestCerts, type TestCerts } from '../helpers/certs.js';
import { waitFor } from '../helpers/wait.js';

const BROKER_RESOURCE = 4; // Kafka's ConfigResource type BROKER

/** The SHA-256 fingerprint of the certificate a new HTTPS connection is served, or the TLS error's code. */
function servedCertificate(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve) => {
    // agent: false, so no kept-alive connection from before a reload answers.
    const req = request({ host: '127.0.0.1', port, path: '/healthz', ca, servername: 'localhost', agent: false, timeout: 20_000 }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? fingerprint : `status ${res.statusCode}`));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

function ping(ws: WebSocket, id: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no pong')), 10_000);
    ws.once('message', (d: Buffer) => {
      clearTimeout(timer);
      resolve(JSON.parse(d.toString()));
    });
    ws.send(JSON.stringify({ type: 'ping', id }));
  });
}

describe('HTTPS gateway key store reload through AlterConfigs', () => {
  let first: TestCerts;
  let second: TestCerts;
  let dir: string;
  let live: string;
  let broker: BrokerProcess | undefined;
  let port: number;

  before(async () => {
    first = makeTestCerts();
    second = makeTestCerts();
    dir = mkdtempSync(join(tmpdir(), 'gregor-gw-reload-'));
    live = join(dir, 'gateway.pem');
    copyFileSync(first.brokerPem, live);
    port = await freePort();
    broker = await BrokerProcess.start({ overrides: {
      'gateway.listeners': `HTTPS://127.0.0.1:${port}`,
      'listener.name.https.ssl.keystore.type': 'PEM',
      'listener.name.https.ssl.keystore.location': live,
    } });
    await waitFor('gateway started', () => broker!.output.includes('"gateway started"') || undefined, 20_000);
  });
  after(async () => {
    await broker?.close();
    first?.remove();
    second?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a refused store changes nothing; a store rotated in place is served to new connections; open WebSockets stay', async () => {
    const firstCa = readFileSync(first.caPem);
    const secondCa = readFileSync(second.caPem);
    const firstFingerprint = new X509Certificate(readFileSync(first.brokerCert)).fingerprint256;
    const secondFingerprint = new X509Certificate(readFileSync(second.brokerCert)).fingerprint256;
    assert.notEqual(firstFingerprint, secondFingerprint);
    assert.equal(await servedCertificate(port, firstCa), firstFingerprint);

    const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, { ca: firstCa });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let closed = false;
    ws.on('close', () => {
      closed = true;
    });
    assert.deepEqual(await ping(ws, 1), { type: 'pong', id: 1 });

    const admin = new Kafka({ clientId: 'gw-reload', logLevel: logLevel.NOTHING, brokers: [broker!.bootstrap] }).admin();
    await admin.connect();
    const alter = (value: string) => admin.alterConfigs({ validateOnly: false, resources: [{ type: BROKER_RESOURCE, name: '0', configEntries: [{ name: 'listener.name.https.ssl.keystore.location', value }] }] });
    try {
      await assert.rejects(alter(join(dir, 'missing.pem')), (e: Error & { type?: string }) => e.type === 'INVALID_CONFIG');
      assert.equal(await servedCertificate(port, firstCa), firstFingerprint, 'the refused store changed nothing');

      copyFileSync(second.brokerPem, live);
      await alter(live);
    } finally {
      await admin.disconnect();
    }
    assert.equal(await servedCertificate(port, secondCa), secondFingerprint, 'new connections get the rotated certificate');
    assert.notEqual(await servedCertificate(port, firstCa), firstFingerprint, 'and not the old one');
    assert.match(broker!.output, /"gateway reloaded its key store"/);

    assert.deepEqual(await ping(ws, 2), { type: 'pong', id: 2 }, 'the WebSocket opened before the reload keeps its session');
    assert.equal(closed, false);
    ws.terminate();

    // A change of another dynamic config (AlterConfigs replaces the set: the key store entry is sent again) leaves the gateway's listener alone.
    const reloads = (broker!.output.match(/"gateway reloaded its key store"/g) ?? []).length;
    const admin2 = new Kafka({ clientId: 'gw-reload-2', logLevel: logLevel.NOTHING, brokers: [broker!.bootstrap] }).admin();
    await admin2.connect();
    try {
      await admin2.alterConfigs({ validateOnly: false, resources: [{ type: BROKER_RESOURCE, name: '0', configEntries: [{ name: 'listener.name.https.ssl.keystore.location', value: live }, { name: 'log.retention.ms', value: '3600000' }] }] });
    } finally {
      await admin2.disconnect();
    }
    assert.equal((broker!.output.match(/"gateway reloaded its key store"/g) ?? []).length, reloads);
    assert.equal(await servedCertificate(port, secondCa), secondFingerprint);
  });
});
