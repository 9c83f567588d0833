// Produce (API key 0): versions 3-12, flexible from v9. v10-v12 add only tagged response fields (KIP-951
// leader hints, not written here) and new error codes; v12 is the transaction version 2 form (KIP-890), whose
// partitions join the producer's transaction without AddPartitionsToTxn.
// Codec derived from apache/kafka clients/src/main/resources/common/message/ProduceRequest.json
// and ProduceResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 0;
export const apiName = 'Produce';
export const minVersion = 3;
export const maxVersion = 12;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 9;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `Produce v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface ProduceRequest {
  /** The transactional ID, or null if the producer is not transactional. (v3+) */
  transactionalId: string | null;
  /** The number of acknowledgments the producer requires the leader to have received before considering a request complete. Allowed values: 0 for no acknowledgments, 1 for only the leader and -1 for the full ISR. (v0+) */
  acks: number;
  /** The timeout to await a response in milliseconds. (v0+) */
  timeoutMs: number;
  /** Each topic to produce to. (v0+) */
  topicData: TopicProduceData[];
}

export interface TopicProduceData {
  /** The topic name. (v0+) */
  name: string;
  /** Each partition to produce to. (v0+) */
  partitionData: PartitionProduceData[];
}

export interface PartitionProduceData {
  /** The partition index. (v0+) */
  index: number;
  /** The record data to be produced. (v0+) */
  records: Buffer | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Produce Request (Version: 3) => transactional_id acks timeout_ms [topic_data]
//     transactional_id => NULLABLE_STRING
//     acks => INT16
//     timeout_ms => INT32
//     topic_data => name [partition_data]
//       name => STRING
//       partition_data => index records
//         index => INT32
//         records => RECORDS
//   Produce Request (Version: 9) => transactional_id acks timeout_ms [topic_data] _tagged_fields
//     transactional_id => COMPACT_NULLABLE_STRING
//     acks => INT16
//     timeout_ms => INT32
//     topic_data => name [partition_data] _tagged_fields
//       name => COMPACT_STRING
//       partition_data => index records _tagged_fields
//         index => INT32
//         records => COMPACT_RECORDS

export function decodeRequest(r: Reader, version: number): ProduceRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ProduceRequest = {
    transactionalId: null,
    acks: 0,
    timeoutMs: 0,
    topicData: [],
  };
  out.transactionalId = flexible ? r.compactNullableString() : r.nullableString();
  out.acks = r.int16();
  out.timeoutMs = r.int32();
  if (flexible) out.topicData = r.compactArray((r) => readTopicProduceData(r, version));
  else out.topicData = r.array((r) => readTopicProduceData(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: ProduceRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactNullableString(v.transactionalId);
  else w.nullableString(v.transactionalId);
  w.int16(v.acks);
  w.int32(v.timeoutMs);
  if (flexible) w.compactArray(v.topicData, (w, e) => writeTopicProduceData(w, version, e));
  else w.array(v.topicData, (w, e) => writeTopicProduceData(w, version, e));
  if (flexible) w.taggedFields();
}

function readTopicProduceData(r: Reader, version: number): TopicProduceData {
  const flexible = version >= flexibleFrom;
  const out: TopicProduceData = {
    name: '',
    partitionData: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitionData = r.compactArray((r) => readPartitionProduceData(r, version));
  else out.partitionData = r.array((r) => readPartitionProduceData(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeTopicProduceData(w: Writer, version: number, v: TopicProduceData): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitionData, (w, e) => writePartitionProduceData(w, version, e));
  else w.array(v.partitionData, (w, e) => writePartitionProduceData(w, version, e));
  if (flexible) w.taggedFields();
}

function readPartitionProduceData(r: Reader, version: number): PartitionProduceData {
  const flexible = version >= flexibleFrom;
  const out: PartitionProduceData = {
    index: 0,
    records: null,
  };
  out.index = r.int32();
  out.records = flexible ? r.compactNullableBytes() : r.nullableBytes();
  if (flexible) r.taggedFields();
  return out;
}

function writePartitionProduceData(w: Writer, version: number, v: PartitionProduceData): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.index);
  w.records(v.records, version >= flexibleFrom);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface ProduceResponse {
  /** Each produce response (v0+) */
  responses: TopicProduceResponse[];
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
}

export interface TopicProduceResponse {
  /** The topic name (v0+) */
  name: string;
  /** Each partition that we produced to within the topic. (v0+) */
  partitionResponses: PartitionProduceResponse[];
}

export interface PartitionProduceResponse {
  /** The partition index. (v0+) */
  index: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The base offset. (v0+) */
  baseOffset: number;
  /** The timestamp returned by broker after appending the messages. If CreateTime is used for the topic, the timestamp will be -1.  If LogAppendTime is used for the topic, the timestamp will be the broker local time when the messages are appended. (v2+) */
  logAppendTimeMs: number;
  /** The log start offset. (v5+) */
  logStartOffset: number;
  /** The batch indices of records that caused the batch to be dropped (v8+) */
  recordErrors: BatchIndexAndErrorMessage[];
  /** The global error message summarizing the common root cause of the records that caused the batch to be dropped (v8+) */
  errorMessage: string | null;
}

export interface BatchIndexAndErrorMessage {
  /** The batch index of the record that cause the batch to be dropped (v8+) */
  batchIndex: number;
  /** The error message of the record that caused the batch to be dropped (v8+) */
  batchIndexErrorMessage: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Produce Response (Version: 3) => [responses] throttle_time_ms
//     responses => name [partition_responses]
//       name => STRING
//       partition_responses => index error_code base_offset log_append_time_ms
//         index => INT32
//         error_code => INT16
//         base_offset => INT64
//         log_append_time_ms => INT64
//     throttle_time_ms => INT32
//   Produce Response (Version: 9) => [responses] throttle_time_ms _tagged_fields
//     responses => name [partition_responses] _tagged_fields
//       name => COMPACT_STRING
//       partition_responses => index error_code base_offset log_append_time_ms log_start_offset [record_errors] error_message _tagged_fields
//         index => INT32
//         error_code => INT16
//         base_offset => INT64
//         log_append_time_ms => INT64
//         log_start_offset => INT64
//         record_errors => batch_index batch_index_error_message _tagged_fields
//           batch_index => INT32
//           batch_index_error_message => COMPACT_NULLABLE_STRING
//         error_message => COMPACT_NULLABLE_STRING
//     throttle_time_ms => INT32

export function decodeResponse(r: Reader, version: number): ProduceResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ProduceResponse = {
    responses: [],
    throttleTimeMs: 0,
  };
  if (flexible) out.responses = r.compactArray((r) => readTopicProduceResponse(r, version));
  else out.responses = r.array((r) => readTopicProduceResponse(r, version));
  out.throttleTimeMs = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: ProduceResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactArray(v.responses, (w, e) => writeTopicProduceResponse(w, version, e));
  else w.array(v.responses, (w, e) => writeTopicProduceResponse(w, version, e));
  w.int32(v.throttleTimeMs);
  if (flexible) w.taggedFields();
}

function readTopicProduceResponse(r: Reader, version: number): TopicProduceResponse {
  const flexible = version >= flexibleFrom;
  const out: TopicProduceResponse = {
    name: '',
    partitionResponses: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (flexible) out.partitionResponses = r.compactArray((r) => readPartitionProduceResponse(r, version));
  else out.partitionResponses = r.array((r) => readPartitionProduceResponse(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeTopicProduceResponse(w: Writer, version: number, v: TopicProduceResponse): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitionResponses, (w, e) => writePartitionProduceResponse(w, version, e));
  else w.array(v.partitionResponses, (w, e) => writePartitionProduceResponse(w, version, e));
  if (flexible) w.taggedFields();
}

function readPartitionProduceResponse(r: Reader, version: number): PartitionProduceResponse {
  const flexible = version >= flexibleFrom;
  const out: PartitionProduceResponse = {
    index: 0,
    errorCode: 0,
    baseOffset: 0,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage: null,
  };
  out.index = r.int32();
  out.errorCode = r.int16();
  out.baseOffset = r.int64();
  out.logAppendTimeMs = r.int64();
  if (version >= 5) out.logStartOffset = r.int64();
  if (version >= 8) {
    if (flexible) out.recordErrors = r.compactArray((r) => readBatchIndexAndErrorMessage(r, version));
    else out.recordErrors = r.array((r) => readBatchIndexAndErrorMessage(r, version));
  }
  if (version >= 8) out.errorMessage = flexible ? r.compactNullableString() : r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writePartitionProduceResponse(w: Writer, version: number, v: PartitionProduceResponse): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.index);
  w.int16(v.errorCode);
  w.int64(v.baseOffset);
  w.int64(v.logAppendTimeMs);
  if (version >= 5) w.int64(v.logStartOffset);
  if (version >= 8) {
    if (flexible) w.compactArray(v.recordErrors, (w, e) => writeBatchIndexAndErrorMessage(w, version, e));
    else w.array(v.recordErrors, (w, e) => writeBatchIndexAndErrorMessage(w, version, e));
  }
  if (version >= 8) {
    if (flexible) w.compactNullableString(v.errorMessage);
    else w.nullableString(v.errorMessage);
  }
  if (flexible) w.taggedFields();
}

function readBatchIndexAndErrorMessage(r: Reader, version: number): BatchIndexAndErrorMessage {
  const flexible = version >= flexibleFrom;
  const out: BatchIndexAndErrorMessage = {
    batchIndex: 0,
    batchIndexErrorMessage: null,
  };
  out.batchIndex = r.int32();
  out.batchIndexErrorMessage = flexible ? r.compactNullableString() : r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeBatchIndexAndErrorMessage(w: Writer, version: number, v: BatchIndexAndErrorMessage): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.batchIndex);
  if (flexible) w.compactNullableString(v.batchIndexErrorMessage);
  else w.nullableString(v.batchIndexErrorMessage);
  if (flexible) w.taggedFields();
}
