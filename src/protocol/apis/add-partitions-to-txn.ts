// AddPartitionsToTxn (API key 24): versions 0-5, flexible from v3.
// Codec derived from apache/kafka clients/src/main/resources/common/message/AddPartitionsToTxnRequest.json
// and AddPartitionsToTxnResponse.json. v0-v3 are the client form (one transaction); v4+ is the broker form
// (a batch of transactions, each with verify_only) that partition leaders send the transaction coordinator.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 24;
export const apiName = 'AddPartitionsToTxn';
export const minVersion = 0;
export const maxVersion = 5;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 3;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `AddPartitionsToTxn v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface AddPartitionsToTxnTopic {
  /** The name of the topic. (v0+) */
  name: string;
  /** The partition indexes to add to the transaction. (v0+) */
  partitions: number[];
}

export interface AddPartitionsToTxnTransaction {
  /** The transactional id corresponding to the transaction. (v4+) */
  transactionalId: string;
  /** Current producer id in use by the transactional id. (v4+) */
  producerId: number;
  /** Current epoch associated with the producer id. (v4+) */
  producerEpoch: number;
  /** Only check whether the partitions are in the transaction rather than add them. (v4+) */
  verifyOnly: boolean;
  /** The partitions to add to the transaction. (v4+) */
  topics: AddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequest {
  /** List of transactions to add partitions to. (v4+) */
  transactions: AddPartitionsToTxnTransaction[];
  /** The transactional id corresponding to the transaction. (v0-3) */
  v3AndBelowTransactionalId: string;
  /** Current producer id in use by the transactional id. (v0-3) */
  v3AndBelowProducerId: number;
  /** Current epoch associated with the producer id. (v0-3) */
  v3AndBelowProducerEpoch: number;
  /** The partitions to add to the transaction. (v0-3) */
  v3AndBelowTopics: AddPartitionsToTxnTopic[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   AddPartitionsToTxn Request (Version: 0) => v3_and_below_transactional_id v3_and_below_producer_id v3_and_below_producer_epoch [v3_and_below_topics]
//     v3_and_below_transactional_id => STRING
//     v3_and_below_producer_id => INT64
//     v3_and_below_producer_epoch => INT16
//     v3_and_below_topics => name [partitions]
//       name => STRING
//       partitions => INT32
//   AddPartitionsToTxn Request (Version: 3) => same, compact, _tagged_fields
//   AddPartitionsToTxn Request (Version: 5) => [transactions] _tagged_fields
//     transactions => transactional_id producer_id producer_epoch verify_only [topics] _tagged_fields
//       transactional_id => COMPACT_STRING
//       producer_id => INT64
//       producer_epoch => INT16
//       verify_only => BOOLEAN
//       topics => name [partitions] _tagged_fields
//         name => COMPACT_STRING
//         partitions => INT32

function readTopic(r: Reader, flexible: boolean): AddPartitionsToTxnTopic {
  const name = flexible ? r.compactString() : r.string();
  const partitions = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return { name, partitions };
}

function writeTopic(w: Writer, flexible: boolean, t: AddPartitionsToTxnTopic): void {
  if (flexible) {
    w.compactString(t.name);
    w.compactArray(t.partitions, (w, p) => w.int32(p));
    w.taggedFields();
  } else {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p));
  }
}

export function decodeRequest(r: Reader, version: number): AddPartitionsToTxnRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: AddPartitionsToTxnRequest = { transactions: [], v3AndBelowTransactionalId: '', v3AndBelowProducerId: -1, v3AndBelowProducerEpoch: -1, v3AndBelowTopics: [] };
  if (version >= 4) {
    out.transactions = r.compactArray((r) => {
      const transactionalId = r.compactString();
      const producerId = r.int64();
      const producerEpoch = r.int16();
      const verifyOnly = r.bool();
      const topics = r.compactArray((r) => readTopic(r, true));
      r.taggedFields();
      return { transactionalId, producerId, producerEpoch, verifyOnly, topics };
    });
  } else {
    out.v3AndBelowTransactionalId = flexible ? r.compactString() : r.string();
    out.v3AndBelowProducerId = r.int64();
    out.v3AndBelowProducerEpoch = r.int16();
    out.v3AndBelowTopics = flexible ? r.compactArray((r) => readTopic(r, true)) : r.array((r) => readTopic(r, false));
  }
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: AddPartitionsToTxnRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 4) {
    w.compactArray(v.transactions, (w, t) => {
      w.compactString(t.transactionalId);
      w.int64(t.producerId);
      w.int16(t.producerEpoch);
      w.bool(t.verifyOnly);
      w.compactArray(t.topics, (w, e) => writeTopic(w, true, e));
      w.taggedFields();
    });
  } else {
    if (flexible) w.compactString(v.v3AndBelowTransactionalId);
    else w.string(v.v3AndBelowTransactionalId);
    w.int64(v.v3AndBelowProducerId);
    w.int16(v.v3AndBelowProducerEpoch);
    if (flexible) w.compactArray(v.v3AndBelowTopics, (w, e) => writeTopic(w, true, e));
    else w.array(v.v3AndBelowTopics, (w, e) => writeTopic(w, false, e));
  }
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface AddPartitionsToTxnPartitionResult {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The response error code. (v0+) */
  partitionErrorCode: number;
}

export interface AddPartitionsToTxnTopicResult {
  /** The topic name. (v0+) */
  name: string;
  /** The results for each partition. (v0+) */
  resultsByPartition: AddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation. (v0+) */
  throttleTimeMs: number;
  /** The response top level error code. (v4+) */
  errorCode: number;
  /** Results categorized by transactional id. (v4+) */
  resultsByTransaction: Array<{ transactionalId: string; topicResults: AddPartitionsToTxnTopicResult[] }>;
  /** The results for each topic. (v0-3) */
  resultsByTopicV3AndBelow: AddPartitionsToTxnTopicResult[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   AddPartitionsToTxn Response (Version: 0) => throttle_time_ms [results_by_topic_v3_and_below]
//     throttle_time_ms => INT32
//     results_by_topic_v3_and_below => name [results_by_partition]
//       name => STRING
//       results_by_partition => partition_index partition_error_code
//         partition_index => INT32
//         partition_error_code => INT16
//   AddPartitionsToTxn Response (Version: 3) => same, compact, _tagged_fields
//   AddPartitionsToTxn Response (Version: 5) => throttle_time_ms error_code [results_by_transaction] _tagged_fields
//     results_by_transaction => transactional_id [topic_results] _tagged_fields
//       topic_results => name [results_by_partition] _tagged_fields

function readTopicResult(r: Reader, flexible: boolean): AddPartitionsToTxnTopicResult {
  const name = flexible ? r.compactString() : r.string();
  const readPartition = (r: Reader) => {
    const p = { partitionIndex: r.int32(), partitionErrorCode: r.int16() };
    if (flexible) r.taggedFields();
    return p;
  };
  const resultsByPartition = flexible ? r.compactArray(readPartition) : r.array(readPartition);
  if (flexible) r.taggedFields();
  return { name, resultsByPartition };
}

function writeTopicResult(w: Writer, flexible: boolean, t: AddPartitionsToTxnTopicResult): void {
  const writePartition = (w: Writer, p: AddPartitionsToTxnPartitionResult) => {
    w.int32(p.partitionIndex);
    w.int16(p.partitionErrorCode);
    if (flexible) w.taggedFields();
  };
  if (flexible) {
    w.compactString(t.name);
    w.compactArray(t.resultsByPartition, writePartition);
    w.taggedFields();
  } else {
    w.string(t.name);
    w.array(t.resultsByPartition, writePartition);
  }
}

export function decodeResponse(r: Reader, version: number): AddPartitionsToTxnResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: AddPartitionsToTxnResponse = { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [], resultsByTopicV3AndBelow: [] };
  out.throttleTimeMs = r.int32();
  if (version >= 4) {
    out.errorCode = r.int16();
    out.resultsByTransaction = r.compactArray((r) => {
      const transactionalId = r.compactString();
      const topicResults = r.compactArray((r) => readTopicResult(r, true));
      r.taggedFields();
      return { transactionalId, topicResults };
    });
  } else {
    out.resultsByTopicV3AndBelow = flexible ? r.compactArray((r) => readTopicResult(r, true)) : r.array((r) => readTopicResult(r, false));
  }
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: AddPartitionsToTxnResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  w.int32(v.throttleTimeMs);
  if (version >= 4) {
    w.int16(v.errorCode);
    w.compactArray(v.resultsByTransaction, (w, t) => {
      w.compactString(t.transactionalId);
      w.compactArray(t.topicResults, (w, e) => writeTopicResult(w, true, e));
      w.taggedFields();
    });
  } else if (flexible) {
    w.compactArray(v.resultsByTopicV3AndBelow, (w, e) => writeTopicResult(w, true, e));
  } else {
    w.array(v.resultsByTopicV3AndBelow, (w, e) => writeTopicResult(w, false, e));
  }
  if (flexible) w.taggedFields();
}
