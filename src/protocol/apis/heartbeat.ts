// Heartbeat (API key 12): versions 0-4, flexible from v4.
// Codec derived from apache/kafka clients/src/main/resources/common/message/HeartbeatRequest.json
// and HeartbeatResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 12;
export const apiName = 'Heartbeat';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 4;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `Heartbeat v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface HeartbeatRequest {
  /** The group id. (v0+) */
  groupId: string;
  /** The generation of the group. (v0+) */
  generationId: number;
  /** The member ID. (v0+) */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3+) */
  groupInstanceId: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Heartbeat Request (Version: 0) => group_id generation_id member_id
//     group_id => STRING
//     generation_id => INT32
//     member_id => STRING
//   Heartbeat Request (Version: 4) => group_id generation_id member_id group_instance_id _tagged_fields
//     group_id => COMPACT_STRING
//     generation_id => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING

export function decodeRequest(r: Reader, version: number): HeartbeatRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: HeartbeatRequest = {
    groupId: '',
    generationId: 0,
    memberId: '',
    groupInstanceId: null,
  };
  out.groupId = flexible ? r.compactString() : r.string();
  out.generationId = r.int32();
  out.memberId = flexible ? r.compactString() : r.string();
  if (version >= 3) out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: HeartbeatRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  w.int32(v.generationId);
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (version >= 3) {
    if (flexible) w.compactNullableString(v.groupInstanceId);
    else w.nullableString(v.groupInstanceId);
  }
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface HeartbeatResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Heartbeat Response (Version: 0) => error_code
//     error_code => INT16
//   Heartbeat Response (Version: 4) => throttle_time_ms error_code _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16

export function decodeResponse(r: Reader, version: number): HeartbeatResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: HeartbeatResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: HeartbeatResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (flexible) w.taggedFields();
}
