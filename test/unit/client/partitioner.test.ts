// The client's default partitioner (murmur2 itself is tested with src/protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultPartitioner } from '../../../src/client/partitioner.js';

test('partitioner matches kafkajs default partitioner (Java-compatible) for many keys', async () => {
  const { Partitioners } = (await import('kafkajs')).default;
  const kp = Partitioners.DefaultPartitioner();
  const p = new DefaultPartitioner();
  for (let i = 0; i < 500; i++) {
    const key = `key-${i}-${'x'.repeat(i % 7)}`;
    const n = 1 + (i % 10);
    const partitionMetadata = Array.from({ length: n }, (_, id) => ({ partitionId: id, leader: 0 }));
    const expected = kp({ topic: 't', partitionMetadata, message: { key, value: null } } as never);
    assert.equal(p.partition({ topic: 't', key: Buffer.from(key), numPartitions: n }), expected, key);
  }
});

test('null keys stick to one partition until a batch closes, then move on', () => {
  const p = new DefaultPartitioner();
  const first = p.partition({ topic: 't', key: null, numPartitions: 4 });
  for (let i = 0; i < 10; i++) assert.equal(p.partition({ topic: 't', key: null, numPartitions: 4 }), first);
  p.onNewBatch('t', first, 4);
  assert.equal(p.partition({ topic: 't', key: null, numPartitions: 4 }), (first + 1) % 4);
  assert.ok(first >= 0 && first < 4);
});
