// gateway.cors.allowed.origins: preflight OPTIONS requests from a listed origin are answered with the
// methods and headers it may use, answers to its requests carry Access-Control-Allow-Origin (echoed, with
// credentials) and Vary: Origin, other origins get no CORS headers and their WebSocket upgrades 403; "*"
// allows any origin (without credentials); unset, the gateway sends no CORS headers and checks no origin.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startGatewayBroker, type GatewayBroker } from './gateway-helpers.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.com';

/** The WebSocket upgrade's HTTP status (101 when it opened). */
function upgrade(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    const timer = setTimeout(() => reject(new Error('no answer to the upgrade')), 10_000);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function call(method: string, url: string, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  return res;
}

describe('gateway CORS', () => {
  const brokers: GatewayBroker[] = [];
  after(async () => {
    for (const b of brokers) await b.broker.close();
  });

  test('listed origins: preflight answered, requests echoed with Vary: Origin; other origins get nothing and 403 on WebSocket', async () => {
    const gw = await startGatewayBroker({ 'gateway.cors.allowed.origins': `${APP},http://localhost:3000` });
    brokers.push(gw);
    const pre = await call('OPTIONS', `${gw.http}/topics/orders`, { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'Content-Type, Authorization, kafka-header-trace' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), APP);
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim());
    for (const h of ['authorization', 'content-type', 'kafka-header-trace']) assert.ok(allowed.includes(h), `${h} in ${allowed}`);
    assert.match(pre.headers.get('vary') ?? '', /Origin/);

    const denied = await call('OPTIONS', `${gw.http}/topics/orders`, { origin: EVIL, 'access-control-request-method': 'POST' });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('access-control-allow-origin'), null);

    const get = await call('GET', `${gw.http}/topics`, { origin: 'http://localhost:3000' });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.match(get.headers.get('vary') ?? '', /Origin/);
    assert.match(get.headers.get('access-control-expose-headers') ?? '', /kafka-throttle-time-ms/);
    const post = await fetch(`${gw.http}/topics/orders`, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: JSON.stringify({ records: [{ value: 'x' }] }), signal: AbortSignal.timeout(30_000) });
    assert.equal(post.status, 200, await post.text());
    assert.equal(post.headers.get('access-control-allow-origin'), APP);
    const other = await call('GET', `${gw.http}/topics`, { origin: EVIL });
    assert.equal(other.status, 200, 'a server-side answer; the browser withholds it from the page');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.match(other.headers.get('vary') ?? '', /Origin/);

    assert.equal(await upgrade(gw.ws, APP), 101);
    assert.equal(await upgrade(gw.ws, EVIL), 403);
    assert.equal(await upgrade(gw.ws), 101, 'no Origin (not a browser): allowed');
  });

  test('"*" allows any origin without credentials; unset sends no CORS headers and checks no origin', async () => {
    const any = await startGatewayBroker({ 'gateway.cors.allowed.origins': '*' });
    brokers.push(any);
    const pre = await call('OPTIONS', `${any.http}/topics`, { origin: EVIL, 'access-control-request-method': 'GET' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.equal(pre.headers.get('access-control-allow-credentials'), null);
    assert.equal(await upgrade(any.ws, EVIL), 101);

    const none = await startGatewayBroker();
    brokers.push(none);
    const get = await call('GET', `${none.http}/topics`, { origin: APP });
    assert.equal(get.status, 200);
    for (const h of ['access-control-allow-origin', 'vary']) assert.equal(get.headers.get(h), null, h);
    const opt = await call('OPTIONS', `${none.http}/topics`, { origin: APP, 'access-control-request-method': 'GET' });
    assert.equal(opt.headers.get('access-control-allow-origin'), null);
    assert.equal(await upgrade(none.ws, EVIL), 101);
  });
});
