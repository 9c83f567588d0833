// OffsetDelete (API key 47): version 0, not flexible.
// Codec derived from apache/kafka clients/src/main/resources/common/message/OffsetDeleteRequest.json
// and OffsetDeleteResponse.json; a single version, so no version guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 47;
export const apiName = 'OffsetDelete';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields): none. */
export const flexibleFrom = Number.MAX_SAFE_INTEGER;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `OffsetDelete v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface OffsetDeleteRequest {
  /** The unique group identifier. (v0+) */
  groupId: string;
  /** The topics to delete offsets for. (v0+) */
  topics: OffsetDeleteRequestTopic[];
}

export interface OffsetDeleteRequestTopic {
  /** The topic name. (v0+) */
  name: string;
  /** Each partition to delete offsets for. (v0+) */
  partitions: Array<{ partitionIndex: number }>;
}

// Kafka grammar:
//   OffsetDelete Request (Version: 0) => group_id [topics]
//     group_id => STRING
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index
//         partition_index => INT32

export function decodeRequest(r: Reader, version: number): OffsetDeleteRequest {
  checkVersion(version, 'decode');
  const groupId = r.string();
  const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ partitionIndex: r.int32() })) }));
  return { groupId, topics };
}

export function encodeRequest(w: Writer, version: number, v: OffsetDeleteRequest): void {
  checkVersion(version, 'encode');
  w.string(v.groupId);
  w.array(v.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.partitionIndex));
  });
}

// ---- response ------------------------------------------------------------

export interface OffsetDeleteResponse {
  /** The top-level error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The responses for each topic. (v0+) */
  topics: OffsetDeleteResponseTopic[];
}

export interface OffsetDeleteResponseTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The responses for each partition in the topic. (v0+) */
  partitions: Array<{ partitionIndex: number; errorCode: number }>;
}

// Kafka grammar:
//   OffsetDelete Response (Version: 0) => error_code throttle_time_ms [topics]
//     error_code => INT16
//     throttle_time_ms => INT32
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index error_code
//         partition_index => INT32
//         error_code => INT16

export function decodeResponse(r: Reader, version: number): OffsetDeleteResponse {
  checkVersion(version, 'decode');
  const errorCode = r.int16();
  const throttleTimeMs = r.int32();
  const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ partitionIndex: r.int32(), errorCode: r.int16() })) }));
  return { errorCode, throttleTimeMs, topics };
}

export function encodeResponse(w: Writer, version: number, v: OffsetDeleteResponse): void {
  checkVersion(version, 'encode');
  w.int16(v.errorCode);
  w.int32(v.throttleTimeMs);
  w.array(v.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partitionIndex);
      w.int16(p.errorCode);
    });
  });
}
