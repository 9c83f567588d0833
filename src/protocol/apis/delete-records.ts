// DeleteRecords (API key 21): versions 0-2, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DeleteRecordsRequest.json
// and DeleteRecordsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 21;
export const apiName = 'DeleteRecords';
export const minVersion = 0;
export const maxVersion = 2;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DeleteRecords v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DeleteRecordsRequest {
  /** Each topic that we want to delete records from. (v0+) */
  topics: DeleteRecordsTopic[];
  /** How long to wait for the deletion to complete, in milliseconds. (v0+) */
  timeoutMs: number;
}

export interface DeleteRecordsTopic {
  /** The topic name. (v0+) */
  name: string;
  /** Each partition that we want to delete records from. (v0+) */
  partitions: DeleteRecordsPartition[];
}

export interface DeleteRecordsPartition {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The deletion offset. (v0+) */
  offset: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DeleteRecords Request (Version: 0) => [topics] timeout_ms
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index offset
//         partition_index => INT32
//         offset => INT64
//     timeout_ms => INT32
//   DeleteRecords Request (Version: 2) => [topics] timeout_ms _tagged_fields
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index offset _tagged_fields
//         partition_index => INT32
//         offset => INT64
//     timeout_ms => INT32

export function decodeRequest(r: Reader, version: number): DeleteRecordsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DeleteRecordsRequest = {
    topics: [],
    timeoutMs: 0,
  };
  if (version >= 2) out.topics = r.compactArray((r) => readDeleteRecordsTopic(r, version));
  else out.topics = r.array((r) => readDeleteRecordsTopic(r, version));
  out.timeoutMs = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DeleteRecordsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactArray(v.topics, (w, e) => writeDeleteRecordsTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeDeleteRecordsTopic(w, version, e));
  w.int32(v.timeoutMs);
  if (flexible) w.taggedFields();
}

function readDeleteRecordsTopic(r: Reader, version: number): DeleteRecordsTopic {
  const flexible = version >= flexibleFrom;
  const out: DeleteRecordsTopic = {
    name: '',
    partitions: [],
  };
  if (version >= 2) out.name = r.compactString();
  else out.name = r.string();
  if (version >= 2) out.partitions = r.compactArray((r) => readDeleteRecordsPartition(r, version));
  else out.partitions = r.array((r) => readDeleteRecordsPartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeDeleteRecordsTopic(w: Writer, version: number, v: DeleteRecordsTopic): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactString(v.name);
  else w.string(v.name);
  if (version >= 2) w.compactArray(v.partitions, (w, e) => writeDeleteRecordsPartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeDeleteRecordsPartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readDeleteRecordsPartition(r: Reader, version: number): DeleteRecordsPartition {
  const flexible = version >= flexibleFrom;
  const out: DeleteRecordsPartition = {
    partitionIndex: 0,
    offset: 0,
  };
  out.partitionIndex = r.int32();
  out.offset = r.int64();
  if (flexible) r.taggedFields();
  return out;
}

function writeDeleteRecordsPartition(w: Writer, version: number, v: DeleteRecordsPartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int64(v.offset);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DeleteRecordsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** Each topic that we wanted to delete records from. (v0+) */
  topics: DeleteRecordsTopicResult[];
}

export interface DeleteRecordsTopicResult {
  /** The topic name. (v0+) */
  name: string;
  /** Each partition that we wanted to delete records from. (v0+) */
  partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsPartitionResult {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The partition low water mark. (v0+) */
  lowWatermark: number;
  /** The deletion error code, or 0 if the deletion succeeded. (v0+) */
  errorCode: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DeleteRecords Response (Version: 0) => throttle_time_ms [topics]
//     throttle_time_ms => INT32
//     topics => name [partitions]
//       name => STRING
//       partitions => partition_index low_watermark error_code
//         partition_index => INT32
//         low_watermark => INT64
//         error_code => INT16
//   DeleteRecords Response (Version: 2) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index low_watermark error_code _tagged_fields
//         partition_index => INT32
//         low_watermark => INT64
//         error_code => INT16

export function decodeResponse(r: Reader, version: number): DeleteRecordsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DeleteRecordsResponse = {
    throttleTimeMs: 0,
    topics: [],
  };
  out.throttleTimeMs = r.int32();
  if (version >= 2) out.topics = r.compactArray((r) => readDeleteRecordsTopicResult(r, version));
  else out.topics = r.array((r) => readDeleteRecordsTopicResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DeleteRecordsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 2) w.compactArray(v.topics, (w, e) => writeDeleteRecordsTopicResult(w, version, e));
  else w.array(v.topics, (w, e) => writeDeleteRecordsTopicResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDeleteRecordsTopicResult(r: Reader, version: number): DeleteRecordsTopicResult {
  const flexible = version >= flexibleFrom;
  const out: DeleteRecordsTopicResult = {
    name: '',
    partitions: [],
  };
  if (version >= 2) out.name = r.compactString();
  else out.name = r.string();
  if (version >= 2) out.partitions = r.compactArray((r) => readDeleteRecordsPartitionResult(r, version));
  else out.partitions = r.array((r) => readDeleteRecordsPartitionResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeDeleteRecordsTopicResult(w: Writer, version: number, v: DeleteRecordsTopicResult): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactString(v.name);
  else w.string(v.name);
  if (version >= 2) w.compactArray(v.partitions, (w, e) => writeDeleteRecordsPartitionResult(w, version, e));
  else w.array(v.partitions, (w, e) => writeDeleteRecordsPartitionResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDeleteRecordsPartitionResult(r: Reader, version: number): DeleteRecordsPartitionResult {
  const flexible = version >= flexibleFrom;
  const out: DeleteRecordsPartitionResult = {
    partitionIndex: 0,
    lowWatermark: 0,
    errorCode: 0,
  };
  out.partitionIndex = r.int32();
  out.lowWatermark = r.int64();
  out.errorCode = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

function writeDeleteRecordsPartitionResult(w: Writer, version: number, v: DeleteRecordsPartitionResult): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int64(v.lowWatermark);
  w.int16(v.errorCode);
  if (flexible) w.taggedFields();
}
