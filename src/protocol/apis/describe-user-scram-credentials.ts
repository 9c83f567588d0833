// DescribeUserScramCredentials (API key 50): version 0, flexible (KIP-554).
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeUserScramCredentialsRequest.json
// and DescribeUserScramCredentialsResponse.json.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 50;
export const apiName = 'DescribeUserScramCredentials';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeUserScramCredentials v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode' ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message) : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// Kafka grammar:
//   DescribeUserScramCredentials Request (Version: 0) => [users] _tagged_fields
//     users => name _tagged_fields            (nullable array: null or empty describes every user)
//       name => COMPACT_STRING
//   DescribeUserScramCredentials Response (Version: 0) => throttle_time_ms error_code error_message [results] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     error_message => COMPACT_NULLABLE_STRING
//     results => user error_code error_message [credential_infos] _tagged_fields
//       user => COMPACT_STRING
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING
//       credential_infos => mechanism iterations _tagged_fields
//         mechanism => INT8
//         iterations => INT32

export interface DescribeUserScramCredentialsRequest {
  users: string[] | null;
}

export interface CredentialInfo {
  mechanism: number;
  iterations: number;
}

export interface DescribeUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentialInfos: CredentialInfo[];
}

export interface DescribeUserScramCredentialsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: DescribeUserScramCredentialsResult[];
}

export function decodeRequest(r: Reader, version: number): DescribeUserScramCredentialsRequest {
  checkVersion(version, 'decode');
  const users = r.compactNullableArray((r) => {
    const name = r.compactString();
    r.taggedFields();
    return name;
  });
  r.taggedFields();
  return { users };
}

export function encodeRequest(w: Writer, version: number, v: DescribeUserScramCredentialsRequest): void {
  checkVersion(version, 'encode');
  w.compactNullableArray(v.users, (w, name) => {
    w.compactString(name);
    w.taggedFields();
  });
  w.taggedFields();
}

export function decodeResponse(r: Reader, version: number): DescribeUserScramCredentialsResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const results = r.compactArray((r) => {
    const user = r.compactString();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    const credentialInfos = r.compactArray((r) => {
      const info = { mechanism: r.int8(), iterations: r.int32() };
      r.taggedFields();
      return info;
    });
    r.taggedFields();
    return { user, errorCode, errorMessage, credentialInfos };
  });
  r.taggedFields();
  return { throttleTimeMs, errorCode, errorMessage, results };
}

export function encodeResponse(w: Writer, version: number, v: DescribeUserScramCredentialsResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  w.compactNullableString(v.errorMessage);
  w.compactArray(v.results, (w, res) => {
    w.compactString(res.user);
    w.int16(res.errorCode);
    w.compactNullableString(res.errorMessage);
    w.compactArray(res.credentialInfos, (w, c) => {
      w.int8(c.mechanism);
      w.int32(c.iterations);
      w.taggedFields();
    });
    w.taggedFields();
  });
  w.taggedFields();
}
