// IncrementalAlterConfigs (API key 44): versions 0-1, flexible from v1.
// Codec derived from apache/kafka clients/src/main/resources/common/message/IncrementalAlterConfigsRequest.json
// and IncrementalAlterConfigsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 44;
export const apiName = 'IncrementalAlterConfigs';
export const minVersion = 0;
export const maxVersion = 1;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 1;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `IncrementalAlterConfigs v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface IncrementalAlterConfigsRequest {
  /** The incremental updates for each resource. (v0+) */
  resources: AlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. (v0+) */
  validateOnly: boolean;
}

export interface AlterConfigsResource {
  /** The resource type. (v0+) */
  resourceType: number;
  /** The resource name. (v0+) */
  resourceName: string;
  /** The configurations. (v0+) */
  configs: AlterableConfig[];
}

export interface AlterableConfig {
  /** The configuration key name. (v0+) */
  name: string;
  /** The type (Set, Delete, Append, Subtract) of operation. (v0+) */
  configOperation: number;
  /** The value to set for the configuration key. (v0+) */
  value: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   IncrementalAlterConfigs Request (Version: 0) => [resources] validate_only
//     resources => resource_type resource_name [configs]
//       resource_type => INT8
//       resource_name => STRING
//       configs => name config_operation value
//         name => STRING
//         config_operation => INT8
//         value => NULLABLE_STRING
//     validate_only => BOOLEAN
//   IncrementalAlterConfigs Request (Version: 1) => [resources] validate_only _tagged_fields
//     resources => resource_type resource_name [configs] _tagged_fields
//       resource_type => INT8
//       resource_name => COMPACT_STRING
//       configs => name config_operation value _tagged_fields
//         name => COMPACT_STRING
//         config_operation => INT8
//         value => COMPACT_NULLABLE_STRING
//     validate_only => BOOLEAN

export function decodeRequest(r: Reader, version: number): IncrementalAlterConfigsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: IncrementalAlterConfigsRequest = {
    resources: [],
    validateOnly: false,
  };
  if (version >= 1) out.resources = r.compactArray((r) => readAlterConfigsResource(r, version));
  else out.resources = r.array((r) => readAlterConfigsResource(r, version));
  out.validateOnly = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: IncrementalAlterConfigsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.compactArray(v.resources, (w, e) => writeAlterConfigsResource(w, version, e));
  else w.array(v.resources, (w, e) => writeAlterConfigsResource(w, version, e));
  w.bool(v.validateOnly);
  if (flexible) w.taggedFields();
}

function readAlterConfigsResource(r: Reader, version: number): AlterConfigsResource {
  const flexible = version >= flexibleFrom;
  const out: AlterConfigsResource = {
    resourceType: 0,
    resourceName: '',
    configs: [],
  };
  out.resourceType = r.int8();
  if (version >= 1) out.resourceName = r.compactString();
  else out.resourceName = r.string();
  if (version >= 1) out.configs = r.compactArray((r) => readAlterableConfig(r, version));
  else out.configs = r.array((r) => readAlterableConfig(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeAlterConfigsResource(w: Writer, version: number, v: AlterConfigsResource): void {
  const flexible = version >= flexibleFrom;
  w.int8(v.resourceType);
  if (version >= 1) w.compactString(v.resourceName);
  else w.string(v.resourceName);
  if (version >= 1) w.compactArray(v.configs, (w, e) => writeAlterableConfig(w, version, e));
  else w.array(v.configs, (w, e) => writeAlterableConfig(w, version, e));
  if (flexible) w.taggedFields();
}

function readAlterableConfig(r: Reader, version: number): AlterableConfig {
  const flexible = version >= flexibleFrom;
  const out: AlterableConfig = {
    name: '',
    configOperation: 0,
    value: '',
  };
  if (version >= 1) out.name = r.compactString();
  else out.name = r.string();
  out.configOperation = r.int8();
  if (version >= 1) out.value = r.compactNullableString();
  else out.value = r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeAlterableConfig(w: Writer, version: number, v: AlterableConfig): void {
  const flexible = version >= flexibleFrom;
  if (version >= 1) w.compactString(v.name);
  else w.string(v.name);
  w.int8(v.configOperation);
  if (version >= 1) w.compactNullableString(v.value);
  else w.nullableString(v.value);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface IncrementalAlterConfigsResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The responses for each resource. (v0+) */
  responses: AlterConfigsResourceResponse[];
}

export interface AlterConfigsResourceResponse {
  /** The resource error code. (v0+) */
  errorCode: number;
  /** The resource error message, or null if there was no error. (v0+) */
  errorMessage: string | null;
  /** The resource type. (v0+) */
  resourceType: number;
  /** The resource name. (v0+) */
  resourceName: string;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   IncrementalAlterConfigs Response (Version: 0) => throttle_time_ms [responses]
//     throttle_time_ms => INT32
//     responses => error_code error_message resource_type resource_name
//       error_code => INT16
//       error_message => NULLABLE_STRING
//       resource_type => INT8
//       resource_name => STRING
//   IncrementalAlterConfigs Response (Version: 1) => throttle_time_ms [responses] _tagged_fields
//     throttle_time_ms => INT32
//     responses => error_code error_message resource_type resource_name _tagged_fields
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING
//       resource_type => INT8
//       resource_name => COMPACT_STRING

export function decodeResponse(r: Reader, version: number): IncrementalAlterConfigsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: IncrementalAlterConfigsResponse = {
    throttleTimeMs: 0,
    responses: [],
  };
  out.throttleTimeMs = r.int32();
  if (version >= 1) out.responses = r.compactArray((r) => readAlterConfigsResourceResponse(r, version));
  else out.responses = r.array((r) => readAlterConfigsResourceResponse(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: IncrementalAlterConfigsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 1) w.compactArray(v.responses, (w, e) => writeAlterConfigsResourceResponse(w, version, e));
  else w.array(v.responses, (w, e) => writeAlterConfigsResourceResponse(w, version, e));
  if (flexible) w.taggedFields();
}

function readAlterConfigsResourceResponse(r: Reader, version: number): AlterConfigsResourceResponse {
  const flexible = version >= flexibleFrom;
  const out: AlterConfigsResourceResponse = {
    errorCode: 0,
    errorMessage: '',
    resourceType: 0,
    resourceName: '',
  };
  out.errorCode = r.int16();
  if (version >= 1) out.errorMessage = r.compactNullableString();
  else out.errorMessage = r.nullableString();
  out.resourceType = r.int8();
  if (version >= 1) out.resourceName = r.compactString();
  else out.resourceName = r.string();
  if (flexible) r.taggedFields();
  return out;
}

function writeAlterConfigsResourceResponse(w: Writer, version: number, v: AlterConfigsResourceResponse): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (version >= 1) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  w.int8(v.resourceType);
  if (version >= 1) w.compactString(v.resourceName);
  else w.string(v.resourceName);
  if (flexible) w.taggedFields();
}
