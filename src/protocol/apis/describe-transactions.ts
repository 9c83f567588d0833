// DescribeTransactions (API key 65): version 0, flexible from v0.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeTransactionsRequest.json
// and DescribeTransactionsResponse.json; a single version, so no version guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 65;
export const apiName = 'DescribeTransactions';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeTransactions v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

export interface DescribeTransactionsRequest {
  /** Array of transactionalIds to include in describe results. (v0+) */
  transactionalIds: string[];
}

// Kafka grammar:
//   DescribeTransactions Request (Version: 0) => [transactional_ids] _tagged_fields
//     transactional_ids => COMPACT_STRING

export function decodeRequest(r: Reader, version: number): DescribeTransactionsRequest {
  checkVersion(version, 'decode');
  const transactionalIds = r.compactArray((r) => r.compactString());
  r.taggedFields();
  return { transactionalIds };
}

export function encodeRequest(w: Writer, version: number, v: DescribeTransactionsRequest): void {
  checkVersion(version, 'encode');
  w.compactArray(v.transactionalIds, (w, id) => w.compactString(id));
  w.taggedFields();
}

export interface TransactionState {
  errorCode: number;
  transactionalId: string;
  /** Kafka's state name (Empty, Ongoing, PrepareCommit, ...). */
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  /** The set of partitions included in the current transaction (if active). */
  topics: Array<{ topic: string; partitions: number[] }>;
}

export interface DescribeTransactionsResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation. (v0+) */
  throttleTimeMs: number;
  transactionStates: TransactionState[];
}

// Kafka grammar:
//   DescribeTransactions Response (Version: 0) => throttle_time_ms [transaction_states] _tagged_fields
//     throttle_time_ms => INT32
//     transaction_states => error_code transactional_id transaction_state transaction_timeout_ms transaction_start_time_ms producer_id producer_epoch [topics] _tagged_fields
//       error_code => INT16
//       transactional_id => COMPACT_STRING
//       transaction_state => COMPACT_STRING
//       transaction_timeout_ms => INT32
//       transaction_start_time_ms => INT64
//       producer_id => INT64
//       producer_epoch => INT16
//       topics => topic [partitions] _tagged_fields
//         topic => COMPACT_STRING
//         partitions => INT32

export function decodeResponse(r: Reader, version: number): DescribeTransactionsResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const transactionStates = r.compactArray((r): TransactionState => {
    const s: TransactionState = {
      errorCode: r.int16(), transactionalId: r.compactString(), transactionState: r.compactString(), transactionTimeoutMs: r.int32(),
      transactionStartTimeMs: r.int64(), producerId: r.int64(), producerEpoch: r.int16(),
      topics: r.compactArray((r) => {
        const t = { topic: r.compactString(), partitions: r.compactArray((r) => r.int32()) };
        r.taggedFields();
        return t;
      }),
    };
    r.taggedFields();
    return s;
  });
  r.taggedFields();
  return { throttleTimeMs, transactionStates };
}

export function encodeResponse(w: Writer, version: number, v: DescribeTransactionsResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.compactArray(v.transactionStates, (w, s) => {
    w.int16(s.errorCode).compactString(s.transactionalId).compactString(s.transactionState).int32(s.transactionTimeoutMs)
      .int64(s.transactionStartTimeMs).int64(s.producerId).int16(s.producerEpoch);
    w.compactArray(s.topics, (w, t) => {
      w.compactString(t.topic);
      w.compactArray(t.partitions, (w, p) => w.int32(p));
      w.taggedFields();
    });
    w.taggedFields();
  });
  w.taggedFields();
}
