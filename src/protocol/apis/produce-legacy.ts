// Produce v0–v2: the requests of clients that still write message format v0/v1. They are not served
// (this broker stores RecordBatch v2 only), but they are answered — every partition refused with
// UNSUPPORTED_VERSION — instead of a bare disconnect, so old clients report a clear error.
//
//   Produce Request (Version: 0-2) => acks timeout_ms [topic_data]
//     topic_data => name [partition_data]
//       partition_data => index records
//         index => INT32
//         records => RECORDS (nullable bytes)
//   Produce Response (Version: 0) => [responses]
//     responses => name [partition_responses]
//       partition_responses => index error_code base_offset
//   Version 1 adds throttle_time_ms (INT32, after responses); version 2 adds log_append_time_ms (INT64,
//   after base_offset).
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 0;
export const legacyMinVersion = 0;
export const legacyMaxVersion = 2;

export interface LegacyProduceRequest {
  acks: number;
  timeoutMs: number;
  topics: Array<{ name: string; partitions: number[] }>;
}

export function decodeLegacyRequest(r: Reader): LegacyProduceRequest {
  const acks = r.int16();
  const timeoutMs = r.int32();
  const topics = r.array((t) => {
    const name = t.string();
    const partitions = t.array((p) => {
      const index = p.int32();
      p.nullableBytes();
      return index;
    });
    return { name, partitions };
  });
  return { acks, timeoutMs, topics };
}

/** Every partition of the request answered with `errorCode`. */
export function encodeLegacyRefusal(w: Writer, version: number, req: LegacyProduceRequest, errorCode: number): void {
  w.int32(req.topics.length);
  for (const t of req.topics) {
    w.string(t.name);
    w.int32(t.partitions.length);
    for (const index of t.partitions) {
      w.int32(index).int16(errorCode).int64(-1);
      if (version >= 2) w.int64(-1);
    }
  }
  if (version >= 1) w.int32(0);
}
