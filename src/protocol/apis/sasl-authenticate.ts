// SaslAuthenticate (API key 36): versions 0-2, flexible from v2 (KIP-152; v1 adds the session lifetime, KIP-368).
// Codec derived from apache/kafka clients/src/main/resources/common/message/SaslAuthenticateRequest.json
// and SaslAuthenticateResponse.json; versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 36;
export const apiName = 'SaslAuthenticate';
export const minVersion = 0;
export const maxVersion = 2;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `SaslAuthenticate v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode' ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message) : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   SaslAuthenticate Request (Version: 0) => auth_bytes
//     auth_bytes => BYTES
//   SaslAuthenticate Request (Version: 2) => auth_bytes _tagged_fields
//     auth_bytes => COMPACT_BYTES
//   SaslAuthenticate Response (Version: 0) => error_code error_message auth_bytes
//     error_code => INT16
//     error_message => NULLABLE_STRING
//     auth_bytes => BYTES
//   SaslAuthenticate Response (Version: 2) => error_code error_message auth_bytes session_lifetime_ms _tagged_fields
//     error_message => COMPACT_NULLABLE_STRING
//     auth_bytes => COMPACT_BYTES
//     session_lifetime_ms => INT64

export interface SaslAuthenticateRequest {
  /** The SASL authentication bytes from the client, as defined by the SASL mechanism. (v0+) */
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  /** The SASL authentication bytes from the server, as defined by the SASL mechanism. (v0+) */
  authBytes: Buffer;
  /** How long the session may last before the client must re-authenticate; 0: no limit. (v1+) */
  sessionLifetimeMs: number;
}

export function decodeRequest(r: Reader, version: number): SaslAuthenticateRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const authBytes = flexible ? r.compactBytes() : r.bytes();
  if (flexible) r.taggedFields();
  return { authBytes };
}

export function encodeRequest(w: Writer, version: number, v: SaslAuthenticateRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactBytes(v.authBytes);
  else w.bytes(v.authBytes);
  if (flexible) w.taggedFields();
}

export function decodeResponse(r: Reader, version: number): SaslAuthenticateResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const errorCode = r.int16();
  const errorMessage = flexible ? r.compactNullableString() : r.nullableString();
  const authBytes = flexible ? r.compactBytes() : r.bytes();
  const sessionLifetimeMs = version >= 1 ? r.int64() : 0;
  if (flexible) r.taggedFields();
  return { errorCode, errorMessage, authBytes, sessionLifetimeMs };
}

export function encodeResponse(w: Writer, version: number, v: SaslAuthenticateResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (flexible) w.compactNullableString(v.errorMessage);
  else w.nullableString(v.errorMessage);
  if (flexible) w.compactBytes(v.authBytes);
  else w.bytes(v.authBytes);
  if (version >= 1) w.int64(v.sessionLifetimeMs);
  if (flexible) w.taggedFields();
}
