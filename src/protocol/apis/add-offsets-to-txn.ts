// AddOffsetsToTxn (API key 25): versions 0-4, flexible from v3.
// Codec derived from apache/kafka clients/src/main/resources/common/message/AddOffsetsToTxnRequest.json
// and AddOffsetsToTxnResponse.json; versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 25;
export const apiName = 'AddOffsetsToTxn';
export const minVersion = 0;
export const maxVersion = 4;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `AddOffsetsToTxn v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

export interface AddOffsetsToTxnRequest {
  /** The transactional id corresponding to the transaction. (v0+) */
  transactionalId: string;
  /** Current producer id in use by the transactional id. (v0+) */
  producerId: number;
  /** Current epoch associated with the producer id. (v0+) */
  producerEpoch: number;
  /** The unique group identifier. (v0+) */
  groupId: string;
}

// Kafka grammar:
//   AddOffsetsToTxn Request (Version: 0) => transactional_id producer_id producer_epoch group_id
//     transactional_id => STRING
//     producer_id => INT64
//     producer_epoch => INT16
//     group_id => STRING
//   AddOffsetsToTxn Request (Version: 3+) => the same with COMPACT_STRINGs and _tagged_fields

export function decodeRequest(r: Reader, version: number): AddOffsetsToTxnRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const transactionalId = flexible ? r.compactString() : r.string();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const groupId = flexible ? r.compactString() : r.string();
  if (flexible) r.taggedFields();
  return { transactionalId, producerId, producerEpoch, groupId };
}

export function encodeRequest(w: Writer, version: number, v: AddOffsetsToTxnRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.transactionalId);
  else w.string(v.transactionalId);
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  if (flexible) w.compactString(v.groupId);
  else w.string(v.groupId);
  if (flexible) w.taggedFields();
}

export interface AddOffsetsToTxnResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation. (v0+) */
  throttleTimeMs: number;
  /** The response error code, or 0 if there was no error. (v0+) */
  errorCode: number;
}

// Kafka grammar:
//   AddOffsetsToTxn Response (Version: 0) => throttle_time_ms error_code
//     throttle_time_ms => INT32
//     error_code => INT16
//   AddOffsetsToTxn Response (Version: 3+) => throttle_time_ms error_code _tagged_fields

export function decodeResponse(r: Reader, version: number): AddOffsetsToTxnResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  if (version >= flexibleFrom) r.taggedFields();
  return { throttleTimeMs, errorCode };
}

export function encodeResponse(w: Writer, version: number, v: AddOffsetsToTxnResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (version >= flexibleFrom) w.taggedFields();
}
