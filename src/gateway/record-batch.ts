// RecordBatch v2 for the gateway: builds uncompressed batches from HTTP records and decodes the batches
// a partition read returns (any codec) into records for WebSocket subscribers and the message browser.
// Layout (big-endian, Kafka's DefaultRecordBatch):
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
//   | crc uint32 (CRC-32C of attributes..end) | attributes int16 | lastOffsetDelta int32
//   | baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16
//   | baseSequence int32 | recordCount int32 | records
//
//   Record => length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//             | keyLength varint | key | valueLength varint | value
//             | headerCount varint | [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]
//
// The client has its own copy (src/client may not be imported by broker-side code); this one uses the
// broker's CRC32C and decodes only what the broker stored, which the broker already validated.
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as snappy from 'snappy';
import * as lz4 from 'lz4-napi';
import * as zstd from 'zstd-napi';

export const BATCH_OVERHEAD = 61;
const ATTRIBUTES_OFFSET = 21;

export interface GatewayRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestamp: number;
}

export interface DecodedRecord extends GatewayRecord {
  offset: number;
}

// ---- varints (zigzag, as Kafka's ByteUtils) ----
function zz(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}
function uvarintSize(u: number): number {
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}
function varintSize(v: number): number {
  return uvarintSize(zz(v));
}
function writeVarint(buf: Buffer, at: number, v: number): number {
  let u = zz(v);
  while (u >= 128) {
    buf[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}

function bytesSize(b: Buffer | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}
function writeBytes(buf: Buffer, at: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, at, -1);
  at = writeVarint(buf, at, b.length);
  b.copy(buf, at);
  return at + b.length;
}

/** Builds one uncompressed RecordBatch v2 (no producer id) with a valid CRC. */
/** `crc32c`: the checksum function (the broker's native one, which its appends verify with). */
export function buildBatch(records: readonly GatewayRecord[], crc32c: (data: Buffer) => number): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  let baseTs = records[0]!.timestamp;
  let maxTs = baseTs;
  for (const r of records) {
    if (r.timestamp < baseTs) baseTs = r.timestamp;
    if (r.timestamp > maxTs) maxTs = r.timestamp;
  }
  const bodies = new Array<number>(records.length);
  const headerKeys = records.map((r) => r.headers.map(([k]) => Buffer.from(k, 'utf8')));
  let total = BATCH_OVERHEAD;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let n = 1 + varintSize(r.timestamp - baseTs) + varintSize(i) + bytesSize(r.key) + bytesSize(r.value) + varintSize(r.headers.length);
    for (let h = 0; h < r.headers.length; h++) n += bytesSize(headerKeys[i]![h]!) + bytesSize(r.headers[h]![1]);
    bodies[i] = n;
    total += varintSize(n) + n;
  }
  const b = Buffer.allocUnsafe(total);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(total - 12, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(0, ATTRIBUTES_OFFSET);
  b.writeInt32BE(records.length - 1, 23);
  b.writeBigInt64BE(BigInt(baseTs), 27);
  b.writeBigInt64BE(BigInt(maxTs), 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(records.length, 57);
  let at = BATCH_OVERHEAD;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    at = writeVarint(b, at, bodies[i]!);
    b[at++] = 0;
    at = writeVarint(b, at, r.timestamp - baseTs);
    at = writeVarint(b, at, i);
    at = writeBytes(b, at, r.key);
    at = writeBytes(b, at, r.value);
    at = writeVarint(b, at, r.headers.length);
    for (let h = 0; h < r.headers.length; h++) {
      at = writeBytes(b, at, headerKeys[i]![h]!);
      at = writeBytes(b, at, r.headers[h]![1]);
    }
  }
  if (at !== total) throw new Error(`batch encoding size mismatch: wrote ${at}, expected ${total}`);
  b.writeUInt32BE(crc32c(b.subarray(ATTRIBUTES_OFFSET)) >>> 0, 17);
  return b;
}

// ---- decoding ----

const gunzip = promisify(zlib.gunzip);
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return gunzip(data);
    case 2: {
      if (data.length < 16 || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return (await snappy.uncompress(data, { asBuffer: true })) as Buffer;
      const parts: Buffer[] = [];
      for (let at = 16; at < data.length;) {
        const len = data.readInt32BE(at);
        at += 4;
        if (len < 0 || at + len > data.length) throw new RangeError('xerial snappy block overruns the batch');
        parts.push((await snappy.uncompress(data.subarray(at, at + len), { asBuffer: true })) as Buffer);
        at += len;
      }
      return Buffer.concat(parts);
    }
    case 3:
      return lz4.decompressFrame(data);
    case 4:
      return zstd.decompress(data);
    default:
      throw new RangeError(`unknown compression codec ${codec}`);
  }
}

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): number {
    let u = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      u += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  }
  bytes(): Buffer | null {
    const n = this.varint();
    if (n < 0) return null;
    if (this.pos + n > this.buf.length) throw new RangeError('bytes overrun the record');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/**
 * Decodes concatenated batches (as Partition.read returns them) into records with offset >= `fromOffset`.
 * Control batches (transaction markers) are skipped. Keys and values are views into the batch bytes.
 */
export async function decodeBatches(data: Buffer, fromOffset: number): Promise<{ records: DecodedRecord[]; nextOffset: number }> {
  const out: DecodedRecord[] = [];
  let nextOffset = fromOffset;
  let at = 0;
  while (data.length - at >= BATCH_OVERHEAD) {
    const end = at + 12 + data.readInt32BE(at + 8);
    if (end > data.length || end < at + BATCH_OVERHEAD) break;
    const batch = data.subarray(at, end);
    at = end;
    const baseOffset = Number(batch.readBigInt64BE(0));
    const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
    const lastOffset = baseOffset + batch.readInt32BE(23);
    if (lastOffset + 1 > nextOffset) nextOffset = lastOffset + 1;
    if ((attributes & 0x20) !== 0 || lastOffset < fromOffset) continue;
    const logAppendTime = (attributes & 0x08) !== 0;
    const baseTs = Number(batch.readBigInt64BE(27));
    const maxTs = Number(batch.readBigInt64BE(35));
    const count = batch.readInt32BE(57);
    const c = new Cursor(await decompress(attributes & 0x07, batch.subarray(BATCH_OVERHEAD)));
    for (let i = 0; i < count; i++) {
      const len = c.varint();
      const recEnd = c.pos + len;
      c.pos++; // attributes
      const tsDelta = c.varint();
      const offset = baseOffset + c.varint();
      const key = c.bytes();
      const value = c.bytes();
      const nh = c.varint();
      const headers: Array<[string, Buffer | null]> = [];
      for (let h = 0; h < nh; h++) headers.push([(c.bytes() ?? Buffer.alloc(0)).toString('utf8'), c.bytes()]);
      c.pos = recEnd;
      if (offset >= fromOffset) out.push({ offset, timestamp: logAppendTime ? maxTs : baseTs + tsDelta, key, value, headers });
    }
  }
  return { records: out, nextOffset };
}
