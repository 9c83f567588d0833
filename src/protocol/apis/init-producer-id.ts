// InitProducerId (API key 22): versions 0-5, flexible from v2 (v5 adds the error TRANSACTION_ABORTABLE, KIP-890).
// Codec derived from apache/kafka clients/src/main/resources/common/message/InitProducerIdRequest.json
// and InitProducerIdResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 22;
export const apiName = 'InitProducerId';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 2;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `InitProducerId v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface InitProducerIdRequest {
  /** The transactional id, or null if the producer is not transactional. (v0+) */
  transactionalId: string | null;
  /** The time in ms to wait before aborting idle transactions sent by this producer. This is only relevant if a TransactionalId has been defined. (v0+) */
  transactionTimeoutMs: number;
  /** The producer id. This is used to disambiguate requests if a transactional id is reused following its expiration. (v3+) */
  producerId: number;
  /** The producer's current epoch. This will be checked against the producer epoch on the broker, and the request will return an error if they do not match. (v3+) */
  producerEpoch: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   InitProducerId Request (Version: 0) => transactional_id transaction_timeout_ms
//     transactional_id => NULLABLE_STRING
//     transaction_timeout_ms => INT32
//   InitProducerId Request (Version: 2) => transactional_id transaction_timeout_ms _tagged_fields
//     transactional_id => COMPACT_NULLABLE_STRING
//     transaction_timeout_ms => INT32
//   InitProducerId Request (Version: 4) => transactional_id transaction_timeout_ms producer_id producer_epoch _tagged_fields
//     transactional_id => COMPACT_NULLABLE_STRING
//     transaction_timeout_ms => INT32
//     producer_id => INT64
//     producer_epoch => INT16

export function decodeRequest(r: Reader, version: number): InitProducerIdRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: InitProducerIdRequest = {
    transactionalId: '',
    transactionTimeoutMs: 0,
    producerId: -1,
    producerEpoch: -1,
  };
  out.transactionalId = flexible ? r.compactNullableString() : r.nullableString();
  out.transactionTimeoutMs = r.int32();
  if (version >= 3) out.producerId = r.int64();
  if (version >= 3) out.producerEpoch = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: InitProducerIdRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactNullableString(v.transactionalId);
  else w.nullableString(v.transactionalId);
  w.int32(v.transactionTimeoutMs);
  if (version >= 3) w.int64(v.producerId);
  if (version >= 3) w.int16(v.producerEpoch);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface InitProducerIdResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v0+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The current producer id. (v0+) */
  producerId: number;
  /** The current epoch associated with the producer id. (v0+) */
  producerEpoch: number;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   InitProducerId Response (Version: 0) => throttle_time_ms error_code producer_id producer_epoch
//     throttle_time_ms => INT32
//     error_code => INT16
//     producer_id => INT64
//     producer_epoch => INT16
//   InitProducerId Response (Version: 2) => throttle_time_ms error_code producer_id producer_epoch _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     producer_id => INT64
//     producer_epoch => INT16
//   InitProducerId Response (Version: 4) => throttle_time_ms error_code producer_id producer_epoch _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     producer_id => INT64
//     producer_epoch => INT16

export function decodeResponse(r: Reader, version: number): InitProducerIdResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: InitProducerIdResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    producerId: -1,
    producerEpoch: 0,
  };
  out.throttleTimeMs = r.int32();
  out.errorCode = r.int16();
  out.producerId = r.int64();
  out.producerEpoch = r.int16();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: InitProducerIdResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  if (flexible) w.taggedFields();
}
