// OffsetCommit (API key 8): versions 2-8, flexible from v8.
// Codec derived from apache/kafka clients/src/main/resources/common/message/OffsetCommitRequest.json
// and OffsetCommitResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 8;
export const apiName = 'OffsetCommit';
export const minVersion = 2;
export const maxVersion = 8;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 8;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `OffsetCommit v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface OffsetCommitRequest {
  /** The unique group identifier. (v0+) */
  groupId: string;
  /** The generation of the group if using the classic group protocol or the member epoch if using the consumer protocol. (v1+) */
  generationIdOrMemberEpoch: number;
  /** The member ID assigned by the group coordinator. (v1+) */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v7+) */
  groupInstanceId: string | null;
  /** The time period in ms to retain the offset. (v2-4) */
  retentionTimeMs: number;
  /** The topics to commit offsets for. (v0+) */
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitRequestTopic {
  /** The topic name. (v0+) */
  name: string;
  /** Each partition to commit offsets for. (v0+) */
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestPartition {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The message offset to be committed. (v0+) */
  committedOffset: number;
  /** The leader epoch of this partition. (v6+) */
  committedLeaderEpoch: number;
  /** Any associated metadata the client wants to keep. (v0+) */
  committedMetadata: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   OffsetCommit Request (Version: 2) => group_id generation_id_or_member_epoch member_id retention_time_ms [topics]
//     group_id => STRING
//     generation_id_or_member_epoch => INT32
//     member_id => STRING
//     retention_time_ms => INT64
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index committed_offset committed_metadata
//         partition_index => INT32
//         committed_offset => INT64
//         committed_metadata => NULLABLE_STRING
//   OffsetCommit Request (Version: 8) => group_id generation_id_or_member_epoch member_id group_instance_id [topics] _tagged_fields
//     group_id => COMPACT_STRING
//     generation_id_or_member_epoch => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index committed_offset committed_leader_epoch committed_metadata _tagged_fields
//         partition_index => INT32
//         committed_offset => INT64
//         committed_leader_epoch => INT32
//         committed_metadata => COMPACT_NULLABLE_STRING

export function decodeRequest(r: Reader, version: number): OffsetCommitRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: OffsetCommitRequest = {
    groupId: '',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [],
  };
  out.groupId = flexible ? r.compactString() : r.string();
  out.generationIdOrMemberEpoch = r.int32();
  out.memberId = flexible ? r.compactString() : r.string();
  if (version >= 7) out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  if (version <= 4) out.retentionTimeMs = r.int64();
  if (flexible) out.topics = r.compactArray((r) => readOffsetCommitRequestTopic(r, version));
  else out.topics = r.array((r) => readOffsetCommitRequestTopic(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: OffsetCommitRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  w.int32(v.generationIdOrMemberEpoch);
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (version >= 7) {
    if (flexible) w.compactNullableString(v.groupInstanceId);
    else w.nullableString(v.groupInstanceId);
  }
  if (version <= 4) w.int64(v.retentionTimeMs);
  if (flexible) w.compactArray(v.topics, (w, e) => writeOffsetCommitRequestTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeOffsetCommitRequestTopic(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetCommitRequestTopic(r: Reader, version: number): OffsetCommitRequestTopic {
  const flexible = version >= flexibleFrom;
  const out: OffsetCommitRequestTopic = {
    name: '',
    partitions: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readOffsetCommitRequestPartition(r, version));
  else out.partitions = r.array((r) => readOffsetCommitRequestPartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetCommitRequestTopic(w: Writer, version: number, v: OffsetCommitRequestTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeOffsetCommitRequestPartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeOffsetCommitRequestPartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetCommitRequestPartition(r: Reader, version: number): OffsetCommitRequestPartition {
  const flexible = version >= flexibleFrom;
  const out: OffsetCommitRequestPartition = {
    partitionIndex: 0,
    committedOffset: 0,
    committedLeaderEpoch: -1,
    committedMetadata: '',
  };
  out.partitionIndex = r.int32();
  out.committedOffset = r.int64();
  if (version >= 6) out.committedLeaderEpoch = r.int32();
  out.committedMetadata = flexible ? r.compactNullableString() : r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetCommitRequestPartition(w: Writer, version: number, v: OffsetCommitRequestPartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int64(v.committedOffset);
  if (version >= 6) w.int32(v.committedLeaderEpoch);
  if (flexible) w.compactNullableString(v.committedMetadata);
  else w.nullableString(v.committedMetadata);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface OffsetCommitResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v3+) */
  throttleTimeMs: number;
  /** The responses for each topic. (v0+) */
  topics: OffsetCommitResponseTopic[];
}

export interface OffsetCommitResponseTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The responses for each partition in the topic. (v0+) */
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponsePartition {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   OffsetCommit Response (Version: 2) => [topics]
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index error_code
//         partition_index => INT32
//         error_code => INT16
//   OffsetCommit Response (Version: 8) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index error_code _tagged_fields
//         partition_index => INT32
//         error_code => INT16

export function decodeResponse(r: Reader, version: number): OffsetCommitResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: OffsetCommitResponse = {
    throttleTimeMs: 0,
    topics: [],
  };
  if (version >= 3) out.throttleTimeMs = r.int32();
  if (flexible) out.topics = r.compactArray((r) => readOffsetCommitResponseTopic(r, version));
  else out.topics = r.array((r) => readOffsetCommitResponseTopic(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: OffsetCommitResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 3) w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.topics, (w, e) => writeOffsetCommitResponseTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeOffsetCommitResponseTopic(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetCommitResponseTopic(r: Reader, version: number): OffsetCommitResponseTopic {
  const flexible = version >= flexibleFrom;
  const out: OffsetCommitResponseTopic = {
    name: '',
    partitions: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readOffsetCommitResponsePartition(r, version));
  else out.partitions = r.array((r) => readOffsetCommitResponsePartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetCommitResponseTopic(w: Writer, version: number, v: OffsetCommitResponseTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeOffsetCommitResponsePartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeOffsetCommitResponsePartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetCommitResponsePartition(r: Reader, version: number): OffsetCommitResponsePartition {
  const flexible = version >= flexibleFrom;
  const out: OffsetCommitResponsePartition = {
    partitionIndex: 0,
    errorCode: 0,
  };
  out.partitionIndex = r.int32();
  out.errorCode = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetCommitResponsePartition(w: Writer, version: number, v: OffsetCommitResponsePartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int16(v.errorCode);
  if (flexible) w.taggedFields();
}
