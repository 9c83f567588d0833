// DeleteTopics (API key 20): versions 0-6, flexible from v4.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DeleteTopicsRequest.json
// and DeleteTopicsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { required, ZERO_UUID } from '../codec-helpers.js';

export const apiKey = 20;
export const apiName = 'DeleteTopics';
export const minVersion = 0;
export const maxVersion = 6;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 4;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DeleteTopics v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DeleteTopicsRequest {
  /** The name or topic ID of the topic (v6+) */
  topics: DeleteTopicState[];
  /** The names of the topics to delete (v0-5) */
  topicNames: string[];
  /** The length of time in milliseconds to wait for the deletions to complete. (v0+) */
  timeoutMs: number;
}

export interface DeleteTopicState {
  /** The topic name (v6+) */
  name: string | null;
  /** The unique topic ID (v6+) */
  topicId: string;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DeleteTopics Request (Version: 0) => [topic_names] timeout_ms
//     topic_names => STRING
//     timeout_ms => INT32
//   DeleteTopics Request (Version: 4) => [topic_names] timeout_ms _tagged_fields
//     topic_names => COMPACT_STRING
//     timeout_ms => INT32
//   DeleteTopics Request (Version: 6) => [topics] timeout_ms _tagged_fields
//     topics => name topic_id _tagged_fields
//       name => COMPACT_NULLABLE_STRING
//       topic_id => UUID
//     timeout_ms => INT32

export function decodeRequest(r: Reader, version: number): DeleteTopicsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DeleteTopicsRequest = {
    topics: [],
    topicNames: [],
    timeoutMs: 0,
  };
  if (version >= 6) out.topics = r.compactArray((r) => readDeleteTopicState(r, version));
  if (version <= 5) out.topicNames = flexible ? r.compactArray((r) => r.compactString()) : r.array((r) => r.string());
  out.timeoutMs = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DeleteTopicsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 6) w.compactArray(v.topics, (w, e) => writeDeleteTopicState(w, version, e));
  if (version <= 5) {
    if (flexible) w.compactArray(v.topicNames, (w, e) => w.compactString(e));
    else w.array(v.topicNames, (w, e) => w.string(e));
  }
  w.int32(v.timeoutMs);
  if (flexible) w.taggedFields();
}

function readDeleteTopicState(r: Reader, _version: number): DeleteTopicState {
  const out: DeleteTopicState = {
    name: null,
    topicId: ZERO_UUID,
  };
  out.name = r.compactNullableString();
  out.topicId = r.uuid();
  r.taggedFields();
  return out;
}

function writeDeleteTopicState(w: Writer, _version: number, v: DeleteTopicState): void {
  w.compactNullableString(v.name);
  w.uuid(v.topicId);
  w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DeleteTopicsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The results for each topic we tried to delete. (v0+) */
  responses: DeletableTopicResult[];
}

export interface DeletableTopicResult {
  /** The topic name (v0+) */
  name: string | null;
  /** the unique topic ID (v6+) */
  topicId: string;
  /** The deletion error, or 0 if the deletion succeeded. (v0+) */
  errorCode: number;
  /** The error message, or null if there was no error. (v5+) */
  errorMessage: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DeleteTopics Response (Version: 0) => [responses]
//     responses => name error_code
//       name => STRING
//       error_code => INT16
//   DeleteTopics Response (Version: 4) => throttle_time_ms [responses] _tagged_fields
//     throttle_time_ms => INT32
//     responses => name error_code _tagged_fields
//       name => COMPACT_STRING
//       error_code => INT16
//   DeleteTopics Response (Version: 6) => throttle_time_ms [responses] _tagged_fields
//     throttle_time_ms => INT32
//     responses => name topic_id error_code error_message _tagged_fields
//       name => COMPACT_NULLABLE_STRING
//       topic_id => UUID
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING

export function decodeResponse(r: Reader, version: number): DeleteTopicsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DeleteTopicsResponse = {
    throttleTimeMs: 0,
    responses: [],
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  if (flexible) out.responses = r.compactArray((r) => readDeletableTopicResult(r, version));
  else out.responses = r.array((r) => readDeletableTopicResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DeleteTopicsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.responses, (w, e) => writeDeletableTopicResult(w, version, e));
  else w.array(v.responses, (w, e) => writeDeletableTopicResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDeletableTopicResult(r: Reader, version: number): DeletableTopicResult {
  const flexible = version >= flexibleFrom;
  const out: DeletableTopicResult = {
    name: '',
    topicId: ZERO_UUID,
    errorCode: 0,
    errorMessage: null,
  };
  if (version >= 6) out.name = r.compactNullableString();
  else if (version >= 4) out.name = r.compactString();
  else out.name = r.string();
  if (version >= 6) out.topicId = r.uuid();
  out.errorCode = r.int16();
  if (version >= 5) out.errorMessage = r.compactNullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeDeletableTopicResult(w: Writer, version: number, v: DeletableTopicResult): void {
  const flexible = version >= flexibleFrom;
  if (version >= 6) w.compactNullableString(v.name);
  else if (version >= 4) w.compactString(required(v.name, 'DeletableTopicResult.name'));
  else w.string(required(v.name, 'DeletableTopicResult.name'));
  if (version >= 6) w.uuid(v.topicId);
  w.int16(v.errorCode);
  if (version >= 5) w.compactNullableString(v.errorMessage);
  if (flexible) w.taggedFields();
}
