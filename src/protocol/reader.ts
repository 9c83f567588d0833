// Reader: a cursor over one Buffer that decodes Kafka's primitive wire types.
// Contract: every read is bounds-checked and fails with ProtocolDecodeError;
// nothing is allocated from a length that has not been checked against the bytes
// left; `bytes` reads return views (subarray) of the input, never copies, so
// record batches stay slices of the request frame.

import { ProtocolDecodeError } from './protocol-error.js';

/** Longest string Kafka allows (int16 length). */
const MAX_STRING_LENGTH = 0x7fff;
const TWO_32 = 4294967296;

/** One tagged field the codec did not know, as a view of the input. */
export interface TaggedField {
  readonly tag: number;
  readonly data: Buffer;
}

/** Called for each tagged field; returns true when it recognised and read the tag. */
export type TagHandler = (tag: number, field: Reader) => boolean;

export class Reader {
  readonly buffer: Buffer;
  #pos: number;
  readonly #end: number;

  constructor(buffer: Buffer, offset = 0, end = buffer.length) {
    if (offset < 0 || end > buffer.length || offset > end) {
      throw new RangeError(`Reader window [${offset}, ${end}) outside buffer of ${buffer.length} bytes`);
    }
    this.buffer = buffer;
    this.#pos = offset;
    this.#end = end;
  }

  /** Absolute position in `buffer`. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left before the end of the window. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #need(n: number, what: string): number {
    const at = this.#pos;
    if (n > this.#end - at) {
      throw new ProtocolDecodeError(
        'ERR_PROTOCOL_TRUNCATED',
        `${what}: need ${n} bytes at offset ${at}, only ${this.#end - at} left`,
      );
    }
    this.#pos = at + n;
    return at;
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolDecodeError('ERR_PROTOCOL_INVALID_LENGTH', `cannot skip ${n} bytes`);
    this.#need(n, 'skip');
  }

  // ---- fixed-width integers -------------------------------------------------

  int8(): number {
    return this.buffer.readInt8(this.#need(1, 'int8'));
  }

  bool(): boolean {
    return this.buffer[this.#need(1, 'bool')] !== 0;
  }

  int16(): number {
    return this.buffer.readInt16BE(this.#need(2, 'int16'));
  }

  uint16(): number {
    return this.buffer.readUInt16BE(this.#need(2, 'uint16'));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.#need(4, 'int32'));
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.#need(4, 'uint32'));
  }

  /** int64 as a JS number: exact for |value| < 2^53 (offsets, ids, timestamps). */
  int64(): number {
    const at = this.#need(8, 'int64');
    return this.buffer.readInt32BE(at) * TWO_32 + this.buffer.readUInt32BE(at + 4);
  }

  /** int64 exactly, as a bigint. */
  int64BigInt(): bigint {
    return this.buffer.readBigInt64BE(this.#need(8, 'int64'));
  }

  float64(): number {
    return this.buffer.readDoubleBE(this.#need(8, 'float64'));
  }

  // ---- variable-length integers ---------------------------------------------

  /** Unsigned LEB128 of at most 32 bits (5 bytes). */
  unsignedVarint(): number {
    const buf = this.buffer;
    let value = 0;
    let factor = 1;
    for (let i = 0; i < 5; i++) {
      const b = buf[this.#need(1, 'unsigned varint')]!;
      value += (b & 0x7f) * factor;
      if ((b & 0x80) === 0) {
        if (i === 4 && b > 0x0f) break;
        return value;
      }
      factor *= 128;
    }
    throw new ProtocolDecodeError('ERR_PROTOCOL_INVALID_VARINT', `unsigned varint longer than 32 bits at offset ${this.#pos}`);
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const u = this.unsignedVarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag-encoded signed 64-bit varint, as a number (exact for |value| < 2^53). */
  varlong(): number {
    const buf = this.buffer;
    let value = 0n;
    let lo = 0;
    let factor = 1;
    for (let i = 0; i < 10; i++) {
      const b = buf[this.#need(1, 'varlong')]!;
      if (i < 7) {
        lo += (b & 0x7f) * factor;
        factor *= 128;
      } else {
        if (i === 7) value = BigInt(lo);
        value |= BigInt(b & 0x7f) << BigInt(7 * i);
      }
      if ((b & 0x80) === 0) {
        if (i === 9 && b > 0x01) break;
        if (i < 7) return lo % 2 === 1 ? -(lo + 1) / 2 : lo / 2;
        return Number((value >> 1n) ^ -(value & 1n));
      }
    }
    throw new ProtocolDecodeError('ERR_PROTOCOL_INVALID_VARINT', `varlong longer than 64 bits at offset ${this.#pos}`);
  }

  // ---- strings -----------------------------------------------------------------

  #utf8(len: number, what: string): string {
    if (len > MAX_STRING_LENGTH) {
      throw new ProtocolDecodeError('ERR_PROTOCOL_INVALID_LENGTH', `${what} length ${len} exceeds ${MAX_STRING_LENGTH}`);
    }
    const at = this.#need(len, what);
    return this.buffer.toString('utf8', at, at + len);
  }

  /** int16 length + UTF-8 bytes. */
  string(): string {
    const len = this.int16();
    if (len < 0) throw nullOrNegative(len, 'string');
    return this.#utf8(len, 'string');
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw nullOrNegative(len, 'nullable string');
    return this.#utf8(len, 'nullable string');
  }

  /** unsigned varint (length + 1) + UTF-8 bytes; 0 means null. */
  compactString(): string {
    const n = this.unsignedVarint();
    if (n === 0) throw nullOrNegative(-1, 'compact string');
    return this.#utf8(n - 1, 'compact string');
  }

  compactNullableString(): string | null {
    const n = this.unsignedVarint();
    if (n === 0) return null;
    return this.#utf8(n - 1, 'compact nullable string');
  }

  // ---- bytes (views, never copies) ------------------------------------------------

  #view(len: number, what: string): Buffer {
    const at = this.#need(len, what);
    return this.buffer.subarray(at, at + len);
  }

  /** int32 length + bytes, returned as a view of the input. */
  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw nullOrNegative(len, 'bytes');
    return this.#view(len, 'bytes');
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw nullOrNegative(len, 'nullable bytes');
    return this.#view(len, 'nullable bytes');
  }

  compactBytes(): Buffer {
    const n = this.unsignedVarint();
    if (n === 0) throw nullOrNegative(-1, 'compact bytes');
    return this.#view(n - 1, 'compact bytes');
  }

  compactNullableBytes(): Buffer | null {
    const n = this.unsignedVarint();
    if (n === 0) return null;
    return this.#view(n - 1, 'compact nullable bytes');
  }

  /** Zigzag varint length + bytes (record keys, values, headers), as a view; length -1 is null. */
  varintNullableBytes(): Buffer | null {
    const len = this.varint();
    if (len === -1) return null;
    if (len < 0) throw nullOrNegative(len, 'varint bytes');
    return this.#view(len, 'varint bytes');
  }

  /** Raw fixed-length view. */
  raw(len: number): Buffer {
    if (len < 0) throw new ProtocolDecodeError('ERR_PROTOCOL_INVALID_LENGTH', `negative raw length ${len}`);
    return this.#view(len, 'raw');
  }

  // ---- uuid -------------------------------------------------------------------------

  /** 16 bytes, as Kafka prints them (URL-safe base64, no padding, 22 chars). */
  uuid(): string {
    const at = this.#need(16, 'uuid');
    return this.buffer.toString('base64url', at, at + 16);
  }

  /** 16 bytes as a view of the input. */
  uuidBytes(): Buffer {
    return this.#view(16, 'uuid');
  }

  // ---- arrays -------------------------------------------------------------------------

  #checkCount(count: number, what: string): void {
    // Every element takes at least one byte, so a count above the bytes left is a lie;
    // checking it first means a forged count can never make us allocate or loop long.
    if (count > this.#end - this.#pos) {
      throw new ProtocolDecodeError(
        'ERR_PROTOCOL_INVALID_LENGTH',
        `${what} claims ${count} elements but only ${this.#end - this.#pos} bytes are left`,
      );
    }
  }

  #elements<T>(count: number, fn: (r: Reader) => T, what: string): T[] {
    this.#checkCount(count, what);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(fn(this));
    return out;
  }

  /** int32 count + elements. */
  array<T>(fn: (r: Reader) => T): T[] {
    const count = this.int32();
    if (count < 0) throw nullOrNegative(count, 'array');
    return this.#elements(count, fn, 'array');
  }

  nullableArray<T>(fn: (r: Reader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    if (count < 0) throw nullOrNegative(count, 'nullable array');
    return this.#elements(count, fn, 'nullable array');
  }

  /** unsigned varint (count + 1) + elements; 0 means null. */
  compactArray<T>(fn: (r: Reader) => T): T[] {
    const n = this.unsignedVarint();
    if (n === 0) throw nullOrNegative(-1, 'compact array');
    return this.#elements(n - 1, fn, 'compact array');
  }

  compactNullableArray<T>(fn: (r: Reader) => T): T[] | null {
    const n = this.unsignedVarint();
    if (n === 0) return null;
    return this.#elements(n - 1, fn, 'compact nullable array');
  }

  // ---- tagged fields ----------------------------------------------------------------

  /**
   * Reads a flexible-version tagged-field section. Each field is offered to `onTag`
   * through a Reader confined to that field's bytes; fields it does not claim are
   * skipped (forward compatibility), as are any bytes a handler leaves unread.
   */
  taggedFields(onTag?: TagHandler): void {
    const count = this.unsignedVarint();
    this.#checkCount(count, 'tagged fields');
    for (let i = 0; i < count; i++) {
      const tag = this.unsignedVarint();
      const size = this.unsignedVarint();
      const at = this.#need(size, 'tagged field');
      if (onTag !== undefined) onTag(tag, new Reader(this.buffer, at, at + size));
    }
  }

  /** Reads a tagged-field section and returns every field as a view. */
  rawTaggedFields(): TaggedField[] {
    const out: TaggedField[] = [];
    this.taggedFields((tag, field) => {
      out.push({ tag, data: field.raw(field.remaining) });
      return true;
    });
    return out;
  }
}

function nullOrNegative(len: number, what: string): ProtocolDecodeError {
  return len === -1
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNEXPECTED_NULL', `${what} is null but the field is not nullable`)
    : new ProtocolDecodeError('ERR_PROTOCOL_INVALID_LENGTH', `${what} has negative length ${len}`);
}
