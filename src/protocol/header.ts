// Request and response headers. Which header version a message uses follows from
// its API's flexible versions: flexible requests use request header v2 (tagged
// fields after the client id, which stays a legacy nullable string), flexible
// responses use response header v1 (tagged fields after the correlation id).
// Exception: ApiVersions responses always use header v0, so a client that sent a
// version the broker does not know can still read the error in the answer.
//
//   Request Header v0 => request_api_key request_api_version correlation_id
//   Request Header v1 => request_api_key request_api_version correlation_id client_id
//     client_id => NULLABLE_STRING
//   Request Header v2 => request_api_key request_api_version correlation_id client_id _tagged_fields
//   Response Header v0 => correlation_id
//   Response Header v1 => correlation_id _tagged_fields

import type { Reader } from './reader.js';
import type { Writer } from './writer.js';
import { apiByKey, ApiKey } from './registry.js';

/** ControlledShutdown: the only API whose v0 request used request header v0. */
const CONTROLLED_SHUTDOWN = 7;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Null in header v0 and when the client sent a null id. */
  clientId: string | null;
}

export interface ResponseHeader {
  correlationId: number;
}

/**
 * Is (apiKey, apiVersion) a flexible version? Versions above the served range are
 * judged by the served API's flexibleFrom (flexibility never goes away), unknown
 * keys count as not flexible.
 */
export function isFlexible(apiKey: number, apiVersion: number): boolean {
  const m = apiByKey(apiKey);
  return m !== undefined && apiVersion >= m.flexibleFrom;
}

/** Request header version (0, 1 or 2) for a request. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === CONTROLLED_SHUTDOWN && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/** Response header version (0 or 1) for a response; ApiVersions always answers with v0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

/**
 * Reads a request header; the header version is derived from the key and version
 * it starts with. Tagged header fields are skipped.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const clientId = headerVersion >= 1 ? r.nullableString() : null;
  if (headerVersion >= 2) r.taggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function encodeRequestHeader(w: Writer, header: RequestHeader): void {
  const headerVersion = requestHeaderVersion(header.apiKey, header.apiVersion);
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  if (headerVersion >= 1) w.nullableString(header.clientId);
  if (headerVersion >= 2) w.taggedFields();
}

/** Reads the header of the response to a request with this key and version. */
export function decodeResponseHeader(r: Reader, apiKey: number, apiVersion: number): ResponseHeader {
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) r.taggedFields();
  return { correlationId };
}

export function encodeResponseHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  w.int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) w.taggedFields();
}
