// SyncGroup (API key 14): versions 0-5, flexible from v4.
// Codec derived from apache/kafka clients/src/main/resources/common/message/SyncGroupRequest.json
// and SyncGroupResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 14;
export const apiName = 'SyncGroup';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 4;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `SyncGroup v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface SyncGroupRequest {
  /** The unique group identifier. (v0+) */
  groupId: string;
  /** The generation of the group. (v0+) */
  generationId: number;
  /** The member ID assigned by the group. (v0+) */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3+) */
  groupInstanceId: string | null;
  /** The group protocol type. (v5+) */
  protocolType: string | null;
  /** The group protocol name. (v5+) */
  protocolName: string | null;
  /** Each assignment. (v0+) */
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupRequestAssignment {
  /** The ID of the member to assign. (v0+) */
  memberId: string;
  /** The member assignment. (v0+) */
  assignment: Buffer;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   SyncGroup Request (Version: 0) => group_id generation_id member_id [assignments]
//     group_id => STRING
//     generation_id => INT32
//     member_id => STRING
//     assignments => member_id assignment
//       member_id => STRING
//       assignment => BYTES
//   SyncGroup Request (Version: 4) => group_id generation_id member_id group_instance_id [assignments] _tagged_fields
//     group_id => COMPACT_STRING
//     generation_id => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING
//     assignments => member_id assignment _tagged_fields
//       member_id => COMPACT_STRING
//       assignment => COMPACT_BYTES
//   SyncGroup Request (Version: 5) => group_id generation_id member_id group_instance_id protocol_type protocol_name [assignments] _tagged_fields
//     group_id => COMPACT_STRING
//     generation_id => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING
//     protocol_type => COMPACT_NULLABLE_STRING
//     protocol_name => COMPACT_NULLABLE_STRING
//     assignments => member_id assignment _tagged_fields
//       member_id => COMPACT_STRING
//       assignment => COMPACT_BYTES

export function decodeRequest(r: Reader, version: number): SyncGroupRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: SyncGroupRequest = {
    groupId: '',
    generationId: 0,
    memberId: '',
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  };
  out.groupId = flexible ? r.compactString() : r.string();
  out.generationId = r.int32();
  out.memberId = flexible ? r.compactString() : r.string();
  if (version >= 3) out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  if (version >= 5) out.protocolType = r.compactNullableString();
  if (version >= 5) out.protocolName = r.compactNullableString();
  if (flexible) out.assignments = r.compactArray((r) => readSyncGroupRequestAssignment(r, version));
  else out.assignments = r.array((r) => readSyncGroupRequestAssignment(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: SyncGroupRequest): void {
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
  if (version >= 5) w.compactNullableString(v.protocolType);
  if (version >= 5) w.compactNullableString(v.protocolName);
  if (flexible) w.compactArray(v.assignments, (w, e) => writeSyncGroupRequestAssignment(w, version, e));
  else w.array(v.assignments, (w, e) => writeSyncGroupRequestAssignment(w, version, e));
  if (flexible) w.taggedFields();
}

function readSyncGroupRequestAssignment(r: Reader, version: number): SyncGroupRequestAssignment {
  const flexible = version >= flexibleFrom;
  const out: SyncGroupRequestAssignment = {
    memberId: '',
    assignment: Buffer.alloc(0),
  };
  out.memberId = flexible ? r.compactString() : r.string();
  out.assignment = flexible ? r.compactBytes() : r.bytes();
  if (flexible) r.taggedFields();
  return out;
}

function writeSyncGroupRequestAssignment(w: Writer, version: number, v: SyncGroupRequestAssignment): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (flexible) w.compactBytes(v.assignment);
  else w.bytes(v.assignment);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface SyncGroupResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The group protocol type. (v5+) */
  protocolType: string | null;
  /** The group protocol name. (v5+) */
  protocolName: string | null;
  /** The member assignment. (v0+) */
  assignment: Buffer;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   SyncGroup Response (Version: 0) => error_code assignment
//     error_code => INT16
//     assignment => BYTES
//   SyncGroup Response (Version: 4) => throttle_time_ms error_code assignment _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     assignment => COMPACT_BYTES
//   SyncGroup Response (Version: 5) => throttle_time_ms error_code protocol_type protocol_name assignment _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     protocol_type => COMPACT_NULLABLE_STRING
//     protocol_name => COMPACT_NULLABLE_STRING
//     assignment => COMPACT_BYTES

export function decodeResponse(r: Reader, version: number): SyncGroupResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: SyncGroupResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    protocolType: null,
    protocolName: null,
    assignment: Buffer.alloc(0),
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  if (version >= 5) out.protocolType = r.compactNullableString();
  if (version >= 5) out.protocolName = r.compactNullableString();
  out.assignment = flexible ? r.compactBytes() : r.bytes();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: SyncGroupResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (version >= 5) w.compactNullableString(v.protocolType);
  if (version >= 5) w.compactNullableString(v.protocolName);
  if (flexible) w.compactBytes(v.assignment);
  else w.bytes(v.assignment);
  if (flexible) w.taggedFields();
}
