// ApiVersions (API key 18): versions 0-4, flexible from v3.
// Codec derived from apache/kafka clients/src/main/resources/common/message/ApiVersionsRequest.json
// and ApiVersionsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer, TaggedFieldWrite } from '../writer.js';

export const apiKey = 18;
export const apiName = 'ApiVersions';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `ApiVersions v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface ApiVersionsRequest {
  /** The name of the client. (v3+) */
  clientSoftwareName: string;
  /** The version of the client. (v3+) */
  clientSoftwareVersion: string;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ApiVersions Request (Version: 0) =>
//   ApiVersions Request (Version: 3) => client_software_name client_software_version _tagged_fields
//     client_software_name => COMPACT_STRING
//     client_software_version => COMPACT_STRING
//   ApiVersions Request (Version: 4) => client_software_name client_software_version _tagged_fields
//     client_software_name => COMPACT_STRING
//     client_software_version => COMPACT_STRING

export function decodeRequest(r: Reader, version: number): ApiVersionsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ApiVersionsRequest = {
    clientSoftwareName: '',
    clientSoftwareVersion: '',
  };
  if (version >= 3) out.clientSoftwareName = r.compactString();
  if (version >= 3) out.clientSoftwareVersion = r.compactString();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: ApiVersionsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 3) w.compactString(v.clientSoftwareName);
  if (version >= 3) w.compactString(v.clientSoftwareVersion);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface ApiVersionsResponse {
  /** The top-level error code. (v0+) */
  errorCode: number;
  /** The APIs supported by the broker. (v0+) */
  apiKeys: ApiVersion[];
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1+) */
  throttleTimeMs: number;
  /** Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0 are omitted. (v3+, tagged 0) */
  supportedFeatures?: SupportedFeatureKey[];
  /** The monotonically increasing epoch for the finalized features information. Valid values are >= 0. A value of -1 is special and represents unknown epoch. (v3+, tagged 1) */
  finalizedFeaturesEpoch?: number;
  /** List of cluster-wide finalized features. The information is valid only if FinalizedFeaturesEpoch >= 0. (v3+, tagged 2) */
  finalizedFeatures?: FinalizedFeatureKey[];
  /** Set by a KRaft controller if the required configurations for ZK migration are present (v3+, tagged 3) */
  zkMigrationReady?: boolean;
}

export interface ApiVersion {
  /** The API index. (v0+) */
  apiKey: number;
  /** The minimum supported version, inclusive. (v0+) */
  minVersion: number;
  /** The maximum supported version, inclusive. (v0+) */
  maxVersion: number;
}

export interface SupportedFeatureKey {
  /** The name of the feature. (v3+) */
  name: string;
  /** The minimum supported version for the feature. (v3+) */
  minVersion: number;
  /** The maximum supported version for the feature. (v3+) */
  maxVersion: number;
}

export interface FinalizedFeatureKey {
  /** The name of the feature. (v3+) */
  name: string;
  /** The cluster-wide finalized max version level for the feature. (v3+) */
  maxVersionLevel: number;
  /** The cluster-wide finalized min version level for the feature. (v3+) */
  minVersionLevel: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   ApiVersions Response (Version: 0) => error_code [api_keys]
//     error_code => INT16
//     api_keys => api_key min_version max_version
//       api_key => INT16
//       min_version => INT16
//       max_version => INT16
//   ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms _tagged_fields
//     error_code => INT16
//     api_keys => api_key min_version max_version _tagged_fields
//       api_key => INT16
//       min_version => INT16
//       max_version => INT16
//     throttle_time_ms => INT32
//     <tag 0> supported_features => name min_version max_version _tagged_fields
//       name => COMPACT_STRING
//       min_version => INT16
//       max_version => INT16
//     <tag 1> finalized_features_epoch => INT64
//     <tag 2> finalized_features => name max_version_level min_version_level _tagged_fields
//       name => COMPACT_STRING
//       max_version_level => INT16
//       min_version_level => INT16
//     <tag 3> zk_migration_ready => BOOLEAN
//   ApiVersions Response (Version: 4) => error_code [api_keys] throttle_time_ms _tagged_fields
//     error_code => INT16
//     api_keys => api_key min_version max_version _tagged_fields
//       api_key => INT16
//       min_version => INT16
//       max_version => INT16
//     throttle_time_ms => INT32
//     <tag 0> supported_features => name min_version max_version _tagged_fields
//       name => COMPACT_STRING
//       min_version => INT16
//       max_version => INT16
//     <tag 1> finalized_features_epoch => INT64
//     <tag 2> finalized_features => name max_version_level min_version_level _tagged_fields
//       name => COMPACT_STRING
//       max_version_level => INT16
//       min_version_level => INT16
//     <tag 3> zk_migration_ready => BOOLEAN

export function decodeResponse(r: Reader, version: number): ApiVersionsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: ApiVersionsResponse = {
    errorCode: 0,
    apiKeys: [],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
  out.errorCode = r.int16();
  if (flexible) out.apiKeys = r.compactArray((r) => readApiVersion(r, version));
  else out.apiKeys = r.array((r) => readApiVersion(r, version));
  if (version >= 1) out.throttleTimeMs = r.int32();
  if (flexible) r.taggedFields((tag, t) => {
    switch (tag) {
      case 0:
        out.supportedFeatures = t.compactArray((r) => readSupportedFeatureKey(r, version));
        return true;
      case 1:
        out.finalizedFeaturesEpoch = t.int64();
        return true;
      case 2:
        out.finalizedFeatures = t.compactArray((r) => readFinalizedFeatureKey(r, version));
        return true;
      case 3:
        out.zkMigrationReady = t.bool();
        return true;
    }
    return false;
  });
  return out;
}

export function encodeResponse(w: Writer, version: number, v: ApiVersionsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (flexible) w.compactArray(v.apiKeys, (w, e) => writeApiVersion(w, version, e));
  else w.array(v.apiKeys, (w, e) => writeApiVersion(w, version, e));
  if (version >= 1) w.int32(v.throttleTimeMs);
  if (flexible) {
    const tagged: TaggedFieldWrite[] = [];
    const supportedFeatures = v.supportedFeatures;
    if (supportedFeatures !== undefined && supportedFeatures.length > 0) {
      const value = supportedFeatures;
      tagged.push([0, (w) => w.compactArray(value, (w, e) => writeSupportedFeatureKey(w, version, e))]);
    }
    const finalizedFeaturesEpoch = v.finalizedFeaturesEpoch;
    if (finalizedFeaturesEpoch !== undefined && finalizedFeaturesEpoch !== -1) {
      const value = finalizedFeaturesEpoch;
      tagged.push([1, (w) => w.int64(value)]);
    }
    const finalizedFeatures = v.finalizedFeatures;
    if (finalizedFeatures !== undefined && finalizedFeatures.length > 0) {
      const value = finalizedFeatures;
      tagged.push([2, (w) => w.compactArray(value, (w, e) => writeFinalizedFeatureKey(w, version, e))]);
    }
    const zkMigrationReady = v.zkMigrationReady;
    if (zkMigrationReady !== undefined && zkMigrationReady !== false) {
      const value = zkMigrationReady;
      tagged.push([3, (w) => w.bool(value)]);
    }
    w.taggedFields(tagged);
  }
}

function readApiVersion(r: Reader, version: number): ApiVersion {
  const flexible = version >= flexibleFrom;
  const out: ApiVersion = {
    apiKey: 0,
    minVersion: 0,
    maxVersion: 0,
  };
  out.apiKey = r.int16();
  out.minVersion = r.int16();
  out.maxVersion = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

function writeApiVersion(w: Writer, version: number, v: ApiVersion): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.apiKey);
  w.int16(v.minVersion);
  w.int16(v.maxVersion);
  if (flexible) w.taggedFields();
}

function readSupportedFeatureKey(r: Reader, _version: number): SupportedFeatureKey {
  const out: SupportedFeatureKey = {
    name: '',
    minVersion: 0,
    maxVersion: 0,
  };
  out.name = r.compactString();
  out.minVersion = r.int16();
  out.maxVersion = r.int16();
  r.taggedFields();
  return out;
}

function writeSupportedFeatureKey(w: Writer, _version: number, v: SupportedFeatureKey): void {
  w.compactString(v.name);
  w.int16(v.minVersion);
  w.int16(v.maxVersion);
  w.taggedFields();
}

function readFinalizedFeatureKey(r: Reader, _version: number): FinalizedFeatureKey {
  const out: FinalizedFeatureKey = {
    name: '',
    maxVersionLevel: 0,
    minVersionLevel: 0,
  };
  out.name = r.compactString();
  out.maxVersionLevel = r.int16();
  out.minVersionLevel = r.int16();
  r.taggedFields();
  return out;
}

function writeFinalizedFeatureKey(w: Writer, _version: number, v: FinalizedFeatureKey): void {
  w.compactString(v.name);
  w.int16(v.maxVersionLevel);
  w.int16(v.minVersionLevel);
  w.taggedFields();
}
