// DescribeCluster (API key 60): versions 0-1, flexible from v0.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeClusterRequest.json
// and DescribeClusterResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 60;
export const apiName = 'DescribeCluster';
export const minVersion = 0;
export const maxVersion = 1;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeCluster v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface DescribeClusterRequest {
  /** Whether to include cluster authorized operations. (v0+) */
  includeClusterAuthorizedOperations: boolean;
  /** The endpoint type to describe. 1=brokers, 2=controllers. (v1+) */
  endpointType: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeCluster Request (Version: 0) => include_cluster_authorized_operations _tagged_fields
//     include_cluster_authorized_operations => BOOLEAN
//   DescribeCluster Request (Version: 1) => include_cluster_authorized_operations endpoint_type _tagged_fields
//     include_cluster_authorized_operations => BOOLEAN
//     endpoint_type => INT8

export function decodeRequest(r: Reader, version: number): DescribeClusterRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeClusterRequest = {
    includeClusterAuthorizedOperations: false,
    endpointType: 1,
  };
  out.includeClusterAuthorizedOperations = r.bool();
  if (version >= 1) out.endpointType = r.int8();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: DescribeClusterRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.bool(v.includeClusterAuthorizedOperations);
  if (version >= 1) w.int8(v.endpointType);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface DescribeClusterResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error (v0+) */
  errorCode: number;
  /** The top-level error message, or null if there was no error. (v0+) */
  errorMessage: string | null;
  /** The endpoint type that was described. 1=brokers, 2=controllers. (v1+) */
  endpointType: number;
  /** The cluster ID that responding broker belongs to. (v0+) */
  clusterId: string;
  /** The ID of the controller broker. (v0+) */
  controllerId: number;
  /** Each broker in the response. (v0+) */
  brokers: DescribeClusterBroker[];
  /** 32-bit bitfield to represent authorized operations for this cluster. (v0+) */
  clusterAuthorizedOperations: number;
}

export interface DescribeClusterBroker {
  /** The broker ID. (v0+) */
  brokerId: number;
  /** The broker hostname. (v0+) */
  host: string;
  /** The broker port. (v0+) */
  port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. (v0+) */
  rack: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   DescribeCluster Response (Version: 0) => throttle_time_ms error_code error_message cluster_id controller_id [brokers] cluster_authorized_operations _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     error_message => COMPACT_NULLABLE_STRING
//     cluster_id => COMPACT_STRING
//     controller_id => INT32
//     brokers => broker_id host port rack _tagged_fields
//       broker_id => INT32
//       host => COMPACT_STRING
//       port => INT32
//       rack => COMPACT_NULLABLE_STRING
//     cluster_authorized_operations => INT32
//   DescribeCluster Response (Version: 1) => throttle_time_ms error_code error_message endpoint_type cluster_id controller_id [brokers] cluster_authorized_operations _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     error_message => COMPACT_NULLABLE_STRING
//     endpoint_type => INT8
//     cluster_id => COMPACT_STRING
//     controller_id => INT32
//     brokers => broker_id host port rack _tagged_fields
//       broker_id => INT32
//       host => COMPACT_STRING
//       port => INT32
//       rack => COMPACT_NULLABLE_STRING
//     cluster_authorized_operations => INT32

export function decodeResponse(r: Reader, version: number): DescribeClusterResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: DescribeClusterResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType: 1,
    clusterId: '',
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: -2147483648,
  };
  out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  out.errorMessage = r.compactNullableString();
  if (version >= 1) out.endpointType = r.int8();
  out.clusterId = r.compactString();
  out.controllerId = r.int32();
  out.brokers = r.compactArray((r) => readDescribeClusterBroker(r, version));
  out.clusterAuthorizedOperations = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: DescribeClusterResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  w.compactNullableString(v.errorMessage);
  if (version >= 1) w.int8(v.endpointType);
  w.compactString(v.clusterId);
  w.int32(v.controllerId);
  w.compactArray(v.brokers, (w, e) => writeDescribeClusterBroker(w, version, e));
  w.int32(v.clusterAuthorizedOperations);
  if (flexible) w.taggedFields();
}

function readDescribeClusterBroker(r: Reader, version: number): DescribeClusterBroker {
  const flexible = version >= flexibleFrom;
  const out: DescribeClusterBroker = {
    brokerId: 0,
    host: '',
    port: 0,
    rack: null,
  };
  out.brokerId = r.int32();
  out.host = r.compactString();
  out.port = r.int32();
  out.rack = r.compactNullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeDescribeClusterBroker(w: Writer, version: number, v: DescribeClusterBroker): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.brokerId);
  w.compactString(v.host);
  w.int32(v.port);
  w.compactNullableString(v.rack);
  if (flexible) w.taggedFields();
}
