// Zigzag varints as RecordBatch v2 records use them (Kafka's ByteUtils):
// `varint` is a zigzag int32, `varlong` a zigzag int64 (exact here for
// |value| < 2^53, which covers timestamps and offsets). Writers take a
// pre-sized Buffer and return the next write position; sizes are computed
// first so a record is written into exactly the bytes it needs.

const TWO_32 = 4294967296;

function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** Bytes an unsigned LEB128 encoding of non-negative `u` takes. */
export function unsignedVarintSize(u: number): number {
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

export function varintSize(v: number): number {
  return unsignedVarintSize(zigzag(v));
}

export const varlongSize = varintSize;

export function writeUnsignedVarint(buf: Buffer, at: number, u: number): number {
  while (u >= 128) {
    buf[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}

export function writeVarint(buf: Buffer, at: number, v: number): number {
  if (v < -0x80000000 || v > 0x7fffffff || !Number.isInteger(v)) throw new RangeError(`varint out of int32 range: ${v}`);
  return writeUnsignedVarint(buf, at, zigzag(v));
}

export function writeVarlong(buf: Buffer, at: number, v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`varlong not a safe integer: ${v}`);
  return writeUnsignedVarint(buf, at, zigzag(v));
}

/** A cursor over a Buffer reading the same encodings; throws RangeError on truncation or overlong input. */
export class VarintReader {
  pos: number;
  constructor(readonly buf: Buffer, pos = 0, readonly end = buf.length) {
    this.pos = pos;
  }

  unsignedVarint(maxBytes = 5): number {
    let value = 0;
    let factor = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * factor;
      if ((b & 0x80) === 0) return value;
      factor *= 128;
    }
    throw new RangeError('varint too long');
  }

  varint(): number {
    const u = this.unsignedVarint(5);
    if (u > 0xffffffff) throw new RangeError('varint exceeds 32 bits');
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  varlong(): number {
    const u = this.unsignedVarint(10);
    if (u > 2 ** 53) throw new RangeError('varlong exceeds 2^53');
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  int8(): number {
    if (this.pos + 1 > this.end) throw new RangeError('truncated int8');
    return this.buf.readInt8(this.pos++);
  }

  /** `len` bytes as a view; -1 means null. */
  bytes(len: number): Buffer | null {
    if (len < 0) {
      if (len === -1) return null;
      throw new RangeError(`negative length ${len}`);
    }
    if (this.pos + len > this.end) throw new RangeError(`need ${len} bytes, ${this.end - this.pos} left`);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

/** int64 helpers for fixed-width fields, exact for |value| < 2^53. */
export function writeInt64(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * TWO_32, at + 4);
}

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}
