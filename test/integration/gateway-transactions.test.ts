// The gateway's readers and Kafka transactions (kafkajs transactional producers): WebSocket subscribers,
// WebSocket group members and the HTTP message browser read committed data by default — up to the last
// stable offset, without aborted transactions — and an open transaction's records arrive by themselves
// once it commits; read_uncommitted readers get every data record up to the high watermark. Transaction
// markers are never delivered as records.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka, Transaction } from 'kafkajs';
import { kafkaClient } from '../helpers/kafkajs.js';
import { http, postJson, startGatewayBroker, WsClient, type GatewayBroker } from './gateway-helpers.js';

const TOPIC = 'txn-events';
const SETTLE_MS = 500;

describe('gateway readers and transactions', () => {
  let gw: GatewayBroker;
  let kafka: Kafka;
  const clients: WsClient[] = [];
  const open = async () => {
    const c = await WsClient.open(gw.ws);
    clients.push(c);
    return c;
  };
  const values = (c: WsClient) => c.records.map((r) => r.value);
  const browse = async (query: string) => {
    const r = await http('GET', `${gw.http}/topics/${TOPIC}/partitions/0/records?limit=100${query}`);
    assert.equal(r.status, 200, r.text);
    return { ...r.body, values: r.body.records.map((x: any) => Buffer.from(x.value, 'base64').toString()) };
  };

  before(async () => {
    gw = await startGatewayBroker({
      'transaction.state.log.num.partitions': 2, 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0, 'num.partitions': 1,
    });
    kafka = kafkaClient(gw.broker.bootstrap, 'gw-txn');
  });
  after(async () => {
    for (const c of clients) await c.close();
    await gw?.broker.close();
  });

  test('committed, aborted and open transactions: read_committed by default, read_uncommitted on request, no markers', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();
    const send = (t: Transaction, vs: string[]) => t.send({ topic: TOPIC, messages: vs.map((value) => ({ value, partition: 0 })) });

    const a = kafka.producer({ transactionalId: 'gw-a', maxInFlightRequests: 1, idempotent: true });
    const b = kafka.producer({ transactionalId: 'gw-b', maxInFlightRequests: 1, idempotent: true });
    await a.connect();
    await b.connect();
    let open3: Transaction | undefined;
    try {
      const t1 = await a.transaction();
      await send(t1, ['c1', 'c2']);
      await t1.commit();
      const t2 = await a.transaction();
      await send(t2, ['a1', 'a2']);
      await t2.abort();
      assert.equal((await postJson(`${gw.http}/topics/${TOPIC}/partitions/0`, { records: [{ value: 'p1' }] })).status, 200);
      open3 = await b.transaction();
      await send(open3, ['o1', 'o2']);
      // A plain record after the open transaction: above the last stable offset until the transaction ends.
      assert.equal((await postJson(`${gw.http}/topics/${TOPIC}/partitions/0`, { records: [{ value: 'p2' }] })).status, 200);

      // c1 c2 [commit] a1 a2 [abort] p1 o1 o2 p2: offsets 0..9, markers at 2 and 5, o1 at 7.
      const committed = await open();
      committed.send({ type: 'subscribe', topic: TOPIC, from: 'earliest', credit: null });
      const uncommitted = await open();
      uncommitted.send({ type: 'subscribe', topic: TOPIC, from: 'earliest', credit: null, isolation: 'read_uncommitted' });
      const group = await open();
      group.send({ type: 'subscribe', group: 'gw-txn-group', topics: [TOPIC], reset: 'earliest', credit: null });
      const tail = await open();
      tail.send({ type: 'subscribe', topic: TOPIC, from: 'latest', credit: null });

      await uncommitted.until('every data record', () => uncommitted.records.length >= 8);
      await committed.until('the committed records', () => committed.records.length >= 3);
      await group.until('the committed records (group)', () => group.records.length >= 3);
      await tail.until('subscribed (latest)', () => tail.texts.some((t) => t.type === 'subscribed'));
      await new Promise((r) => setTimeout(r, SETTLE_MS));

      assert.equal(committed.texts.find((t) => t.type === 'subscribed').isolation, 'read_committed', 'read_committed is the default');
      assert.equal(uncommitted.texts.find((t) => t.type === 'subscribed').isolation, 'read_uncommitted');
      assert.deepEqual(values(uncommitted), ['c1', 'c2', 'a1', 'a2', 'p1', 'o1', 'o2', 'p2'], 'read_uncommitted: every data record, aborted and open ones included');
      assert.deepEqual(uncommitted.records.map((r) => r.offset), [0, 1, 3, 4, 6, 7, 8, 9], 'no control records (offsets 2 and 5 are markers)');
      assert.deepEqual(values(committed), ['c1', 'c2', 'p1'], 'read_committed: no aborted records, nothing at or past the open transaction');
      assert.deepEqual(values(group), ['c1', 'c2', 'p1'], 'a group member reads committed too');
      assert.deepEqual(tail.texts.find((t) => t.type === 'subscribed').partitions, [{ partition: 0, offset: 7 }], 'latest of a read_committed reader is the last stable offset');
      assert.equal(tail.records.length, 0);

      const before = await browse('');
      assert.equal(before.isolation, 'read_committed');
      assert.deepEqual(before.values, ['c1', 'c2', 'p1']);
      assert.equal(before.last_stable_offset, 7);
      assert.equal(before.high_watermark, 10);
      assert.deepEqual((await browse('&isolation=read_uncommitted')).values, ['c1', 'c2', 'a1', 'a2', 'p1', 'o1', 'o2', 'p2']);
      assert.deepEqual((await browse('&offset=3')).values, ['p1'], 'from inside the aborted transaction');
      assert.deepEqual((await browse('&offset=-5')).values, ['p1'], 'the last offsets below the last stable offset');
      const bad = await http('GET', `${gw.http}/topics/${TOPIC}/partitions/0/records?isolation=dirty`);
      assert.equal(bad.status, 400, bad.text);
      const badWs = await open();
      badWs.send({ type: 'subscribe', topic: TOPIC, isolation: 'dirty' });
      await badWs.until('an error', () => badWs.texts.some((t) => t.type === 'error'));

      // The commit marker moves the last stable offset: the waiting readers get the rest by themselves.
      await open3.commit();
      open3 = undefined;
      await committed.until('the transaction committed later', () => committed.records.length >= 6);
      await group.until('the transaction committed later (group)', () => group.records.length >= 6);
      await tail.until('the tail', () => tail.records.length >= 3);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      assert.deepEqual(values(committed), ['c1', 'c2', 'p1', 'o1', 'o2', 'p2']);
      assert.deepEqual(committed.records.map((r) => r.offset), [0, 1, 6, 7, 8, 9]);
      assert.deepEqual(values(group), ['c1', 'c2', 'p1', 'o1', 'o2', 'p2']);
      assert.deepEqual(values(tail), ['o1', 'o2', 'p2']);
      assert.equal(uncommitted.records.length, 8, 'the marker is no record');
      const afterCommit = await browse('');
      assert.deepEqual(afterCommit.values, ['c1', 'c2', 'p1', 'o1', 'o2', 'p2']);
      assert.equal(afterCommit.last_stable_offset, 11);
    } finally {
      await open3?.abort().catch(() => undefined);
      await a.disconnect();
      await b.disconnect();
    }
  });
});
