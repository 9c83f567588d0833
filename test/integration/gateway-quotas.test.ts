// Client quotas on gateway traffic (gateway.authentication=basic, SCRAM users bob and carol): quotas set
// with Apache Kafka's kafka-configs on a user, and on a user with a client id, hold that user's WebSocket
// stream (consumer_byte_rate) and HTTP produce (producer_byte_rate) near the quota over a bounded run,
// while carol beside them is not held back. Throttled HTTP answers carry throttle_time_ms and the
// kafka-throttle-time-ms header; /metrics shows the sensors. The quota window is 4 samples of 1 s.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { freePort } from '../helpers/broker-process.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';
import { waitFor } from '../helpers/wait.js';

const QUOTA = 256 * 1024; // bytes per second
const VALUE = 'x'.repeat(1000);

describe('gateway traffic under client quotas', () => {
  let sb: SecureBroker;
  let base: string;
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:${user}-secret`).toString('base64')}`;

  before(async () => {
    const port = await freePort();
    base = `127.0.0.1:${port}`;
    sb = await startSecureBroker({ 'gateway.listeners': `HTTP://${base}`, 'gateway.authentication': 'basic', 'quota.window.num': 4, 'quota.window.size.seconds': 1 });
    await waitFor('gateway started', () => sb.broker.output.includes('"gateway started"') || undefined, 20_000);
  });
  after(async () => {
    await sb?.close();
  });

  async function post(user: string, path: string, body: unknown, clientId?: string): Promise<{ status: number; body: any; header: string | null }> {
    const res = await fetch(`http://${base}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
      headers: { 'content-type': 'application/json', authorization: basic(user), ...(clientId ? { 'client-id': clientId } : {}) } });
    return { status: res.status, body: await res.json(), header: res.headers.get('kafka-throttle-time-ms') };
  }

  /** A WebSocket subscriber of `topic` from earliest; answers its (ms since start, bytes) per frame. */
  function stream(user: string, topic: string, clientId: string): { frames: Array<[number, number]>; records: () => number; close: () => void } {
    const start = Date.now();
    const frames: Array<[number, number]> = [];
    let records = 0;
    const ws = new WebSocket(`ws://${base}/ws`, { headers: { authorization: basic(user) } });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', topic, from: 'earliest', credit: null, clientId })));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString());
      if (m.type !== 'records') return;
      frames.push([Date.now() - start, data.length]);
      records += m.records.length;
    });
    return { frames, records: () => records, close: () => ws.terminate() };
  }

  test('kafka-configs sets user quotas; a user\'s WebSocket stream is held near consumer_byte_rate, another user\'s is not', async () => {
    const set = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', sb.addr('PLAINTEXT'), '--alter', '--entity-type', 'users', '--entity-name', 'bob', '--add-config', `consumer_byte_rate=${QUOTA}`]);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const set2 = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', sb.addr('PLAINTEXT'), '--alter', '--entity-type', 'users', '--entity-name', 'bob', '--entity-type', 'clients', '--entity-name', 'uploader', '--add-config', `producer_byte_rate=${QUOTA}`]);
    assert.equal(set2.code, 0, set2.stdout + set2.stderr);
    const d = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', sb.addr('PLAINTEXT'), '--describe', '--entity-type', 'users', '--entity-name', 'bob']);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    assert.match(d.stdout, new RegExp(`consumer_byte_rate=${QUOTA}`));

    // 5 MB in the topic, written by carol (no quota): more than bob may read in the run.
    for (let i = 0; i < 20; i++) {
      const r = await post('carol', '/topics/q-stream/partitions/0', { records: Array.from({ length: 250 }, () => ({ value: VALUE })) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.throttle_time_ms, 0);
    }
    const RUN_MS = 9_000;
    const limited = stream('bob', 'q-stream', 'dashboard');
    const free = stream('carol', 'q-stream', 'dashboard');
    try {
      await waitFor('carol read everything', () => free.records() >= 5000 || undefined, 30_000);
      const freeDoneMs = free.frames.at(-1)![0];
      await new Promise((r) => setTimeout(r, Math.max(0, RUN_MS - freeDoneMs)));
      // The first window counts as 3 s (quota.window.num - 1), so about 3 x quota goes at once; measure after it.
      const from = 3_000;
      const to = Math.max(...limited.frames.map(([t]) => t), from + 1);
      const bytes = limited.frames.filter(([t]) => t > from).reduce((n, [, b]) => n + b, 0);
      const rate = bytes / ((RUN_MS - from) / 1000);
      const total = limited.frames.reduce((n, [, b]) => n + b, 0);
      console.log(`# consumer_byte_rate=${QUOTA}: bob streamed ${total} bytes in ${limited.frames.length} frames, ${Math.round(rate)} B/s from 3 s to ${RUN_MS / 1000} s (last frame at ${to} ms); carol read ${free.records()} records in ${freeDoneMs} ms`);
      assert.ok(limited.records() < 5000, 'bob was held back');
      assert.ok(rate < QUOTA * 2 && rate > QUOTA / 2, `bob's rate ${rate} B/s should be near ${QUOTA}`);
      assert.ok(freeDoneMs < 3_000, `carol was not held back (${freeDoneMs} ms for ~5.5 MB of frames)`);
    } finally {
      limited.close();
      free.close();
    }
    const m = await fetch(`http://${base}/metrics`, { headers: { authorization: basic('carol') } });
    const text = await m.text();
    assert.match(text, /kafka_server_quota_throttled_requests_total\{type="Fetch",user="bob",client_id=""\} [1-9]/);
    assert.doesNotMatch(text, /user="carol"/, 'carol has no quota, so no sensor');
  });

  test('HTTP produce over producer_byte_rate (user + client id) is accepted but answered after the throttle time', async () => {
    const batch = { records: Array.from({ length: 16 }, () => ({ value: VALUE })) };
    const RUN_MS = 8_000;
    const run = async (user: string, clientId: string) => {
      const start = Date.now();
      const throttles: number[] = [];
      let bytes = 0;
      let sent = 0;
      while (Date.now() - start < RUN_MS) {
        const r = await post(user, '/topics/q-upload', batch, clientId);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.offsets.length, 16, 'accepted');
        assert.equal(r.header === null ? 0 : Number(r.header), r.body.throttle_time_ms, 'the header carries the throttle time');
        if (r.body.throttle_time_ms > 0) throttles.push(r.body.throttle_time_ms);
        sent++;
        if (Date.now() - start > 3_000) bytes += 16 * VALUE.length;
      }
      return { rate: bytes / ((RUN_MS - 3_000) / 1000), throttles, sent };
    };
    const [limited, otherClient, free] = await Promise.all([run('bob', 'uploader'), run('bob', 'other'), run('carol', 'uploader')]);
    console.log(`# producer_byte_rate=${QUOTA} on bob/uploader: ${Math.round(limited.rate)} B/s of records after 3 s, ${limited.throttles.length} throttled answers (max ${Math.max(0, ...limited.throttles)} ms); bob/other ${Math.round(otherClient.rate)} B/s; carol/uploader ${Math.round(free.rate)} B/s`);
    assert.ok(limited.throttles.length > 0, 'throttle_time_ms reported');
    assert.ok(limited.rate < QUOTA * 2 && limited.rate > QUOTA / 2, `bob/uploader's rate ${limited.rate} B/s should be near ${QUOTA}`);
    assert.equal(otherClient.throttles.length, 0, 'another client id of the same user is not throttled');
    assert.equal(free.throttles.length, 0, 'another user with the same client id is not throttled');
    assert.ok(free.rate > QUOTA * 2, `carol's rate ${free.rate} B/s`);
  });
});
