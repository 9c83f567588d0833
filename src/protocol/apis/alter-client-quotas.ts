// AlterClientQuotas (API key 49): versions 0-1, flexible from v1.
// Codec derived from apache/kafka clients/src/main/resources/common/message/AlterClientQuotasRequest.json
// and AlterClientQuotasResponse.json; v1 only switches to flexible encodings.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { readEntity, writeEntity, type EntityData } from './describe-client-quotas.js';

export const apiKey = 49;
export const apiName = 'AlterClientQuotas';
export const minVersion = 0;
export const maxVersion = 1;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 1;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `AlterClientQuotas v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface AlterClientQuotasRequest {
  /** The quota configuration entries to alter. (v0+) */
  entries: AlterEntry[];
  /** Whether the alteration should be validated, but not performed. (v0+) */
  validateOnly: boolean;
}

export interface AlterEntry {
  /** The quota entity to alter. */
  entity: EntityData[];
  /** An individual quota configuration entry to alter. */
  ops: OpData[];
}

export interface OpData {
  key: string;
  /** The value to set, otherwise ignored if the value is to be removed. */
  value: number;
  /** Whether the quota configuration value should be removed, otherwise set. */
  remove: boolean;
}

// Kafka grammar:
//   AlterClientQuotas Request (Version: 0) => [entries] validate_only
//     entries => [entity] [ops]
//       entity => entity_type entity_name   (STRING, NULLABLE_STRING)
//       ops => key value remove             (STRING, FLOAT64, BOOLEAN)
//   AlterClientQuotas Request (Version: 1) => the same with compact encodings _tagged_fields

export function decodeRequest(r: Reader, version: number): AlterClientQuotasRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const arr = <T>(fn: (r: Reader) => T) => (flexible ? r.compactArray(fn) : r.array(fn));
  const entries = arr((): AlterEntry => {
    const entity = arr(() => readEntity(r, flexible));
    const ops = arr((): OpData => {
      const o = { key: flexible ? r.compactString() : r.string(), value: r.float64(), remove: r.bool() };
      if (flexible) r.taggedFields();
      return o;
    });
    if (flexible) r.taggedFields();
    return { entity, ops };
  });
  const validateOnly = r.bool();
  if (flexible) r.taggedFields();
  return { entries, validateOnly };
}

export function encodeRequest(w: Writer, version: number, v: AlterClientQuotasRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const arr = <T>(items: readonly T[], fn: (w: Writer, e: T) => void) => (flexible ? w.compactArray(items, fn) : w.array(items, fn));
  arr(v.entries, (w, e) => {
    arr(e.entity, (w, x) => writeEntity(w, flexible, x));
    arr(e.ops, (w, o) => {
      if (flexible) w.compactString(o.key);
      else w.string(o.key);
      w.float64(o.value);
      w.bool(o.remove);
      if (flexible) w.taggedFields();
    });
    if (flexible) w.taggedFields();
  });
  w.bool(v.validateOnly);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface AlterClientQuotasResponse {
  throttleTimeMs: number;
  /** The quota configuration entries to alter. (v0+) */
  entries: AlterResult[];
}

export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  entity: EntityData[];
}

// Kafka grammar:
//   AlterClientQuotas Response (Version: 0) => throttle_time_ms [entries]
//     entries => error_code error_message [entity]
//       entity => entity_type entity_name
//   AlterClientQuotas Response (Version: 1) => the same with compact encodings _tagged_fields

export function decodeResponse(r: Reader, version: number): AlterClientQuotasResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const arr = <T>(fn: (r: Reader) => T) => (flexible ? r.compactArray(fn) : r.array(fn));
  const throttleTimeMs = r.int32();
  const entries = arr((): AlterResult => {
    const errorCode = r.int16();
    const errorMessage = flexible ? r.compactNullableString() : r.nullableString();
    const entity = arr(() => readEntity(r, flexible));
    if (flexible) r.taggedFields();
    return { errorCode, errorMessage, entity };
  });
  if (flexible) r.taggedFields();
  return { throttleTimeMs, entries };
}

export function encodeResponse(w: Writer, version: number, v: AlterClientQuotasResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const arr = <T>(items: readonly T[], fn: (w: Writer, e: T) => void) => (flexible ? w.compactArray(items, fn) : w.array(items, fn));
  w.int32(v.throttleTimeMs);
  arr(v.entries, (w, e) => {
    w.int16(e.errorCode);
    if (flexible) w.compactNullableString(e.errorMessage);
    else w.nullableString(e.errorMessage);
    arr(e.entity, (w, x) => writeEntity(w, flexible, x));
    if (flexible) w.taggedFields();
  });
  if (flexible) w.taggedFields();
}
