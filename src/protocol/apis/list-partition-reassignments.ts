// ListPartitionReassignments (API key 46): version 0, flexible from v0 (KIP-455).
// Codec derived from apache/kafka clients/src/main/resources/common/message/ListPartitionReassignmentsRequest.json
// and ListPartitionReassignmentsResponse.json (commit 1eb7644349cb).

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 46;
export const apiName = 'ListPartitionReassignments';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `ListPartitionReassignments v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface ListPartitionReassignmentsRequest {
  /** The time in ms to wait for the request to complete. (v0+) */
  timeoutMs: number;
  /** The topics to list partition reassignments for, or null to list everything. (v0+) */
  topics: ListPartitionReassignmentsTopics[] | null;
}

export interface ListPartitionReassignmentsTopics {
  /** The topic name. (v0+) */
  name: string;
  /** The partitions to list partition reassignments for. (v0+) */
  partitionIndexes: number[];
}

// Kafka grammar:
//   ListPartitionReassignments Request (Version: 0) => timeout_ms [topics] _tagged_fields
//     timeout_ms => INT32
//     topics => name [partition_indexes] _tagged_fields   (COMPACT_NULLABLE_ARRAY)
//       name => COMPACT_STRING
//       partition_indexes => INT32

export function decodeRequest(r: Reader, version: number): ListPartitionReassignmentsRequest {
  checkVersion(version, 'decode');
  const out: ListPartitionReassignmentsRequest = { timeoutMs: 60000, topics: null };
  out.timeoutMs = r.int32();
  out.topics = r.compactNullableArray((r) => {
    const name = r.compactString();
    const partitionIndexes = r.compactArray((r) => r.int32());
    r.taggedFields();
    return { name, partitionIndexes };
  });
  r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: ListPartitionReassignmentsRequest): void {
  checkVersion(version, 'encode');
  w.int32(v.timeoutMs);
  w.compactNullableArray(v.topics, (w, t) => {
    w.compactString(t.name);
    w.compactArray(t.partitionIndexes, (w, e) => w.int32(e));
    w.taggedFields();
  });
  w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface ListPartitionReassignmentsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The top-level error message, or null if there was no error. (v0+) */
  errorMessage: string | null;
  /** The ongoing reassignments for each topic. (v0+) */
  topics: OngoingTopicReassignment[];
}

export interface OngoingTopicReassignment {
  /** The topic name. (v0+) */
  name: string;
  /** The ongoing reassignments for each partition. (v0+) */
  partitions: OngoingPartitionReassignment[];
}

export interface OngoingPartitionReassignment {
  /** The index of the partition. (v0+) */
  partitionIndex: number;
  /** The current replica set. (v0+) */
  replicas: number[];
  /** The set of replicas we are currently adding. (v0+) */
  addingReplicas: number[];
  /** The set of replicas we are currently removing. (v0+) */
  removingReplicas: number[];
}

// Kafka grammar:
//   ListPartitionReassignments Response (Version: 0) => throttle_time_ms error_code error_message [topics] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     error_message => COMPACT_NULLABLE_STRING
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index [replicas] [adding_replicas] [removing_replicas] _tagged_fields
//         partition_index => INT32
//         replicas => INT32
//         adding_replicas => INT32
//         removing_replicas => INT32

export function decodeResponse(r: Reader, version: number): ListPartitionReassignmentsResponse {
  checkVersion(version, 'decode');
  const out: ListPartitionReassignmentsResponse = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] };
  out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  out.errorMessage = r.compactNullableString();
  out.topics = r.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray((r) => {
      const partitionIndex = r.int32();
      const replicas = r.compactArray((r) => r.int32());
      const addingReplicas = r.compactArray((r) => r.int32());
      const removingReplicas = r.compactArray((r) => r.int32());
      r.taggedFields();
      return { partitionIndex, replicas, addingReplicas, removingReplicas };
    });
    r.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: ListPartitionReassignmentsResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  w.compactNullableString(v.errorMessage);
  w.compactArray(v.topics, (w, t) => {
    w.compactString(t.name);
    w.compactArray(t.partitions, (w, p) => {
      w.int32(p.partitionIndex);
      w.compactArray(p.replicas, (w, e) => w.int32(e));
      w.compactArray(p.addingReplicas, (w, e) => w.int32(e));
      w.compactArray(p.removingReplicas, (w, e) => w.int32(e));
      w.taggedFields();
    });
    w.taggedFields();
  });
  w.taggedFields();
}
