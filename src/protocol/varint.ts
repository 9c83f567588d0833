// Varints as Kafka writes them (ByteUtils): unsigned LEB128, and zigzag for the signed
// `varint` (int32) and `varlong` (int64, exact here for |value| < 2^53). The Writer and the
// RecordBatch codec both write through these; codecs that pre-size a Buffer use the size
// functions first, so a record is written into exactly the bytes it needs. Reading lives
// on Reader (bounds-checked, ProtocolDecodeError on bad input).

const TWO_32 = 4294967296;
/** Below this magnitude a zigzag value stays under 2^53, so plain arithmetic is exact. */
const EXACT_ZIGZAG = 2 ** 52;

/** Bytes the unsigned LEB128 encoding of non-negative `u` takes. */
export function unsignedVarintSize(u: number): number {
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Bytes a zigzag varint (or varlong) of `v` takes. */
export function varintSize(v: number): number {
  if (v < EXACT_ZIGZAG && v > -EXACT_ZIGZAG) return unsignedVarintSize(v >= 0 ? v * 2 : -v * 2 - 1);
  let u = zigzag64(v);
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

export const varlongSize = varintSize;

/** Writes unsigned `u` at `at` (the caller made room); returns the position after it. */
export function writeUnsignedVarintAt(buf: Uint8Array, at: number, u: number): number {
  while (u >= 128) {
    buf[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}

/** Zigzag int32; throws RangeError outside int32. */
export function writeVarintAt(buf: Uint8Array, at: number, v: number): number {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`varint out of int32 range: ${v}`);
  return writeUnsignedVarintAt(buf, at, ((v << 1) ^ (v >> 31)) >>> 0);
}

/** Zigzag int64 from a safe integer; throws RangeError otherwise. */
export function writeVarlongAt(buf: Uint8Array, at: number, v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`varlong not a safe integer: ${v}`);
  if (v < EXACT_ZIGZAG && v > -EXACT_ZIGZAG) return writeUnsignedVarintAt(buf, at, v >= 0 ? v * 2 : -v * 2 - 1);
  let u = zigzag64(v);
  while (u >= 0x80n) {
    buf[at++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[at++] = Number(u);
  return at;
}

function zigzag64(v: number): bigint {
  const b = BigInt(Math.trunc(v));
  return BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
}

/** int64 big-endian from a JS number, exact for |v| < 2^53. */
export function writeInt64At(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * TWO_32, at + 4);
}

/** int64 big-endian as a JS number, exact for |value| < 2^53. */
export function readInt64At(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}
