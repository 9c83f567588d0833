// FindCoordinator (API key 10): versions 0-4, flexible from v3.
// Codec derived from apache/kafka clients/src/main/resources/common/message/FindCoordinatorRequest.json
// and FindCoordinatorResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 10;
export const apiName = 'FindCoordinator';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `FindCoordinator v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface FindCoordinatorRequest {
  /** The coordinator key. (v0-3) */
  key: string;
  /** The coordinator key type. (Group, transaction, etc.) (v1+) */
  keyType: number;
  /** The coordinator keys. (v4+) */
  coordinatorKeys: string[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   FindCoordinator Request (Version: 0) => key
//     key => STRING
//   FindCoordinator Request (Version: 3) => key key_type _tagged_fields
//     key => COMPACT_STRING
//     key_type => INT8
//   FindCoordinator Request (Version: 4) => key_type [coordinator_keys] _tagged_fields
//     key_type => INT8
//     coordinator_keys => COMPACT_STRING

export function decodeRequest(r: Reader, version: number): FindCoordinatorRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: FindCoordinatorRequest = {
    key: '',
    keyType: 0,
    coordinatorKeys: [],
  };
  if (version <= 3) out.key = flexible ? r.compactString() : r.string();
  if (version >= 1) out.keyType = r.int8();
  if (version >= 4) out.coordinatorKeys = r.compactArray((r) => r.compactString());
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: FindCoordinatorRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version <= 3) {
    if (flexible) w.compactString(v.key);
    else w.string(v.key);
  }
  if (version >= 1) w.int8(v.keyType);
  if (version >= 4) w.compactArray(v.coordinatorKeys, (w, e) => w.compactString(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface FindCoordinatorResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0-3) */
  errorCode: number;
  /** The error message, or null if there was no error. (v1-3) */
  errorMessage: string | null;
  /** The node id. (v0-3) */
  nodeId: number;
  /** The host name. (v0-3) */
  host: string;
  /** The port. (v0-3) */
  port: number;
  /** Each coordinator result in the response (v4+) */
  coordinators: Coordinator[];
}

export interface Coordinator {
  /** The coordinator key. (v4+) */
  key: string;
  /** The node id. (v4+) */
  nodeId: number;
  /** The host name. (v4+) */
  host: string;
  /** The port. (v4+) */
  port: number;
  /** The error code, or 0 if there was no error. (v4+) */
  errorCode: number;
  /** The error message, or null if there was no error. (v4+) */
  errorMessage: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   FindCoordinator Response (Version: 0) => error_code node_id host port
//     error_code => INT16
//     node_id => INT32
//     host => STRING
//     port => INT32
//   FindCoordinator Response (Version: 3) => throttle_time_ms error_code error_message node_id host port _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     error_message => COMPACT_NULLABLE_STRING
//     node_id => INT32
//     host => COMPACT_STRING
//     port => INT32
//   FindCoordinator Response (Version: 4) => throttle_time_ms [coordinators] _tagged_fields
//     throttle_time_ms => INT32
//     coordinators => key node_id host port error_code error_message _tagged_fields
//       key => COMPACT_STRING
//       node_id => INT32
//       host => COMPACT_STRING
//       port => INT32
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING

export function decodeResponse(r: Reader, version: number): FindCoordinatorResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: FindCoordinatorResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: '',
    nodeId: 0,
    host: '',
    port: 0,
    coordinators: [],
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  if (version <= 3) out.errorCode = r.int16();
  if (version >= 1 && version <= 3) out.errorMessage = flexible ? r.compactNullableString() : r.nullableString();
  if (version <= 3) out.nodeId = r.int32();
  if (version <= 3) out.host = flexible ? r.compactString() : r.string();
  if (version <= 3) out.port = r.int32();
  if (version >= 4) out.coordinators = r.compactArray((r) => readCoordinator(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: FindCoordinatorResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  if (version <= 3) w.int16(v.errorCode);
  if (version >= 1 && version <= 3) {
    if (flexible) w.compactNullableString(v.errorMessage);
    else w.nullableString(v.errorMessage);
  }
  if (version <= 3) w.int32(v.nodeId);
  if (version <= 3) {
    if (flexible) w.compactString(v.host);
    else w.string(v.host);
  }
  if (version <= 3) w.int32(v.port);
  if (version >= 4) w.compactArray(v.coordinators, (w, e) => writeCoordinator(w, version, e));
  if (flexible) w.taggedFields();
}

function readCoordinator(r: Reader, _version: number): Coordinator {
  const out: Coordinator = {
    key: '',
    nodeId: 0,
    host: '',
    port: 0,
    errorCode: 0,
    errorMessage: '',
  };
  out.key = r.compactString();
  out.nodeId = r.int32();
  out.host = r.compactString();
  out.port = r.int32();
  out.errorCode = r.int16();
  out.errorMessage = r.compactNullableString();
  r.taggedFields();
  return out;
}

function writeCoordinator(w: Writer, _version: number, v: Coordinator): void {
  w.compactString(v.key);
  w.int32(v.nodeId);
  w.compactString(v.host);
  w.int32(v.port);
  w.int16(v.errorCode);
  w.compactNullableString(v.errorMessage);
  w.taggedFields();
}
