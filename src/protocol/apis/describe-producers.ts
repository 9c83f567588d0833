// DescribeProducers (API key 61): version 0, flexible from v0.
// Codec derived from apache/kafka clients/src/main/resources/common/message/DescribeProducersRequest.json
// and DescribeProducersResponse.json; a single version, so no version guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 61;
export const apiName = 'DescribeProducers';
export const minVersion = 0;
export const maxVersion = 0;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 0;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `DescribeProducers v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

export interface DescribeProducersRequest {
  topics: Array<{ name: string; partitionIndexes: number[] }>;
}

// Kafka grammar:
//   DescribeProducers Request (Version: 0) => [topics] _tagged_fields
//     topics => name [partition_indexes] _tagged_fields
//       name => COMPACT_STRING
//       partition_indexes => INT32

export function decodeRequest(r: Reader, version: number): DescribeProducersRequest {
  checkVersion(version, 'decode');
  const topics = r.compactArray((r) => {
    const t = { name: r.compactString(), partitionIndexes: r.compactArray((r) => r.int32()) };
    r.taggedFields();
    return t;
  });
  r.taggedFields();
  return { topics };
}

export function encodeRequest(w: Writer, version: number, v: DescribeProducersRequest): void {
  checkVersion(version, 'encode');
  w.compactArray(v.topics, (w, t) => {
    w.compactString(t.name);
    w.compactArray(t.partitionIndexes, (w, p) => w.int32(p));
    w.taggedFields();
  });
  w.taggedFields();
}

export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  currentTxnStartOffset: number;
}

export interface DescribeProducersPartition {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  activeProducers: ProducerState[];
}

export interface DescribeProducersResponse {
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: DescribeProducersPartition[] }>;
}

// Kafka grammar:
//   DescribeProducers Response (Version: 0) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name [partitions] _tagged_fields
//       name => COMPACT_STRING
//       partitions => partition_index error_code error_message [active_producers] _tagged_fields
//         partition_index => INT32
//         error_code => INT16
//         error_message => COMPACT_NULLABLE_STRING
//         active_producers => producer_id producer_epoch last_sequence last_timestamp coordinator_epoch current_txn_start_offset _tagged_fields
//           producer_id => INT64
//           producer_epoch => INT32
//           last_sequence => INT32
//           last_timestamp => INT64
//           coordinator_epoch => INT32
//           current_txn_start_offset => INT64

export function decodeResponse(r: Reader, version: number): DescribeProducersResponse {
  checkVersion(version, 'decode');
  const throttleTimeMs = r.int32();
  const topics = r.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray((r): DescribeProducersPartition => {
      const p: DescribeProducersPartition = {
        partitionIndex: r.int32(), errorCode: r.int16(), errorMessage: r.compactNullableString(),
        activeProducers: r.compactArray((r) => {
          const s = { producerId: r.int64(), producerEpoch: r.int32(), lastSequence: r.int32(), lastTimestamp: r.int64(), coordinatorEpoch: r.int32(), currentTxnStartOffset: r.int64() };
          r.taggedFields();
          return s;
        }),
      };
      r.taggedFields();
      return p;
    });
    r.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return { throttleTimeMs, topics };
}

export function encodeResponse(w: Writer, version: number, v: DescribeProducersResponse): void {
  checkVersion(version, 'encode');
  w.int32(v.throttleTimeMs);
  w.compactArray(v.topics, (w, t) => {
    w.compactString(t.name);
    w.compactArray(t.partitions, (w, p) => {
      w.int32(p.partitionIndex).int16(p.errorCode).compactNullableString(p.errorMessage);
      w.compactArray(p.activeProducers, (w, s) => {
        w.int64(s.producerId).int32(s.producerEpoch).int32(s.lastSequence).int64(s.lastTimestamp).int32(s.coordinatorEpoch).int64(s.currentTxnStartOffset);
        w.taggedFields();
      });
      w.taggedFields();
    });
    w.taggedFields();
  });
  w.taggedFields();
}
