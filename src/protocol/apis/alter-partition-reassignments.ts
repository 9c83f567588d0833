// AlterPartitionReassignments (API key 45): version 0, flexible from v0 (KIP-455).
// Codec derived from apache/kafka clients/src/main/resources/common/message/AlterPartitionReassignmentsRequest.json
// and AlterPartitionReassignmentsResponse.json (commit 1eb7644349cb).

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 45;
export const apiName = 'AlterPartitionReassignments';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `AlterPartitionReassignments v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface AlterPartitionReassignmentsRequest {
  /** The time in ms to wait for the request to complete. (v0+) */
  timeoutMs: number;
  /** The topics to reassign. (v0+) */
  topics: ReassignableTopic[];
}

export interface ReassignableTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The partitions to reassign. (v0+) */
  partitions: ReassignablePartition[];
}

export interface ReassignablePartition {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The replicas to place the partitions on, or null to cancel a pending reassignment for this partition. (v0+) */
  replicas: number[] | null;
}

// Kafka grammar:
//   AlterPartitionReassignments Request (Version: 0) => timeout_ms [topics] _tagged_fields
//     timeout_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index [replicas] _tagged_fields
//         partition_index => INT32
//         replicas => INT32   (COMPACT_NULLABLE_ARRAY)

export function decodeRequest(r: Reader, version: number): AlterPartitionReassignmentsRequest {
  checkVersion(version, 'decode');
  const out: AlterPartitionReassignmentsRequest = { timeoutMs: 60000, topics: [] };
  out.timeoutMs = r.int32();
  out.topics = r.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray((r) => {
      const partitionIndex = r.int32();
      const replicas = r.compactNullableArray((r) => r.int32());
      r.taggedFields();
      return { partitionIndex, replicas };
    });
    r.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: AlterPartitionReassignmentsRequest): void {
  checkVersion(version, 'encode');
  w.int32(v.timeoutMs);
  w.compactArray(v.topics, (w, t) => {
    w.compactString(t.name);
    w.compactArray(t.partitions, (w, p) => {
      w.int32(p.partitionIndex);
      w.compactNullableArray(p.replicas, (w, e) => w.int32(e));
      w.taggedFields();
    });
    w.taggedFields();
  });
  w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface AlterPartitionReassignmentsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The top-level error message, or null if there was no error. (v0+) */
  errorMessage: string | null;
  /** The responses to topics to reassign. (v0+) */
  responses: ReassignableTopicResponse[];
}

export interface ReassignableTopicResponse {
  /** The topic name. (v0+) */
  name: string;
  /** The responses to partitions to reassign. (v0+) */
  partitions: ReassignablePartitionResponse[];
}

export interface ReassignablePartitionResponse {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The error code for this partition, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The error message for this partition, or null if there was no error. (v0+) */
  errorMessage: string | null;
}

// Kafka grammar:
//   AlterPartitionReassignments Response (Version: 0) => throttle_time_ms error_code error_message [responses] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     error_message => COMPACT_NULLABLE_STRING
//     responses => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index error_code error_message _tagged_fields
//         partition_index => INT32
//         error_code => INT16
//         error_message => COMPACT_NULLABLE_STRING

export function decodeResponse(r: Reader, version: number): AlterPartitionReassignmentsResponse {
  checkVersion(version, 'decode');
  const out: AlterPartitionReassignmentsResponse = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [] };
  out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  out.errorMessage = r.compactNullableString();
  out.responses = r.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray((r) => {
      const partitionIndex = r.int32();
      const errorCode = r.int16();
      const errorMessage = r.compactNullableString();
      r.taggedFields();
      return { partitionIndex, errorCode, errorMessage };
    });
    r.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: AlterPartitionReassignmentsResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  w.compactNullableString(v.errorMessage);
  w.compactArray(v.responses, (w, t) => {
    w.compactString(t.name);
    w.compactArray(t.partitions, (w, p) => {
      w.int32(p.partitionIndex);
      w.int16(p.errorCode);
      w.compactNullableString(p.errorMessage);
      w.taggedFields();
    });
    w.taggedFields();
  });
  w.taggedFields();
}
