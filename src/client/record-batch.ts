// RecordBatch v2 (magic 2): building batches for the producer and parsing them
// for the consumer. Layout (all big-endian; Kafka's DefaultRecordBatch):
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
//   | crc uint32 (CRC-32C of everything after it) | attributes int16 | lastOffsetDelta int32
//   | baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16
//   | baseSequence int32 | recordCount int32 | records (compressed as a whole when codec != 0)
//
//   Record => length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//             | keyLength varint | key | valueLength varint | value
//             | headerCount varint | [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]
//
// attributes: bits 0-2 compression codec, bit 3 timestamp type (1 = LogAppendTime),
// bit 4 transactional, bit 5 control batch.

import { crc32c } from './crc32c.js';
import { compress, decompress, type CompressionCodecId } from './compression.js';
import { KafkaClientError } from './errors.js';
import { readInt64, VarintReader, varintSize, varlongSize, writeInt64, writeVarint, writeVarlong } from './varint.js';

export const RECORD_BATCH_OVERHEAD = 61;
/** Offset of the fields after `batchLength` and the fields the CRC covers. */
const LENGTH_OFFSET = 8;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record to put into a batch. */
export interface BatchRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers?: RecordHeader[];
}

export interface BuildBatchOptions {
  compression?: CompressionCodecId;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
}

/** Size of one encoded record, excluding its leading length varint. */
function recordBodySize(r: BatchRecord, offsetDelta: number, timestampDelta: number): number {
  let n = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  n += r.key === null ? 1 : varintSize(r.key.length) + r.key.length;
  n += r.value === null ? 1 : varintSize(r.value.length) + r.value.length;
  const headers = r.headers ?? [];
  n += varintSize(headers.length);
  for (const h of headers) {
    const kl = Buffer.byteLength(h.key, 'utf8');
    n += varintSize(kl) + kl;
    n += h.value === null ? 1 : varintSize(h.value.length) + h.value.length;
  }
  return n;
}

/** Encodes the records section (uncompressed) of a batch whose first timestamp is `baseTimestamp`. */
export function encodeRecords(records: readonly BatchRecord[], baseTimestamp: number): Buffer {
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const body = recordBodySize(records[i]!, i, records[i]!.timestamp - baseTimestamp);
    sizes[i] = body;
    total += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    at = writeVarint(buf, at, sizes[i]!);
    buf[at++] = 0; // record attributes: unused
    at = writeVarlong(buf, at, r.timestamp - baseTimestamp);
    at = writeVarint(buf, at, i);
    at = writeBytes(buf, at, r.key);
    at = writeBytes(buf, at, r.value);
    const headers = r.headers ?? [];
    at = writeVarint(buf, at, headers.length);
    for (const h of headers) {
      const kl = Buffer.byteLength(h.key, 'utf8');
      at = writeVarint(buf, at, kl);
      at += buf.write(h.key, at, kl, 'utf8');
      at = writeBytes(buf, at, h.value);
    }
  }
  if (at !== total) throw new Error(`record encoding size mismatch: wrote ${at}, expected ${total}`);
  return buf;
}

function writeBytes(buf: Buffer, at: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, at, -1);
  at = writeVarint(buf, at, b.length);
  b.copy(buf, at);
  return at + b.length;
}

/** Builds one complete RecordBatch v2 with a valid CRC. */
export async function buildRecordBatch(records: readonly BatchRecord[], options: BuildBatchOptions = {}): Promise<Buffer> {
  if (records.length === 0) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'a record batch needs at least one record');
  const codec = options.compression ?? 0;
  let baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  for (const r of records) {
    if (r.timestamp < baseTimestamp) baseTimestamp = r.timestamp;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  }
  const plain = encodeRecords(records, baseTimestamp);
  const body = codec === 0 ? plain : await compress(codec, plain);

  const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
  writeInt64(batch, 0, options.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - 12, LENGTH_OFFSET);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, 12);
  batch.writeInt8(2, MAGIC_OFFSET);
  let attributes = codec & 0x07;
  if (options.transactional) attributes |= 0x10;
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(records.length - 1, 23);
  writeInt64(batch, 27, baseTimestamp);
  writeInt64(batch, 35, maxTimestamp);
  writeInt64(batch, 43, options.producerId ?? NO_PRODUCER_ID);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, 51);
  batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, 53);
  batch.writeInt32BE(records.length, 57);
  body.copy(batch, RECORD_BATCH_OVERHEAD);
  batch.writeUInt32BE(crc32c(batch, 0, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return batch;
}

// ---- parsing -------------------------------------------------------------------

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface DecodedBatch {
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  attributes: number;
  compression: number;
  /** 0 = CreateTime, 1 = LogAppendTime. */
  timestampType: 0 | 1;
  isTransactional: boolean;
  isControl: boolean;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  records: DecodedRecord[];
}

export interface ParseOptions {
  /** Check each batch's CRC-32C (default true). */
  verifyCrc?: boolean;
}

/**
 * Parses the concatenated batches of a fetch response's `records` field. A
 * trailing partial batch (the broker may cut a response mid-batch) is ignored.
 * Keys, values and header values are views into the (decompressed) bytes.
 */
export async function parseRecordBatches(data: Buffer, options: ParseOptions = {}): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = [];
  let at = 0;
  while (data.length - at >= RECORD_BATCH_OVERHEAD) {
    const batchLength = data.readInt32BE(at + LENGTH_OFFSET);
    const end = at + 12 + batchLength;
    if (batchLength < RECORD_BATCH_OVERHEAD - 12) throw corrupt(`batch at byte ${at} has invalid length ${batchLength}`);
    if (end > data.length) break;
    out.push(await parseRecordBatch(data.subarray(at, end), options));
    at = end;
  }
  return out;
}

/** Parses exactly one batch. */
export async function parseRecordBatch(batch: Buffer, options: ParseOptions = {}): Promise<DecodedBatch> {
  if (batch.length < RECORD_BATCH_OVERHEAD) throw corrupt(`batch of ${batch.length} bytes is shorter than the ${RECORD_BATCH_OVERHEAD}-byte header`);
  const magic = batch.readInt8(MAGIC_OFFSET);
  if (magic !== 2) throw corrupt(`unsupported record batch magic ${magic} (only v2 is supported)`);
  if (options.verifyCrc !== false) {
    const expected = batch.readUInt32BE(CRC_OFFSET);
    const actual = crc32c(batch, 0, ATTRIBUTES_OFFSET);
    if (expected !== actual) throw corrupt(`batch CRC mismatch: stored ${expected.toString(16)}, computed ${actual.toString(16)}`);
  }
  const baseOffset = readInt64(batch, 0);
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  const compression = attributes & 0x07;
  const timestampType = (attributes & 0x08) !== 0 ? 1 : 0;
  const lastOffsetDelta = batch.readInt32BE(23);
  const baseTimestamp = readInt64(batch, 27);
  const maxTimestamp = readInt64(batch, 35);
  const count = batch.readInt32BE(57);
  const head = {
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    partitionLeaderEpoch: batch.readInt32BE(12),
    magic,
    attributes,
    compression,
    timestampType: timestampType as 0 | 1,
    isTransactional: (attributes & 0x10) !== 0,
    isControl: (attributes & 0x20) !== 0,
    baseTimestamp,
    maxTimestamp,
    producerId: readInt64(batch, 43),
    producerEpoch: batch.readInt16BE(51),
    baseSequence: batch.readInt32BE(53),
  };
  const body = batch.subarray(RECORD_BATCH_OVERHEAD);
  const plain = compression === 0 ? body : await decompress(compression, body);
  if (count < 0 || count > plain.length) throw corrupt(`batch claims ${count} records in ${plain.length} bytes`);
  const records: DecodedRecord[] = [];
  const r = new VarintReader(plain);
  try {
    for (let i = 0; i < count; i++) {
      const length = r.varint();
      const recordEnd = r.pos + length;
      if (length < 0 || recordEnd > plain.length) throw new RangeError(`record ${i} length ${length} overruns the batch`);
      r.int8(); // attributes
      const timestampDelta = r.varlong();
      const offsetDelta = r.varint();
      const key = r.bytes(r.varint());
      const value = r.bytes(r.varint());
      const headerCount = r.varint();
      if (headerCount < 0 || headerCount > recordEnd - r.pos) throw new RangeError(`record ${i} claims ${headerCount} headers`);
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const hk = r.bytes(r.varint());
        if (hk === null) throw new RangeError('null header key');
        headers.push({ key: hk.toString('utf8'), value: r.bytes(r.varint()) });
      }
      if (r.pos !== recordEnd) throw new RangeError(`record ${i} length ${length} does not match its fields`);
      records.push({
        offset: baseOffset + offsetDelta,
        timestamp: timestampType === 1 ? maxTimestamp : baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      });
    }
  } catch (e) {
    if (e instanceof RangeError) throw corrupt(`batch at offset ${baseOffset}: ${e.message}`);
    throw e;
  }
  return { ...head, records };
}

function corrupt(message: string): KafkaClientError {
  return new KafkaClientError('ERR_CLIENT_CORRUPT_BATCH', message);
}
