// Fetch (API key 1): versions 4-12, flexible from v12.
// Codec derived from apache/kafka clients/src/main/resources/common/message/FetchRequest.json
// and FetchResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer, TaggedFieldWrite, RecordsPayload } from '../writer.js';

export const apiKey = 1;
export const apiName = 'Fetch';
export const minVersion = 4;
export const maxVersion = 12;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 12;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `Fetch v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface FetchRequest {
  /** The clusterId if known. This is used to validate metadata fetches prior to broker registration. (v12+, tagged 0) */
  clusterId?: string | null;
  /** The broker ID of the follower, of -1 if this request is from a consumer. (v0-14) */
  replicaId: number;
  /** The maximum time in milliseconds to wait for the response. (v0+) */
  maxWaitMs: number;
  /** The minimum bytes to accumulate in the response. (v0+) */
  minBytes: number;
  /** The maximum bytes to fetch.  See KIP-74 for cases where this limit may not be honored. (v3+) */
  maxBytes: number;
  /** This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records (v4+) */
  isolationLevel: number;
  /** The fetch session ID. (v7+) */
  sessionId: number;
  /** The fetch session epoch, which is used for ordering requests in a session. (v7+) */
  sessionEpoch: number;
  /** The topics to fetch. (v0+) */
  topics: FetchTopic[];
  /** In an incremental fetch request, the partitions to remove. (v7+) */
  forgottenTopicsData: ForgottenTopic[];
  /** Rack ID of the consumer making this request (v11+) */
  rackId: string;
}

export interface FetchTopic {
  /** The name of the topic to fetch. (v0-12) */
  topic: string;
  /** The partitions to fetch. (v0+) */
  partitions: FetchPartition[];
}

export interface FetchPartition {
  /** The partition index. (v0+) */
  partition: number;
  /** The current leader epoch of the partition. (v9+) */
  currentLeaderEpoch: number;
  /** The message offset. (v0+) */
  fetchOffset: number;
  /** The epoch of the last fetched record or -1 if there is none (v12+) */
  lastFetchedEpoch: number;
  /** The earliest available offset of the follower replica.  The field is only used when the request is sent by the follower. (v5+) */
  logStartOffset: number;
  /** The maximum bytes to fetch from this partition.  See KIP-74 for cases where this limit may not be honored. (v0+) */
  partitionMaxBytes: number;
}

export interface ForgottenTopic {
  /** The topic name. (v7-12) */
  topic: string;
  /** The partitions indexes to forget. (v7+) */
  partitions: number[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Fetch Request (Version: 4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
//     replica_id => INT32
//     max_wait_ms => INT32
//     min_bytes => INT32
//     max_bytes => INT32
//     isolation_level => INT8
//     topics => topic [partitions]
//       topic => STRING
//       partitions => partition fetch_offset partition_max_bytes
//         partition => INT32
//         fetch_offset => INT64
//         partition_max_bytes => INT32
//   Fetch Request (Version: 12) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id _tagged_fields
//     replica_id => INT32
//     max_wait_ms => INT32
//     min_bytes => INT32
//     max_bytes => INT32
//     isolation_level => INT8
//     session_id => INT32
//     session_epoch => INT32
//     topics => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset partition_max_bytes _tagged_fields
//         partition => INT32
//         current_leader_epoch => INT32
//         fetch_offset => INT64
//         last_fetched_epoch => INT32
//         log_start_offset => INT64
//         partition_max_bytes => INT32
//     forgotten_topics_data => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => INT32
//     rack_id => COMPACT_STRING
//     <tag 0> cluster_id => COMPACT_NULLABLE_STRING

export function decodeRequest(r: Reader, version: number): FetchRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: FetchRequest = {
    clusterId: null,
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 2147483647,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [],
    forgottenTopicsData: [],
    rackId: '',
  };
  out.replicaId = r.int32();
  out.maxWaitMs = r.int32();
  out.minBytes = r.int32();
  out.maxBytes = r.int32();
  out.isolationLevel = r.int8();
  if (version >= 7) out.sessionId = r.int32();
  if (version >= 7) out.sessionEpoch = r.int32();
  if (flexible) out.topics = r.compactArray((r) => readFetchTopic(r, version));
  else out.topics = r.array((r) => readFetchTopic(r, version));
  if (version >= 7) {
    if (flexible) out.forgottenTopicsData = r.compactArray((r) => readForgottenTopic(r, version));
    else out.forgottenTopicsData = r.array((r) => readForgottenTopic(r, version));
  }
  if (version >= 11) out.rackId = flexible ? r.compactString() : r.string();
  if (flexible) r.taggedFields((tag, t) => {
    switch (tag) {
      case 0:
        out.clusterId = t.compactNullableString();
        return true;
    }
    return false;
  });
  return out;
}

export function encodeRequest(w: Writer, version: number, v: FetchRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.replicaId);
  w.int32(v.maxWaitMs);
  w.int32(v.minBytes);
  w.int32(v.maxBytes);
  w.int8(v.isolationLevel);
  if (version >= 7) w.int32(v.sessionId);
  if (version >= 7) w.int32(v.sessionEpoch);
  if (flexible) w.compactArray(v.topics, (w, e) => writeFetchTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeFetchTopic(w, version, e));
  if (version >= 7) {
    if (flexible) w.compactArray(v.forgottenTopicsData, (w, e) => writeForgottenTopic(w, version, e));
    else w.array(v.forgottenTopicsData, (w, e) => writeForgottenTopic(w, version, e));
  }
  if (version >= 11) {
    if (flexible) w.compactString(v.rackId);
    else w.string(v.rackId);
  }
  if (flexible) {
    const tagged: TaggedFieldWrite[] = [];
    const clusterId = v.clusterId;
    if (clusterId !== undefined && clusterId !== null) {
      const value = clusterId;
      tagged.push([0, (w) => w.compactNullableString(value)]);
    }
    w.taggedFields(tagged);
  }
}

function readFetchTopic(r: Reader, version: number): FetchTopic {
  const flexible = version >= flexibleFrom;
  const out: FetchTopic = {
    topic: '',
    partitions: [],
  };
  out.topic = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readFetchPartition(r, version));
  else out.partitions = r.array((r) => readFetchPartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeFetchTopic(w: Writer, version: number, v: FetchTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.topic);
  else w.string(v.topic);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeFetchPartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeFetchPartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readFetchPartition(r: Reader, version: number): FetchPartition {
  const flexible = version >= flexibleFrom;
  const out: FetchPartition = {
    partition: 0,
    currentLeaderEpoch: -1,
    fetchOffset: 0,
    lastFetchedEpoch: -1,
    logStartOffset: -1,
    partitionMaxBytes: 0,
  };
  out.partition = r.int32();
  if (version >= 9) out.currentLeaderEpoch = r.int32();
  out.fetchOffset = r.int64();
  if (version >= 12) out.lastFetchedEpoch = r.int32();
  if (version >= 5) out.logStartOffset = r.int64();
  out.partitionMaxBytes = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

function writeFetchPartition(w: Writer, version: number, v: FetchPartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partition);
  if (version >= 9) w.int32(v.currentLeaderEpoch);
  w.int64(v.fetchOffset);
  if (version >= 12) w.int32(v.lastFetchedEpoch);
  if (version >= 5) w.int64(v.logStartOffset);
  w.int32(v.partitionMaxBytes);
  if (flexible) w.taggedFields();
}

function readForgottenTopic(r: Reader, version: number): ForgottenTopic {
  const flexible = version >= flexibleFrom;
  const out: ForgottenTopic = {
    topic: '',
    partitions: [],
  };
  out.topic = flexible ? r.compactString() : r.string();
  out.partitions = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeForgottenTopic(w: Writer, version: number, v: ForgottenTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.topic);
  else w.string(v.topic);
  if (flexible) w.compactArray(v.partitions, (w, e) => w.int32(e));
  else w.array(v.partitions, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface FetchResponse<R extends RecordsPayload = Buffer> {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The top level response error code. (v7+) */
  errorCode: number;
  /** The fetch session ID, or 0 if this is not part of a fetch session. (v7+) */
  sessionId: number;
  /** The response topics. (v0+) */
  responses: FetchableTopicResponse<R>[];
}

export interface FetchableTopicResponse<R extends RecordsPayload = Buffer> {
  /** The topic name. (v0-12) */
  topic: string;
  /** The topic partitions. (v0+) */
  partitions: PartitionData<R>[];
}

export interface PartitionData<R extends RecordsPayload = Buffer> {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The error code, or 0 if there was no fetch error. (v0+) */
  errorCode: number;
  /** The current high water mark. (v0+) */
  highWatermark: number;
  /** The last stable offset (or LSO) of the partition. This is the last offset such that the state of all transactional records prior to this offset have been decided (ABORTED or COMMITTED) (v4+) */
  lastStableOffset: number;
  /** The current log start offset. (v5+) */
  logStartOffset: number;
  /** In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in the request, this field indicates the largest epoch and its end offset such that subsequent records are known to diverge (v12+, tagged 0) */
  divergingEpoch?: EpochEndOffset;
  /** (v12+, tagged 1) */
  currentLeader?: LeaderIdAndEpoch;
  /** In the case of fetching an offset less than the LogStartOffset, this is the end offset and epoch that should be used in the FetchSnapshot request. (v12+, tagged 2) */
  snapshotId?: SnapshotId;
  /** The aborted transactions. (v4+) */
  abortedTransactions: AbortedTransaction[] | null;
  /** The preferred read replica for the consumer to use on its next fetch request (v11+) */
  preferredReadReplica: number;
  /** The record data. (v0+) */
  records: R | null;
}

export interface EpochEndOffset {
  /** (v12+) */
  epoch: number;
  /** (v12+) */
  endOffset: number;
}

export interface LeaderIdAndEpoch {
  /** The ID of the current leader or -1 if the leader is unknown. (v12+) */
  leaderId: number;
  /** The latest known leader epoch (v12+) */
  leaderEpoch: number;
}

export interface SnapshotId {
  /** (v0+) */
  endOffset: number;
  /** (v0+) */
  epoch: number;
}

export interface AbortedTransaction {
  /** The producer id associated with the aborted transaction. (v4+) */
  producerId: number;
  /** The first offset in the aborted transaction. (v4+) */
  firstOffset: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Fetch Response (Version: 4) => throttle_time_ms [responses]
//     throttle_time_ms => INT32
//     responses => topic [partitions]
//       topic => STRING
//       partitions => partition_index error_code high_watermark last_stable_offset [aborted_transactions] records
//         partition_index => INT32
//         error_code => INT16
//         high_watermark => INT64
//         last_stable_offset => INT64
//         aborted_transactions => producer_id first_offset
//           producer_id => INT64
//           first_offset => INT64
//         records => RECORDS
//   Fetch Response (Version: 12) => throttle_time_ms error_code session_id [responses] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     session_id => INT32
//     responses => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records _tagged_fields
//         partition_index => INT32
//         error_code => INT16
//         high_watermark => INT64
//         last_stable_offset => INT64
//         log_start_offset => INT64
//         aborted_transactions => producer_id first_offset _tagged_fields
//           producer_id => INT64
//           first_offset => INT64
//         preferred_read_replica => INT32
//         records => COMPACT_RECORDS
//         <tag 0> diverging_epoch => epoch end_offset _tagged_fields
//           epoch => INT32
//           end_offset => INT64
//         <tag 1> current_leader => leader_id leader_epoch _tagged_fields
//           leader_id => INT32
//           leader_epoch => INT32
//         <tag 2> snapshot_id => end_offset epoch _tagged_fields
//           end_offset => INT64
//           epoch => INT32

export function decodeResponse(r: Reader, version: number): FetchResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [],
  };
  out.throttleTimeMs = r.int32();
  if (version >= 7) out.errorCode = r.int16();
  if (version >= 7) out.sessionId = r.int32();
  if (flexible) out.responses = r.compactArray((r) => readFetchableTopicResponse(r, version));
  else out.responses = r.array((r) => readFetchableTopicResponse(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: FetchResponse<RecordsPayload>): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 7) w.int16(v.errorCode);
  if (version >= 7) w.int32(v.sessionId);
  if (flexible) w.compactArray(v.responses, (w, e) => writeFetchableTopicResponse(w, version, e));
  else w.array(v.responses, (w, e) => writeFetchableTopicResponse(w, version, e));
  if (flexible) w.taggedFields();
}

function readFetchableTopicResponse(r: Reader, version: number): FetchableTopicResponse {
  const flexible = version >= flexibleFrom;
  const out: FetchableTopicResponse = {
    topic: '',
    partitions: [],
  };
  out.topic = flexible ? r.compactString() : r.string();
  if (flexible) out.partitions = r.compactArray((r) => readPartitionData(r, version));
  else out.partitions = r.array((r) => readPartitionData(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeFetchableTopicResponse(w: Writer, version: number, v: FetchableTopicResponse<RecordsPayload>): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.topic);
  else w.string(v.topic);
  if (flexible) w.compactArray(v.partitions, (w, e) => writePartitionData(w, version, e));
  else w.array(v.partitions, (w, e) => writePartitionData(w, version, e));
  if (flexible) w.taggedFields();
}

function readPartitionData(r: Reader, version: number): PartitionData {
  const flexible = version >= flexibleFrom;
  const out: PartitionData = {
    partitionIndex: 0,
    errorCode: 0,
    highWatermark: 0,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: defaultEpochEndOffset(),
    currentLeader: defaultLeaderIdAndEpoch(),
    snapshotId: defaultSnapshotId(),
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: null,
  };
  out.partitionIndex = r.int32();
  out.errorCode = r.int16();
  out.highWatermark = r.int64();
  out.lastStableOffset = r.int64();
  if (version >= 5) out.logStartOffset = r.int64();
  if (flexible) out.abortedTransactions = r.compactNullableArray((r) => readAbortedTransaction(r, version));
  else out.abortedTransactions = r.nullableArray((r) => readAbortedTransaction(r, version));
  if (version >= 11) out.preferredReadReplica = r.int32();
  out.records = flexible ? r.compactNullableBytes() : r.nullableBytes();
  if (flexible) r.taggedFields((tag, t) => {
    switch (tag) {
      case 0:
        out.divergingEpoch = readEpochEndOffset(t, version);
        return true;
      case 1:
        out.currentLeader = readLeaderIdAndEpoch(t, version);
        return true;
      case 2:
        out.snapshotId = readSnapshotId(t, version);
        return true;
    }
    return false;
  });
  return out;
}

function writePartitionData(w: Writer, version: number, v: PartitionData<RecordsPayload>): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int16(v.errorCode);
  w.int64(v.highWatermark);
  w.int64(v.lastStableOffset);
  if (version >= 5) w.int64(v.logStartOffset);
  if (flexible) w.compactNullableArray(v.abortedTransactions, (w, e) => writeAbortedTransaction(w, version, e));
  else w.nullableArray(v.abortedTransactions, (w, e) => writeAbortedTransaction(w, version, e));
  if (version >= 11) w.int32(v.preferredReadReplica);
  w.records(v.records, version >= flexibleFrom);
  if (flexible) {
    const tagged: TaggedFieldWrite[] = [];
    const divergingEpoch = v.divergingEpoch;
    if (divergingEpoch !== undefined && (divergingEpoch.epoch !== -1 || divergingEpoch.endOffset !== -1)) {
      const value = divergingEpoch;
      tagged.push([0, (w) => writeEpochEndOffset(w, version, value)]);
    }
    const currentLeader = v.currentLeader;
    if (currentLeader !== undefined && (currentLeader.leaderId !== -1 || currentLeader.leaderEpoch !== -1)) {
      const value = currentLeader;
      tagged.push([1, (w) => writeLeaderIdAndEpoch(w, version, value)]);
    }
    const snapshotId = v.snapshotId;
    if (snapshotId !== undefined && (snapshotId.endOffset !== -1 || snapshotId.epoch !== -1)) {
      const value = snapshotId;
      tagged.push([2, (w) => writeSnapshotId(w, version, value)]);
    }
    w.taggedFields(tagged);
  }
}

function defaultEpochEndOffset(): EpochEndOffset {
  return { epoch: -1, endOffset: -1 };
}

function readEpochEndOffset(r: Reader, _version: number): EpochEndOffset {
  const out: EpochEndOffset = {
    epoch: -1,
    endOffset: -1,
  };
  out.epoch = r.int32();
  out.endOffset = r.int64();
  r.taggedFields();
  return out;
}

function writeEpochEndOffset(w: Writer, _version: number, v: EpochEndOffset): void {
  w.int32(v.epoch);
  w.int64(v.endOffset);
  w.taggedFields();
}

function defaultLeaderIdAndEpoch(): LeaderIdAndEpoch {
  return { leaderId: -1, leaderEpoch: -1 };
}

function readLeaderIdAndEpoch(r: Reader, _version: number): LeaderIdAndEpoch {
  const out: LeaderIdAndEpoch = {
    leaderId: -1,
    leaderEpoch: -1,
  };
  out.leaderId = r.int32();
  out.leaderEpoch = r.int32();
  r.taggedFields();
  return out;
}

function writeLeaderIdAndEpoch(w: Writer, _version: number, v: LeaderIdAndEpoch): void {
  w.int32(v.leaderId);
  w.int32(v.leaderEpoch);
  w.taggedFields();
}

function defaultSnapshotId(): SnapshotId {
  return { endOffset: -1, epoch: -1 };
}

function readSnapshotId(r: Reader, _version: number): SnapshotId {
  const out: SnapshotId = {
    endOffset: -1,
    epoch: -1,
  };
  out.endOffset = r.int64();
  out.epoch = r.int32();
  r.taggedFields();
  return out;
}

function writeSnapshotId(w: Writer, _version: number, v: SnapshotId): void {
  w.int64(v.endOffset);
  w.int32(v.epoch);
  w.taggedFields();
}

function readAbortedTransaction(r: Reader, version: number): AbortedTransaction {
  const flexible = version >= flexibleFrom;
  const out: AbortedTransaction = {
    producerId: 0,
    firstOffset: 0,
  };
  out.producerId = r.int64();
  out.firstOffset = r.int64();
  if (flexible) r.taggedFields();
  return out;
}

function writeAbortedTransaction(w: Writer, version: number, v: AbortedTransaction): void {
  const flexible = version >= flexibleFrom;
  w.int64(v.producerId);
  w.int64(v.firstOffset);
  if (flexible) w.taggedFields();
}
