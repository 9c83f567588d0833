// ElectLeaders (API key 43): versions 0-2, flexible from v2. KIP-183 (preferred) and KIP-460 (election type).
// Codec derived from apache/kafka clients/src/main/resources/common/message/ElectLeadersRequest.json
// and ElectLeadersResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 43;
export const apiName = 'ElectLeaders';
export const minVersion = 0;
export const maxVersion = 2;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

/** ElectionType values (KIP-460). */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `ElectLeaders v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface ElectLeadersRequest {
  /** 0 elects the preferred replica, 1 the first live replica when no in-sync replica is left. (v1+; v0 is preferred) */
  electionType: number;
  /** The topic partitions to elect leaders for, or null for every partition. (v0+) */
  topicPartitions: ElectLeadersTopicPartitions[] | null;
  /** The time in ms to wait for the election to complete. (v0+) */
  timeoutMs: number;
}

export interface ElectLeadersTopicPartitions {
  /** The name of a topic. (v0+) */
  topic: string;
  /** The partitions of this topic whose leader should be elected. (v0+) */
  partitions: number[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ElectLeaders Request (Version: 0) => [topic_partitions] timeout_ms
//     topic_partitions => topic [partitions]
//       topic => STRING
//       partitions => INT32
//     timeout_ms => INT32
//   ElectLeaders Request (Version: 1) => election_type [topic_partitions] timeout_ms
//     election_type => INT8
//     topic_partitions => topic [partitions]
//       topic => STRING
//       partitions => INT32
//     timeout_ms => INT32
//   ElectLeaders Request (Version: 2) => election_type [topic_partitions] timeout_ms _tagged_fields
//     election_type => INT8
//     topic_partitions => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => INT32
//     timeout_ms => INT32

export function decodeRequest(r: Reader, version: number): ElectLeadersRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ElectLeadersRequest = { electionType: ElectionType.PREFERRED, topicPartitions: null, timeoutMs: 60000 };
  if (version >= 1) out.electionType = r.int8();
  if (flexible) out.topicPartitions = r.compactNullableArray((r) => readTopicPartitions(r, version));
  else out.topicPartitions = r.nullableArray((r) => readTopicPartitions(r, version));
  out.timeoutMs = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: ElectLeadersRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int8(v.electionType);
  if (flexible) w.compactNullableArray(v.topicPartitions, (w, e) => writeTopicPartitions(w, version, e));
  else w.nullableArray(v.topicPartitions, (w, e) => writeTopicPartitions(w, version, e));
  w.int32(v.timeoutMs);
  if (flexible) w.taggedFields();
}

function readTopicPartitions(r: Reader, version: number): ElectLeadersTopicPartitions {
  const flexible = version >= flexibleFrom;
  const out: ElectLeadersTopicPartitions = { topic: '', partitions: [] };
  if (flexible) out.topic = r.compactString();
  else out.topic = r.string();
  if (flexible) out.partitions = r.compactArray((r) => r.int32());
  else out.partitions = r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeTopicPartitions(w: Writer, version: number, v: ElectLeadersTopicPartitions): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.topic);
  else w.string(v.topic);
  if (flexible) w.compactArray(v.partitions, (w, e) => w.int32(e));
  else w.array(v.partitions, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface ElectLeadersResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The top level response error code. (v1+) */
  errorCode: number;
  /** The election results, or an empty array if the requester did not have permission and the request asks for all partitions. (v0+) */
  replicaElectionResults: ReplicaElectionResult[];
}

export interface ReplicaElectionResult {
  /** The topic name. (v0+) */
  topic: string;
  /** The results for each partition. (v0+) */
  partitionResult: PartitionResult[];
}

export interface PartitionResult {
  /** The partition id. (v0+) */
  partitionId: number;
  /** The result error, or zero if there was no error. (v0+) */
  errorCode: number;
  /** The result message, or null if there was no error. (v0+) */
  errorMessage: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ElectLeaders Response (Version: 0) => throttle_time_ms [replica_election_results]
//     throttle_time_ms => INT32
//     replica_election_results => topic [partition_result]
//       topic => STRING
//       partition_result => partition_id error_code error_message
//         partition_id => INT32
//         error_code => INT16
//         error_message => NULLABLE_STRING
//   ElectLeaders Response (Version: 1) => throttle_time_ms error_code [replica_election_results]
//     throttle_time_ms => INT32
//     error_code => INT16
//     replica_election_results => topic [partition_result]
//       ... as v0
//   ElectLeaders Response (Version: 2) => throttle_time_ms error_code [replica_election_results] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     replica_election_results => topic [partition_result] _tagged_fields
//       topic => COMPACT_STRING
//       partition_result => partition_id error_code error_message _tagged_fields
//         partition_id => INT32
//         error_code => INT16
//         error_message => COMPACT_NULLABLE_STRING

export function decodeResponse(r: Reader, version: number): ElectLeadersResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ElectLeadersResponse = { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [] };
  out.throttleTimeMs = r.int32();
  if (version >= 1) out.errorCode = r.int16();
  if (flexible) out.replicaElectionResults = r.compactArray((r) => readReplicaElectionResult(r, version));
  else out.replicaElectionResults = r.array((r) => readReplicaElectionResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: ElectLeadersResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 1) w.int16(v.errorCode);
  if (flexible) w.compactArray(v.replicaElectionResults, (w, e) => writeReplicaElectionResult(w, version, e));
  else w.array(v.replicaElectionResults, (w, e) => writeReplicaElectionResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readReplicaElectionResult(r: Reader, version: number): ReplicaElectionResult {
  const flexible = version >= flexibleFrom;
  const out: ReplicaElectionResult = { topic: '', partitionResult: [] };
  if (flexible) out.topic = r.compactString();
  else out.topic = r.string();
  if (flexible) out.partitionResult = r.compactArray((r) => readPartitionResult(r, version));
  else out.partitionResult = r.array((r) => readPartitionResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeReplicaElectionResult(w: Writer, version: number, v: ReplicaElectionResult): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.topic);
  else w.string(v.topic);
  if (flexible) w.compactArray(v.partitionResult, (w, e) => writePartitionResult(w, version, e));
  else w.array(v.partitionResult, (w, e) => writePartitionResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readPartitionResult(r: Reader, version: number): PartitionResult {
  const flexible = version >= flexibleFrom;
  const out: PartitionResult = { partitionId: 0, errorCode: 0, errorMessage: null };
  out.partitionId = r.int32();
  out.errorCode = r.int16();
  if (flexible) out.errorMessage = r.compactNullableString();
  else out.errorMessage = r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writePartitionResult(w: Writer, version: number, v: PartitionResult): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionId);
  w.int16(v.errorCode);
  if (flexible) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  if (flexible) w.taggedFields();
}
