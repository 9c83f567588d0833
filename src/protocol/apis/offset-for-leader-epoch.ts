// OffsetForLeaderEpoch (API key 23): versions 0-4, flexible from v4.
// Codec derived from apache/kafka clients/src/main/resources/common/message/OffsetForLeaderEpochRequest.json
// and OffsetForLeaderEpochResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 23;
export const apiName = 'OffsetForLeaderEpoch';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 4;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `OffsetForLeaderEpoch v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface OffsetForLeaderEpochRequest {
  /** The broker ID of the follower, of -1 if this request is from a consumer. (v3+) */
  replicaId: number;
  /** Each topic to get offsets for. (v0+) */
  topics: OffsetForLeaderTopic[];
}

export interface OffsetForLeaderTopic {
  /** The topic name. (v0+) */
  topic: string;
  /** Each partition to get offsets for. (v0+) */
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderPartition {
  /** The partition index. (v0+) */
  partition: number;
  /** An epoch used to fence consumers/replicas with old metadata. If the epoch provided by the client is larger than the current epoch known to the broker, then the UNKNOWN_LEADER_EPOCH error code will be returned. If the provided epoch is smaller, then the FENCED_LEADER_EPOCH error code will be returned. (v2+) */
  currentLeaderEpoch: number;
  /** The epoch to look up an offset for. (v0+) */
  leaderEpoch: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   OffsetForLeaderEpoch Request (Version: 0) => [topics]
//     topics => topic [partitions]
//       topic => STRING
//       partitions => partition leader_epoch
//         partition => INT32
//         leader_epoch => INT32
//   OffsetForLeaderEpoch Request (Version: 4) => replica_id [topics] _tagged_fields
//     replica_id => INT32
//     topics => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => partition current_leader_epoch leader_epoch _tagged_fields
//         partition => INT32
//         current_leader_epoch => INT32
//         leader_epoch => INT32

export function decodeRequest(r: Reader, version: number): OffsetForLeaderEpochRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: OffsetForLeaderEpochRequest = {
    replicaId: -2,
    topics: [],
  };
  if (version >= 3) out.replicaId = r.int32();
  if (version >= 4) out.topics = r.compactArray((r) => readOffsetForLeaderTopic(r, version));
  else out.topics = r.array((r) => readOffsetForLeaderTopic(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: OffsetForLeaderEpochRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 3) w.int32(v.replicaId);
  if (version >= 4) w.compactArray(v.topics, (w, e) => writeOffsetForLeaderTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeOffsetForLeaderTopic(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetForLeaderTopic(r: Reader, version: number): OffsetForLeaderTopic {
  const flexible = version >= flexibleFrom;
  const out: OffsetForLeaderTopic = {
    topic: '',
    partitions: [],
  };
  if (version >= 4) out.topic = r.compactString();
  else out.topic = r.string();
  if (version >= 4) out.partitions = r.compactArray((r) => readOffsetForLeaderPartition(r, version));
  else out.partitions = r.array((r) => readOffsetForLeaderPartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetForLeaderTopic(w: Writer, version: number, v: OffsetForLeaderTopic): void {
  const flexible = version >= flexibleFrom;
  if (version >= 4) w.compactString(v.topic);
  else w.string(v.topic);
  if (version >= 4) w.compactArray(v.partitions, (w, e) => writeOffsetForLeaderPartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeOffsetForLeaderPartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetForLeaderPartition(r: Reader, version: number): OffsetForLeaderPartition {
  const flexible = version >= flexibleFrom;
  const out: OffsetForLeaderPartition = {
    partition: 0,
    currentLeaderEpoch: -1,
    leaderEpoch: 0,
  };
  out.partition = r.int32();
  if (version >= 2) out.currentLeaderEpoch = r.int32();
  out.leaderEpoch = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetForLeaderPartition(w: Writer, version: number, v: OffsetForLeaderPartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partition);
  if (version >= 2) w.int32(v.currentLeaderEpoch);
  w.int32(v.leaderEpoch);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface OffsetForLeaderEpochResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2+) */
  throttleTimeMs: number;
  /** Each topic we fetched offsets for. (v0+) */
  topics: OffsetForLeaderTopicResult[];
}

export interface OffsetForLeaderTopicResult {
  /** The topic name. (v0+) */
  topic: string;
  /** Each partition in the topic we fetched offsets for. (v0+) */
  partitions: EpochEndOffset[];
}

export interface EpochEndOffset {
  /** The error code 0, or if there was no error. (v0+) */
  errorCode: number;
  /** The partition index. (v0+) */
  partition: number;
  /** The leader epoch of the partition. (v1+) */
  leaderEpoch: number;
  /** The end offset of the epoch. (v0+) */
  endOffset: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   OffsetForLeaderEpoch Response (Version: 0) => [topics]
//     topics => topic [partitions]
//       topic => STRING
//       partitions => error_code partition end_offset
//         error_code => INT16
//         partition => INT32
//         end_offset => INT64
//   OffsetForLeaderEpoch Response (Version: 4) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => error_code partition leader_epoch end_offset _tagged_fields
//         error_code => INT16
//         partition => INT32
//         leader_epoch => INT32
//         end_offset => INT64

export function decodeResponse(r: Reader, version: number): OffsetForLeaderEpochResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: OffsetForLeaderEpochResponse = {
    throttleTimeMs: 0,
    topics: [],
  };
  if (version >= 2) out.throttleTimeMs = r.int32();
  if (version >= 4) out.topics = r.compactArray((r) => readOffsetForLeaderTopicResult(r, version));
  else out.topics = r.array((r) => readOffsetForLeaderTopicResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: OffsetForLeaderEpochResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.int32(v.throttleTimeMs);
  if (version >= 4) w.compactArray(v.topics, (w, e) => writeOffsetForLeaderTopicResult(w, version, e));
  else w.array(v.topics, (w, e) => writeOffsetForLeaderTopicResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readOffsetForLeaderTopicResult(r: Reader, version: number): OffsetForLeaderTopicResult {
  const flexible = version >= flexibleFrom;
  const out: OffsetForLeaderTopicResult = {
    topic: '',
    partitions: [],
  };
  if (version >= 4) out.topic = r.compactString();
  else out.topic = r.string();
  if (version >= 4) out.partitions = r.compactArray((r) => readEpochEndOffset(r, version));
  else out.partitions = r.array((r) => readEpochEndOffset(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeOffsetForLeaderTopicResult(w: Writer, version: number, v: OffsetForLeaderTopicResult): void {
  const flexible = version >= flexibleFrom;
  if (version >= 4) w.compactString(v.topic);
  else w.string(v.topic);
  if (version >= 4) w.compactArray(v.partitions, (w, e) => writeEpochEndOffset(w, version, e));
  else w.array(v.partitions, (w, e) => writeEpochEndOffset(w, version, e));
  if (flexible) w.taggedFields();
}

function readEpochEndOffset(r: Reader, version: number): EpochEndOffset {
  const flexible = version >= flexibleFrom;
  const out: EpochEndOffset = {
    errorCode: 0,
    partition: 0,
    leaderEpoch: -1,
    endOffset: -1,
  };
  out.errorCode = r.int16();
  out.partition = r.int32();
  if (version >= 1) out.leaderEpoch = r.int32();
  out.endOffset = r.int64();
  if (flexible) r.taggedFields();
  return out;
}

function writeEpochEndOffset(w: Writer, version: number, v: EpochEndOffset): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  w.int32(v.partition);
  if (version >= 1) w.int32(v.leaderEpoch);
  w.int64(v.endOffset);
  if (flexible) w.taggedFields();
}
