// Writer: builds an encoded message as a list of chunks. Small fields go into a
// growing scratch buffer; large payloads (record batches read from the log) are
// appended by reference with writeBufferRef() and never copied; payloads that
// live outside memory (file ranges served by sendfile) are appended as opaque
// ExternalChunk parts that the network layer resolves. `length` is always the
// exact number of bytes the chunks add up to.

import { ProtocolEncodeError } from './protocol-error.js';
import { writeUnsignedVarintAt, writeVarlongAt } from './varint.js';

const TWO_32 = 4294967296;
const MAX_STRING_LENGTH = 0x7fff;
/** Byte payloads at most this long are copied into the scratch buffer instead of referenced. */
const COPY_THRESHOLD = 512;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Bytes that are part of the message but not in memory (for example a range of a
 * segment file). The protocol layer only needs their length; whoever writes the
 * parts to the socket knows what they are.
 */
export interface ExternalChunk {
  readonly external: true;
  readonly byteLength: number;
}

/** What a `records` field may carry when encoding: bytes in memory or an external range. */
export type RecordsPayload = Buffer | ExternalChunk;

export type Part = Buffer | ExternalChunk;

/** One tagged field to write: its tag and a function that writes its value. */
export type TaggedFieldWrite = readonly [tag: number, write: (w: Writer) => void];

export class Writer {
  #buf: Buffer;
  #pos = 0;
  /** Start of the scratch bytes not yet moved into #parts. */
  #segStart = 0;
  readonly #parts: Part[] = [];
  #partsLength = 0;
  #hasExternal = false;

  constructor(initialCapacity = 256) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Total bytes written so far, including referenced and external chunks. */
  get length(): number {
    return this.#partsLength + (this.#pos - this.#segStart);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    // Earlier chunks keep referencing the old buffer; only the open segment moves.
    const open = this.#pos - this.#segStart;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, open + n + 64));
    this.#buf.copy(next, 0, this.#segStart, this.#pos);
    this.#buf = next;
    this.#segStart = 0;
    this.#pos = open;
  }

  #flushSegment(): void {
    if (this.#pos > this.#segStart) {
      this.#parts.push(this.#buf.subarray(this.#segStart, this.#pos));
      this.#partsLength += this.#pos - this.#segStart;
      this.#segStart = this.#pos;
    }
  }

  /** All parts written so far; may contain ExternalChunk parts. */
  toParts(): Part[] {
    this.#flushSegment();
    return this.#parts.slice();
  }

  /** All chunks written so far, in order; large referenced buffers are not copied. */
  toChunks(): Buffer[] {
    if (this.#hasExternal) {
      throw new ProtocolEncodeError('ERR_PROTOCOL_EXTERNAL_CHUNK', 'writer holds external chunks; use toParts()');
    }
    return this.toParts() as Buffer[];
  }

  /** The whole message in one Buffer (copies; for tests and small messages). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#partsLength);
  }

  // ---- fixed-width integers ------------------------------------------------------

  int8(v: number): this {
    this.#ensure(1);
    this.#pos = this.#buf.writeInt8(v, this.#pos);
    return this;
  }

  bool(v: boolean): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = v ? 1 : 0;
    return this;
  }

  int16(v: number): this {
    this.#ensure(2);
    this.#pos = this.#buf.writeInt16BE(v, this.#pos);
    return this;
  }

  uint16(v: number): this {
    this.#ensure(2);
    this.#pos = this.#buf.writeUInt16BE(v, this.#pos);
    return this;
  }

  int32(v: number): this {
    this.#ensure(4);
    this.#pos = this.#buf.writeInt32BE(v, this.#pos);
    return this;
  }

  uint32(v: number): this {
    this.#ensure(4);
    this.#pos = this.#buf.writeUInt32BE(v, this.#pos);
    return this;
  }

  /** int64 from a JS number (exact for |v| < 2^53; larger values are clamped to int64). */
  int64(v: number): this {
    if (Number.isSafeInteger(v)) {
      this.#ensure(8);
      const hi = Math.floor(v / TWO_32);
      this.#buf.writeInt32BE(hi, this.#pos);
      this.#buf.writeUInt32BE(v - hi * TWO_32, this.#pos + 4);
      this.#pos += 8;
      return this;
    }
    if (!Number.isFinite(v)) throw outOfRange('int64', v);
    let b = BigInt(Math.trunc(v));
    if (b > INT64_MAX) b = INT64_MAX;
    if (b < INT64_MIN) b = INT64_MIN;
    return this.int64BigInt(b);
  }

  int64BigInt(v: bigint): this {
    this.#ensure(8);
    this.#pos = this.#buf.writeBigInt64BE(v, this.#pos);
    return this;
  }

  float64(v: number): this {
    this.#ensure(8);
    this.#pos = this.#buf.writeDoubleBE(v, this.#pos);
    return this;
  }

  // ---- variable-length integers ---------------------------------------------------

  unsignedVarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v >= TWO_32) throw outOfRange('unsigned varint', v);
    this.#ensure(5);
    this.#pos = writeUnsignedVarintAt(this.#buf, this.#pos, v);
    return this;
  }

  /** Zigzag signed 32-bit varint. */
  varint(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw outOfRange('varint', v);
    return this.unsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag signed 64-bit varint from a JS number (exact for |v| < 2^53). */
  varlong(v: number): this {
    if (!Number.isSafeInteger(v)) throw outOfRange('varlong', v);
    this.#ensure(10);
    this.#pos = writeVarlongAt(this.#buf, this.#pos, v);
    return this;
  }

  // ---- strings ------------------------------------------------------------------------

  #utf8(v: string, prefix: (len: number) => void, what: string): this {
    const len = Buffer.byteLength(v, 'utf8');
    if (len > MAX_STRING_LENGTH) throw outOfRange(`${what} length`, len);
    prefix(len);
    this.#ensure(len);
    this.#pos += this.#buf.write(v, this.#pos, len, 'utf8');
    return this;
  }

  string(v: string): this {
    if (v === null || v === undefined) throw nullField('string');
    return this.#utf8(v, (len) => this.int16(len), 'string');
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    return this.#utf8(v, (len) => this.int16(len), 'nullable string');
  }

  compactString(v: string): this {
    if (v === null || v === undefined) throw nullField('compact string');
    return this.#utf8(v, (len) => this.unsignedVarint(len + 1), 'compact string');
  }

  compactNullableString(v: string | null): this {
    if (v === null) return this.unsignedVarint(0);
    return this.#utf8(v, (len) => this.unsignedVarint(len + 1), 'compact nullable string');
  }

  // ---- bytes ------------------------------------------------------------------------------

  /** Raw bytes with no prefix: small ones are copied, large ones referenced. */
  raw(v: Buffer): this {
    if (v.length <= COPY_THRESHOLD) {
      this.#ensure(v.length);
      this.#pos += v.copy(this.#buf, this.#pos);
      return this;
    }
    return this.writeBufferRef(v);
  }

  /** Appends `v` as its own chunk, without copying; it must not change until sent. */
  writeBufferRef(v: Buffer): this {
    if (v.length === 0) return this;
    this.#flushSegment();
    this.#parts.push(v);
    this.#partsLength += v.length;
    return this;
  }

  /** Appends an out-of-memory payload (for example a file range) as its own part. */
  writeExternal(chunk: ExternalChunk): this {
    if (chunk.byteLength === 0) return this;
    this.#flushSegment();
    this.#parts.push(chunk);
    this.#partsLength += chunk.byteLength;
    this.#hasExternal = true;
    return this;
  }

  bytes(v: Buffer): this {
    if (v === null || v === undefined) throw nullField('bytes');
    return this.int32(v.length).raw(v);
  }

  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    return this.int32(v.length).raw(v);
  }

  compactBytes(v: Buffer): this {
    if (v === null || v === undefined) throw nullField('compact bytes');
    return this.unsignedVarint(v.length + 1).raw(v);
  }

  compactNullableBytes(v: Buffer | null): this {
    if (v === null) return this.unsignedVarint(0);
    return this.unsignedVarint(v.length + 1).raw(v);
  }

  /** A `records` field: nullable bytes whose payload is always appended by reference. */
  records(v: RecordsPayload | null, compact: boolean): this {
    if (v === null) return compact ? this.unsignedVarint(0) : this.int32(-1);
    const len = Buffer.isBuffer(v) ? v.length : v.byteLength;
    if (compact) this.unsignedVarint(len + 1);
    else this.int32(len);
    return Buffer.isBuffer(v) ? this.writeBufferRef(v) : this.writeExternal(v);
  }

  // ---- uuid -----------------------------------------------------------------------------------

  /** A uuid in Kafka's printed form (22 chars of URL-safe base64). */
  uuid(v: string): this {
    const bytes = Buffer.from(v, 'base64url');
    if (bytes.length !== 16) throw outOfRange('uuid', v);
    this.#ensure(16);
    this.#pos += bytes.copy(this.#buf, this.#pos);
    return this;
  }

  uuidBytes(v: Buffer): this {
    if (v.length !== 16) throw outOfRange('uuid length', v.length);
    this.#ensure(16);
    this.#pos += v.copy(this.#buf, this.#pos);
    return this;
  }

  // ---- arrays ---------------------------------------------------------------------------------

  array<T>(items: readonly T[], fn: (w: Writer, item: T) => void): this {
    if (items === null || items === undefined) throw nullField('array');
    this.int32(items.length);
    for (const item of items) fn(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, fn: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, fn);
  }

  compactArray<T>(items: readonly T[], fn: (w: Writer, item: T) => void): this {
    if (items === null || items === undefined) throw nullField('compact array');
    this.unsignedVarint(items.length + 1);
    for (const item of items) fn(this, item);
    return this;
  }

  compactNullableArray<T>(items: readonly T[] | null, fn: (w: Writer, item: T) => void): this {
    if (items === null) return this.unsignedVarint(0);
    return this.compactArray(items, fn);
  }

  // ---- tagged fields ------------------------------------------------------------------------

  /** A tagged-field section; empty (a single 0 byte) unless fields are given, in ascending tag order. */
  taggedFields(fields: readonly TaggedFieldWrite[] = []): this {
    this.unsignedVarint(fields.length);
    for (const [tag, write] of fields) {
      const sub = new Writer(64);
      write(sub);
      this.unsignedVarint(tag).unsignedVarint(sub.length);
      this.#append(sub);
    }
    return this;
  }

  #append(sub: Writer): void {
    for (const part of sub.toParts()) {
      if (!Buffer.isBuffer(part)) this.writeExternal(part);
      else this.raw(part);
    }
  }
}

function outOfRange(what: string, v: unknown): ProtocolEncodeError {
  return new ProtocolEncodeError('ERR_PROTOCOL_VALUE_OUT_OF_RANGE', `${what} out of range: ${String(v)}`);
}

function nullField(what: string): ProtocolEncodeError {
  return new ProtocolEncodeError('ERR_PROTOCOL_NULL_FIELD', `null given for non-nullable ${what}`);
}
