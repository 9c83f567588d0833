// SaslHandshake (API key 17): versions 0-1, never flexible.
// Codec derived from apache/kafka clients/src/main/resources/common/message/SaslHandshakeRequest.json
// and SaslHandshakeResponse.json. v0: after the handshake the client sends raw SASL tokens, each framed by
// a 4-byte size only (no Kafka header); v1 (KIP-152): the tokens travel in SaslAuthenticate requests.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 17;
export const apiName = 'SaslHandshake';
export const minVersion = 0;
export const maxVersion = 1;
/** Never flexible. */
export const flexibleFrom = Infinity;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `SaslHandshake v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode' ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message) : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// Kafka grammar:
//   SaslHandshake Request (Version: 0-1) => mechanism
//     mechanism => STRING
//   SaslHandshake Response (Version: 0-1) => error_code [mechanisms]
//     error_code => INT16
//     mechanisms => STRING

export interface SaslHandshakeRequest {
  /** The SASL mechanism chosen by the client. (v0+) */
  mechanism: string;
}

export interface SaslHandshakeResponse {
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The mechanisms enabled in the server. (v0+) */
  mechanisms: string[];
}

export function decodeRequest(r: Reader, version: number): SaslHandshakeRequest {
  checkVersion(version, 'decode');
  return { mechanism: r.string() };
}

export function encodeRequest(w: Writer, version: number, v: SaslHandshakeRequest): void {
  checkVersion(version, 'encode');
  w.string(v.mechanism);
}

export function decodeResponse(r: Reader, version: number): SaslHandshakeResponse {
  checkVersion(version, 'decode');
  const errorCode = r.int16();
  return { errorCode, mechanisms: r.array((r) => r.string()) };
}

export function encodeResponse(w: Writer, version: number, v: SaslHandshakeResponse): void {
  checkVersion(version, 'encode');
  w.int16(v.errorCode);
  w.array(v.mechanisms, (w, m) => w.string(m));
}
