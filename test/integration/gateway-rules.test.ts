// The gateway and the Kafka listener share one append/read service (the broker's ReplicaManager), so
// the same bad input gets the same Kafka error code by either door. Regression: the gateway used to
// append to partition logs itself and skipped the internal-topic rule — an HTTP POST to
// __consumer_offsets was stored, and the group coordinator replayed it at the next start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, Produce } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { RawConnection } from '../helpers/raw-client.js';
import { postJson, startGatewayBroker, WsClient, type GatewayBroker } from './gateway-helpers.js';

describe('one set of append rules for the Kafka listener and the gateway', () => {
  let gw: GatewayBroker;
  let raw: RawConnection;

  before(async () => {
    gw = await startGatewayBroker({ 'auto.create.topics.enable': false });
    const r = await postJson(`${gw.http}/topics`, { name: 'small', partitions: 1, configs: { 'max.message.bytes': '1024' } });
    assert.equal(r.status, 201, r.text);
    raw = await RawConnection.open(gw.broker.port);
  });
  after(async () => {
    raw?.close();
    await gw?.broker.close();
  });

  /** The error code the Kafka listener answers a Produce of `value` to partition 0 of `topic` with. */
  async function kafkaProduceError(topic: string, value: string): Promise<number> {
    const records = await buildRecordBatch([{ key: null, value: Buffer.from(value), headers: [], timestamp: Date.now() }]);
    const res = await raw.request(Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    return res.responses[0]!.partitionResponses[0]!.errorCode;
  }

  /** The HTTP status and the Kafka error code the gateway answers a produce of `value` to partition 0 of `topic` with. */
  async function httpProduceError(topic: string, value: string): Promise<{ status: number; errorCode: number }> {
    const r = await postJson(`${gw.http}/topics/${encodeURIComponent(topic)}`, { records: [{ value, partition: 0 }] });
    const errorCode = r.body?.offsets ? r.body.offsets[0].error_code : r.body?.error_code;
    return { status: r.status, errorCode };
  }

  const cases: Array<[string, string, string, number, number]> = [
    ['an unknown topic with auto-creation off', 'no-such-topic', 'v', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 404],
    ['an internal topic', '__consumer_offsets', 'garbage', ErrorCode.INVALID_TOPIC_EXCEPTION, 400],
    ['a batch larger than the topic\'s max.message.bytes', 'small', 'x'.repeat(4000), ErrorCode.MESSAGE_TOO_LARGE, 413],
  ];
  for (const [what, topic, value, code, status] of cases) {
    test(`${what}: the same Kafka error code by either door`, async () => {
      assert.equal(await kafkaProduceError(topic, value), code, 'Kafka listener');
      const h = await httpProduceError(topic, value);
      assert.equal(h.errorCode, code, 'gateway');
      assert.equal(h.status, status);
    });
  }

  test('nothing reached __consumer_offsets, and a WebSocket group cannot consume (and commit) it', async () => {
    const ws = await WsClient.open(gw.ws);
    try {
      ws.send({ type: 'subscribe', group: 'sneaky', topics: ['__consumer_offsets'], reset: 'earliest' });
      await ws.until('an error for the internal topic', () => ws.texts.some((t) => t.type === 'error'));
      const err = ws.texts.find((t) => t.type === 'error');
      assert.equal(err.error_code, ErrorCode.INVALID_TOPIC_EXCEPTION, JSON.stringify(err));
      assert.equal(ws.texts.some((t) => t.type === 'joining' || t.type === 'assigned'), false);
    } finally {
      await ws.close();
    }
    // Neither the HTTP produce above nor the refused group wrote anything: every partition is empty.
    const admin = kafkaClient(gw.broker.bootstrap).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets('__consumer_offsets');
      assert.ok(offsets.length > 0);
      assert.deepEqual(offsets.filter((o) => o.high !== '0'), []);
    } finally {
      await admin.disconnect();
    }
  });
});
