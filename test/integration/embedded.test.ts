// startBroker(): the in-process broker other projects use in their test suites, driven by kafkajs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startBroker } from '../../src/index.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';

test('startBroker serves kafkajs on a free loopback port and cleans up its temporary dir', async () => {
  const broker = await startBroker({ config: { 'num.partitions': 2 } });
  assert.match(broker.bootstrap, /^127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(broker.logDir));
  try {
    const kafka = kafkaClient(broker.bootstrap);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: 'embedded', messages: [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['embedded'] });
    await admin.disconnect();
    assert.equal(meta.topics[0].partitions.length, 2, 'num.partitions from the config option');
    const got = await fetchAll(kafka, 'embedded', 1, 0, 2);
    assert.deepEqual(got.map((r) => r.value), ['a', 'b']);
  } finally {
    await broker.stop();
  }
  assert.equal(existsSync(broker.logDir), false);
});

test('two embedded brokers run side by side', async () => {
  const [a, b] = await Promise.all([startBroker(), startBroker()]);
  try {
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.logDir, b.logDir);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
