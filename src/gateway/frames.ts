// What WebSocket subscribers receive. Three encodings of the same records message:
//
//   json    text frame {"type":"records","topic","partition","records":[{"offset","timestamp","key","value","headers":[[name,value],...]}]}
//           keys, values and header values as UTF-8 text (null stays null)
//   base64  the same JSON with keys, values and header values base64-encoded (binary-safe)
//   binary  binary frame, big-endian:
//             u8 kind (1 = records) | u16 topicLength | topic (UTF-8) | i32 partition | u32 recordCount
//             per record: i64 offset | i64 timestamp | i32 keyLength (-1 = null) | key | i32 valueLength | value
//                         | u16 headerCount | per header: u16 nameLength | name | i32 valueLength | value
import type { DecodedRecord } from './record-batch.js';

export type FrameFormat = 'json' | 'base64' | 'binary';
export const FRAME_FORMATS: readonly FrameFormat[] = ['json', 'base64', 'binary'];
export const BINARY_RECORDS = 1;

function text(b: Buffer | null, format: FrameFormat): string | null {
  if (b === null) return null;
  return format === 'base64' ? b.toString('base64') : b.toString('utf8');
}

export function encodeRecords(topic: string, partition: number, records: readonly DecodedRecord[], format: FrameFormat): Buffer {
  if (format !== 'binary') {
    return Buffer.from(JSON.stringify({
      type: 'records', topic, partition,
      records: records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: text(r.key, format), value: text(r.value, format), headers: r.headers.map(([k, v]) => [k, text(v, format)]) })),
    }), 'utf8');
  }
  const topicBytes = Buffer.from(topic, 'utf8');
  let size = 1 + 2 + topicBytes.length + 4 + 4;
  const names = records.map((r) => r.headers.map(([k]) => Buffer.from(k, 'utf8')));
  records.forEach((r, i) => {
    size += 8 + 8 + 4 + (r.key?.length ?? 0) + 4 + (r.value?.length ?? 0) + 2;
    r.headers.forEach(([, v], h) => (size += 2 + names[i]![h]!.length + 4 + (v?.length ?? 0)));
  });
  const b = Buffer.allocUnsafe(size);
  let at = b.writeUInt8(BINARY_RECORDS, 0);
  at = b.writeUInt16BE(topicBytes.length, at);
  at += topicBytes.copy(b, at);
  at = b.writeInt32BE(partition, at);
  at = b.writeUInt32BE(records.length, at);
  const bytes = (v: Buffer | null) => {
    if (v === null) at = b.writeInt32BE(-1, at);
    else {
      at = b.writeInt32BE(v.length, at);
      at += v.copy(b, at);
    }
  };
  records.forEach((r, i) => {
    at = b.writeBigInt64BE(BigInt(r.offset), at);
    at = b.writeBigInt64BE(BigInt(r.timestamp), at);
    bytes(r.key);
    bytes(r.value);
    at = b.writeUInt16BE(r.headers.length, at);
    r.headers.forEach(([, v], h) => {
      const n = names[i]![h]!;
      at = b.writeUInt16BE(n.length, at);
      at += n.copy(b, at);
      bytes(v);
    });
  });
  return b;
}

/** Decodes a binary records frame (for tests, benchmarks and JavaScript clients). */
export function decodeBinaryRecords(frame: Buffer): { topic: string; partition: number; records: DecodedRecord[] } {
  let at = 0;
  if (frame.readUInt8(at++) !== BINARY_RECORDS) throw new RangeError('not a records frame');
  const tl = frame.readUInt16BE(at);
  at += 2;
  const topic = frame.toString('utf8', at, at + tl);
  at += tl;
  const partition = frame.readInt32BE(at);
  at += 4;
  const count = frame.readUInt32BE(at);
  at += 4;
  const bytes = (): Buffer | null => {
    const n = frame.readInt32BE(at);
    at += 4;
    if (n < 0) return null;
    const v = frame.subarray(at, at + n);
    at += n;
    return v;
  };
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const offset = Number(frame.readBigInt64BE(at));
    const timestamp = Number(frame.readBigInt64BE(at + 8));
    at += 16;
    const key = bytes();
    const value = bytes();
    const hc = frame.readUInt16BE(at);
    at += 2;
    const headers: Array<[string, Buffer | null]> = [];
    for (let h = 0; h < hc; h++) {
      const nl = frame.readUInt16BE(at);
      at += 2;
      const name = frame.toString('utf8', at, at + nl);
      at += nl;
      headers.push([name, bytes()]);
    }
    records.push({ offset, timestamp, key, value, headers });
  }
  return { topic, partition, records };
}
