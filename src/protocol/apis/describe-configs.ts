// DescribeConfigs (API key 32): versions 0-4, flexible from v4.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeConfigsRequest.json
// and DescribeConfigsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 32;
export const apiName = 'DescribeConfigs';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 4;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeConfigs v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DescribeConfigsRequest {
  /** The resources whose configurations we want to describe. (v0+) */
  resources: DescribeConfigsResource[];
  /** True if we should include all synonyms. (v1+) */
  includeSynonyms: boolean;
  /** True if we should include configuration documentation. (v3+) */
  includeDocumentation: boolean;
}

export interface DescribeConfigsResource {
  /** The resource type. (v0+) */
  resourceType: number;
  /** The resource name. (v0+) */
  resourceName: string;
  /** The configuration keys to list, or null to list all configuration keys. (v0+) */
  configurationKeys: string[] | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeConfigs Request (Version: 0) => [resources]
//     resources => resource_type resource_name [configuration_keys]
//       resource_type => INT8
//       resource_name => STRING
//       configuration_keys => NULLABLE_STRING
//   DescribeConfigs Request (Version: 4) => [resources] include_synonyms include_documentation _tagged_fields
//     resources => resource_type resource_name [configuration_keys] _tagged_fields
//       resource_type => INT8
//       resource_name => COMPACT_STRING
//       configuration_keys => COMPACT_NULLABLE_STRING
//     include_synonyms => BOOLEAN
//     include_documentation => BOOLEAN

export function decodeRequest(r: Reader, version: number): DescribeConfigsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeConfigsRequest = {
    resources: [],
    includeSynonyms: false,
    includeDocumentation: false,
  };
  if (version >= 4) out.resources = r.compactArray((r) => readDescribeConfigsResource(r, version));
  else out.resources = r.array((r) => readDescribeConfigsResource(r, version));
  if (version >= 1) out.includeSynonyms = r.bool();
  if (version >= 3) out.includeDocumentation = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DescribeConfigsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 4) w.compactArray(v.resources, (w, e) => writeDescribeConfigsResource(w, version, e));
  else w.array(v.resources, (w, e) => writeDescribeConfigsResource(w, version, e));
  if (version >= 1) w.bool(v.includeSynonyms);
  if (version >= 3) w.bool(v.includeDocumentation);
  if (flexible) w.taggedFields();
}

function readDescribeConfigsResource(r: Reader, version: number): DescribeConfigsResource {
  const flexible = version >= flexibleFrom;
  const out: DescribeConfigsResource = {
    resourceType: 0,
    resourceName: '',
    configurationKeys: [],
  };
  out.resourceType = r.int8();
  if (version >= 4) out.resourceName = r.compactString();
  else out.resourceName = r.string();
  if (version >= 4) out.configurationKeys = r.compactNullableArray((r) => r.compactString());
  else out.configurationKeys = r.nullableArray((r) => r.string());
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeConfigsResource(w: Writer, version: number, v: DescribeConfigsResource): void {
  const flexible = version >= flexibleFrom;
  w.int8(v.resourceType);
  if (version >= 4) w.compactString(v.resourceName);
  else w.string(v.resourceName);
  if (version >= 4) w.compactNullableArray(v.configurationKeys, (w, e) => w.compactString(e));
  else w.nullableArray(v.configurationKeys, (w, e) => w.string(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DescribeConfigsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The results for each resource. (v0+) */
  results: DescribeConfigsResult[];
}

export interface DescribeConfigsResult {
  /** The error code, or 0 if we were able to successfully describe the configurations. (v0+) */
  errorCode: number;
  /** The error message, or null if we were able to successfully describe the configurations. (v0+) */
  errorMessage: string | null;
  /** The resource type. (v0+) */
  resourceType: number;
  /** The resource name. (v0+) */
  resourceName: string;
  /** Each listed configuration. (v0+) */
  configs: DescribeConfigsResourceResult[];
}

export interface DescribeConfigsResourceResult {
  /** The configuration name. (v0+) */
  name: string;
  /** The configuration value. (v0+) */
  value: string | null;
  /** True if the configuration is read-only. (v0+) */
  readOnly: boolean;
  /** True if the configuration is not set. (v0) */
  isDefault: boolean;
  /** The configuration source. (v1+) */
  configSource: number;
  /** True if this configuration is sensitive. (v0+) */
  isSensitive: boolean;
  /** The synonyms for this configuration key. (v1+) */
  synonyms: DescribeConfigsSynonym[];
  /** The configuration data type. Type can be one of the following values - BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD (v3+) */
  configType: number;
  /** The configuration documentation. (v3+) */
  documentation: string | null;
}

export interface DescribeConfigsSynonym {
  /** The synonym name. (v1+) */
  name: string;
  /** The synonym value. (v1+) */
  value: string | null;
  /** The synonym source. (v1+) */
  source: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeConfigs Response (Version: 0) => throttle_time_ms [results]
//     throttle_time_ms => INT32
//     results => error_code error_message resource_type resource_name [configs]
//       error_code => INT16
//       error_message => NULLABLE_STRING
//       resource_type => INT8
//       resource_name => STRING
//       configs => name value read_only is_default is_sensitive
//         name => STRING
//         value => NULLABLE_STRING
//         read_only => BOOLEAN
//         is_default => BOOLEAN
//         is_sensitive => BOOLEAN
//   DescribeConfigs Response (Version: 4) => throttle_time_ms [results] _tagged_fields
//     throttle_time_ms => INT32
//     results => error_code error_message resource_type resource_name [configs] _tagged_fields
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING
//       resource_type => INT8
//       resource_name => COMPACT_STRING
//       configs => name value read_only config_source is_sensitive [synonyms] config_type documentation _tagged_fields
//         name => COMPACT_STRING
//         value => COMPACT_NULLABLE_STRING
//         read_only => BOOLEAN
//         config_source => INT8
//         is_sensitive => BOOLEAN
//         synonyms => name value source _tagged_fields
//           name => COMPACT_STRING
//           value => COMPACT_NULLABLE_STRING
//           source => INT8
//         config_type => INT8
//         documentation => COMPACT_NULLABLE_STRING

export function decodeResponse(r: Reader, version: number): DescribeConfigsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeConfigsResponse = {
    throttleTimeMs: 0,
    results: [],
  };
  out.throttleTimeMs = r.int32();
  if (version >= 4) out.results = r.compactArray((r) => readDescribeConfigsResult(r, version));
  else out.results = r.array((r) => readDescribeConfigsResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DescribeConfigsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 4) w.compactArray(v.results, (w, e) => writeDescribeConfigsResult(w, version, e));
  else w.array(v.results, (w, e) => writeDescribeConfigsResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDescribeConfigsResult(r: Reader, version: number): DescribeConfigsResult {
  const flexible = version >= flexibleFrom;
  const out: DescribeConfigsResult = {
    errorCode: 0,
    errorMessage: '',
    resourceType: 0,
    resourceName: '',
    configs: [],
  };
  out.errorCode = r.int16();
  if (version >= 4) out.errorMessage = r.compactNullableString();
  else out.errorMessage = r.nullableString();
  out.resourceType = r.int8();
  if (version >= 4) out.resourceName = r.compactString();
  else out.resourceName = r.string();
  if (version >= 4) out.configs = r.compactArray((r) => readDescribeConfigsResourceResult(r, version));
  else out.configs = r.array((r) => readDescribeConfigsResourceResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeConfigsResult(w: Writer, version: number, v: DescribeConfigsResult): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (version >= 4) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  w.int8(v.resourceType);
  if (version >= 4) w.compactString(v.resourceName);
  else w.string(v.resourceName);
  if (version >= 4) w.compactArray(v.configs, (w, e) => writeDescribeConfigsResourceResult(w, version, e));
  else w.array(v.configs, (w, e) => writeDescribeConfigsResourceResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readDescribeConfigsResourceResult(r: Reader, version: number): DescribeConfigsResourceResult {
  const flexible = version >= flexibleFrom;
  const out: DescribeConfigsResourceResult = {
    name: '',
    value: '',
    readOnly: false,
    isDefault: false,
    configSource: -1,
    isSensitive: false,
    synonyms: [],
    configType: 0,
    documentation: '',
  };
  if (version >= 4) out.name = r.compactString();
  else out.name = r.string();
  if (version >= 4) out.value = r.compactNullableString();
  else out.value = r.nullableString();
  out.readOnly = r.bool();
  if (version <= 0) out.isDefault = r.bool();
  if (version >= 1) out.configSource = r.int8();
  out.isSensitive = r.bool();
  if (version >= 1) {
    if (version >= 4) out.synonyms = r.compactArray((r) => readDescribeConfigsSynonym(r, version));
    else out.synonyms = r.array((r) => readDescribeConfigsSynonym(r, version));
  }
  if (version >= 3) out.configType = r.int8();
  if (version >= 3) {
    if (version >= 4) out.documentation = r.compactNullableString();
    else out.documentation = r.nullableString();
  }
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeConfigsResourceResult(w: Writer, version: number, v: DescribeConfigsResourceResult): void {
  const flexible = version >= flexibleFrom;
  if (version >= 4) w.compactString(v.name);
  else w.string(v.name);
  if (version >= 4) w.compactNullableString(v.value);
  else w.nullableString(v.value);
  w.bool(v.readOnly);
  if (version <= 0) w.bool(v.isDefault);
  if (version >= 1) w.int8(v.configSource);
  w.bool(v.isSensitive);
  if (version >= 1) {
    if (version >= 4) w.compactArray(v.synonyms, (w, e) => writeDescribeConfigsSynonym(w, version, e));
    else w.array(v.synonyms, (w, e) => writeDescribeConfigsSynonym(w, version, e));
  }
  if (version >= 3) w.int8(v.configType);
  if (version >= 3) {
    if (version >= 4) w.compactNullableString(v.documentation);
    else w.nullableString(v.documentation);
  }
  if (flexible) w.taggedFields();
}

function readDescribeConfigsSynonym(r: Reader, version: number): DescribeConfigsSynonym {
  const flexible = version >= flexibleFrom;
  const out: DescribeConfigsSynonym = {
    name: '',
    value: '',
    source: 0,
  };
  if (version >= 1) {
    if (version >= 4) out.name = r.compactString();
    else out.name = r.string();
  }
  if (version >= 1) {
    if (version >= 4) out.value = r.compactNullableString();
    else out.value = r.nullableString();
  }
  if (version >= 1) out.source = r.int8();
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeConfigsSynonym(w: Writer, version: number, v: DescribeConfigsSynonym): void {
  const flexible = version >= flexibleFrom;
  if (version >= 1) {
    if (version >= 4) w.compactString(v.name);
    else w.string(v.name);
  }
  if (version >= 1) {
    if (version >= 4) w.compactNullableString(v.value);
    else w.nullableString(v.value);
  }
  if (version >= 1) w.int8(v.source);
  if (flexible) w.taggedFields();
}
