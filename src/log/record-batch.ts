// A small RecordBatch v2 writer and reader for the broker's own internal topics (__consumer_offsets):
// uncompressed batches of key/value records, no headers written, no producer id. The data path never
// uses this (appends validate and rewrite batches natively); it exists so the control plane can store
// and replay its own records in the same format clients and Kafka's tools read.
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
//   | crc uint32 (CRC-32C of everything after it) | attributes int16 | lastOffsetDelta int32
//   | baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16
//   | baseSequence int32 | recordCount int32 | records
//   Record => length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//             | keyLength varint | key | valueLength varint | value | headerCount varint | headers
import { native } from '../hotpath/index.js';

const BATCH_HEADER_BYTES = 61;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const COMPRESSION_MASK = 0x07;
const CONTROL_FLAG = 0x20;

export interface InternalRecord {
  key: Buffer;
  /** null: a tombstone (deletes the key in a compacted topic). */
  value: Buffer | null;
}

export interface ReadRecord extends InternalRecord {
  offset: number;
  timestamp: number;
}

/** Thrown by readRecordBatches for bytes that are not uncompressed RecordBatch v2. */
export class RecordBatchFormatError extends Error {
  readonly code = 'CORRUPT_MESSAGE';
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varintSize(n: number): number {
  let v = zigzag(n);
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  let v = zigzag(n);
  while (v >= 0x80) {
    buf[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[at++] = v;
  return at;
}

/** One uncompressed batch of `records`, all stamped `timestamp`; the log assigns the offsets. */
export function buildRecordBatch(records: readonly InternalRecord[], timestamp: number): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  const bodies = records.map((r, i) => {
    const keyLen = r.key.length;
    const valueLen = r.value === null ? -1 : r.value.length;
    const body = 1 + varintSize(0) + varintSize(i) + varintSize(keyLen) + keyLen + varintSize(valueLen) + Math.max(valueLen, 0) + varintSize(0);
    return body;
  });
  const total = BATCH_HEADER_BYTES + bodies.reduce((s, b) => s + varintSize(b) + b, 0);
  const buf = Buffer.alloc(total);
  buf.writeBigInt64BE(0n, 0); // baseOffset: assigned by the log
  buf.writeInt32BE(total - 12, 8);
  buf.writeInt32BE(-1, 12); // partitionLeaderEpoch: stamped by the log
  buf.writeInt8(2, 16);
  buf.writeInt16BE(0, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(records.length - 1, 23);
  buf.writeBigInt64BE(BigInt(timestamp), 27);
  buf.writeBigInt64BE(BigInt(timestamp), 35);
  buf.writeBigInt64BE(-1n, 43); // producerId
  buf.writeInt16BE(-1, 51); // producerEpoch
  buf.writeInt32BE(-1, 53); // baseSequence
  buf.writeInt32BE(records.length, 57);
  let at = BATCH_HEADER_BYTES;
  records.forEach((r, i) => {
    at = writeVarint(buf, at, bodies[i]);
    buf[at++] = 0; // record attributes
    at = writeVarint(buf, at, 0); // timestampDelta
    at = writeVarint(buf, at, i); // offsetDelta
    at = writeVarint(buf, at, r.key.length);
    at += r.key.copy(buf, at);
    if (r.value === null) at = writeVarint(buf, at, -1);
    else {
      at = writeVarint(buf, at, r.value.length);
      at += r.value.copy(buf, at);
    }
    at = writeVarint(buf, at, 0); // headers
  });
  buf.writeUInt32BE(native.crc32c(buf.subarray(ATTRIBUTES_OFFSET)) >>> 0, CRC_OFFSET);
  return buf;
}

class VarintCursor {
  constructor(readonly buf: Buffer, public at: number, readonly end: number) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= this.end) throw new RecordBatchFormatError('record truncated inside a varint');
      const b = this.buf[this.at++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      mul *= 128;
    }
    throw new RecordBatchFormatError('varint longer than 10 bytes');
  }
  bytes(len: number): Buffer | null {
    if (len < 0) return null;
    if (this.at + len > this.end) throw new RecordBatchFormatError('record field runs past the batch');
    const out = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }
}

/**
 * The records of every whole batch in `data` (as Partition.read returns it), in offset order.
 * Control batches are skipped; a compressed batch or broken framing throws RecordBatchFormatError.
 * Returns the next offset after the last batch read (or -1 when no whole batch was found).
 */
export function readRecordBatches(data: Buffer, onRecord: (r: ReadRecord) => void): number {
  let at = 0;
  let next = -1;
  while (at + BATCH_HEADER_BYTES <= data.length) {
    const baseOffset = Number(data.readBigInt64BE(at));
    const batchLength = data.readInt32BE(at + 8);
    const end = at + 12 + batchLength;
    if (batchLength < BATCH_HEADER_BYTES - 12 || end > data.length) break;
    const magic = data.readInt8(at + 16);
    if (magic !== 2) throw new RecordBatchFormatError(`batch at offset ${baseOffset} has magic ${magic}, expected 2`);
    const attributes = data.readInt16BE(at + ATTRIBUTES_OFFSET);
    const lastOffsetDelta = data.readInt32BE(at + 23);
    next = baseOffset + lastOffsetDelta + 1;
    if ((attributes & CONTROL_FLAG) !== 0) {
      at = end;
      continue;
    }
    if ((attributes & COMPRESSION_MASK) !== 0) throw new RecordBatchFormatError(`batch at offset ${baseOffset} is compressed; internal topics hold uncompressed batches`);
    const baseTimestamp = Number(data.readBigInt64BE(at + 27));
    const count = data.readInt32BE(at + 57);
    const c = new VarintCursor(data, at + BATCH_HEADER_BYTES, end);
    for (let i = 0; i < count; i++) {
      const length = c.varint();
      const recordEnd = c.at + length;
      if (length < 0 || recordEnd > end) throw new RecordBatchFormatError(`record ${i} of batch at offset ${baseOffset} runs past the batch`);
      c.at++; // attributes
      const timestampDelta = c.varint();
      const offsetDelta = c.varint();
      const key = c.bytes(c.varint());
      const value = c.bytes(c.varint());
      c.at = recordEnd; // headers are not used by internal records
      if (key === null) continue; // keyless records carry nothing for a compacted topic
      onRecord({ offset: baseOffset + offsetDelta, timestamp: baseTimestamp + timestampDelta, key, value });
    }
    at = end;
  }
  return next;
}
