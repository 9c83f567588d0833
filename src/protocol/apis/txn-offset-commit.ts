// TxnOffsetCommit (API key 28): versions 0-5, flexible from v3. v5 (KIP-890 part 2, transaction version 2) is v4's
// form; its group's offsets partition joins the transaction without AddOffsetsToTxn.
// Codec derived from apache/kafka clients/src/main/resources/common/message/TxnOffsetCommitRequest.json
// and TxnOffsetCommitResponse.json; versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 28;
export const apiName = 'TxnOffsetCommit';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `TxnOffsetCommit v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

export interface TxnOffsetCommitRequestPartition {
  /** The index of the partition within the topic. (v0+) */
  partitionIndex: number;
  /** The message offset to be committed. (v0+) */
  committedOffset: number;
  /** The leader epoch of the last consumed record. (v2+, default -1) */
  committedLeaderEpoch: number;
  /** Any associated metadata the client wants to keep. (v0+) */
  committedMetadata: string | null;
}

export interface TxnOffsetCommitRequest {
  /** The id of the transaction. (v0+) */
  transactionalId: string;
  /** The id of the group. (v0+) */
  groupId: string;
  /** The current producer id in use by the transactional id. (v0+) */
  producerId: number;
  /** The current epoch associated with the producer id. (v0+) */
  producerEpoch: number;
  /** The generation of the consumer. (v3+, default -1) */
  generationId: number;
  /** The member id assigned by the group coordinator. (v3+, default "") */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3+, default null) */
  groupInstanceId: string | null;
  /** Each topic that we want to commit offsets for. (v0+) */
  topics: Array<{ name: string; partitions: TxnOffsetCommitRequestPartition[] }>;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   TxnOffsetCommit Request (Version: 0) => transactional_id group_id producer_id producer_epoch [topics]
//     transactional_id => STRING
//     group_id => STRING
//     producer_id => INT64
//     producer_epoch => INT16
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index committed_offset committed_metadata
//         partition_index => INT32
//         committed_offset => INT64
//         committed_metadata => NULLABLE_STRING
//   TxnOffsetCommit Request (Version: 2) => adds committed_leader_epoch (INT32) after committed_offset
//   TxnOffsetCommit Request (Version: 4) => transactional_id group_id producer_id producer_epoch generation_id member_id group_instance_id [topics] _tagged_fields
//     generation_id => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING
//     topics => name [partitions] _tagged_fields
//       partitions => partition_index committed_offset committed_leader_epoch committed_metadata _tagged_fields

export function decodeRequest(r: Reader, version: number): TxnOffsetCommitRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const str = () => (flexible ? r.compactString() : r.string());
  const transactionalId = str();
  const groupId = str();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  let generationId = -1;
  let memberId = '';
  let groupInstanceId: string | null = null;
  if (version >= 3) {
    generationId = r.int32();
    memberId = r.compactString();
    groupInstanceId = r.compactNullableString();
  }
  const readPartition = (r: Reader): TxnOffsetCommitRequestPartition => {
    const partitionIndex = r.int32();
    const committedOffset = r.int64();
    const committedLeaderEpoch = version >= 2 ? r.int32() : -1;
    const committedMetadata = flexible ? r.compactNullableString() : r.nullableString();
    if (flexible) r.taggedFields();
    return { partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata };
  };
  const readTopic = (r: Reader) => {
    const name = flexible ? r.compactString() : r.string();
    const partitions = flexible ? r.compactArray(readPartition) : r.array(readPartition);
    if (flexible) r.taggedFields();
    return { name, partitions };
  };
  const topics = flexible ? r.compactArray(readTopic) : r.array(readTopic);
  if (flexible) r.taggedFields();
  return { transactionalId, groupId, producerId, producerEpoch, generationId, memberId, groupInstanceId, topics };
}

export function encodeRequest(w: Writer, version: number, v: TxnOffsetCommitRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const str = (s: string) => (flexible ? w.compactString(s) : w.string(s));
  str(v.transactionalId);
  str(v.groupId);
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  if (version >= 3) {
    w.int32(v.generationId);
    w.compactString(v.memberId);
    w.compactNullableString(v.groupInstanceId);
  }
  const writePartition = (w: Writer, p: TxnOffsetCommitRequestPartition) => {
    w.int32(p.partitionIndex);
    w.int64(p.committedOffset);
    if (version >= 2) w.int32(p.committedLeaderEpoch);
    if (flexible) w.compactNullableString(p.committedMetadata);
    else w.nullableString(p.committedMetadata);
    if (flexible) w.taggedFields();
  };
  const writeTopic = (w: Writer, t: { name: string; partitions: TxnOffsetCommitRequestPartition[] }) => {
    str(t.name);
    if (flexible) w.compactArray(t.partitions, writePartition);
    else w.array(t.partitions, writePartition);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.topics, writeTopic);
  else w.array(v.topics, writeTopic);
  if (flexible) w.taggedFields();
}

export interface TxnOffsetCommitResponseTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The responses for each partition in the topic. (v0+) */
  partitions: Array<{ partitionIndex: number; errorCode: number }>;
}

export interface TxnOffsetCommitResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation. (v0+) */
  throttleTimeMs: number;
  /** The responses for each topic. (v0+) */
  topics: TxnOffsetCommitResponseTopic[];
}

// Kafka grammar:
//   TxnOffsetCommit Response (Version: 0) => throttle_time_ms [topics]
//     throttle_time_ms => INT32
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index error_code
//         partition_index => INT32
//         error_code => INT16
//   TxnOffsetCommit Response (Version: 3+) => the same, compact, with _tagged_fields at each level

export function decodeResponse(r: Reader, version: number): TxnOffsetCommitResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const throttleTimeMs = r.int32();
  const readPartition = (r: Reader) => {
    const p = { partitionIndex: r.int32(), errorCode: r.int16() };
    if (flexible) r.taggedFields();
    return p;
  };
  const readTopic = (r: Reader) => {
    const name = flexible ? r.compactString() : r.string();
    const partitions = flexible ? r.compactArray(readPartition) : r.array(readPartition);
    if (flexible) r.taggedFields();
    return { name, partitions };
  };
  const topics = flexible ? r.compactArray(readTopic) : r.array(readTopic);
  if (flexible) r.taggedFields();
  return { throttleTimeMs, topics };
}

export function encodeResponse(w: Writer, version: number, v: TxnOffsetCommitResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  const writePartition = (w: Writer, p: { partitionIndex: number; errorCode: number }) => {
    w.int32(p.partitionIndex);
    w.int16(p.errorCode);
    if (flexible) w.taggedFields();
  };
  const writeTopic = (w: Writer, t: TxnOffsetCommitResponseTopic) => {
    if (flexible) w.compactString(t.name);
    else w.string(t.name);
    if (flexible) w.compactArray(t.partitions, writePartition);
    else w.array(t.partitions, writePartition);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.topics, writeTopic);
  else w.array(v.topics, writeTopic);
  if (flexible) w.taggedFields();
}
