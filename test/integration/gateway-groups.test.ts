// A WebSocket client as a consumer-group member beside a kafkajs member of the same group: they split
// the partitions; records produced by kafkajs reach whichever member owns the partition; commits made
// over the WebSocket survive a reconnect (resume at the committed offset, no loss, no duplicates of
// committed records); the console's /groups shows the group with lag per partition.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaClient } from '../helpers/kafkajs.js';
import { http, postJson, startGatewayBroker, WsClient, type GatewayBroker } from './gateway-helpers.js';

describe('gateway WebSocket consumer-group members', () => {
  let gw: GatewayBroker;
  const clients: WsClient[] = [];
  before(async () => {
    gw = await startGatewayBroker();
    await postJson(`${gw.http}/topics`, { name: 'shared', partitions: 4 });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await gw?.broker.close();
  });

  test('a WebSocket member and a kafkajs member split the partitions and each gets its records', async () => {
    const ws = await WsClient.open(gw.ws);
    clients.push(ws);
    ws.send({ type: 'subscribe', group: 'mixed', topics: ['shared'], reset: 'earliest', credit: null });
    await ws.until('assigned all 4 alone', () => ws.texts.some((t) => t.type === 'assigned' && t.partitions.length === 4), 30_000);

    const kafka = kafkaClient(gw.broker.bootstrap);
    const consumer = kafka.consumer({ groupId: 'mixed', sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 20_000 });
    const viaKafkajs: Array<{ partition: number; offset: number; value: string }> = [];
    let kafkajsPartitions: number[] = [];
    consumer.on(consumer.events.GROUP_JOIN, (e: any) => {
      kafkajsPartitions = (e.payload.memberAssignment.shared ?? []) as number[];
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'shared', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => {
      viaKafkajs.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
    } });
    try {
      // The WebSocket member is told to give up its partitions and gets its share back.
      await ws.until('rebalanced to 2', () => {
        const last = ws.texts.filter((t) => t.type === 'assigned').at(-1);
        return last.partitions.length === 2 && kafkajsPartitions.length === 2;
      }, 60_000);
      const wsPartitions = ws.texts.filter((t) => t.type === 'assigned').at(-1).partitions.map((p: any) => p.partition).sort();
      assert.deepEqual([...wsPartitions, ...kafkajsPartitions].sort(), [0, 1, 2, 3], 'disjoint and complete');

      const producer = kafka.producer();
      await producer.connect();
      const messages = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
      await producer.send({ topic: 'shared', messages });
      await producer.disconnect();
      await ws.until('all records split between the two members', () => ws.records.length + viaKafkajs.length >= 200, 60_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(ws.records.length + viaKafkajs.length, 200, 'each record once');
      for (const r of ws.records) assert.ok(wsPartitions.includes(r.partition), 'websocket records only from its partitions');
      for (const r of viaKafkajs) assert.ok(kafkajsPartitions.includes(r.partition), 'kafkajs records only from its partitions');
      assert.ok(ws.records.length > 0 && viaKafkajs.length > 0, 'both got a share');

      const groups = await http('GET', `${gw.http}/groups`);
      const g = groups.body.find((x: any) => x.group_id === 'mixed');
      assert.equal(g.members, 2);
      assert.equal(g.partitions.length, 4);
    } finally {
      await consumer.disconnect();
    }
  });

  test('commits over the WebSocket survive a reconnect: resume at the committed offset', async () => {
    await postJson(`${gw.http}/topics`, { name: 'commits', partitions: 2 });
    await postJson(`${gw.http}/topics/commits`, { records: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: String(i) })) });
    const a = await WsClient.open(gw.ws);
    clients.push(a);
    a.send({ type: 'subscribe', group: 'resumer', topics: ['commits'], reset: 'earliest', credit: 60 });
    await a.until('60 records', () => a.records.length >= 60, 30_000);
    const acked: Record<string, number> = {};
    for (const r of a.records.slice(0, 60)) acked[r.partition] = r.offset + 1;
    a.send({ type: 'ack', offsets: Object.entries(acked).map(([p, o]) => ({ topic: 'commits', partition: Number(p), offset: o })) });
    await a.until('committed', () => a.texts.some((t) => t.type === 'committed'));
    assert.ok(a.texts.find((t) => t.type === 'committed').offsets.every((o: any) => o.error_code === 0));
    const first = a.records.slice(0, 60).map((r) => r.value);
    await a.close();
    const b = await WsClient.open(gw.ws);
    clients.push(b);
    b.send({ type: 'subscribe', group: 'resumer', topics: ['commits'], reset: 'earliest', credit: null });
    await b.until('the other 40', () => b.records.length >= 40, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const assigned = b.texts.filter((t) => t.type === 'assigned').at(-1);
    for (const p of assigned.partitions) assert.equal(p.offset, acked[p.partition] ?? 0, 'starts at the committed offset');
    const all = [...first, ...b.records.map((r) => r.value)].map(Number).sort((x, y) => x - y);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i), 'no loss, no duplicates');
  });
});
