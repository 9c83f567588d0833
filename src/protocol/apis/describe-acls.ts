// DescribeAcls (API key 29): versions 0-3, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeAclsRequest.json
// and DescribeAclsResponse.json; versions differ by the if (version ...) guards (v1 adds pattern types,
// v3 only adds the USER resource type to the allowed values).

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 29;
export const apiName = 'DescribeAcls';
export const minVersion = 0;
export const maxVersion = 3;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;
/** PatternType LITERAL: what versions without a pattern type mean. */
const LITERAL = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeAcls v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DescribeAclsRequest {
  /** The resource type. (v0+) */
  resourceTypeFilter: number;
  /** The resource name, or null to match any resource name. (v0+) */
  resourceNameFilter: string | null;
  /** The resource pattern to match. (v1+, default 3 LITERAL) */
  patternTypeFilter: number;
  /** The principal to match, or null to match any principal. (v0+) */
  principalFilter: string | null;
  /** The host to match, or null to match any host. (v0+) */
  hostFilter: string | null;
  /** The operation to match. (v0+) */
  operation: number;
  /** The permission type to match. (v0+) */
  permissionType: number;
}

// Kafka grammar:
//   DescribeAcls Request (Version: 0) => resource_type_filter resource_name_filter principal_filter host_filter operation permission_type
//   DescribeAcls Request (Version: 1) => resource_type_filter resource_name_filter pattern_type_filter principal_filter host_filter operation permission_type
//     resource_type_filter => INT8, resource_name_filter => NULLABLE_STRING, pattern_type_filter => INT8,
//     principal_filter => NULLABLE_STRING, host_filter => NULLABLE_STRING, operation => INT8, permission_type => INT8
//   DescribeAcls Request (Version: 2) => the same with COMPACT_NULLABLE_STRINGs _tagged_fields

export function decodeRequest(r: Reader, version: number): DescribeAclsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const str = () => (flexible ? r.compactNullableString() : r.nullableString());
  const resourceTypeFilter = r.int8();
  const resourceNameFilter = str();
  const patternTypeFilter = version >= 1 ? r.int8() : LITERAL;
  const principalFilter = str();
  const hostFilter = str();
  const operation = r.int8();
  const permissionType = r.int8();
  if (flexible) r.taggedFields();
  return { resourceTypeFilter, resourceNameFilter, patternTypeFilter, principalFilter, hostFilter, operation, permissionType };
}

export function encodeRequest(w: Writer, version: number, v: DescribeAclsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const str = (s: string | null) => (flexible ? w.compactNullableString(s) : w.nullableString(s));
  w.int8(v.resourceTypeFilter);
  str(v.resourceNameFilter);
  if (version >= 1) w.int8(v.patternTypeFilter);
  str(v.principalFilter);
  str(v.hostFilter);
  w.int8(v.operation);
  w.int8(v.permissionType);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DescribeAclsResponse {
  /** Throttle time in ms (v0+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The error message, or null if there was no error. (v0+) */
  errorMessage: string | null;
  /** Each resource that is referenced in an ACL. (v0+) */
  resources: DescribeAclsResource[];
}

export interface DescribeAclsResource {
  resourceType: number;
  resourceName: string;
  /** (v1+, default 3 LITERAL) */
  patternType: number;
  acls: AclDescription[];
}

export interface AclDescription {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

// Kafka grammar:
//   DescribeAcls Response (Version: 1) => throttle_time_ms error_code error_message [resources]
//     resources => resource_type resource_name pattern_type [acls]   (pattern_type from v1)
//       acls => principal host operation permission_type
//   DescribeAcls Response (Version: 2) => the same with compact encodings _tagged_fields

export function decodeResponse(r: Reader, version: number): DescribeAclsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const str = () => (flexible ? r.compactString() : r.string());
  const arr = <T>(fn: (r: Reader) => T) => (flexible ? r.compactArray(fn) : r.array(fn));
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = flexible ? r.compactNullableString() : r.nullableString();
  const resources = arr((): DescribeAclsResource => {
    const resourceType = r.int8();
    const resourceName = str();
    const patternType = version >= 1 ? r.int8() : LITERAL;
    const acls = arr((): AclDescription => {
      const a = { principal: str(), host: str(), operation: r.int8(), permissionType: r.int8() };
      if (flexible) r.taggedFields();
      return a;
    });
    if (flexible) r.taggedFields();
    return { resourceType, resourceName, patternType, acls };
  });
  if (flexible) r.taggedFields();
  return { throttleTimeMs, errorCode, errorMessage, resources };
}

export function encodeResponse(w: Writer, version: number, v: DescribeAclsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const str = (s: string) => (flexible ? w.compactString(s) : w.string(s));
  const arr = <T>(items: readonly T[], fn: (w: Writer, e: T) => void) => (flexible ? w.compactArray(items, fn) : w.array(items, fn));
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (flexible) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  arr(v.resources, (w, res) => {
    w.int8(res.resourceType);
    str(res.resourceName);
    if (version >= 1) w.int8(res.patternType);
    arr(res.acls, (w, a) => {
      str(a.principal);
      str(a.host);
      w.int8(a.operation);
      w.int8(a.permissionType);
      if (flexible) w.taggedFields();
    });
    if (flexible) w.taggedFields();
  });
  if (flexible) w.taggedFields();
}
