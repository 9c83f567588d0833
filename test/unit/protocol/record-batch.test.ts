// The one RecordBatch v2 codec (src/protocol/records): build and parse with every codec, the framing
// Kafka's clients use, control batches, and the rules where the client, log and gateway copies it
// replaced used to differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lz4 from 'lz4-napi';
import * as snappy from 'snappy';
import {
  buildControlBatch, buildRecordBatch, buildRecordBatchSync, COMPRESSION_NAMES, CompressionType, compress, ControlRecordType, crc32c, decodeEndTransactionMarker, decompress,
  parseRecordBatch, parseRecordBatches, parseRecordBatchesSync, parseRecordBatchSync, readRecordBatchHeader, RecordBatchError, splitRecordBatches, type BatchRecord,
} from '../../../src/protocol/index.js';
import { native } from '../../../src/hotpath/index.js';

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
  await assert.rejects(parseRecordBatch(batch), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_CORRUPT' && e.errorName === 'CORRUPT_MESSAGE');
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

test('the synchronous builder writes the same bytes as the async one, and a given CRC function is used', async () => {
  const records = sampleRecords(40);
  const options = { baseOffset: 9, producerId: 3, producerEpoch: 2, baseSequence: 5, partitionLeaderEpoch: 4, transactional: true };
  const sync = buildRecordBatchSync(records, options);
  assert.deepEqual(sync, await buildRecordBatch(records, options));
  assert.deepEqual(buildRecordBatchSync(records, { ...options, crc32c: native.crc32c }), sync, 'native and TypeScript CRC agree');
  let called = 0;
  buildRecordBatchSync(records, { crc32c: (b) => (called++, native.crc32c(b)) });
  assert.equal(called, 1);
  const head = readRecordBatchHeader(sync, { crc32c: native.crc32c });
  assert.equal(head.isTransactional, true);
  assert.equal(head.partitionLeaderEpoch, 4);
  assert.equal(head.recordCount, 40);
  assert.throws(() => buildRecordBatchSync(records, { compression: CompressionType.gzip }), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_INVALID_ARGUMENT');
  assert.throws(() => buildRecordBatchSync([]), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_INVALID_ARGUMENT');
});

test('control batches carry a COMMIT or ABORT marker in Kafka\'s ControlRecordType/EndTransactionMarker format', async () => {
  for (const type of [ControlRecordType.COMMIT, ControlRecordType.ABORT]) {
    const batch = buildControlBatch({ type, coordinatorEpoch: 17 }, { producerId: 1234, producerEpoch: 5, timestamp: 1_700_000_000_000, baseOffset: 77 });
    assert.equal(batch.readInt16BE(21), 0x30, 'attributes: transactional | control');
    const parsed = await parseRecordBatch(batch);
    assert.equal(parsed.isControl, true);
    assert.equal(parsed.isTransactional, true);
    assert.equal(parsed.producerId, 1234);
    assert.equal(parsed.producerEpoch, 5);
    assert.equal(parsed.records.length, 1);
    const r = parsed.records[0]!;
    assert.equal(r.offset, 77);
    assert.deepEqual([...r.key!], [0, 0, 0, type], 'key: version 0, type');
    assert.deepEqual([...r.value!], [0, 0, 0, 0, 0, 17], 'value: version 0, coordinator epoch');
    assert.deepEqual(decodeEndTransactionMarker(r), { type, coordinatorEpoch: 17 });
  }
  assert.equal(decodeEndTransactionMarker({ key: Buffer.from([0, 0, 0, 9]), value: null }), undefined, 'unknown control types are skipped');
  assert.throws(() => decodeEndTransactionMarker({ key: Buffer.from([0]), value: null }), RecordBatchError);
});

test('LogAppendTime batches give every record the batch maxTimestamp', async () => {
  const batch = buildRecordBatchSync(sampleRecords(3, 1000));
  batch.writeInt16BE(batch.readInt16BE(21) | 0x08, 21);
  batch.writeBigInt64BE(5555n, 35);
  const parsed = await parseRecordBatch(batch, { verifyCrc: false });
  assert.equal(parsed.timestampType, 1);
  assert.deepEqual(parsed.records.map((r) => r.timestamp), [5555, 5555, 5555]);
});

test('synchronous parsing reads uncompressed batches and refuses compressed ones', async () => {
  const plain = buildRecordBatchSync(sampleRecords(4), { baseOffset: 10 });
  const gz = await buildRecordBatch(sampleRecords(2), { baseOffset: 14, compression: CompressionType.gzip });
  assert.deepEqual(parseRecordBatchesSync(plain).flatMap((b) => b.records.map((r) => r.offset)), [10, 11, 12, 13]);
  assert.deepEqual(parseRecordBatchSync(plain), await parseRecordBatch(plain));
  assert.throws(() => parseRecordBatchesSync(Buffer.concat([plain, gz])), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_COMPRESSED');
});

// Where the three former copies differed, the codec follows Kafka (DefaultRecordBatch, DefaultRecord):
test('framing: a partial trailing batch is left out, a length smaller than a batch header is corrupt', () => {
  const a = buildRecordBatchSync(sampleRecords(2));
  const b = buildRecordBatchSync(sampleRecords(3));
  assert.equal(splitRecordBatches(Buffer.concat([a, b.subarray(0, 60)])).length, 1, 'fewer bytes than a header');
  assert.equal(splitRecordBatches(Buffer.concat([a, b.subarray(0, b.length - 1)])).length, 1, 'header whole, records cut');
  const tiny = Buffer.from(b);
  tiny.writeInt32BE(20, 8);
  assert.throws(() => splitRecordBatches(Buffer.concat([a, tiny])), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_CORRUPT');
});

test('records: a length that does not match the fields, or a null header key, is corrupt', async () => {
  const batch = buildRecordBatchSync([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1, headers: [{ key: 'h', value: null }] }]);
  // Record length one byte longer than its fields, with a spare byte at the end of the batch.
  const longer = Buffer.concat([batch, Buffer.from([0])]);
  longer.writeInt32BE(longer.length - 12, 8);
  longer[61] = batch[61]! + 2; // zigzag: +1 in length
  await assert.rejects(parseRecordBatch(longer, { verifyCrc: false }), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_CORRUPT');
  // Header key length -1 (zigzag 0x01) where "h" (length 1, zigzag 0x02) was.
  const at = batch.indexOf(Buffer.from([0x02, 0x68, 0x01]), 61);
  assert.ok(at > 0);
  const nullKey = Buffer.from(batch);
  nullKey[at] = 0x01;
  await assert.rejects(parseRecordBatch(nullKey, { verifyCrc: false }), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_CORRUPT');
});

test('compression errors have their own codes', async () => {
  await assert.rejects(decompress(CompressionType.gzip, Buffer.from('not gzip')), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_DECOMPRESSION');
  await assert.rejects(decompress(6, Buffer.alloc(4)), (e: unknown) => e instanceof RecordBatchError && e.code === 'ERR_RECORD_BATCH_UNSUPPORTED_COMPRESSION' && e.errorName === 'UNSUPPORTED_COMPRESSION_TYPE');
});
