// JoinGroup (API key 11): versions 0-9, flexible from v6.
// Codec derived from apache/kafka clients/src/main/resources/common/message/JoinGroupRequest.json
// and JoinGroupResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { required } from '../codec-helpers.js';

export const apiKey = 11;
export const apiName = 'JoinGroup';
export const minVersion = 0;
export const maxVersion = 9;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 6;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `JoinGroup v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface JoinGroupRequest {
  /** The group identifier. (v0+) */
  groupId: string;
  /** The coordinator considers the consumer dead if it receives no heartbeat after this timeout in milliseconds. (v0+) */
  sessionTimeoutMs: number;
  /** The maximum time in milliseconds that the coordinator will wait for each member to rejoin when rebalancing the group. (v1+) */
  rebalanceTimeoutMs: number;
  /** The member id assigned by the group coordinator. (v0+) */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v5+) */
  groupInstanceId: string | null;
  /** The unique name the for class of protocols implemented by the group we want to join. (v0+) */
  protocolType: string;
  /** The list of protocols that the member supports. (v0+) */
  protocols: JoinGroupRequestProtocol[];
  /** The reason why the member (re-)joins the group. (v8+) */
  reason: string | null;
}

export interface JoinGroupRequestProtocol {
  /** The protocol name. (v0+) */
  name: string;
  /** The protocol metadata. (v0+) */
  metadata: Buffer;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   JoinGroup Request (Version: 0) => group_id session_timeout_ms member_id protocol_type [protocols]
//     group_id => STRING
//     session_timeout_ms => INT32
//     member_id => STRING
//     protocol_type => STRING
//     protocols => name metadata
//       name => STRING
//       metadata => BYTES
//   JoinGroup Request (Version: 6) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols] _tagged_fields
//     group_id => COMPACT_STRING
//     session_timeout_ms => INT32
//     rebalance_timeout_ms => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING
//     protocol_type => COMPACT_STRING
//     protocols => name metadata _tagged_fields
//       name => COMPACT_STRING
//       metadata => COMPACT_BYTES
//   JoinGroup Request (Version: 9) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols] reason _tagged_fields
//     group_id => COMPACT_STRING
//     session_timeout_ms => INT32
//     rebalance_timeout_ms => INT32
//     member_id => COMPACT_STRING
//     group_instance_id => COMPACT_NULLABLE_STRING
//     protocol_type => COMPACT_STRING
//     protocols => name metadata _tagged_fields
//       name => COMPACT_STRING
//       metadata => COMPACT_BYTES
//     reason => COMPACT_NULLABLE_STRING

export function decodeRequest(r: Reader, version: number): JoinGroupRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: JoinGroupRequest = {
    groupId: '',
    sessionTimeoutMs: 0,
    rebalanceTimeoutMs: -1,
    memberId: '',
    groupInstanceId: null,
    protocolType: '',
    protocols: [],
    reason: null,
  };
  out.groupId = flexible ? r.compactString() : r.string();
  out.sessionTimeoutMs = r.int32();
  if (version >= 1) out.rebalanceTimeoutMs = r.int32();
  out.memberId = flexible ? r.compactString() : r.string();
  if (version >= 5) out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  out.protocolType = flexible ? r.compactString() : r.string();
  if (flexible) out.protocols = r.compactArray((r) => readJoinGroupRequestProtocol(r, version));
  else out.protocols = r.array((r) => readJoinGroupRequestProtocol(r, version));
  if (version >= 8) out.reason = r.compactNullableString();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: JoinGroupRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  w.int32(v.sessionTimeoutMs);
  if (version >= 1) w.int32(v.rebalanceTimeoutMs);
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (version >= 5) {
    if (flexible) w.compactNullableString(v.groupInstanceId);
    else w.nullableString(v.groupInstanceId);
  }
  if (flexible) w.compactString(v.protocolType);
  else w.string(v.protocolType);
  if (flexible) w.compactArray(v.protocols, (w, e) => writeJoinGroupRequestProtocol(w, version, e));
  else w.array(v.protocols, (w, e) => writeJoinGroupRequestProtocol(w, version, e));
  if (version >= 8) w.compactNullableString(v.reason);
  if (flexible) w.taggedFields();
}

function readJoinGroupRequestProtocol(r: Reader, version: number): JoinGroupRequestProtocol {
  const flexible = version >= flexibleFrom;
  const out: JoinGroupRequestProtocol = {
    name: '',
    metadata: Buffer.alloc(0),
  };
  out.name = flexible ? r.compactString() : r.string();
  out.metadata = flexible ? r.compactBytes() : r.bytes();
  if (flexible) r.taggedFields();
  return out;
}

function writeJoinGroupRequestProtocol(w: Writer, version: number, v: JoinGroupRequestProtocol): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactBytes(v.metadata);
  else w.bytes(v.metadata);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface JoinGroupResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The generation ID of the group. (v0+) */
  generationId: number;
  /** The group protocol name. (v7+) */
  protocolType: string | null;
  /** The group protocol selected by the coordinator. (v0+) */
  protocolName: string | null;
  /** The leader of the group. (v0+) */
  leader: string;
  /** True if the leader must skip running the assignment. (v9+) */
  skipAssignment: boolean;
  /** The member ID assigned by the group coordinator. (v0+) */
  memberId: string;
  /** (v0+) */
  members: JoinGroupResponseMember[];
}

export interface JoinGroupResponseMember {
  /** The group member ID. (v0+) */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v5+) */
  groupInstanceId: string | null;
  /** The group member metadata. (v0+) */
  metadata: Buffer;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   JoinGroup Response (Version: 0) => error_code generation_id protocol_name leader member_id [members]
//     error_code => INT16
//     generation_id => INT32
//     protocol_name => STRING
//     leader => STRING
//     member_id => STRING
//     members => member_id metadata
//       member_id => STRING
//       metadata => BYTES
//   JoinGroup Response (Version: 6) => throttle_time_ms error_code generation_id protocol_name leader member_id [members] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     generation_id => INT32
//     protocol_name => COMPACT_STRING
//     leader => COMPACT_STRING
//     member_id => COMPACT_STRING
//     members => member_id group_instance_id metadata _tagged_fields
//       member_id => COMPACT_STRING
//       group_instance_id => COMPACT_NULLABLE_STRING
//       metadata => COMPACT_BYTES
//   JoinGroup Response (Version: 9) => throttle_time_ms error_code generation_id protocol_type protocol_name leader skip_assignment member_id [members] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     generation_id => INT32
//     protocol_type => COMPACT_NULLABLE_STRING
//     protocol_name => COMPACT_NULLABLE_STRING
//     leader => COMPACT_STRING
//     skip_assignment => BOOLEAN
//     member_id => COMPACT_STRING
//     members => member_id group_instance_id metadata _tagged_fields
//       member_id => COMPACT_STRING
//       group_instance_id => COMPACT_NULLABLE_STRING
//       metadata => COMPACT_BYTES

export function decodeResponse(r: Reader, version: number): JoinGroupResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: JoinGroupResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    generationId: -1,
    protocolType: null,
    protocolName: '',
    leader: '',
    skipAssignment: false,
    memberId: '',
    members: [],
  };
  if (version >= 2) out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  out.generationId = r.int32();
  if (version >= 7) out.protocolType = r.compactNullableString();
  if (version >= 7) out.protocolName = r.compactNullableString();
  else if (version >= 6) out.protocolName = r.compactString();
  else out.protocolName = r.string();
  out.leader = flexible ? r.compactString() : r.string();
  if (version >= 9) out.skipAssignment = r.bool();
  out.memberId = flexible ? r.compactString() : r.string();
  if (flexible) out.members = r.compactArray((r) => readJoinGroupResponseMember(r, version));
  else out.members = r.array((r) => readJoinGroupResponseMember(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: JoinGroupResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  w.int32(v.generationId);
  if (version >= 7) w.compactNullableString(v.protocolType);
  if (version >= 7) w.compactNullableString(v.protocolName);
  else if (version >= 6) w.compactString(required(v.protocolName, 'JoinGroupResponse.protocolName'));
  else w.string(required(v.protocolName, 'JoinGroupResponse.protocolName'));
  if (flexible) w.compactString(v.leader);
  else w.string(v.leader);
  if (version >= 9) w.bool(v.skipAssignment);
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (flexible) w.compactArray(v.members, (w, e) => writeJoinGroupResponseMember(w, version, e));
  else w.array(v.members, (w, e) => writeJoinGroupResponseMember(w, version, e));
  if (flexible) w.taggedFields();
}

function readJoinGroupResponseMember(r: Reader, version: number): JoinGroupResponseMember {
  const flexible = version >= flexibleFrom;
  const out: JoinGroupResponseMember = {
    memberId: '',
    groupInstanceId: null,
    metadata: Buffer.alloc(0),
  };
  out.memberId = flexible ? r.compactString() : r.string();
  if (version >= 5) out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  out.metadata = flexible ? r.compactBytes() : r.bytes();
  if (flexible) r.taggedFields();
  return out;
}

function writeJoinGroupResponseMember(w: Writer, version: number, v: JoinGroupResponseMember): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (version >= 5) {
    if (flexible) w.compactNullableString(v.groupInstanceId);
    else w.nullableString(v.groupInstanceId);
  }
  if (flexible) w.compactBytes(v.metadata);
  else w.bytes(v.metadata);
  if (flexible) w.taggedFields();
}
