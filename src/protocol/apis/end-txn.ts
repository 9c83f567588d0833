// EndTxn (API key 26): versions 0-5, flexible from v3. v5 (KIP-890 part 2) answers the producer id and
// epoch the producer continues with (the coordinator bumps the epoch at every end).
// Codec derived from apache/kafka clients/src/main/resources/common/message/EndTxnRequest.json
// and EndTxnResponse.json; versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 26;
export const apiName = 'EndTxn';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `EndTxn v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

export interface EndTxnRequest {
  /** The id of the transaction to end. (v0+) */
  transactionalId: string;
  /** The producer id. (v0+) */
  producerId: number;
  /** The current epoch associated with the producer. (v0+) */
  producerEpoch: number;
  /** True if the transaction was committed, false if it was aborted. (v0+) */
  committed: boolean;
}

// Kafka grammar:
//   EndTxn Request (Version: 0) => transactional_id producer_id producer_epoch committed
//     transactional_id => STRING
//     producer_id => INT64
//     producer_epoch => INT16
//     committed => BOOLEAN
//   EndTxn Request (Version: 3+) => the same with a COMPACT_STRING and _tagged_fields

export function decodeRequest(r: Reader, version: number): EndTxnRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const transactionalId = flexible ? r.compactString() : r.string();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const committed = r.bool();
  if (flexible) r.taggedFields();
  return { transactionalId, producerId, producerEpoch, committed };
}

export function encodeRequest(w: Writer, version: number, v: EndTxnRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.transactionalId);
  else w.string(v.transactionalId);
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  w.bool(v.committed);
  if (flexible) w.taggedFields();
}

export interface EndTxnResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation. (v0+) */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The producer id, -1 when not given. (v5+) */
  producerId: number;
  /** The epoch associated with the producer id, -1 when not given. (v5+) */
  producerEpoch: number;
}

// Kafka grammar:
//   EndTxn Response (Version: 0) => throttle_time_ms error_code
//     throttle_time_ms => INT32
//     error_code => INT16
//   EndTxn Response (Version: 3) => throttle_time_ms error_code _tagged_fields
//   EndTxn Response (Version: 5) => throttle_time_ms error_code producer_id producer_epoch _tagged_fields
//     producer_id => INT64
//     producer_epoch => INT16

export function decodeResponse(r: Reader, version: number): EndTxnResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  let producerId = -1;
  let producerEpoch = -1;
  if (version >= 5) {
    producerId = r.int64();
    producerEpoch = r.int16();
  }
  if (version >= flexibleFrom) r.taggedFields();
  return { throttleTimeMs, errorCode, producerId, producerEpoch };
}

export function encodeResponse(w: Writer, version: number, v: EndTxnResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.int16(v.errorCode);
  if (version >= 5) {
    w.int64(v.producerId);
    w.int16(v.producerEpoch);
  }
  if (version >= flexibleFrom) w.taggedFields();
}
