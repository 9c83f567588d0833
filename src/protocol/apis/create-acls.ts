// CreateAcls (API key 30): versions 0-3, flexible from v2.
// Codec derived from apache/kafka clients/src/main/resources/common/message/CreateAclsRequest.json
// and CreateAclsResponse.json; versions differ by the if (version ...) guards (v1 adds the pattern type,
// v3 only adds the USER resource type to the allowed values).

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 30;
export const apiName = 'CreateAcls';
export const minVersion = 0;
export const maxVersion = 3;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;
const LITERAL = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `CreateAcls v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface CreateAclsRequest {
  /** The ACLs to create. (v0+) */
  creations: CreatableAcl[];
}

export interface CreatableAcl {
  resourceType: number;
  resourceName: string;
  /** (v1+, default 3 LITERAL) */
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

// Kafka grammar:
//   CreateAcls Request (Version: 1) => [creations]
//     creations => resource_type resource_name resource_pattern_type principal host operation permission_type   (pattern type from v1)
//       resource_type => INT8, resource_name => STRING, resource_pattern_type => INT8, principal => STRING, host => STRING, operation => INT8, permission_type => INT8
//   CreateAcls Request (Version: 2) => the same with compact encodings _tagged_fields

export function decodeRequest(r: Reader, version: number): CreateAclsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const str = () => (flexible ? r.compactString() : r.string());
  const read = (): CreatableAcl => {
    const resourceType = r.int8();
    const resourceName = str();
    const resourcePatternType = version >= 1 ? r.int8() : LITERAL;
    const a = { resourceType, resourceName, resourcePatternType, principal: str(), host: str(), operation: r.int8(), permissionType: r.int8() };
    if (flexible) r.taggedFields();
    return a;
  };
  const creations = flexible ? r.compactArray(read) : r.array(read);
  if (flexible) r.taggedFields();
  return { creations };
}

export function encodeRequest(w: Writer, version: number, v: CreateAclsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const str = (s: string) => (flexible ? w.compactString(s) : w.string(s));
  const write = (w: Writer, c: CreatableAcl) => {
    w.int8(c.resourceType);
    str(c.resourceName);
    if (version >= 1) w.int8(c.resourcePatternType);
    str(c.principal);
    str(c.host);
    w.int8(c.operation);
    w.int8(c.permissionType);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.creations, write);
  else w.array(v.creations, write);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface CreateAclsResponse {
  throttleTimeMs: number;
  /** The result of each creation, in request order. (v0+) */
  results: AclCreationResult[];
}

export interface AclCreationResult {
  errorCode: number;
  errorMessage: string | null;
}

// Kafka grammar:
//   CreateAcls Response (Version: 0) => throttle_time_ms [results]
//     results => error_code error_message   (INT16, NULLABLE_STRING)
//   CreateAcls Response (Version: 2) => the same with compact encodings _tagged_fields

export function decodeResponse(r: Reader, version: number): CreateAclsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const throttleTimeMs = r.int32();
  const read = (): AclCreationResult => {
    const a = { errorCode: r.int16(), errorMessage: flexible ? r.compactNullableString() : r.nullableString() };
    if (flexible) r.taggedFields();
    return a;
  };
  const results = flexible ? r.compactArray(read) : r.array(read);
  if (flexible) r.taggedFields();
  return { throttleTimeMs, results };
}

export function encodeResponse(w: Writer, version: number, v: CreateAclsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  const write = (w: Writer, e: AclCreationResult) => {
    w.int16(e.errorCode);
    if (flexible) w.compactNullableString(e.errorMessage);
    else w.nullableString(e.errorMessage);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.results, write);
  else w.array(v.results, write);
  if (flexible) w.taggedFields();
}
