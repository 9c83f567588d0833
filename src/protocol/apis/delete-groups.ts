// DeleteGroups (API key 42): versions 0-2, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DeleteGroupsRequest.json
// and DeleteGroupsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 42;
export const apiName = 'DeleteGroups';
export const minVersion = 0;
export const maxVersion = 2;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DeleteGroups v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DeleteGroupsRequest {
  /** The group names to delete. (v0+) */
  groupsNames: string[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DeleteGroups Request (Version: 0) => [groups_names]
//     groups_names => STRING
//   DeleteGroups Request (Version: 2) => [groups_names] _tagged_fields
//     groups_names => COMPACT_STRING

export function decodeRequest(r: Reader, version: number): DeleteGroupsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DeleteGroupsRequest = {
    groupsNames: [],
  };
  out.groupsNames = flexible ? r.compactArray((r) => r.compactString()) : r.array((r) => r.string());
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DeleteGroupsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactArray(v.groupsNames, (w, e) => w.compactString(e));
  else w.array(v.groupsNames, (w, e) => w.string(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DeleteGroupsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The deletion results (v0+) */
  results: DeletableGroupResult[];
}

export interface DeletableGroupResult {
  /** The group id (v0+) */
  groupId: string;
  /** The deletion error, or 0 if the deletion succeeded. (v0+) */
  errorCode: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DeleteGroups Response (Version: 0) => throttle_time_ms [results]
//     throttle_time_ms => INT32
//     results => group_id error_code
//       group_id => STRING
//       error_code => INT16
//   DeleteGroups Response (Version: 2) => throttle_time_ms [results] _tagged_fields
//     throttle_time_ms => INT32
//     results => group_id error_code _tagged_fields
//       group_id => COMPACT_STRING
//       error_code => INT16

export function decodeResponse(r: Reader, version: number): DeleteGroupsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DeleteGroupsResponse = {
    throttleTimeMs: 0,
    results: [],
  };
  out.throttleTimeMs = r.int32();
  if (flexible) out.results = r.compactArray((r) => readDeletableGroupResult(r, version));
  else out.results = r.array((r) => readDeletableGroupResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DeleteGroupsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.results, (w, e) => writeDeletableGroupResult(w, version, e));
  else w.array(v.results, (w, e) => writeDeletableGroupResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDeletableGroupResult(r: Reader, version: number): DeletableGroupResult {
  const flexible = version >= flexibleFrom;
  const out: DeletableGroupResult = {
    groupId: '',
    errorCode: 0,
  };
  out.groupId = flexible ? r.compactString() : r.string();
  out.errorCode = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

function writeDeletableGroupResult(w: Writer, version: number, v: DeletableGroupResult): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  w.int16(v.errorCode);
  if (flexible) w.taggedFields();
}
