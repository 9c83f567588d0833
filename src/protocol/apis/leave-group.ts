// LeaveGroup (API key 13): versions 0-5, flexible from v4.
// Codec derived from apache/kafka clients/src/main/resources/common/message/LeaveGroupRequest.json
// and LeaveGroupResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 13;
export const apiName = 'LeaveGroup';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 4;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `LeaveGroup v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface LeaveGroupRequest {
  /** The ID of the group to leave. (v0+) */
  groupId: string;
  /** The member ID to remove from the group. (v0-2) */
  memberId: string;
  /** List of leaving member identities. (v3+) */
  members: MemberIdentity[];
}

export interface MemberIdentity {
  /** The member ID to remove from the group. (v3+) */
  memberId: string;
  /** The group instance ID to remove from the group. (v3+) */
  groupInstanceId: string | null;
  /** The reason why the member left the group. (v5+) */
  reason: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   LeaveGroup Request (Version: 0) => group_id member_id
//     group_id => STRING
//     member_id => STRING
//   LeaveGroup Request (Version: 4) => group_id [members] _tagged_fields
//     group_id => COMPACT_STRING
//     members => member_id group_instance_id _tagged_fields
//       member_id => COMPACT_STRING
//       group_instance_id => COMPACT_NULLABLE_STRING
//   LeaveGroup Request (Version: 5) => group_id [members] _tagged_fields
//     group_id => COMPACT_STRING
//     members => member_id group_instance_id reason _tagged_fields
//       member_id => COMPACT_STRING
//       group_instance_id => COMPACT_NULLABLE_STRING
//       reason => COMPACT_NULLABLE_STRING

export function decodeRequest(r: Reader, version: number): LeaveGroupRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: LeaveGroupRequest = {
    groupId: '',
    memberId: '',
    members: [],
  };
  out.groupId = flexible ? r.compactString() : r.string();
  if (version <= 2) out.memberId = r.string();
  if (version >= 3) {
    if (flexible) out.members = r.compactArray((r) => readMemberIdentity(r, version));
    else out.members = r.array((r) => readMemberIdentity(r, version));
  }
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: LeaveGroupRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  if (version <= 2) w.string(v.memberId);
  if (version >= 3) {
    if (flexible) w.compactArray(v.members, (w, e) => writeMemberIdentity(w, version, e));
    else w.array(v.members, (w, e) => writeMemberIdentity(w, version, e));
  }
  if (flexible) w.taggedFields();
}

function readMemberIdentity(r: Reader, version: number): MemberIdentity {
  const flexible = version >= flexibleFrom;
  const out: MemberIdentity = {
    memberId: '',
    groupInstanceId: null,
    reason: null,
  };
  out.memberId = flexible ? r.compactString() : r.string();
  out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  if (version >= 5) out.reason = r.compactNullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeMemberIdentity(w: Writer, version: number, v: MemberIdentity): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (flexible) w.compactNullableString(v.groupInstanceId);
  else w.nullableString(v.groupInstanceId);
  if (version >= 5) w.compactNullableString(v.reason);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface LeaveGroupResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** List of leaving member responses. (v3+) */
  members: MemberResponse[];
}

export interface MemberResponse {
  /** The member ID to remove from the group. (v3+) */
  memberId: string;
  /** The group instance ID to remove from the group. (v3+) */
  groupInstanceId: string | null;
  /** The error code, or 0 if there was no error. (v3+) */
  errorCode: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   LeaveGroup Response (Version: 0) => error_code
//     error_code => INT16
//   LeaveGroup Response (Version: 4) => throttle_time_ms error_code [members] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     members => member_id group_instance_id error_code _tagged_fields
//       member_id => COMPACT_STRING
//       group_instance_id => COMPACT_NULLABLE_STRING
//       error_code => INT16
//   LeaveGroup Response (Version: 5) => throttle_time_ms error_code [members] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     members => member_id group_instance_id error_code _tagged_fields
//       member_id => COMPACT_STRING
//       group_instance_id => COMPACT_NULLABLE_STRING
//       error_code => INT16

export function decodeResponse(r: Reader, version: number): LeaveGroupResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: LeaveGroupResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    members: [],
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  if (version >= 3) {
    if (flexible) out.members = r.compactArray((r) => readMemberResponse(r, version));
    else out.members = r.array((r) => readMemberResponse(r, version));
  }
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: LeaveGroupResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (version >= 3) {
    if (flexible) w.compactArray(v.members, (w, e) => writeMemberResponse(w, version, e));
    else w.array(v.members, (w, e) => writeMemberResponse(w, version, e));
  }
  if (flexible) w.taggedFields();
}

function readMemberResponse(r: Reader, version: number): MemberResponse {
  const flexible = version >= flexibleFrom;
  const out: MemberResponse = {
    memberId: '',
    groupInstanceId: '',
    errorCode: 0,
  };
  out.memberId = flexible ? r.compactString() : r.string();
  out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  out.errorCode = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

function writeMemberResponse(w: Writer, version: number, v: MemberResponse): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (flexible) w.compactNullableString(v.groupInstanceId);
  else w.nullableString(v.groupInstanceId);
  w.int16(v.errorCode);
  if (flexible) w.taggedFields();
}
