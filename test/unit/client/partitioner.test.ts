import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultPartitioner, murmur2, partitionForKey, toPositive } from '../../../src/client/partitioner.js';

// org.apache.kafka.common.utils.UtilsTest.testMurmur2
const JAVA_VECTORS: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

test('murmur2 matches the Java client (UtilsTest.testMurmur2)', () => {
  for (const [key, expected] of JAVA_VECTORS) assert.equal(murmur2(Buffer.from(key, 'utf8')), expected, key);
});

test('toPositive clears the sign bit like Utils.toPositive', () => {
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(-2147483648), 0);
  assert.equal(toPositive(5), 5);
});

test('keyed partitioning is murmur2-positive modulo partitions', () => {
  for (const [key, h] of JAVA_VECTORS) {
    for (const n of [1, 3, 7, 12]) assert.equal(partitionForKey(Buffer.from(key), n), (h & 0x7fffffff) % n);
  }
});

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
