// ListTransactions (API key 66): versions 0-1, flexible from v0; v1 adds the duration filter (KIP-994).
// Codec derived from apache/kafka clients/src/main/resources/common/message/ListTransactionsRequest.json
// and ListTransactionsResponse.json; versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 66;
export const apiName = 'ListTransactions';
export const minVersion = 0;
export const maxVersion = 1;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `ListTransactions v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

export interface ListTransactionsRequest {
  /** The transaction states to filter by: if empty, all transactions are returned. (v0+) */
  stateFilters: string[];
  /** The producer ids to filter by: if empty, all transactions are returned. (v0+) */
  producerIdFilters: number[];
  /** Only transactions running longer than this many ms; -1: all. (v1+, default -1) */
  durationFilter: number;
}

// Kafka grammar:
//   ListTransactions Request (Version: 0) => [state_filters] [producer_id_filters] _tagged_fields
//     state_filters => COMPACT_STRING
//     producer_id_filters => INT64
//   ListTransactions Request (Version: 1) => [state_filters] [producer_id_filters] duration_filter _tagged_fields
//     duration_filter => INT64

export function decodeRequest(r: Reader, version: number): ListTransactionsRequest {
  checkVersion(version, 'decode');
  const stateFilters = r.compactArray((r) => r.compactString());
  const producerIdFilters = r.compactArray((r) => r.int64());
  const durationFilter = version >= 1 ? r.int64() : -1;
  r.taggedFields();
  return { stateFilters, producerIdFilters, durationFilter };
}

export function encodeRequest(w: Writer, version: number, v: ListTransactionsRequest): void {
  checkVersion(version, 'encode');
  w.compactArray(v.stateFilters, (w, s) => w.compactString(s));
  w.compactArray(v.producerIdFilters, (w, p) => w.int64(p));
  if (version >= 1) w.int64(v.durationFilter);
  w.taggedFields();
}

export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** Set of state filters provided in the request which were unknown to the transaction coordinator. */
  unknownStateFilters: string[];
  transactionStates: Array<{ transactionalId: string; producerId: number; transactionState: string }>;
}

// Kafka grammar:
//   ListTransactions Response (Version: 0-1) => throttle_time_ms error_code [unknown_state_filters] [transaction_states] _tagged_fields
//     throttle_time_ms => INT32
//     error_code => INT16
//     unknown_state_filters => COMPACT_STRING
//     transaction_states => transactional_id producer_id transaction_state _tagged_fields
//       transactional_id => COMPACT_STRING
//       producer_id => INT64
//       transaction_state => COMPACT_STRING

export function decodeResponse(r: Reader, version: number): ListTransactionsResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const unknownStateFilters = r.compactArray((r) => r.compactString());
  const transactionStates = r.compactArray((r) => {
    const s = { transactionalId: r.compactString(), producerId: r.int64(), transactionState: r.compactString() };
    r.taggedFields();
    return s;
  });
  r.taggedFields();
  return { throttleTimeMs, errorCode, unknownStateFilters, transactionStates };
}

export function encodeResponse(w: Writer, version: number, v: ListTransactionsResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs).int16(v.errorCode);
  w.compactArray(v.unknownStateFilters, (w, s) => w.compactString(s));
  w.compactArray(v.transactionStates, (w, s) => {
    w.compactString(s.transactionalId).int64(s.producerId).compactString(s.transactionState);
    w.taggedFields();
  });
  w.taggedFields();
}
