// DeleteAcls (API key 31): versions 0-3, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DeleteAclsRequest.json
// and DeleteAclsResponse.json; versions differ by the if (version ...) guards (v1 adds pattern types,
// v3 only adds the USER resource type to the allowed values).

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 31;
export const apiName = 'DeleteAcls';
export const minVersion = 0;
export const maxVersion = 3;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;
const LITERAL = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DeleteAcls v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DeleteAclsRequest {
  /** The filters to use when deleting ACLs. (v0+) */
  filters: DeleteAclsFilter[];
}

export interface DeleteAclsFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  /** (v1+, default 3 LITERAL) */
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

// Kafka grammar:
//   DeleteAcls Request (Version: 1) => [filters]
//     filters => resource_type_filter resource_name_filter pattern_type_filter principal_filter host_filter operation permission_type   (pattern type from v1)
//       INT8, NULLABLE_STRING, INT8, NULLABLE_STRING, NULLABLE_STRING, INT8, INT8
//   DeleteAcls Request (Version: 2) => the same with compact encodings _tagged_fields

export function decodeRequest(r: Reader, version: number): DeleteAclsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const str = () => (flexible ? r.compactNullableString() : r.nullableString());
  const read = (): DeleteAclsFilter => {
    const resourceTypeFilter = r.int8();
    const resourceNameFilter = str();
    const patternTypeFilter = version >= 1 ? r.int8() : LITERAL;
    const f = { resourceTypeFilter, resourceNameFilter, patternTypeFilter, principalFilter: str(), hostFilter: str(), operation: r.int8(), permissionType: r.int8() };
    if (flexible) r.taggedFields();
    return f;
  };
  const filters = flexible ? r.compactArray(read) : r.array(read);
  if (flexible) r.taggedFields();
  return { filters };
}

export function encodeRequest(w: Writer, version: number, v: DeleteAclsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const str = (s: string | null) => (flexible ? w.compactNullableString(s) : w.nullableString(s));
  const write = (w: Writer, f: DeleteAclsFilter) => {
    w.int8(f.resourceTypeFilter);
    str(f.resourceNameFilter);
    if (version >= 1) w.int8(f.patternTypeFilter);
    str(f.principalFilter);
    str(f.hostFilter);
    w.int8(f.operation);
    w.int8(f.permissionType);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.filters, write);
  else w.array(v.filters, write);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DeleteAclsResponse {
  throttleTimeMs: number;
  /** The results for each filter. (v0+) */
  filterResults: DeleteAclsFilterResult[];
}

export interface DeleteAclsFilterResult {
  errorCode: number;
  errorMessage: string | null;
  /** The ACLs which matched this filter. */
  matchingAcls: DeleteAclsMatchingAcl[];
}

export interface DeleteAclsMatchingAcl {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  /** (v1+, default 3 LITERAL) */
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

// Kafka grammar:
//   DeleteAcls Response (Version: 1) => throttle_time_ms [filter_results]
//     filter_results => error_code error_message [matching_acls]
//       matching_acls => error_code error_message resource_type resource_name pattern_type principal host operation permission_type   (pattern type from v1)
//   DeleteAcls Response (Version: 2) => the same with compact encodings _tagged_fields

export function decodeResponse(r: Reader, version: number): DeleteAclsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const str = () => (flexible ? r.compactString() : r.string());
  const nstr = () => (flexible ? r.compactNullableString() : r.nullableString());
  const arr = <T>(fn: (r: Reader) => T) => (flexible ? r.compactArray(fn) : r.array(fn));
  const throttleTimeMs = r.int32();
  const filterResults = arr((): DeleteAclsFilterResult => {
    const errorCode = r.int16();
    const errorMessage = nstr();
    const matchingAcls = arr((): DeleteAclsMatchingAcl => {
      const errorCode = r.int16();
      const errorMessage = nstr();
      const resourceType = r.int8();
      const resourceName = str();
      const patternType = version >= 1 ? r.int8() : LITERAL;
      const m = { errorCode, errorMessage, resourceType, resourceName, patternType, principal: str(), host: str(), operation: r.int8(), permissionType: r.int8() };
      if (flexible) r.taggedFields();
      return m;
    });
    if (flexible) r.taggedFields();
    return { errorCode, errorMessage, matchingAcls };
  });
  if (flexible) r.taggedFields();
  return { throttleTimeMs, filterResults };
}

export function encodeResponse(w: Writer, version: number, v: DeleteAclsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const str = (s: string) => (flexible ? w.compactString(s) : w.string(s));
  const nstr = (s: string | null) => (flexible ? w.compactNullableString(s) : w.nullableString(s));
  const arr = <T>(items: readonly T[], fn: (w: Writer, e: T) => void) => (flexible ? w.compactArray(items, fn) : w.array(items, fn));
  w.int32(v.throttleTimeMs);
  arr(v.filterResults, (w, f) => {
    w.int16(f.errorCode);
    nstr(f.errorMessage);
    arr(f.matchingAcls, (w, m) => {
      w.int16(m.errorCode);
      nstr(m.errorMessage);
      w.int8(m.resourceType);
      str(m.resourceName);
      if (version >= 1) w.int8(m.patternType);
      str(m.principal);
      str(m.host);
      w.int8(m.operation);
      w.int8(m.permissionType);
      if (flexible) w.taggedFields();
    });
    if (flexible) w.taggedFields();
  });
  if (flexible) w.taggedFields();
}
