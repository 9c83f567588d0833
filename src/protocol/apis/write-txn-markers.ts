// WriteTxnMarkers (API key 27): versions 0-2, flexible from v1. Sent by a transaction coordinator to the
// leaders of a transaction's partitions; every broker serves it.
// Codec written from apache/kafka clients/src/main/resources/common/message/WriteTxnMarkersRequest.json and
// WriteTxnMarkersResponse.json (v0 is gone from Kafka 4.0 but 3.x coordinators send it; v2 adds
// TransactionVersion to each marker; the v2 response is the v1 layout).

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const apiKey = 27;
export const apiName = 'WriteTxnMarkers';
export const minVersion = 0;
export const maxVersion = 2;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 1;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `WriteTxnMarkers v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface WriteTxnMarkersRequest {
  /** The transaction markers to be written. (v0+) */
  markers: WritableTxnMarker[];
}

export interface WritableTxnMarker {
  /** The current producer ID. (v0+) */
  producerId: number;
  /** The current epoch associated with the producer ID. (v0+) */
  producerEpoch: number;
  /** The result of the transaction to write to the partitions (false = ABORT, true = COMMIT). (v0+) */
  transactionResult: boolean;
  /** Each topic that we want to write transaction marker(s) for. (v0+) */
  topics: WritableTxnMarkerTopic[];
  /** Epoch associated with the transaction state partition hosted by this transaction coordinator. (v0+) */
  coordinatorEpoch: number;
  /** Transaction version of the marker: 0/1 legacy, 2 TV2. (v2+, default 0) */
  transactionVersion: number;
}

export interface WritableTxnMarkerTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The indexes of the partitions to write transaction markers for. (v0+) */
  partitionIndexes: number[];
}

// Kafka grammar:
//   WriteTxnMarkers Request (Version: 0) => [markers]
//     markers => producer_id producer_epoch transaction_result [topics] coordinator_epoch
//       producer_id => INT64
//       producer_epoch => INT16
//       transaction_result => BOOLEAN
//       topics => name [partition_indexes]
//         name => STRING
//         partition_indexes => INT32
//       coordinator_epoch => INT32
//   WriteTxnMarkers Request (Version: 1) => [markers] _tagged_fields
//     markers => producer_id producer_epoch transaction_result [topics] coordinator_epoch _tagged_fields
//       topics => name [partition_indexes] _tagged_fields
//         name => COMPACT_STRING
//   WriteTxnMarkers Request (Version: 2) => [markers] _tagged_fields
//     markers => producer_id producer_epoch transaction_result [topics] coordinator_epoch transaction_version _tagged_fields
//       transaction_version => INT8

export function decodeRequest(r: Reader, version: number): WriteTxnMarkersRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const markers = flexible ? r.compactArray((r) => readMarker(r, version)) : r.array((r) => readMarker(r, version));
  if (flexible) r.taggedFields();
  return { markers };
}

export function encodeRequest(w: Writer, version: number, v: WriteTxnMarkersRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactArray(v.markers, (w, e) => writeMarker(w, version, e));
  else w.array(v.markers, (w, e) => writeMarker(w, version, e));
  if (flexible) w.taggedFields();
}

function readMarker(r: Reader, version: number): WritableTxnMarker {
  const flexible = version >= flexibleFrom;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const transactionResult = r.bool();
  const topics = flexible ? r.compactArray((r) => readTopic(r, version)) : r.array((r) => readTopic(r, version));
  const coordinatorEpoch = r.int32();
  const transactionVersion = version >= 2 ? r.int8() : 0;
  if (flexible) r.taggedFields();
  return { producerId, producerEpoch, transactionResult, topics, coordinatorEpoch, transactionVersion };
}

function writeMarker(w: Writer, version: number, v: WritableTxnMarker): void {
  const flexible = version >= flexibleFrom;
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  w.bool(v.transactionResult);
  if (flexible) w.compactArray(v.topics, (w, e) => writeTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeTopic(w, version, e));
  w.int32(v.coordinatorEpoch);
  if (version >= 2) w.int8(v.transactionVersion);
  if (flexible) w.taggedFields();
}

function readTopic(r: Reader, version: number): WritableTxnMarkerTopic {
  const flexible = version >= flexibleFrom;
  const name = flexible ? r.compactString() : r.string();
  const partitionIndexes = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return { name, partitionIndexes };
}

function writeTopic(w: Writer, version: number, v: WritableTxnMarkerTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactArray(v.partitionIndexes, (w, e) => w.int32(e));
  else w.array(v.partitionIndexes, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface WriteTxnMarkersResponse {
  /** The results for writing makers. (v0+) */
  markers: WritableTxnMarkerResult[];
}

export interface WritableTxnMarkerResult {
  /** The current producer ID in use by the transactional ID. (v0+) */
  producerId: number;
  /** The results by topic. (v0+) */
  topics: WritableTxnMarkerTopicResult[];
}

export interface WritableTxnMarkerTopicResult {
  /** The topic name. (v0+) */
  name: string;
  /** The results by partition. (v0+) */
  partitions: WritableTxnMarkerPartitionResult[];
}

export interface WritableTxnMarkerPartitionResult {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
}

// Kafka grammar:
//   WriteTxnMarkers Response (Version: 0) => [markers]
//     markers => producer_id [topics]
//       producer_id => INT64
//       topics => name [partitions]
//         name => STRING
//         partitions => partition_index error_code
//           partition_index => INT32
//           error_code => INT16
//   WriteTxnMarkers Response (Version: 1) => [markers] _tagged_fields  (compact arrays and strings, tagged fields at each level)

export function decodeResponse(r: Reader, version: number): WriteTxnMarkersResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const readPartition = (r: Reader): WritableTxnMarkerPartitionResult => {
    const out = { partitionIndex: r.int32(), errorCode: r.int16() };
    if (flexible) r.taggedFields();
    return out;
  };
  const readTopicResult = (r: Reader): WritableTxnMarkerTopicResult => {
    const name = flexible ? r.compactString() : r.string();
    const partitions = flexible ? r.compactArray(readPartition) : r.array(readPartition);
    if (flexible) r.taggedFields();
    return { name, partitions };
  };
  const readResult = (r: Reader): WritableTxnMarkerResult => {
    const producerId = r.int64();
    const topics = flexible ? r.compactArray(readTopicResult) : r.array(readTopicResult);
    if (flexible) r.taggedFields();
    return { producerId, topics };
  };
  const markers = flexible ? r.compactArray(readResult) : r.array(readResult);
  if (flexible) r.taggedFields();
  return { markers };
}

export function encodeResponse(w: Writer, version: number, v: WriteTxnMarkersResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  const writePartition = (w: Writer, p: WritableTxnMarkerPartitionResult): void => {
    w.int32(p.partitionIndex);
    w.int16(p.errorCode);
    if (flexible) w.taggedFields();
  };
  const writeTopicResult = (w: Writer, t: WritableTxnMarkerTopicResult): void => {
    if (flexible) w.compactString(t.name);
    else w.string(t.name);
    if (flexible) w.compactArray(t.partitions, writePartition);
    else w.array(t.partitions, writePartition);
    if (flexible) w.taggedFields();
  };
  const writeResult = (w: Writer, m: WritableTxnMarkerResult): void => {
    w.int64(m.producerId);
    if (flexible) w.compactArray(m.topics, writeTopicResult);
    else w.array(m.topics, writeTopicResult);
    if (flexible) w.taggedFields();
  };
  if (flexible) w.compactArray(v.markers, writeResult);
  else w.array(v.markers, writeResult);
  if (flexible) w.taggedFields();
}
