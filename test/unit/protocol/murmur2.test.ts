// Kafka's murmur2 and keyed partition choice, against the values Kafka's own tests compute and against
// kafkajs's independent (Long-based) implementation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { murmur2, partitionForKey, toPositive } from '../../../src/protocol/index.js';

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

test('murmur2 equals kafkajs\'s for any bytes (every tail length, high bytes)', () => {
  const require = createRequire(import.meta.url);
  const kafkajsMurmur2: (key: Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (a) => murmur2(a) === kafkajsMurmur2(Buffer.from(a))), { numRuns: 2000 });
});
