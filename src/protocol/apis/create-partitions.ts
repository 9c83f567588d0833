// CreatePartitions (API key 37): versions 0-3, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/CreatePartitionsRequest.json
// and CreatePartitionsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 37;
export const apiName = 'CreatePartitions';
export const minVersion = 0;
export const maxVersion = 3;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `CreatePartitions v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface CreatePartitionsRequest {
  /** Each topic that we want to create new partitions inside. (v0+) */
  topics: CreatePartitionsTopic[];
  /** The time in ms to wait for the partitions to be created. (v0+) */
  timeoutMs: number;
  /** If true, then validate the request, but don't actually increase the number of partitions. (v0+) */
  validateOnly: boolean;
}

export interface CreatePartitionsTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The new partition count. (v0+) */
  count: number;
  /** The new partition assignments. (v0+) */
  assignments: CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsAssignment {
  /** The assigned broker IDs. (v0+) */
  brokerIds: number[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   CreatePartitions Request (Version: 0) => [topics] timeout_ms validate_only
//     topics => name count [assignments]
//       name => STRING
//       count => INT32
//       assignments => [broker_ids]
//         broker_ids => INT32
//     timeout_ms => INT32
//     validate_only => BOOLEAN
//   CreatePartitions Request (Version: 2) => [topics] timeout_ms validate_only _tagged_fields
//     topics => name count [assignments] _tagged_fields
//       name => COMPACT_STRING
//       count => INT32
//       assignments => [broker_ids] _tagged_fields
//         broker_ids => INT32
//     timeout_ms => INT32
//     validate_only => BOOLEAN
//   CreatePartitions Request (Version: 3) => [topics] timeout_ms validate_only _tagged_fields
//     topics => name count [assignments] _tagged_fields
//       name => COMPACT_STRING
//       count => INT32
//       assignments => [broker_ids] _tagged_fields
//         broker_ids => INT32
//     timeout_ms => INT32
//     validate_only => BOOLEAN

export function decodeRequest(r: Reader, version: number): CreatePartitionsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: CreatePartitionsRequest = {
    topics: [],
    timeoutMs: 0,
    validateOnly: false,
  };
  if (version >= 2) out.topics = r.compactArray((r) => readCreatePartitionsTopic(r, version));
  else out.topics = r.array((r) => readCreatePartitionsTopic(r, version));
  out.timeoutMs = r.int32();
  out.validateOnly = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: CreatePartitionsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactArray(v.topics, (w, e) => writeCreatePartitionsTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeCreatePartitionsTopic(w, version, e));
  w.int32(v.timeoutMs);
  w.bool(v.validateOnly);
  if (flexible) w.taggedFields();
}

function readCreatePartitionsTopic(r: Reader, version: number): CreatePartitionsTopic {
  const flexible = version >= flexibleFrom;
  const out: CreatePartitionsTopic = {
    name: '',
    count: 0,
    assignments: [],
  };
  if (version >= 2) out.name = r.compactString();
  else out.name = r.string();
  out.count = r.int32();
  if (version >= 2) out.assignments = r.compactNullableArray((r) => readCreatePartitionsAssignment(r, version));
  else out.assignments = r.nullableArray((r) => readCreatePartitionsAssignment(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeCreatePartitionsTopic(w: Writer, version: number, v: CreatePartitionsTopic): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactString(v.name);
  else w.string(v.name);
  w.int32(v.count);
  if (version >= 2) w.compactNullableArray(v.assignments, (w, e) => writeCreatePartitionsAssignment(w, version, e));
  else w.nullableArray(v.assignments, (w, e) => writeCreatePartitionsAssignment(w, version, e));
  if (flexible) w.taggedFields();
}

function readCreatePartitionsAssignment(r: Reader, version: number): CreatePartitionsAssignment {
  const flexible = version >= flexibleFrom;
  const out: CreatePartitionsAssignment = {
    brokerIds: [],
  };
  if (version >= 2) out.brokerIds = r.compactArray((r) => r.int32());
  else out.brokerIds = r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeCreatePartitionsAssignment(w: Writer, version: number, v: CreatePartitionsAssignment): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactArray(v.brokerIds, (w, e) => w.int32(e));
  else w.array(v.brokerIds, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface CreatePartitionsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The partition creation results for each topic. (v0+) */
  results: CreatePartitionsTopicResult[];
}

export interface CreatePartitionsTopicResult {
  /** The topic name. (v0+) */
  name: string;
  /** The result error, or zero if there was no error. (v0+) */
  errorCode: number;
  /** The result message, or null if there was no error. (v0+) */
  errorMessage: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   CreatePartitions Response (Version: 0) => throttle_time_ms [results]
//     throttle_time_ms => INT32
//     results => name error_code error_message
//       name => STRING
//       error_code => INT16
//       error_message => NULLABLE_STRING
//   CreatePartitions Response (Version: 2) => throttle_time_ms [results] _tagged_fields
//     throttle_time_ms => INT32
//     results => name error_code error_message _tagged_fields
//       name => COMPACT_STRING
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING
//   CreatePartitions Response (Version: 3) => throttle_time_ms [results] _tagged_fields
//     throttle_time_ms => INT32
//     results => name error_code error_message _tagged_fields
//       name => COMPACT_STRING
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING

export function decodeResponse(r: Reader, version: number): CreatePartitionsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: CreatePartitionsResponse = {
    throttleTimeMs: 0,
    results: [],
  };
  out.throttleTimeMs = r.int32();
  if (version >= 2) out.results = r.compactArray((r) => readCreatePartitionsTopicResult(r, version));
  else out.results = r.array((r) => readCreatePartitionsTopicResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: CreatePartitionsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 2) w.compactArray(v.results, (w, e) => writeCreatePartitionsTopicResult(w, version, e));
  else w.array(v.results, (w, e) => writeCreatePartitionsTopicResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readCreatePartitionsTopicResult(r: Reader, version: number): CreatePartitionsTopicResult {
  const flexible = version >= flexibleFrom;
  const out: CreatePartitionsTopicResult = {
    name: '',
    errorCode: 0,
    errorMessage: null,
  };
  if (version >= 2) out.name = r.compactString();
  else out.name = r.string();
  out.errorCode = r.int16();
  if (version >= 2) out.errorMessage = r.compactNullableString();
  else out.errorMessage = r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeCreatePartitionsTopicResult(w: Writer, version: number, v: CreatePartitionsTopicResult): void {
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.compactString(v.name);
  else w.string(v.name);
  w.int16(v.errorCode);
  if (version >= 2) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  if (flexible) w.taggedFields();
}
