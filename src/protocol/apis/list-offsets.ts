// ListOffsets (API key 2): versions 1-7, flexible from v6.
// Codec derived from apache/kafka clients/src/main/resources/common/message/ListOffsetsRequest.json
// and ListOffsetsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 2;
export const apiName = 'ListOffsets';
export const minVersion = 1;
export const maxVersion = 7;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 6;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `ListOffsets v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface ListOffsetsRequest {
  /** The broker ID of the requester, or -1 if this request is being made by a normal consumer. (v0+) */
  replicaId: number;
  /** This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records (v2+) */
  isolationLevel: number;
  /** Each topic in the request. (v0+) */
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsTopic {
  /** The topic name. (v0+) */
  name: string;
  /** Each partition in the request. (v0+) */
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsPartition {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The current leader epoch. (v4+) */
  currentLeaderEpoch: number;
  /** The current timestamp. (v0+) */
  timestamp: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ListOffsets Request (Version: 1) => replica_id [topics]
//     replica_id => INT32
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index timestamp
//         partition_index => INT32
//         timestamp => INT64
//   ListOffsets Request (Version: 6) => replica_id isolation_level [topics] _tagged_fields
//     replica_id => INT32
//     isolation_level => INT8
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index current_leader_epoch timestamp _tagged_fields
//         partition_index => INT32
//         current_leader_epoch => INT32
//         timestamp => INT64
//   ListOffsets Request (Version: 7) => replica_id isolation_level [topics] _tagged_fields
//     replica_id => INT32
//     isolation_level => INT8
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index current_leader_epoch timestamp _tagged_fields
//         partition_index => INT32
//         current_leader_epoch => INT32
//         timestamp => INT64

export function decodeRequest(r: Reader, version: number): ListOffsetsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ListOffsetsRequest = {
    replicaId: 0,
    isolationLevel: 0,
    topics: [],
  };
  out.replicaId = r.int32();
  if (version >= 2) out.isolationLevel = r.int8();
  if (flexible) out.topics = r.compactArray((r) => readListOffsetsTopic(r, version));
  else out.topics = r.array((r) => readListOffsetsTopic(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: ListOffsetsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.replicaId);
  if (version >= 2) w.int8(v.isolationLevel);
  if (flexible) w.compactArray(v.topics, (w, e) => writeListOffsetsTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeListOffsetsTopic(w, version, e));
  if (flexible) w.taggedFields();
}

function readListOffsetsTopic(r: Reader, version: number): ListOffsetsTopic {
  const flexible = version >= flexibleFrom;
  const out: ListOffsetsTopic = {
    name: '',
    partitions: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readListOffsetsPartition(r, version));
  else out.partitions = r.array((r) => readListOffsetsPartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeListOffsetsTopic(w: Writer, version: number, v: ListOffsetsTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeListOffsetsPartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeListOffsetsPartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readListOffsetsPartition(r: Reader, version: number): ListOffsetsPartition {
  const flexible = version >= flexibleFrom;
  const out: ListOffsetsPartition = {
    partitionIndex: 0,
    currentLeaderEpoch: -1,
    timestamp: 0,
  };
  out.partitionIndex = r.int32();
  if (version >= 4) out.currentLeaderEpoch = r.int32();
  out.timestamp = r.int64();
  if (flexible) r.taggedFields();
  return out;
}

function writeListOffsetsPartition(w: Writer, version: number, v: ListOffsetsPartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  if (version >= 4) w.int32(v.currentLeaderEpoch);
  w.int64(v.timestamp);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface ListOffsetsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2+) */
  throttleTimeMs: number;
  /** Each topic in the response. (v0+) */
  topics: ListOffsetsTopicResponse[];
}

export interface ListOffsetsTopicResponse {
  /** The topic name (v0+) */
  name: string;
  /** Each partition in the response. (v0+) */
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsPartitionResponse {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The partition error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The timestamp associated with the returned offset. (v1+) */
  timestamp: number;
  /** The returned offset. (v1+) */
  offset: number;
  /** (v4+) */
  leaderEpoch: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ListOffsets Response (Version: 1) => [topics]
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index error_code timestamp offset
//         partition_index => INT32
//         error_code => INT16
//         timestamp => INT64
//         offset => INT64
//   ListOffsets Response (Version: 6) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index error_code timestamp offset leader_epoch _tagged_fields
//         partition_index => INT32
//         error_code => INT16
//         timestamp => INT64
//         offset => INT64
//         leader_epoch => INT32
//   ListOffsets Response (Version: 7) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index error_code timestamp offset leader_epoch _tagged_fields
//         partition_index => INT32
//         error_code => INT16
//         timestamp => INT64
//         offset => INT64
//         leader_epoch => INT32

export function decodeResponse(r: Reader, version: number): ListOffsetsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ListOffsetsResponse = {
    throttleTimeMs: 0,
    topics: [],
  };
  if (version >= 2) out.throttleTimeMs = r.int32();
  if (flexible) out.topics = r.compactArray((r) => readListOffsetsTopicResponse(r, version));
  else out.topics = r.array((r) => readListOffsetsTopicResponse(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: ListOffsetsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.topics, (w, e) => writeListOffsetsTopicResponse(w, version, e));
  else w.array(v.topics, (w, e) => writeListOffsetsTopicResponse(w, version, e));
  if (flexible) w.taggedFields();
}

function readListOffsetsTopicResponse(r: Reader, version: number): ListOffsetsTopicResponse {
  const flexible = version >= flexibleFrom;
  const out: ListOffsetsTopicResponse = {
    name: '',
    partitions: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readListOffsetsPartitionResponse(r, version));
  else out.partitions = r.array((r) => readListOffsetsPartitionResponse(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeListOffsetsTopicResponse(w: Writer, version: number, v: ListOffsetsTopicResponse): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeListOffsetsPartitionResponse(w, version, e));
  else w.array(v.partitions, (w, e) => writeListOffsetsPartitionResponse(w, version, e));
  if (flexible) w.taggedFields();
}

function readListOffsetsPartitionResponse(r: Reader, version: number): ListOffsetsPartitionResponse {
  const flexible = version >= flexibleFrom;
  const out: ListOffsetsPartitionResponse = {
    partitionIndex: 0,
    errorCode: 0,
    timestamp: -1,
    offset: -1,
    leaderEpoch: -1,
  };
  out.partitionIndex = r.int32();
  out.errorCode = r.int16();
  out.timestamp = r.int64();
  out.offset = r.int64();
  if (version >= 4) out.leaderEpoch = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

function writeListOffsetsPartitionResponse(w: Writer, version: number, v: ListOffsetsPartitionResponse): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int16(v.errorCode);
  w.int64(v.timestamp);
  w.int64(v.offset);
  if (version >= 4) w.int32(v.leaderEpoch);
  if (flexible) w.taggedFields();
}
