// startBroker() with the gateway: port 0 picks a free port, the embedded broker serves HTTP ingest
// in-process, and stop() closes the gateway's listener before the broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';

test('embedded broker with the gateway on a free port', async () => {
  const broker = await startBroker({ config: { 'gateway.listeners': 'HTTP://127.0.0.1:0' } });
  try {
    assert.match(broker.gatewayUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(`${broker.gatewayUrl}/topics/embedded`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"k","value":"v"}' });
    assert.equal(r.status, 200);
    const got = await fetchAll(kafkaClient(broker.bootstrap), 'embedded', 0, 0, 1);
    assert.deepEqual(got.map((g) => [g.key, g.value]), [['k', 'v']]);
  } finally {
    await broker.stop();
  }
  // New connections are refused; a pooled keep-alive connection gets 503 and is closed.
  const after = await fetch(`${broker.gatewayUrl}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  assert.ok(after === null || after.status === 503, `after stop: ${after?.status}`);
  // The listener is closed: a new connection is refused (not a timeout, not an answer).
  await assert.rejects(fetch(`${broker.gatewayUrl}/healthz`, { signal: AbortSignal.timeout(5000) }), (e: { cause?: { code?: string } }) => e.cause?.code === 'ECONNREFUSED');
  const plain = await startBroker();
  assert.equal(plain.gatewayUrl, undefined, 'off unless configured');
  await plain.stop();
});
