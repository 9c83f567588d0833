// DescribeClientQuotas (API key 48): versions 0-1, flexible from v1.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeClientQuotasRequest.json
// and DescribeClientQuotasResponse.json; v1 only switches to flexible encodings.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 48;
export const apiName = 'DescribeClientQuotas';
export const minVersion = 0;
export const maxVersion = 1;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 1;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeClientQuotas v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DescribeClientQuotasRequest {
  /** Filter components to apply to quota entities. (v0+) */
  components: ComponentData[];
  /** Whether the match is strict, i.e. should exclude entities with unspecified entity types. (v0+) */
  strict: boolean;
}

export interface ComponentData {
  /** The entity type that the filter component applies to. */
  entityType: string;
  /** How to match the entity {0 = exact name, 1 = default name, 2 = any specified name}. */
  matchType: number;
  /** The string to match against, or null if unused for the match type. */
  match: string | null;
}

// Kafka grammar:
//   DescribeClientQuotas Request (Version: 0) => [components] strict
//     components => entity_type match_type match   (STRING, INT8, NULLABLE_STRING)
//     strict => BOOLEAN
//   DescribeClientQuotas Request (Version: 1) => the same with compact encodings _tagged_fields

export function decodeRequest(r: Reader, version: number): DescribeClientQuotasRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const read = (): ComponentData => {
    const c = { entityType: flexible ? r.compactString() : r.string(), matchType: r.int8(), match: flexible ? r.compactNullableString() : r.nullableString() };
    if (flexible) r.taggedFields();
    return c;
  };
  const components = flexible ? r.compactArray(read) : r.array(read);
  const strict = r.bool();
  if (flexible) r.taggedFields();
  return { components, strict };
}

export function encodeRequest(w: Writer, version: number, v: DescribeClientQuotasRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const write = (w: Writer, c: ComponentData) => {
    if (flexible) w.compactString(c.entityType);
    else w.string(c.entityType);
    w.int8(c.matchType);
    if (flexible) w.compactNullableString(c.match);
    else w.nullableString(c.match);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.components, write);
  else w.array(v.components, write);
  w.bool(v.strict);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DescribeClientQuotasResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** A result entry, or null on error. (v0+) */
  entries: EntryData[] | null;
}

export interface EntityData {
  entityType: string;
  /** The entity name, or null for the default. */
  entityName: string | null;
}

export interface ValueData {
  key: string;
  value: number;
}

export interface EntryData {
  entity: EntityData[];
  values: ValueData[];
}

// Kafka grammar:
//   DescribeClientQuotas Response (Version: 0) => throttle_time_ms error_code error_message [entries]
//     entries => [entity] [values]   (nullable array)
//       entity => entity_type entity_name   (STRING, NULLABLE_STRING)
//       values => key value                 (STRING, FLOAT64)
//   DescribeClientQuotas Response (Version: 1) => the same with compact encodings _tagged_fields

export function writeEntity(w: Writer, flexible: boolean, e: EntityData): void {
  if (flexible) w.compactString(e.entityType);
  else w.string(e.entityType);
  if (flexible) w.compactNullableString(e.entityName);
  else w.nullableString(e.entityName);
  if (flexible) w.taggedFields();
}

export function readEntity(r: Reader, flexible: boolean): EntityData {
  const e = { entityType: flexible ? r.compactString() : r.string(), entityName: flexible ? r.compactNullableString() : r.nullableString() };
  if (flexible) r.taggedFields();
  return e;
}

export function decodeResponse(r: Reader, version: number): DescribeClientQuotasResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const arr = <T>(fn: (r: Reader) => T) => (flexible ? r.compactArray(fn) : r.array(fn));
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = flexible ? r.compactNullableString() : r.nullableString();
  const readEntry = (): EntryData => {
    const entity = arr(() => readEntity(r, flexible));
    const values = arr((): ValueData => {
      const v = { key: flexible ? r.compactString() : r.string(), value: r.float64() };
      if (flexible) r.taggedFields();
      return v;
    });
    if (flexible) r.taggedFields();
    return { entity, values };
  };
  const entries = flexible ? r.compactNullableArray(readEntry) : r.nullableArray(readEntry);
  if (flexible) r.taggedFields();
  return { throttleTimeMs, errorCode, errorMessage, entries };
}

export function encodeResponse(w: Writer, version: number, v: DescribeClientQuotasResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const arr = <T>(items: readonly T[], fn: (w: Writer, e: T) => void) => (flexible ? w.compactArray(items, fn) : w.array(items, fn));
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (flexible) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  const writeEntry = (w: Writer, e: EntryData) => {
    arr(e.entity, (w, x) => writeEntity(w, flexible, x));
    arr(e.values, (w, x) => {
      if (flexible) w.compactString(x.key);
      else w.string(x.key);
      w.float64(x.value);
      if (flexible) w.taggedFields();
    });
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactNullableArray(v.entries, writeEntry);
  else w.nullableArray(v.entries, writeEntry);
  if (flexible) w.taggedFields();
}
