import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lz4 from 'lz4-napi';
import * as snappy from 'snappy';
import { buildRecordBatch, parseRecordBatch, parseRecordBatches, type BatchRecord } from '../../../src/client/record-batch.js';
import { COMPRESSION_NAMES, CompressionType, compress, decompress } from '../../../src/client/compression.js';
import { crc32c } from '../../../src/client/crc32c.js';
import { KafkaClientError } from '../../../src/client/errors.js';

function sampleRecords(n: number, base = 1_700_000_000_000): BatchRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 7 === 3 ? null : Buffer.from(`value-${i}-${'v'.repeat(i % 50)}`),
    timestamp: base + i * 3 - (i % 4 === 1 ? 1000 : 0),
    headers: i % 3 === 0 ? [{ key: 'h1', value: Buffer.from(`hv${i}`) }, { key: 'héader', value: null }] : [],
  }));
}

for (const name of COMPRESSION_NAMES) {
  test(`record batch round trip with ${name}`, async () => {
    const records = sampleRecords(200);
    const batch = await buildRecordBatch(records, {
      compression: CompressionType[name],
      baseOffset: 42,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 100,
    });
    assert.equal(batch.readInt8(16), 2, 'magic');
    assert.equal(batch.readInt32BE(8), batch.length - 12, 'batchLength');
    assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)), 'crc');
    const parsed = await parseRecordBatch(batch);
    assert.equal(parsed.compression, CompressionType[name]);
    assert.equal(parsed.baseOffset, 42);
    assert.equal(parsed.lastOffset, 42 + 199);
    assert.equal(parsed.producerId, 7);
    assert.equal(parsed.producerEpoch, 1);
    assert.equal(parsed.baseSequence, 100);
    assert.equal(parsed.records.length, records.length);
    assert.equal(parsed.maxTimestamp, Math.max(...records.map((r) => r.timestamp)));
    parsed.records.forEach((r, i) => {
      const src = records[i]!;
      assert.equal(r.offset, 42 + i);
      assert.equal(r.timestamp, src.timestamp);
      assert.deepEqual(r.key, src.key);
      assert.deepEqual(r.value, src.value);
      assert.deepEqual(r.headers, src.headers);
    });
  });
}

test('parseRecordBatches reads concatenated batches and ignores a trailing partial batch', async () => {
  const a = await buildRecordBatch(sampleRecords(3), { baseOffset: 0 });
  const b = await buildRecordBatch(sampleRecords(2), { baseOffset: 3, compression: CompressionType.gzip });
  const c = await buildRecordBatch(sampleRecords(4), { baseOffset: 5 });
  const batches = await parseRecordBatches(Buffer.concat([a, b, c.subarray(0, c.length - 5)]));
  assert.deepEqual(batches.map((x) => x.baseOffset), [0, 3]);
  assert.deepEqual(batches[1]!.records.map((r) => r.offset), [3, 4]);
});

test('a flipped byte fails the CRC check', async () => {
  const batch = await buildRecordBatch(sampleRecords(3));
  batch[batch.length - 2] ^= 0xff;
  await assert.rejects(parseRecordBatch(batch), (e: unknown) => e instanceof KafkaClientError && e.code === 'ERR_CLIENT_CORRUPT_BATCH');
});

test('kafkajs can decode our batches and we can decode kafkajs batches', async () => {
  // kafkajs internals (CommonJS): its RecordBatch v2 encoder and decoder.
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
  const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder');
  const Decoder = require('kafkajs/src/protocol/decoder');

  const ts = 1_700_000_000_000;
  const theirs = await RecordBatch({
    firstOffset: '10',
    firstTimestamp: ts,
    maxTimestamp: ts + 2,
    lastOffsetDelta: 2,
    records: [0, 1, 2].map((i) => Record({ offsetDelta: i, timestampDelta: i, key: `k${i}`, value: `v${i}`, headers: { h: `x${i}` } })),
  });
  const parsed = await parseRecordBatch(theirs.buffer);
  assert.deepEqual(parsed.records.map((r) => [r.offset, r.timestamp, r.key?.toString(), r.value?.toString(), r.headers[0]?.value?.toString()]), [
    [10, ts, 'k0', 'v0', 'x0'],
    [11, ts + 1, 'k1', 'v1', 'x1'],
    [12, ts + 2, 'k2', 'v2', 'x2'],
  ]);

  const ours = await buildRecordBatch(sampleRecords(5, ts), { baseOffset: 20 });
  const decoded = await RecordBatchDecoder(new Decoder(ours));
  assert.equal(decoded.records.length, 5);
  assert.equal(decoded.records[1].key.toString(), 'key-1');
  assert.equal(decoded.records[1].offset, '21');
});

test('snappy is xerial-framed like the Java client, and raw snappy is accepted too', async () => {
  const data = Buffer.from('x'.repeat(100_000) + 'tail');
  const framed = await compress(CompressionType.snappy, data);
  assert.deepEqual([...framed.subarray(0, 16)], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.deepEqual(await decompress(CompressionType.snappy, framed), data);
  assert.deepEqual(await decompress(CompressionType.snappy, snappy.compressSync(data)), data);
});

test('lz4 is the LZ4 frame format with independent 64 KiB blocks and no checksums (KafkaLZ4BlockOutputStream)', async () => {
  const data = Buffer.from('hello lz4 '.repeat(20_000));
  const framed = await compress(CompressionType.lz4, data);
  assert.equal(framed.readUInt32LE(0), 0x184d2204, 'frame magic');
  const flg = framed[4]!;
  assert.equal(flg >> 6, 1, 'version 01');
  assert.equal((flg >> 5) & 1, 1, 'block independence');
  assert.equal((flg >> 4) & 1, 0, 'no block checksum');
  assert.equal((flg >> 2) & 1, 0, 'no content checksum');
  assert.equal((framed[5]! >> 4) & 7, 4, 'BD: 64 KiB max block');
  assert.equal(framed[6], 0x82, 'header checksum');
  assert.equal(framed.readUInt32LE(framed.length - 4), 0, 'end mark');
  assert.deepEqual(await decompress(CompressionType.lz4, framed), data);
  assert.deepEqual(await decompress(CompressionType.lz4, lz4.compressFrameSync(data)), data);
  const random = (await import('node:crypto')).randomBytes(150_000);
  assert.deepEqual(await decompress(CompressionType.lz4, await compress(CompressionType.lz4, random)), random, 'stored (incompressible) blocks');
  assert.deepEqual(await decompress(CompressionType.lz4, await compress(CompressionType.lz4, Buffer.alloc(0))), Buffer.alloc(0));
});
