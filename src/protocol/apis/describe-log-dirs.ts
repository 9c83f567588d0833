// DescribeLogDirs (API key 35): versions 0-4, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeLogDirsRequest.json
// and DescribeLogDirsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 35;
export const apiName = 'DescribeLogDirs';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeLogDirs v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DescribeLogDirsRequest {
  /** Each topic that we want to describe log directories for, or null for all topics. (v0+) */
  topics: DescribableLogDirTopic[] | null;
}

export interface DescribableLogDirTopic {
  /** The topic name (v0+) */
  topic: string;
  /** The partition indexes. (v0+) */
  partitions: number[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeLogDirs Request (Version: 0) => [topics]
//     topics => topic [partitions]
//       topic => STRING
//       partitions => INT32
//   DescribeLogDirs Request (Version: 2) => [topics] _tagged_fields
//     topics => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => INT32
//   DescribeLogDirs Request (Version: 4) => [topics] _tagged_fields
//     topics => topic [partitions] _tagged_fields
//       topic => COMPACT_STRING
//       partitions => INT32

export function decodeRequest(r: Reader, version: number): DescribeLogDirsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeLogDirsRequest = {
    topics: [],
  };
  if (version >= 2) out.topics = r.compactNullableArray((r) => readDescribableLogDirTopic(r, version));
  else out.topics = r.nullableArray((r) => readDescribableLogDirTopic(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DescribeLogDirsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactNullableArray(v.topics, (w, e) => writeDescribableLogDirTopic(w, version, e));
  else w.nullableArray(v.topics, (w, e) => writeDescribableLogDirTopic(w, version, e));
  if (flexible) w.taggedFields();
}

function readDescribableLogDirTopic(r: Reader, version: number): DescribableLogDirTopic {
  const flexible = version >= flexibleFrom;
  const out: DescribableLogDirTopic = {
    topic: '',
    partitions: [],
  };
  if (version >= 2) out.topic = r.compactString();
  else out.topic = r.string();
  if (version >= 2) out.partitions = r.compactArray((r) => r.int32());
  else out.partitions = r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribableLogDirTopic(w: Writer, version: number, v: DescribableLogDirTopic): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactString(v.topic);
  else w.string(v.topic);
  if (version >= 2) w.compactArray(v.partitions, (w, e) => w.int32(e));
  else w.array(v.partitions, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DescribeLogDirsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v3+) */
  errorCode: number;
  /** The log directories. (v0+) */
  results: DescribeLogDirsResult[];
}

export interface DescribeLogDirsResult {
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The absolute log directory path. (v0+) */
  logDir: string;
  /** Each topic. (v0+) */
  topics: DescribeLogDirsTopic[];
  /** The total size in bytes of the volume the log directory is in. (v4+) */
  totalBytes: number;
  /** The usable size in bytes of the volume the log directory is in. (v4+) */
  usableBytes: number;
}

export interface DescribeLogDirsTopic {
  /** The topic name. (v0+) */
  name: string;
  /**  (v0+) */
  partitions: DescribeLogDirsPartition[];
}

export interface DescribeLogDirsPartition {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The size of the log segments in this partition in bytes. (v0+) */
  partitionSize: number;
  /** The lag of the log's LEO w.r.t. partition's HW (if it is the current log for the partition) or current replica's LEO (if it is the future log for the partition) (v0+) */
  offsetLag: number;
  /** True if this log is created by AlterReplicaLogDirsRequest and will replace the current log of the replica in the future. (v0+) */
  isFutureKey: boolean;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeLogDirs Response (Version: 0) => throttle_time_ms [results]
//     throttle_time_ms => INT32
//     results => error_code log_dir [topics]
//       error_code => INT16
//       log_dir => STRING
//       topics => name [partitions]
//         name => STRING
//         partitions => partition_index partition_size offset_lag is_future_key
//           partition_index => INT32
//           partition_size => INT64
//           offset_lag => INT64
//           is_future_key => BOOLEAN
//   DescribeLogDirs Response (Version: 2) => throttle_time_ms [results] _tagged_fields
//     throttle_time_ms => INT32
//     results => error_code log_dir [topics] _tagged_fields
//       error_code => INT16
//       log_dir => COMPACT_STRING
//       topics => name [partitions] _tagged_fields
//         name => COMPACT_STRING
//         partitions => partition_index partition_size offset_lag is_future_key _tagged_fields
//           partition_index => INT32
//           partition_size => INT64
//           offset_lag => INT64
//           is_future_key => BOOLEAN
//   DescribeLogDirs Response (Version: 4) => throttle_time_ms error_code [results] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     results => error_code log_dir [topics] total_bytes usable_bytes _tagged_fields
//       error_code => INT16
//       log_dir => COMPACT_STRING
//       topics => name [partitions] _tagged_fields
//         name => COMPACT_STRING
//         partitions => partition_index partition_size offset_lag is_future_key _tagged_fields
//           partition_index => INT32
//           partition_size => INT64
//           offset_lag => INT64
//           is_future_key => BOOLEAN
//       total_bytes => INT64
//       usable_bytes => INT64

export function decodeResponse(r: Reader, version: number): DescribeLogDirsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeLogDirsResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    results: [],
  };
  out.throttleTimeMs = r.int32();
  if (version >= 3) out.errorCode = r.int16();
  if (version >= 2) out.results = r.compactArray((r) => readDescribeLogDirsResult(r, version));
  else out.results = r.array((r) => readDescribeLogDirsResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DescribeLogDirsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 3) w.int16(v.errorCode);
  if (version >= 2) w.compactArray(v.results, (w, e) => writeDescribeLogDirsResult(w, version, e));
  else w.array(v.results, (w, e) => writeDescribeLogDirsResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDescribeLogDirsResult(r: Reader, version: number): DescribeLogDirsResult {
  const flexible = version >= flexibleFrom;
  const out: DescribeLogDirsResult = {
    errorCode: 0,
    logDir: '',
    topics: [],
    totalBytes: -1,
    usableBytes: -1,
  };
  out.errorCode = r.int16();
  if (version >= 2) out.logDir = r.compactString();
  else out.logDir = r.string();
  if (version >= 2) out.topics = r.compactArray((r) => readDescribeLogDirsTopic(r, version));
  else out.topics = r.array((r) => readDescribeLogDirsTopic(r, version));
  if (version >= 4) out.totalBytes = r.int64();
  if (version >= 4) out.usableBytes = r.int64();
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeLogDirsResult(w: Writer, version: number, v: DescribeLogDirsResult): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (version >= 2) w.compactString(v.logDir);
  else w.string(v.logDir);
  if (version >= 2) w.compactArray(v.topics, (w, e) => writeDescribeLogDirsTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeDescribeLogDirsTopic(w, version, e));
  if (version >= 4) w.int64(v.totalBytes);
  if (version >= 4) w.int64(v.usableBytes);
  if (flexible) w.taggedFields();
}

function readDescribeLogDirsTopic(r: Reader, version: number): DescribeLogDirsTopic {
  const flexible = version >= flexibleFrom;
  const out: DescribeLogDirsTopic = {
    name: '',
    partitions: [],
  };
  if (version >= 2) out.name = r.compactString();
  else out.name = r.string();
  if (version >= 2) out.partitions = r.compactArray((r) => readDescribeLogDirsPartition(r, version));
  else out.partitions = r.array((r) => readDescribeLogDirsPartition(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeLogDirsTopic(w: Writer, version: number, v: DescribeLogDirsTopic): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactString(v.name);
  else w.string(v.name);
  if (version >= 2) w.compactArray(v.partitions, (w, e) => writeDescribeLogDirsPartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeDescribeLogDirsPartition(w, version, e));
  if (flexible) w.taggedFields();
}

function readDescribeLogDirsPartition(r: Reader, version: number): DescribeLogDirsPartition {
  const flexible = version >= flexibleFrom;
  const out: DescribeLogDirsPartition = {
    partitionIndex: 0,
    partitionSize: 0,
    offsetLag: 0,
    isFutureKey: false,
  };
  out.partitionIndex = r.int32();
  out.partitionSize = r.int64();
  out.offsetLag = r.int64();
  out.isFutureKey = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeLogDirsPartition(w: Writer, version: number, v: DescribeLogDirsPartition): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  w.int64(v.partitionSize);
  w.int64(v.offsetLag);
  w.bool(v.isFutureKey);
  if (flexible) w.taggedFields();
}
