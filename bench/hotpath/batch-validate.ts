// A plain-TypeScript RecordBatch v2 validator: the baseline the native validator is measured against.
// Same checks as the addon's append path: header sanity, CRC32C, record framing of uncompressed batches.
import { crc32c } from '../../src/protocol/index.js';

const HEADER = 61;

function varint(buf: Buffer, pos: number): [value: number, next: number] {
  let shift = 0;
  let raw = 0;
  for (let i = 0; i < 5; i++) {
    if (pos >= buf.length) throw new Error('varint past end');
    const b = buf[pos++];
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [(raw >>> 1) ^ -(raw & 1), pos];
    shift += 7;
  }
  throw new Error('varint too long');
}

function varlongSkip(buf: Buffer, pos: number): number {
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('varlong past end');
    if ((buf[pos++] & 0x80) === 0) return pos;
  }
  throw new Error('varlong too long');
}

/** Returns the number of batches; throws on anything an append would refuse. */
export function validateBatchesTs(buf: Buffer, maxMessageBytes: number): number {
  let pos = 0;
  let count = 0;
  while (pos < buf.length) {
    if (buf.length - pos < HEADER) throw new Error('truncated batch');
    const length = buf.readInt32BE(pos + 8);
    const size = 12 + length;
    if (length < HEADER - 12 || pos + size > buf.length) throw new Error('bad batch length');
    if (size > maxMessageBytes) throw new Error('MESSAGE_TOO_LARGE');
    if (buf[pos + 16] !== 2) throw new Error('bad magic');
    if (crc32c(buf, 0, pos + 21, pos + size) !== buf.readUInt32BE(pos + 17)) throw new Error('CORRUPT_MESSAGE');
    const attributes = buf.readInt16BE(pos + 21);
    const lastOffsetDelta = buf.readInt32BE(pos + 23);
    const records = buf.readInt32BE(pos + 57);
    if (records <= 0 || records !== lastOffsetDelta + 1) throw new Error('INVALID_RECORD');
    if ((attributes & 7) === 0) {
      let p = pos + HEADER;
      const end = pos + size;
      for (let i = 0; i < records; i++) {
        const [len, afterLen] = varint(buf, p);
        const recEnd = afterLen + len;
        if (len < 0 || recEnd > end) throw new Error('record out of bounds');
        let q = afterLen + 1; // attributes
        q = varlongSkip(buf, q); // timestampDelta
        const [offsetDelta, q2] = varint(buf, q);
        if (offsetDelta !== i) throw new Error('offset delta out of sequence');
        const [klen, q3] = varint(buf, q2);
        const [vlen, q4] = varint(buf, q3 + Math.max(klen, 0));
        let h = q4 + Math.max(vlen, 0);
        const [headers, q5] = varint(buf, h);
        h = q5;
        for (let j = 0; j < headers; j++) {
          const [hk, a] = varint(buf, h);
          const [hv, b] = varint(buf, a + hk);
          h = b + Math.max(hv, 0);
        }
        if (h !== recEnd) throw new Error('record length mismatch');
        p = recEnd;
      }
      if (p !== end) throw new Error('trailing bytes in batch');
    }
    pos += size;
    count++;
  }
  return count;
}
