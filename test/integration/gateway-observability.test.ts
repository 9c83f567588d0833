// /metrics, /healthz, /readyz and /openapi.json of a real broker process: Kafka-style metric names that
// count traffic from both Kafka clients (through the broker's diagnostics_channels) and the gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaClient } from '../helpers/kafkajs.js';
import { http, postJson, startGatewayBroker, type GatewayBroker } from './gateway-helpers.js';

function value(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(series + ' '));
  assert.ok(line, `metric ${series} present`);
  return Number(line.slice(series.length + 1));
}

describe('gateway observability', () => {
  let gw: GatewayBroker;
  before(async () => {
    gw = await startGatewayBroker();
  });
  after(async () => {
    await gw?.broker.close();
  });

  test('health, readiness and the OpenAPI document', async () => {
    assert.deepEqual((await http('GET', `${gw.http}/healthz`)).body, { status: 'ok' });
    const ready = await http('GET', `${gw.http}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
    const doc = await http('GET', `${gw.http}/openapi.json`);
    assert.equal(doc.body.openapi, '3.0.3');
    for (const path of ['/topics', '/topics/{topic}', '/topics/{topic}/partitions/{partition}', '/topics/{topic}/partitions/{partition}/records', '/metrics', '/ws']) assert.ok(doc.body.paths[path], path);
  });

  test('/metrics counts Kafka-protocol and gateway traffic with Kafka-style names', async () => {
    const producer = kafkaClient(gw.broker.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 'm1', messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
    await postJson(`${gw.http}/topics/m1`, { records: Array.from({ length: 5 }, (_, i) => ({ value: `h${i}` })) });
    const m = (await http('GET', `${gw.http}/metrics`)).text;
    await producer.disconnect();
    assert.equal(value(m, 'kafka_server_brokertopicmetrics_messagesin_total{topic="m1",listener="kafka"}'), 10);
    assert.equal(value(m, 'kafka_server_brokertopicmetrics_messagesin_total{topic="m1",listener="gateway"}'), 5);
    assert.ok(value(m, 'kafka_server_brokertopicmetrics_bytesin_total{topic="m1",listener="kafka"}') > 0);
    assert.ok(value(m, 'kafka_network_requestmetrics_requests_total{request="Produce"}') >= 1);
    assert.ok(value(m, 'kafka_network_requestmetrics_requests_total{request="HttpProduce"}') >= 1);
    assert.ok(value(m, 'kafka_network_requestmetrics_totaltimems_count{request="Metadata"}') >= 1);
    assert.match(m, /^kafka_network_requestmetrics_totaltimems_bucket\{request="Produce",le="\+Inf"\} \d+$/m);
    assert.equal(value(m, 'kafka_log_log_logendoffset{topic="m1",partition="0"}'), 15);
    assert.ok(value(m, 'kafka_log_log_size{topic="m1",partition="0"}') > 0);
    assert.equal(value(m, 'kafka_server_socketservermetrics_connection_count{listener="PLAINTEXT"}'), 1);
    assert.match(m, /^# TYPE kafka_network_requestmetrics_totaltimems histogram$/m);
  });
});
