// RecordBatch v2 (magic 2), the one codec every part of the project builds and reads batches with:
// the client's producer and consumer, the group coordinator's __consumer_offsets records and the
// gateway. Layout (all big-endian; Kafka's DefaultRecordBatch):
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
//
// Control batches (transaction markers) hold one record whose key is ControlRecordType
// (version int16 = 0 | type int16: 0 ABORT, 1 COMMIT) and whose value is EndTransactionMarker
// (version int16 = 0 | coordinatorEpoch int32).
//
// The CRC-32C is the pure TypeScript one unless the caller passes a faster one (`crc32c` option;
// broker-side code passes the native addon's). Parsing returns keys, values and header values
// as views into the (decompressed) bytes.

import { Reader } from '../reader.js';
import { ProtocolDecodeError } from '../protocol-error.js';
import { readInt64At, varintSize, varlongSize, writeInt64At, writeVarintAt, writeVarlongAt } from '../varint.js';
import { crc32c as tsCrc32c } from './crc32c.js';
import { compress, decompress, type CompressionCodecId } from './compression.js';
import { RecordBatchError } from './record-batch-error.js';

export const RECORD_BATCH_OVERHEAD = 61;
/** Bytes before `batchLength` counts: baseOffset and batchLength itself. */
const LOG_OVERHEAD = 12;
const LENGTH_OFFSET = 8;
const LEADER_EPOCH_OFFSET = 12;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const LAST_OFFSET_DELTA_OFFSET = 23;
const BASE_TIMESTAMP_OFFSET = 27;
const MAX_TIMESTAMP_OFFSET = 35;
const PRODUCER_ID_OFFSET = 43;
const PRODUCER_EPOCH_OFFSET = 51;
const BASE_SEQUENCE_OFFSET = 53;
const RECORD_COUNT_OFFSET = 57;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_FLAG = 0x08;
export const TRANSACTIONAL_FLAG = 0x10;
export const CONTROL_FLAG = 0x20;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

/** A CRC-32C over a whole buffer, e.g. the native addon's; must equal the TypeScript one. */
export type Crc32cFunction = (data: Buffer) => number;

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
  /** A control batch (transaction markers); see buildControlBatch. */
  control?: boolean;
  /** A faster CRC-32C than the TypeScript one (the broker passes the native one). */
  crc32c?: Crc32cFunction;
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

function writeNullableBytesAt(buf: Buffer, at: number, b: Buffer | null): number {
  if (b === null) return writeVarintAt(buf, at, -1);
  at = writeVarintAt(buf, at, b.length);
  b.copy(buf, at);
  return at + b.length;
}

/** Sizes of each record body and of the whole records section. */
function measureRecords(records: readonly BatchRecord[], baseTimestamp: number): { sizes: number[]; total: number } {
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const body = recordBodySize(records[i]!, i, records[i]!.timestamp - baseTimestamp);
    sizes[i] = body;
    total += varintSize(body) + body;
  }
  return { sizes, total };
}

function writeRecordsAt(buf: Buffer, at: number, records: readonly BatchRecord[], baseTimestamp: number, sizes: readonly number[]): number {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    at = writeVarintAt(buf, at, sizes[i]!);
    buf[at++] = 0; // record attributes: unused
    at = writeVarlongAt(buf, at, r.timestamp - baseTimestamp);
    at = writeVarintAt(buf, at, i);
    at = writeNullableBytesAt(buf, at, r.key);
    at = writeNullableBytesAt(buf, at, r.value);
    const headers = r.headers ?? [];
    at = writeVarintAt(buf, at, headers.length);
    for (const h of headers) {
      const kl = Buffer.byteLength(h.key, 'utf8');
      at = writeVarintAt(buf, at, kl);
      at += buf.write(h.key, at, kl, 'utf8');
      at = writeNullableBytesAt(buf, at, h.value);
    }
  }
  return at;
}

/** Encodes the records section (uncompressed) of a batch whose first timestamp is `baseTimestamp`. */
export function encodeRecords(records: readonly BatchRecord[], baseTimestamp: number): Buffer {
  const { sizes, total } = measureRecords(records, baseTimestamp);
  const buf = Buffer.allocUnsafe(total);
  const end = writeRecordsAt(buf, 0, records, baseTimestamp, sizes);
  if (end !== total) throw new Error(`record encoding size mismatch: wrote ${end}, expected ${total}`);
  return buf;
}

function timestampRange(records: readonly BatchRecord[]): [base: number, max: number] {
  if (records.length === 0) throw new RecordBatchError('ERR_RECORD_BATCH_INVALID_ARGUMENT', 'a record batch needs at least one record');
  let base = records[0]!.timestamp;
  let max = base;
  for (const r of records) {
    if (r.timestamp < base) base = r.timestamp;
    if (r.timestamp > max) max = r.timestamp;
  }
  return [base, max];
}

/** Writes the 61-byte header into `batch` (whose records are already in place) and its CRC. */
function finishBatch(batch: Buffer, count: number, codec: number, baseTimestamp: number, maxTimestamp: number, options: BuildBatchOptions): Buffer {
  writeInt64At(batch, 0, options.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, LENGTH_OFFSET);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, LEADER_EPOCH_OFFSET);
  batch.writeInt8(2, MAGIC_OFFSET);
  let attributes = codec & COMPRESSION_CODEC_MASK;
  if (options.transactional) attributes |= TRANSACTIONAL_FLAG;
  if (options.control) attributes |= CONTROL_FLAG;
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  writeInt64At(batch, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64At(batch, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeInt64At(batch, PRODUCER_ID_OFFSET, options.producerId ?? NO_PRODUCER_ID);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(count, RECORD_COUNT_OFFSET);
  const crc = options.crc32c ? options.crc32c(batch.subarray(ATTRIBUTES_OFFSET)) >>> 0 : tsCrc32c(batch, 0, ATTRIBUTES_OFFSET);
  batch.writeUInt32BE(crc, CRC_OFFSET);
  return batch;
}

/**
 * Builds one uncompressed RecordBatch v2 with a valid CRC, synchronously: the records are written
 * straight into the batch. `compression` must be absent or none (use buildRecordBatch for codecs).
 */
export function buildRecordBatchSync(records: readonly BatchRecord[], options: BuildBatchOptions = {}): Buffer {
  if ((options.compression ?? 0) !== 0) throw new RecordBatchError('ERR_RECORD_BATCH_INVALID_ARGUMENT', 'buildRecordBatchSync builds uncompressed batches only');
  const [baseTimestamp, maxTimestamp] = timestampRange(records);
  const { sizes, total } = measureRecords(records, baseTimestamp);
  const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + total);
  const end = writeRecordsAt(batch, RECORD_BATCH_OVERHEAD, records, baseTimestamp, sizes);
  if (end !== batch.length) throw new Error(`record encoding size mismatch: wrote ${end}, expected ${batch.length}`);
  return finishBatch(batch, records.length, 0, baseTimestamp, maxTimestamp, options);
}

/** Builds one complete RecordBatch v2 with a valid CRC, compressed with `options.compression`. */
export async function buildRecordBatch(records: readonly BatchRecord[], options: BuildBatchOptions = {}): Promise<Buffer> {
  const codec = options.compression ?? 0;
  if (codec === 0) return buildRecordBatchSync(records, options);
  const [baseTimestamp, maxTimestamp] = timestampRange(records);
  const body = await compress(codec, encodeRecords(records, baseTimestamp));
  const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
  body.copy(batch, RECORD_BATCH_OVERHEAD);
  return finishBatch(batch, records.length, codec, baseTimestamp, maxTimestamp, options);
}

// ---- control batches ----------------------------------------------------------

/** Kafka's ControlRecordType. */
export const ControlRecordType = { ABORT: 0, COMMIT: 1 } as const;
export type ControlRecordTypeId = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export interface EndTransactionMarker {
  type: ControlRecordTypeId;
  coordinatorEpoch: number;
}

export interface ControlBatchOptions {
  producerId: number;
  producerEpoch: number;
  timestamp: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  crc32c?: Crc32cFunction;
}

/** The key and value of a COMMIT/ABORT marker record. */
export function encodeEndTransactionMarker(marker: EndTransactionMarker): { key: Buffer; value: Buffer } {
  const key = Buffer.allocUnsafe(4);
  key.writeInt16BE(0, 0); // ControlRecordType version
  key.writeInt16BE(marker.type, 2);
  const value = Buffer.allocUnsafe(6);
  value.writeInt16BE(0, 0); // EndTransactionMarker version
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return { key, value };
}

/**
 * The marker a control record carries, or undefined for a control type this codec does not know
 * (Kafka readers skip those). Throws RecordBatchError for bytes too short to be a marker.
 */
export function decodeEndTransactionMarker(record: { key: Buffer | null; value: Buffer | null }): EndTransactionMarker | undefined {
  const { key, value } = record;
  if (key === null || key.length < 4) throw new RecordBatchError('ERR_RECORD_BATCH_CORRUPT', 'control record key shorter than its 4-byte ControlRecordType');
  const type = key.readInt16BE(2);
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return undefined;
  if (value === null || value.length < 6) throw new RecordBatchError('ERR_RECORD_BATCH_CORRUPT', 'transaction marker value shorter than its 6 bytes');
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}

/** A transactional control batch holding one COMMIT or ABORT marker, as a transaction coordinator writes it. */
export function buildControlBatch(marker: EndTransactionMarker, options: ControlBatchOptions): Buffer {
  const { key, value } = encodeEndTransactionMarker(marker);
  return buildRecordBatchSync([{ key, value, timestamp: options.timestamp }], {
    baseOffset: options.baseOffset,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    transactional: true,
    control: true,
    crc32c: options.crc32c,
  });
}

// ---- parsing -------------------------------------------------------------------

/** A batch's fixed header, read without touching its records. */
export interface RecordBatchHeader {
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
  recordCount: number;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface DecodedBatch extends Omit<RecordBatchHeader, 'recordCount'> {
  records: DecodedRecord[];
}

export interface ParseOptions {
  /** Check each batch's CRC-32C (default true). */
  verifyCrc?: boolean;
  /** A faster CRC-32C than the TypeScript one. */
  crc32c?: Crc32cFunction;
}

/**
 * The whole batches in `data` (a fetch response's `records`, or what a partition read returns), as
 * views. A trailing partial batch (a fetch may cut one off) is left out; a batch whose length field
 * is smaller than a batch header can be is corrupt and throws.
 */
export function splitRecordBatches(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (data.length - at >= RECORD_BATCH_OVERHEAD) {
    const batchLength = data.readInt32BE(at + LENGTH_OFFSET);
    if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) throw corrupt(`batch at byte ${at} has invalid length ${batchLength}`);
    const end = at + LOG_OVERHEAD + batchLength;
    if (end > data.length) break;
    out.push(data.subarray(at, end));
    at = end;
  }
  return out;
}

/** Reads the header of one batch (magic 2 only) and, unless told not to, checks its CRC. */
export function readRecordBatchHeader(batch: Buffer, options: ParseOptions = {}): RecordBatchHeader {
  if (batch.length < RECORD_BATCH_OVERHEAD) throw corrupt(`batch of ${batch.length} bytes is shorter than the ${RECORD_BATCH_OVERHEAD}-byte header`);
  const magic = batch.readInt8(MAGIC_OFFSET);
  if (magic !== 2) throw corrupt(`unsupported record batch magic ${magic} (only v2 is supported)`);
  if (options.verifyCrc !== false) {
    const expected = batch.readUInt32BE(CRC_OFFSET);
    const actual = options.crc32c ? options.crc32c(batch.subarray(ATTRIBUTES_OFFSET)) >>> 0 : tsCrc32c(batch, 0, ATTRIBUTES_OFFSET);
    if (expected !== actual) throw corrupt(`batch CRC mismatch: stored ${expected.toString(16)}, computed ${actual.toString(16)}`);
  }
  const baseOffset = readInt64At(batch, 0);
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  return {
    baseOffset,
    lastOffset: baseOffset + batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET),
    partitionLeaderEpoch: batch.readInt32BE(LEADER_EPOCH_OFFSET),
    magic,
    attributes,
    compression: attributes & COMPRESSION_CODEC_MASK,
    timestampType: (attributes & TIMESTAMP_TYPE_FLAG) !== 0 ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
    baseTimestamp: readInt64At(batch, BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64At(batch, MAX_TIMESTAMP_OFFSET),
    producerId: readInt64At(batch, PRODUCER_ID_OFFSET),
    producerEpoch: batch.readInt16BE(PRODUCER_EPOCH_OFFSET),
    baseSequence: batch.readInt32BE(BASE_SEQUENCE_OFFSET),
    recordCount: batch.readInt32BE(RECORD_COUNT_OFFSET),
  };
}

/** Decodes the (decompressed) records section of a batch with header `head`. */
function decodeRecords(head: RecordBatchHeader, plain: Buffer): DecodedRecord[] {
  const count = head.recordCount;
  if (count < 0 || count > plain.length) throw corrupt(`batch claims ${count} records in ${plain.length} bytes`);
  const records: DecodedRecord[] = [];
  const r = new Reader(plain);
  const logAppendTime = head.timestampType === 1;
  try {
    for (let i = 0; i < count; i++) {
      const length = r.varint();
      const recordEnd = r.offset + length;
      if (length < 0 || recordEnd > plain.length) throw corrupt(`batch at offset ${head.baseOffset}: record ${i} length ${length} overruns the batch`);
      r.int8(); // attributes
      const timestampDelta = r.varlong();
      const offsetDelta = r.varint();
      const key = r.varintNullableBytes();
      const value = r.varintNullableBytes();
      const headerCount = r.varint();
      if (headerCount < 0 || headerCount > recordEnd - r.offset) throw corrupt(`batch at offset ${head.baseOffset}: record ${i} claims ${headerCount} headers`);
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const hk = r.varintNullableBytes();
        if (hk === null) throw corrupt(`batch at offset ${head.baseOffset}: record ${i} has a null header key`);
        headers.push({ key: hk.toString('utf8'), value: r.varintNullableBytes() });
      }
      if (r.offset !== recordEnd) throw corrupt(`batch at offset ${head.baseOffset}: record ${i} length ${length} does not match its fields`);
      records.push({
        offset: head.baseOffset + offsetDelta,
        timestamp: logAppendTime ? head.maxTimestamp : head.baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      });
    }
  } catch (e) {
    if (e instanceof ProtocolDecodeError) throw corrupt(`batch at offset ${head.baseOffset}: ${e.message}`);
    throw e;
  }
  return records;
}

function withRecords(head: RecordBatchHeader, records: DecodedRecord[]): DecodedBatch {
  const { recordCount: _count, ...rest } = head;
  return { ...rest, records };
}

/** Parses exactly one batch, decompressing its records when needed. */
export async function parseRecordBatch(batch: Buffer, options: ParseOptions = {}): Promise<DecodedBatch> {
  const head = readRecordBatchHeader(batch, options);
  const body = batch.subarray(RECORD_BATCH_OVERHEAD);
  const plain = head.compression === 0 ? body : await decompress(head.compression, body);
  return withRecords(head, decodeRecords(head, plain));
}

/** Parses exactly one uncompressed batch synchronously; a compressed one throws ERR_RECORD_BATCH_COMPRESSED. */
export function parseRecordBatchSync(batch: Buffer, options: ParseOptions = {}): DecodedBatch {
  const head = readRecordBatchHeader(batch, options);
  if (head.compression !== 0) throw new RecordBatchError('ERR_RECORD_BATCH_COMPRESSED', `batch at offset ${head.baseOffset} is compressed`);
  return withRecords(head, decodeRecords(head, batch.subarray(RECORD_BATCH_OVERHEAD)));
}

/** Parses the concatenated batches of `data`; a trailing partial batch is ignored (see splitRecordBatches). */
export async function parseRecordBatches(data: Buffer, options: ParseOptions = {}): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = [];
  for (const batch of splitRecordBatches(data)) out.push(await parseRecordBatch(batch, options));
  return out;
}

/** parseRecordBatches for uncompressed batches, synchronously. */
export function parseRecordBatchesSync(data: Buffer, options: ParseOptions = {}): DecodedBatch[] {
  return splitRecordBatches(data).map((batch) => parseRecordBatchSync(batch, options));
}

function corrupt(message: string): RecordBatchError {
  return new RecordBatchError('ERR_RECORD_BATCH_CORRUPT', message);
}
