// AlterUserScramCredentials (API key 51): version 0, flexible (KIP-554). The client salts the password
// itself (Hi(password, salt, iterations)); the broker derives and keeps StoredKey and ServerKey only.
// Codec derived from apache/kafka clients/src/main/resources/common/message/AlterUserScramCredentialsRequest.json
// and AlterUserScramCredentialsResponse.json.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 51;
export const apiName = 'AlterUserScramCredentials';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `AlterUserScramCredentials v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode' ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message) : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// Kafka grammar:
//   AlterUserScramCredentials Request (Version: 0) => [deletions] [upsertions] _tagged_fields
//     deletions => name mechanism _tagged_fields
//       name => COMPACT_STRING
//       mechanism => INT8
//     upsertions => name mechanism iterations salt salted_password _tagged_fields
//       name => COMPACT_STRING
//       mechanism => INT8
//       iterations => INT32
//       salt => COMPACT_BYTES
//       salted_password => COMPACT_BYTES
//   AlterUserScramCredentials Response (Version: 0) => throttle_time_ms [results] _tagged_fields
//     throttle_time_ms => INT32
//     results => user error_code error_message _tagged_fields
//       user => COMPACT_STRING
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING

export interface ScramCredentialDeletion {
  name: string;
  mechanism: number;
}

export interface ScramCredentialUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export interface AlterUserScramCredentialsRequest {
  deletions: ScramCredentialDeletion[];
  upsertions: ScramCredentialUpsertion[];
}

export interface AlterUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterUserScramCredentialsResponse {
  throttleTimeMs: number;
  results: AlterUserScramCredentialsResult[];
}

export function decodeRequest(r: Reader, version: number): AlterUserScramCredentialsRequest {
  checkVersion(version, 'decode');
  const deletions = r.compactArray((r) => {
    const d = { name: r.compactString(), mechanism: r.int8() };
    r.taggedFields();
    return d;
  });
  const upsertions = r.compactArray((r) => {
    const u = { name: r.compactString(), mechanism: r.int8(), iterations: r.int32(), salt: r.compactBytes(), saltedPassword: r.compactBytes() };
    r.taggedFields();
    return u;
  });
  r.taggedFields();
  return { deletions, upsertions };
}

export function encodeRequest(w: Writer, version: number, v: AlterUserScramCredentialsRequest): void {
  checkVersion(version, 'encode');
  w.compactArray(v.deletions, (w, d) => {
    w.compactString(d.name);
    w.int8(d.mechanism);
    w.taggedFields();
  });
  w.compactArray(v.upsertions, (w, u) => {
    w.compactString(u.name);
    w.int8(u.mechanism);
    w.int32(u.iterations);
    w.compactBytes(u.salt);
    w.compactBytes(u.saltedPassword);
    w.taggedFields();
  });
  w.taggedFields();
}

export function decodeResponse(r: Reader, version: number): AlterUserScramCredentialsResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const results = r.compactArray((r) => {
    const res = { user: r.compactString(), errorCode: r.int16(), errorMessage: r.compactNullableString() };
    r.taggedFields();
    return res;
  });
  r.taggedFields();
  return { throttleTimeMs, results };
}

export function encodeResponse(w: Writer, version: number, v: AlterUserScramCredentialsResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.compactArray(v.results, (w, res) => {
    w.compactString(res.user);
    w.int16(res.errorCode);
    w.compactNullableString(res.errorMessage);
    w.taggedFields();
  });
  w.taggedFields();
}
