// DescribeGroups (API key 15): versions 0-5, flexible from v5.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeGroupsRequest.json
// and DescribeGroupsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 15;
export const apiName = 'DescribeGroups';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 5;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeGroups v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DescribeGroupsRequest {
  /** The names of the groups to describe (v0+) */
  groups: string[];
  /** Whether to include authorized operations. (v3+) */
  includeAuthorizedOperations: boolean;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeGroups Request (Version: 0) => [groups]
//     groups => STRING
//   DescribeGroups Request (Version: 5) => [groups] include_authorized_operations _tagged_fields
//     groups => COMPACT_STRING
//     include_authorized_operations => BOOLEAN

export function decodeRequest(r: Reader, version: number): DescribeGroupsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeGroupsRequest = {
    groups: [],
    includeAuthorizedOperations: false,
  };
  out.groups = flexible ? r.compactArray((r) => r.compactString()) : r.array((r) => r.string());
  if (version >= 3) out.includeAuthorizedOperations = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DescribeGroupsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactArray(v.groups, (w, e) => w.compactString(e));
  else w.array(v.groups, (w, e) => w.string(e));
  if (version >= 3) w.bool(v.includeAuthorizedOperations);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DescribeGroupsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** Each described group. (v0+) */
  groups: DescribedGroup[];
}

export interface DescribedGroup {
  /** The describe error, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The group ID string. (v0+) */
  groupId: string;
  /** The group state string, or the empty string. (v0+) */
  groupState: string;
  /** The group protocol type, or the empty string. (v0+) */
  protocolType: string;
  /** The group protocol data, or the empty string. (v0+) */
  protocolData: string;
  /** The group members. (v0+) */
  members: DescribedGroupMember[];
  /** 32-bit bitfield to represent authorized operations for this group. (v3+) */
  authorizedOperations: number;
}

export interface DescribedGroupMember {
  /** The member ID assigned by the group coordinator. (v0+) */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v4+) */
  groupInstanceId: string | null;
  /** The client ID used in the member's latest join group request. (v0+) */
  clientId: string;
  /** The client host. (v0+) */
  clientHost: string;
  /** The metadata corresponding to the current group protocol in use. (v0+) */
  memberMetadata: Buffer;
  /** The current assignment provided by the group leader. (v0+) */
  memberAssignment: Buffer;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeGroups Response (Version: 0) => [groups]
//     groups => error_code group_id group_state protocol_type protocol_data [members]
//       error_code => INT16
//       group_id => STRING
//       group_state => STRING
//       protocol_type => STRING
//       protocol_data => STRING
//       members => member_id client_id client_host member_metadata member_assignment
//         member_id => STRING
//         client_id => STRING
//         client_host => STRING
//         member_metadata => BYTES
//         member_assignment => BYTES
//   DescribeGroups Response (Version: 5) => throttle_time_ms [groups] _tagged_fields
//     throttle_time_ms => INT32
//     groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations _tagged_fields
//       error_code => INT16
//       group_id => COMPACT_STRING
//       group_state => COMPACT_STRING
//       protocol_type => COMPACT_STRING
//       protocol_data => COMPACT_STRING
//       members => member_id group_instance_id client_id client_host member_metadata member_assignment _tagged_fields
//         member_id => COMPACT_STRING
//         group_instance_id => COMPACT_NULLABLE_STRING
//         client_id => COMPACT_STRING
//         client_host => COMPACT_STRING
//         member_metadata => COMPACT_BYTES
//         member_assignment => COMPACT_BYTES
//       authorized_operations => INT32

export function decodeResponse(r: Reader, version: number): DescribeGroupsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeGroupsResponse = {
    throttleTimeMs: 0,
    groups: [],
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  if (flexible) out.groups = r.compactArray((r) => readDescribedGroup(r, version));
  else out.groups = r.array((r) => readDescribedGroup(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DescribeGroupsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.groups, (w, e) => writeDescribedGroup(w, version, e));
  else w.array(v.groups, (w, e) => writeDescribedGroup(w, version, e));
  if (flexible) w.taggedFields();
}

function readDescribedGroup(r: Reader, version: number): DescribedGroup {
  const flexible = version >= flexibleFrom;
  const out: DescribedGroup = {
    errorCode: 0,
    groupId: '',
    groupState: '',
    protocolType: '',
    protocolData: '',
    members: [],
    authorizedOperations: -2147483648,
  };
  out.errorCode = r.int16();
  out.groupId = flexible ? r.compactString() : r.string();
  out.groupState = flexible ? r.compactString() : r.string();
  out.protocolType = flexible ? r.compactString() : r.string();
  out.protocolData = flexible ? r.compactString() : r.string();
  if (flexible) out.members = r.compactArray((r) => readDescribedGroupMember(r, version));
  else out.members = r.array((r) => readDescribedGroupMember(r, version));
  if (version >= 3) out.authorizedOperations = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribedGroup(w: Writer, version: number, v: DescribedGroup): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  if (flexible) w.compactString(v.groupState);
  else w.string(v.groupState);
  if (flexible) w.compactString(v.protocolType);
  else w.string(v.protocolType);
  if (flexible) w.compactString(v.protocolData);
  else w.string(v.protocolData);
  if (flexible) w.compactArray(v.members, (w, e) => writeDescribedGroupMember(w, version, e));
  else w.array(v.members, (w, e) => writeDescribedGroupMember(w, version, e));
  if (version >= 3) w.int32(v.authorizedOperations);
  if (flexible) w.taggedFields();
}

function readDescribedGroupMember(r: Reader, version: number): DescribedGroupMember {
  const flexible = version >= flexibleFrom;
  const out: DescribedGroupMember = {
    memberId: '',
    groupInstanceId: null,
    clientId: '',
    clientHost: '',
    memberMetadata: Buffer.alloc(0),
    memberAssignment: Buffer.alloc(0),
  };
  out.memberId = flexible ? r.compactString() : r.string();
  if (version >= 4) out.groupInstanceId = flexible ? r.compactNullableString() : r.nullableString();
  out.clientId = flexible ? r.compactString() : r.string();
  out.clientHost = flexible ? r.compactString() : r.string();
  out.memberMetadata = flexible ? r.compactBytes() : r.bytes();
  out.memberAssignment = flexible ? r.compactBytes() : r.bytes();
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribedGroupMember(w: Writer, version: number, v: DescribedGroupMember): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.memberId);
  else w.string(v.memberId);
  if (version >= 4) {
    if (flexible) w.compactNullableString(v.groupInstanceId);
    else w.nullableString(v.groupInstanceId);
  }
  if (flexible) w.compactString(v.clientId);
  else w.string(v.clientId);
  if (flexible) w.compactString(v.clientHost);
  else w.string(v.clientHost);
  if (flexible) w.compactBytes(v.memberMetadata);
  else w.bytes(v.memberMetadata);
  if (flexible) w.compactBytes(v.memberAssignment);
  else w.bytes(v.memberAssignment);
  if (flexible) w.taggedFields();
}
