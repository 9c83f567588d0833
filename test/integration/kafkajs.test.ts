// kafkajs (a client no one here wrote) against a real broker process: admin, plain and idempotent
// producers, and Fetch through kafkajs's own decoder, with 100,000 records over several partitions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';
import { partitionOf } from '../helpers/murmur2.js';

describe('kafkajs', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.segment.bytes': 1 << 20 } });
    kafka = kafkaClient(broker.bootstrap);
  });
  after(async () => {
    await broker?.close();
  });

  test('admin creates, lists, describes and deletes topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }, { topic: 'admin-b', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '60000' }] }] }), true);
      assert.equal(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }] }), false, 'existing topic is not created again');
      const topics = await admin.listTopics();
      assert.ok(topics.includes('admin-a') && topics.includes('admin-b'));
      const meta = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
      assert.equal(meta.topics[0].partitions.length, 4);
      for (const p of meta.topics[0].partitions) {
        assert.equal(p.leader, 0);
        assert.deepEqual(p.replicas, [0]);
        assert.deepEqual(p.isr, [0]);
      }
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'bad topic!', numPartitions: 1 }] }), kafkaError('INVALID_TOPIC_EXCEPTION'));
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'bad-config', configEntries: [{ name: 'retention.ms', value: 'soon' }] }] }), kafkaError('INVALID_CONFIG'));
      await admin.deleteTopics({ topics: ['admin-b'] });
      assert.ok(!(await admin.listTopics()).includes('admin-b'));
      const offsets = await admin.fetchTopicOffsets('admin-a');
      assert.equal(offsets.length, 4);
      for (const o of offsets) assert.deepEqual([o.low, o.high], ['0', '0']);
    } finally {
      await admin.disconnect();
    }
  });

  test('100,000 keyed records with headers round-trip through 3 partitions with exact offsets and timestamps', async () => {
    const topic = 'kjs-many';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const total = 100_000;
    const perSend = 2_000;
    const baseTs = Date.now() - 1_000_000;
    // What each partition should hold, in order, from the producer's own acknowledgements.
    const expected = new Map<number, Array<{ key: string; value: string; ts: number; header: string }>>();
    for (let start = 0; start < total; start += perSend) {
      const messages = [];
      for (let i = start; i < start + perSend; i++) messages.push({ key: `key-${i}`, value: `value-${i}-${'x'.repeat(i % 50)}`, timestamp: String(baseTs + i), headers: { seq: String(i) } });
      const acks = await producer.send({ topic, acks: -1, messages });
      // kafkajs returns one base offset per partition of this send; records of a partition are consecutive.
      const byPartition = new Map<number, typeof messages>();
      for (const m of messages) {
        const p = partitionOf(m.key, 3);
        if (!byPartition.has(p)) byPartition.set(p, []);
        byPartition.get(p)!.push(m);
      }
      for (const ack of acks) {
        assert.equal(ack.errorCode, 0);
        const list = expected.get(ack.partition) ?? [];
        assert.equal(Number(ack.baseOffset), list.length, `partition ${ack.partition} base offset is dense`);
        for (const m of byPartition.get(ack.partition) ?? []) list.push({ key: m.key, value: m.value, ts: Number(m.timestamp), header: m.headers.seq });
        expected.set(ack.partition, list);
      }
    }
    await producer.disconnect();

    let seen = 0;
    for (const [partition, want] of expected) {
      const got = await fetchAll(kafka, topic, partition, 0, want.length);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) {
        const g = got[i];
        assert.equal(g.offset, i);
        assert.equal(g.key, want[i].key);
        assert.equal(g.value, want[i].value);
        assert.equal(g.timestamp, want[i].ts);
        assert.equal(g.headers.seq, want[i].header);
        assert.equal(partitionOf(g.key!, 3), partition, 'key lands on its murmur2 partition');
      }
      seen += got.length;
    }
    assert.equal(seen, total);

    const admin2 = kafka.admin();
    await admin2.connect();
    const offsets = await admin2.fetchTopicOffsets(topic);
    await admin2.disconnect();
    for (const o of offsets) assert.equal(Number(o.high), expected.get(o.partition)?.length ?? 0);
  });

  test('idempotent producer: sequences accepted, no duplicates, offsets dense', async () => {
    const topic = 'kjs-idem';
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await producer.connect();
    let next = 0;
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 250 }, (_, i) => ({ key: null, value: `r${round}-${i}` }));
      const [ack] = await producer.send({ topic, acks: -1, messages });
      assert.equal(ack.errorCode, 0);
      assert.equal(Number(ack.baseOffset), next);
      next += 250;
    }
    await producer.disconnect();
    const got = await fetchAll(kafka, topic, 0, 0, 5000);
    assert.deepEqual(got.map((r) => r.value), Array.from({ length: 5000 }, (_, i) => `r${Math.floor(i / 250)}-${i % 250}`));
  });

  test('gzip-compressed batches from kafkajs are stored and served', async () => {
    const topic = 'kjs-gzip';
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: `gz-${i}` })) });
    await producer.disconnect();
    const got = await fetchAll(kafka, topic, 0, 0, 500);
    assert.deepEqual(got.map((r) => r.value), Array.from({ length: 500 }, (_, i) => `gz-${i}`));
    assert.deepEqual(got.map((r) => r.offset), Array.from({ length: 500 }, (_, i) => i));
  });

  test('fetch from a middle offset and ListOffsets by timestamp', async () => {
    const topic = 'kjs-seek';
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 10; i++) {
      await producer.send({ topic, messages: Array.from({ length: 100 }, (_, j) => ({ value: `v${i * 100 + j}`, timestamp: String(t0 + (i * 100 + j) * 10) })) });
    }
    await producer.disconnect();
    const got = await fetchAll(kafka, topic, 0, 537, 10);
    assert.deepEqual(got.map((r) => r.offset), [537, 538, 539, 540, 541, 542, 543, 544, 545, 546]);
    assert.equal(got[0].value, 'v537');
    const admin = kafka.admin();
    await admin.connect();
    const [byTime] = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 7230);
    assert.equal(Number(byTime.offset), 723);
    const [afterAll] = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 10 ** 9);
    assert.equal(Number(afterAll.offset), 1000, 'a timestamp after every record resolves to the log end');
    await admin.disconnect();
  });
});

/** Matches kafkajs's aggregate topic-creation error carrying the given Kafka error type. */
function kafkaError(type: string) {
  return (err: unknown) => {
    const errors = (err as { errors?: Array<{ type?: string }> }).errors ?? [err as { type?: string }];
    assert.equal(errors[0]?.type, type);
    return true;
  };
}
