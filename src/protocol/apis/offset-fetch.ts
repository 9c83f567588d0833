// OffsetFetch (API key 9): versions 1-8, flexible from v6.
// Codec derived from apache/kafka clients/src/main/resources/common/message/OffsetFetchRequest.json
// and OffsetFetchResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { required } from '../codec-helpers.js';

export const apiKey = 9;
export const apiName = 'OffsetFetch';
export const minVersion = 1;
export const maxVersion = 8;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 6;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `OffsetFetch v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface OffsetFetchRequest {
  /** The group to fetch offsets for. (v0-7) */
  groupId: string;
  /** Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. (v0-7) */
  topics: OffsetFetchRequestTopic[] | null;
  /** Each group we would like to fetch offsets for (v8+) */
  groups: OffsetFetchRequestGroup[];
  /** Whether broker should hold on returning unstable offsets but set a retriable error code for the partitions. (v7+) */
  requireStable: boolean;
}

export interface OffsetFetchRequestTopic {
  /** The topic name. (v0-7) */
  name: string;
  /** The partition indexes we would like to fetch offsets for. (v0-7) */
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  /** The group ID. (v8+) */
  groupId: string;
  /** Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. (v8+) */
  topics: OffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequestTopics {
  /** The topic name. (v8+) */
  name: string;
  /** The partition indexes we would like to fetch offsets for. (v8+) */
  partitionIndexes: number[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   OffsetFetch Request (Version: 1) => group_id [topics]
//     group_id => STRING
//     topics => name [partition_indexes]
//       name => STRING
//       partition_indexes => INT32
//   OffsetFetch Request (Version: 6) => group_id [topics] _tagged_fields
//     group_id => COMPACT_STRING
//     topics => name [partition_indexes] _tagged_fields
//       name => COMPACT_STRING
//       partition_indexes => INT32
//   OffsetFetch Request (Version: 8) => [groups] require_stable _tagged_fields
//     groups => group_id [topics] _tagged_fields
//       group_id => COMPACT_STRING
//       topics => name [partition_indexes] _tagged_fields
//         name => COMPACT_STRING
//         partition_indexes => INT32
//     require_stable => BOOLEAN

export function decodeRequest(r: Reader, version: number): OffsetFetchRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: OffsetFetchRequest = {
    groupId: '',
    topics: [],
    groups: [],
    requireStable: false,
  };
  if (version <= 7) out.groupId = flexible ? r.compactString() : r.string();
  if (version <= 7) {
    if (version >= 6) out.topics = r.compactNullableArray((r) => readOffsetFetchRequestTopic(r, version));
    else if (version >= 2) out.topics = r.nullableArray((r) => readOffsetFetchRequestTopic(r, version));
    else out.topics = r.array((r) => readOffsetFetchRequestTopic(r, version));
  }
  if (version >= 8) out.groups = r.compactArray((r) => readOffsetFetchRequestGroup(r, version));
  if (version >= 7) out.requireStable = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: OffsetFetchRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version <= 7) {
    if (flexible) w.compactString(v.groupId);
    else w.string(v.groupId);
  }
  if (version <= 7) {
    if (version >= 6) w.compactNullableArray(v.topics, (w, e) => writeOffsetFetchRequestTopic(w, version, e));
    else if (version >= 2) w.nullableArray(v.topics, (w, e) => writeOffsetFetchRequestTopic(w, version, e));
    else w.array(required(v.topics, 'OffsetFetchRequest.topics'), (w, e) => writeOffsetFetchRequestTopic(w, version, e));
  }
  if (version >= 8) w.compactArray(v.groups, (w, e) => writeOffsetFetchRequestGroup(w, version, e));
  if (version >= 7) w.bool(v.requireStable);
  if (flexible) w.taggedFields();
}

function readOffsetFetchRequestTopic(r: Reader, version: number): OffsetFetchRequestTopic {
  const flexible = version >= flexibleFrom;
  const out: OffsetFetchRequestTopic = {
    name: '',
    partitionIndexes: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  out.partitionIndexes = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetFetchRequestTopic(w: Writer, version: number, v: OffsetFetchRequestTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitionIndexes, (w, e) => w.int32(e));
  else w.array(v.partitionIndexes, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

function readOffsetFetchRequestGroup(r: Reader, version: number): OffsetFetchRequestGroup {
  const out: OffsetFetchRequestGroup = {
    groupId: '',
    topics: [],
  };
  out.groupId = r.compactString();
  out.topics = r.compactNullableArray((r) => readOffsetFetchRequestTopics(r, version));
  r.taggedFields();
  return out;
}

function writeOffsetFetchRequestGroup(w: Writer, version: number, v: OffsetFetchRequestGroup): void {
  w.compactString(v.groupId);
  w.compactNullableArray(v.topics, (w, e) => writeOffsetFetchRequestTopics(w, version, e));
  w.taggedFields();
}

function readOffsetFetchRequestTopics(r: Reader, _version: number): OffsetFetchRequestTopics {
  const out: OffsetFetchRequestTopics = {
    name: '',
    partitionIndexes: [],
  };
  out.name = r.compactString();
  out.partitionIndexes = r.compactArray((r) => r.int32());
  r.taggedFields();
  return out;
}

function writeOffsetFetchRequestTopics(w: Writer, _version: number, v: OffsetFetchRequestTopics): void {
  w.compactString(v.name);
  w.compactArray(v.partitionIndexes, (w, e) => w.int32(e));
  w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface OffsetFetchResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v3+) */
  throttleTimeMs: number;
  /** The responses per topic. (v0-7) */
  topics: OffsetFetchResponseTopic[];
  /** The top-level error code, or 0 if there was no error. (v2-7) */
  errorCode: number;
  /** The responses per group id. (v8+) */
  groups: OffsetFetchResponseGroup[];
}

export interface OffsetFetchResponseTopic {
  /** The topic name. (v0-7) */
  name: string;
  /** The responses per partition (v0-7) */
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponsePartition {
  /** The partition index. (v0-7) */
  partitionIndex: number;
  /** The committed message offset. (v0-7) */
  committedOffset: number;
  /** The leader epoch. (v5-7) */
  committedLeaderEpoch: number;
  /** The partition metadata. (v0-7) */
  metadata: string | null;
  /** The error code, or 0 if there was no error. (v0-7) */
  errorCode: number;
}

export interface OffsetFetchResponseGroup {
  /** The group ID. (v8+) */
  groupId: string;
  /** The responses per topic. (v8+) */
  topics: OffsetFetchResponseTopics[];
  /** The group-level error code, or 0 if there was no error. (v8+) */
  errorCode: number;
}

export interface OffsetFetchResponseTopics {
  /** The topic name. (v8+) */
  name: string;
  /** The responses per partition (v8+) */
  partitions: OffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponsePartitions {
  /** The partition index. (v8+) */
  partitionIndex: number;
  /** The committed message offset. (v8+) */
  committedOffset: number;
  /** The leader epoch. (v8+) */
  committedLeaderEpoch: number;
  /** The partition metadata. (v8+) */
  metadata: string | null;
  /** The partition-level error code, or 0 if there was no error. (v8+) */
  errorCode: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   OffsetFetch Response (Version: 1) => [topics]
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index committed_offset metadata error_code
//         partition_index => INT32
//         committed_offset => INT64
//         metadata => NULLABLE_STRING
//         error_code => INT16
//   OffsetFetch Response (Version: 6) => throttle_time_ms [topics] error_code _tagged_fields
//     throttle_time_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index committed_offset committed_leader_epoch metadata error_code _tagged_fields
//         partition_index => INT32
//         committed_offset => INT64
//         committed_leader_epoch => INT32
//         metadata => COMPACT_NULLABLE_STRING
//         error_code => INT16
//     error_code => INT16
//   OffsetFetch Response (Version: 8) => throttle_time_ms [groups] _tagged_fields
//     throttle_time_ms => INT32
//     groups => group_id [topics] error_code _tagged_fields
//       group_id => COMPACT_STRING
//       topics => name [partitions] _tagged_fields
//         name => COMPACT_STRING
//         partitions => partition_index committed_offset committed_leader_epoch metadata error_code _tagged_fields
//           partition_index => INT32
//           committed_offset => INT64
//           committed_leader_epoch => INT32
//           metadata => COMPACT_NULLABLE_STRING
//           error_code => INT16
//       error_code => INT16

export function decodeResponse(r: Reader, version: number): OffsetFetchResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: OffsetFetchResponse = {
    throttleTimeMs: 0,
    topics: [],
    errorCode: 0,
    groups: [],
  };
  if (version >= 3) out.throttleTimeMs = r.int32();
  if (version <= 7) {
    if (flexible) out.topics = r.compactArray((r) => readOffsetFetchResponseTopic(r, version));
    else out.topics = r.array((r) => readOffsetFetchResponseTopic(r, version));
  }
  if (version >= 2 && version <= 7) out.errorCode = r.int16();
  if (version >= 8) out.groups = r.compactArray((r) => readOffsetFetchResponseGroup(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: OffsetFetchResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 3) w.int32(v.throttleTimeMs);
  if (version <= 7) {
    if (flexible) w.compactArray(v.topics, (w, e) => writeOffsetFetchResponseTopic(w, version, e));
    else w.array(v.topics, (w, e) => writeOffsetFetchResponseTopic(w, version, e));
  }
  if (version >= 2 && version <= 7) w.int16(v.errorCode);
  if (version >= 8) w.compactArray(v.groups, (w, e) => writeOffsetFetchResponseGroup(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetFetchResponseTopic(r: Reader, version: number): OffsetFetchResponseTopic {
  const flexible = version >= flexibleFrom;
  const out: OffsetFetchResponseTopic = {
    name: '',
    partitions: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readOffsetFetchResponsePartition(r, version));
  else out.partitions = r.array((r) => readOffsetFetchResponsePartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetFetchResponseTopic(w: Writer, version: number, v: OffsetFetchResponseTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeOffsetFetchResponsePartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeOffsetFetchResponsePartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetFetchResponsePartition(r: Reader, version: number): OffsetFetchResponsePartition {
  const flexible = version >= flexibleFrom;
  const out: OffsetFetchResponsePartition = {
    partitionIndex: 0,
    committedOffset: 0,
    committedLeaderEpoch: -1,
    metadata: '',
    errorCode: 0,
  };
  out.partitionIndex = r.int32();
  out.committedOffset = r.int64();
  if (version >= 5) out.committedLeaderEpoch = r.int32();
  out.metadata = flexible ? r.compactNullableString() : r.nullableString();
  out.errorCode = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetFetchResponsePartition(w: Writer, version: number, v: OffsetFetchResponsePartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int64(v.committedOffset);
  if (version >= 5) w.int32(v.committedLeaderEpoch);
  if (flexible) w.compactNullableString(v.metadata);
  else w.nullableString(v.metadata);
  w.int16(v.errorCode);
  if (flexible) w.taggedFields();
}

function readOffsetFetchResponseGroup(r: Reader, version: number): OffsetFetchResponseGroup {
  const out: OffsetFetchResponseGroup = {
    groupId: '',
    topics: [],
    errorCode: 0,
  };
  out.groupId = r.compactString();
  out.topics = r.compactArray((r) => readOffsetFetchResponseTopics(r, version));
  out.errorCode = r.int16();
  r.taggedFields();
  return out;
}

function writeOffsetFetchResponseGroup(w: Writer, version: number, v: OffsetFetchResponseGroup): void {
  w.compactString(v.groupId);
  w.compactArray(v.topics, (w, e) => writeOffsetFetchResponseTopics(w, version, e));
  w.int16(v.errorCode);
  w.taggedFields();
}

function readOffsetFetchResponseTopics(r: Reader, version: number): OffsetFetchResponseTopics {
  const out: OffsetFetchResponseTopics = {
    name: '',
    partitions: [],
  };
  out.name = r.compactString();
  out.partitions = r.compactArray((r) => readOffsetFetchResponsePartitions(r, version));
  r.taggedFields();
  return out;
}

function writeOffsetFetchResponseTopics(w: Writer, version: number, v: OffsetFetchResponseTopics): void {
  w.compactString(v.name);
  w.compactArray(v.partitions, (w, e) => writeOffsetFetchResponsePartitions(w, version, e));
  w.taggedFields();
}

function readOffsetFetchResponsePartitions(r: Reader, _version: number): OffsetFetchResponsePartitions {
  const out: OffsetFetchResponsePartitions = {
    partitionIndex: 0,
    committedOffset: 0,
    committedLeaderEpoch: -1,
    metadata: '',
    errorCode: 0,
  };
  out.partitionIndex = r.int32();
  out.committedOffset = r.int64();
  out.committedLeaderEpoch = r.int32();
  out.metadata = r.compactNullableString();
  out.errorCode = r.int16();
  r.taggedFields();
  return out;
}

function writeOffsetFetchResponsePartitions(w: Writer, _version: number, v: OffsetFetchResponsePartitions): void {
  w.int32(v.partitionIndex);
  w.int64(v.committedOffset);
  w.int32(v.committedLeaderEpoch);
  w.compactNullableString(v.metadata);
  w.int16(v.errorCode);
  w.taggedFields();
}
