// The gateway's records through the protocol's RecordBatch codec (with the native CRC) against the
// protocol parser and the native validator, and the WebSocket binary frame round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildBatch, decodeBatches, type GatewayRecord } from '../../../src/gateway/record-batch.js';
import { partitionForKey } from '../../../src/gateway/partitioner.js';
import { decodeBinaryRecords, encodeRecords } from '../../../src/gateway/frames.js';
import { parseJsonRecords } from '../../../src/gateway/ingest.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import { buildRecordBatch, parseRecordBatch, partitionForKey as protocolPartitionForKey } from '../../../src/protocol/index.js';
import { native } from '../../../src/hotpath/index.js';

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null }),
  headers: fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)), { nil: null })), { maxLength: 3 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
});

test('batches the gateway builds pass native validation and parse with the client, field for field', async () => {
  await fc.assert(fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 20 }), async (records: GatewayRecord[]) => {
    const batch = buildBatch(records, native.crc32c);
    assert.equal(native.validateBatches(batch, 10 << 20), 1);
    const parsed = await parseRecordBatch(batch);
    assert.equal(parsed.records.length, records.length);
    parsed.records.forEach((p, i) => {
      const r = records[i]!;
      assert.deepEqual(p.key, r.key);
      assert.deepEqual(p.value, r.value);
      assert.equal(p.timestamp, r.timestamp);
      assert.deepEqual(p.headers.map((h) => [h.key, h.value]), r.headers);
    });
    const decoded = await decodeBatches(batch, 0);
    assert.deepEqual(decoded.records.map((d) => ({ key: d.key, value: d.value, headers: d.headers, timestamp: d.timestamp })), records.map((r) => ({ ...r })));
    assert.equal(decoded.nextOffset, records.length);
  }), { numRuns: 200 });
});

test('batches written by the client with every codec decode, records from the asked offset on', async () => {
  const records = Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value-${i}`.repeat(20)), timestamp: 1_700_000_000_000 + i, headers: [{ key: 'h', value: Buffer.from(String(i)) }] }));
  for (const codec of [0, 1, 2, 3, 4] as const) {
    const a = await buildRecordBatch(records.slice(0, 20), { compression: codec, baseOffset: 100 });
    const b = await buildRecordBatch(records.slice(20), { compression: codec, baseOffset: 120 });
    const { records: out, nextOffset } = await decodeBatches(Buffer.concat([a, b]), 110);
    assert.equal(out.length, 40, `codec ${codec}`);
    assert.deepEqual(out.map((r) => r.offset), Array.from({ length: 40 }, (_, i) => 110 + i));
    assert.equal(out[0]!.value!.toString(), records[10]!.value.toString());
    assert.deepEqual(out[5]!.headers, [['h', Buffer.from('15')]]);
    assert.equal(nextOffset, 150);
  }
});

test('keyed records are partitioned with the protocol\'s murmur2 (and so like the Java client)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 100 }), (a, n) => partitionForKey(a, n) === protocolPartitionForKey(a, n)), { numRuns: 500 });
  assert.equal(partitionForKey(Buffer.from('21'), 1 << 30), (-973932308 & 0x7fffffff) % (1 << 30)); // Kafka's own test vector
});

test('binary frames round-trip', () => {
  fc.assert(fc.property(fc.array(recordArb, { maxLength: 10 }), fc.string({ minLength: 1, maxLength: 20 }), fc.nat(1000), (records, topic, partition) => {
    const withOffsets = records.map((r, i) => ({ ...r, offset: 1000 + i }));
    const d = decodeBinaryRecords(encodeRecords(topic, partition, withOffsets, 'binary'));
    assert.equal(d.topic, topic);
    assert.equal(d.partition, partition);
    assert.deepEqual(d.records, withOffsets);
  }), { numRuns: 300 });
});

test('JSON produce bodies: shapes accepted, bad ones refused with a Kafka code', () => {
  const now = 5;
  assert.deepEqual(parseJsonRecords(Buffer.from('{"key":"k","value":{"a":1},"headers":{"x":"y"}}'), 'json', now),
    [{ key: Buffer.from('k'), value: Buffer.from('{"a":1}'), headers: [['x', Buffer.from('y')]], timestamp: 5, partition: undefined }]);
  assert.deepEqual(parseJsonRecords(Buffer.from('[{"value":"s","partition":2,"timestamp":7}]'), 'kafka-json', now)[0],
    { key: null, value: Buffer.from('"s"'), headers: [], timestamp: 7, partition: 2 });
  for (const [body, code] of [['nope', 42], ['{"records":[]}', 42], ['{"records":[{"value":1,"partition":-1}]}', 87], ['{"records":[{"value":1,"timestamp":"x"}]}', 32], ['{"records":[{"value":1,"headers":[{"value":"x"}]}]}', 87], ['7', 42]] as const) {
    assert.throws(() => parseJsonRecords(Buffer.from(body), 'json'), (e: unknown) => e instanceof GatewayError && e.errorCode === code, body);
  }
});
