// ListGroups (API key 16): versions 0-4, flexible from v3.
// Codec derived from apache/kafka clients/src/main/resources/common/message/ListGroupsRequest.json
// and ListGroupsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 16;
export const apiName = 'ListGroups';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `ListGroups v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface ListGroupsRequest {
  /** The states of the groups we want to list. If empty, all groups are returned with their state. (v4+) */
  statesFilter: string[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ListGroups Request (Version: 0) =>
//   ListGroups Request (Version: 3) => _tagged_fields
//   ListGroups Request (Version: 4) => [states_filter] _tagged_fields
//     states_filter => COMPACT_STRING

export function decodeRequest(r: Reader, version: number): ListGroupsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ListGroupsRequest = {
    statesFilter: [],
  };
  if (version >= 4) out.statesFilter = r.compactArray((r) => r.compactString());
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: ListGroupsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 4) w.compactArray(v.statesFilter, (w, e) => w.compactString(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface ListGroupsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** Each group in the response. (v0+) */
  groups: ListedGroup[];
}

export interface ListedGroup {
  /** The group ID. (v0+) */
  groupId: string;
  /** The group protocol type. (v0+) */
  protocolType: string;
  /** The group state name. (v4+) */
  groupState: string;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ListGroups Response (Version: 0) => error_code [groups]
//     error_code => INT16
//     groups => group_id protocol_type
//       group_id => STRING
//       protocol_type => STRING
//   ListGroups Response (Version: 3) => throttle_time_ms error_code [groups] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     groups => group_id protocol_type _tagged_fields
//       group_id => COMPACT_STRING
//       protocol_type => COMPACT_STRING
//   ListGroups Response (Version: 4) => throttle_time_ms error_code [groups] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     groups => group_id protocol_type group_state _tagged_fields
//       group_id => COMPACT_STRING
//       protocol_type => COMPACT_STRING
//       group_state => COMPACT_STRING

export function decodeResponse(r: Reader, version: number): ListGroupsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ListGroupsResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    groups: [],
  };
  if (version >= 1) out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  if (flexible) out.groups = r.compactArray((r) => readListedGroup(r, version));
  else out.groups = r.array((r) => readListedGroup(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: ListGroupsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (flexible) w.compactArray(v.groups, (w, e) => writeListedGroup(w, version, e));
  else w.array(v.groups, (w, e) => writeListedGroup(w, version, e));
  if (flexible) w.taggedFields();
}

function readListedGroup(r: Reader, version: number): ListedGroup {
  const flexible = version >= flexibleFrom;
  const out: ListedGroup = {
    groupId: '',
    protocolType: '',
    groupState: '',
  };
  out.groupId = flexible ? r.compactString() : r.string();
  out.protocolType = flexible ? r.compactString() : r.string();
  if (version >= 4) out.groupState = r.compactString();
  if (flexible) r.taggedFields();
  return out;
}

function writeListedGroup(w: Writer, version: number, v: ListedGroup): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  if (flexible) w.compactString(v.protocolType);
  else w.string(v.protocolType);
  if (version >= 4) w.compactString(v.groupState);
  if (flexible) w.taggedFields();
}
