// Metadata (API key 3): versions 0-12, flexible from v9.
// Codec derived from apache/kafka clients/src/main/resources/common/message/MetadataRequest.json
// and MetadataResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { required, ZERO_UUID } from '../codec-helpers.js';

export const apiKey = 3;
export const apiName = 'Metadata';
export const minVersion = 0;
export const maxVersion = 12;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 9;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `Metadata v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface MetadataRequest {
  /** The topics to fetch metadata for. (v0+) */
  topics: MetadataRequestTopic[] | null;
  /** If this is true, the broker may auto-create topics that we requested which do not already exist, if it is configured to do so. (v4+) */
  allowAutoTopicCreation: boolean;
  /** Whether to include cluster authorized operations. (v8-10) */
  includeClusterAuthorizedOperations: boolean;
  /** Whether to include topic authorized operations. (v8+) */
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataRequestTopic {
  /** The topic id. (v10+) */
  topicId: string;
  /** The topic name. (v0+) */
  name: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Metadata Request (Version: 0) => [topics]
//     topics => name
//       name => STRING
//   Metadata Request (Version: 9) => [topics] allow_auto_topic_creation include_cluster_authorized_operations include_topic_authorized_operations _tagged_fields
//     topics => name _tagged_fields
//       name => COMPACT_STRING
//     allow_auto_topic_creation => BOOLEAN
//     include_cluster_authorized_operations => BOOLEAN
//     include_topic_authorized_operations => BOOLEAN
//   Metadata Request (Version: 12) => [topics] allow_auto_topic_creation include_topic_authorized_operations _tagged_fields
//     topics => topic_id name _tagged_fields
//       topic_id => UUID
//       name => COMPACT_NULLABLE_STRING
//     allow_auto_topic_creation => BOOLEAN
//     include_topic_authorized_operations => BOOLEAN

export function decodeRequest(r: Reader, version: number): MetadataRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: MetadataRequest = {
    topics: [],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  };
  if (version >= 9) out.topics = r.compactNullableArray((r) => readMetadataRequestTopic(r, version));
  else if (version >= 1) out.topics = r.nullableArray((r) => readMetadataRequestTopic(r, version));
  else out.topics = r.array((r) => readMetadataRequestTopic(r, version));
  if (version >= 4) out.allowAutoTopicCreation = r.bool();
  if (version >= 8 && version <= 10) out.includeClusterAuthorizedOperations = r.bool();
  if (version >= 8) out.includeTopicAuthorizedOperations = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: MetadataRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 9) w.compactNullableArray(v.topics, (w, e) => writeMetadataRequestTopic(w, version, e));
  else if (version >= 1) w.nullableArray(v.topics, (w, e) => writeMetadataRequestTopic(w, version, e));
  else w.array(required(v.topics, 'MetadataRequest.topics'), (w, e) => writeMetadataRequestTopic(w, version, e));
  if (version >= 4) w.bool(v.allowAutoTopicCreation);
  if (version >= 8 && version <= 10) w.bool(v.includeClusterAuthorizedOperations);
  if (version >= 8) w.bool(v.includeTopicAuthorizedOperations);
  if (flexible) w.taggedFields();
}

function readMetadataRequestTopic(r: Reader, version: number): MetadataRequestTopic {
  const flexible = version >= flexibleFrom;
  const out: MetadataRequestTopic = {
    topicId: ZERO_UUID,
    name: '',
  };
  if (version >= 10) out.topicId = r.uuid();
  if (version >= 10) out.name = r.compactNullableString();
  else if (version >= 9) out.name = r.compactString();
  else out.name = r.string();
  if (flexible) r.taggedFields();
  return out;
}

function writeMetadataRequestTopic(w: Writer, version: number, v: MetadataRequestTopic): void {
  const flexible = version >= flexibleFrom;
  if (version >= 10) w.uuid(v.topicId);
  if (version >= 10) w.compactNullableString(v.name);
  else if (version >= 9) w.compactString(required(v.name, 'MetadataRequestTopic.name'));
  else w.string(required(v.name, 'MetadataRequestTopic.name'));
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface MetadataResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v3+) */
  throttleTimeMs: number;
  /** A list of brokers present in the cluster. (v0+) */
  brokers: MetadataResponseBroker[];
  /** The cluster ID that responding broker belongs to. (v2+) */
  clusterId: string | null;
  /** The ID of the controller broker. (v1+) */
  controllerId: number;
  /** Each topic in the response. (v0+) */
  topics: MetadataResponseTopic[];
  /** 32-bit bitfield to represent authorized operations for this cluster. (v8-10) */
  clusterAuthorizedOperations: number;
}

export interface MetadataResponseBroker {
  /** The broker ID. (v0+) */
  nodeId: number;
  /** The broker hostname. (v0+) */
  host: string;
  /** The broker port. (v0+) */
  port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. (v1+) */
  rack: string | null;
}

export interface MetadataResponseTopic {
  /** The topic error, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The topic name. Null for non-existing topics queried by ID. This is never null when ErrorCode is zero. One of Name and TopicId is always populated. (v0+) */
  name: string | null;
  /** The topic id. Zero for non-existing topics queried by name. This is never zero when ErrorCode is zero. One of Name and TopicId is always populated. (v10+) */
  topicId: string;
  /** True if the topic is internal. (v1+) */
  isInternal: boolean;
  /** Each partition in the topic. (v0+) */
  partitions: MetadataResponsePartition[];
  /** 32-bit bitfield to represent authorized operations for this topic. (v8+) */
  topicAuthorizedOperations: number;
}

export interface MetadataResponsePartition {
  /** The partition error, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The ID of the leader broker. (v0+) */
  leaderId: number;
  /** The leader epoch of this partition. (v7+) */
  leaderEpoch: number;
  /** The set of all nodes that host this partition. (v0+) */
  replicaNodes: number[];
  /** The set of nodes that are in sync with the leader for this partition. (v0+) */
  isrNodes: number[];
  /** The set of offline replicas of this partition. (v5+) */
  offlineReplicas: number[];
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   Metadata Response (Version: 0) => [brokers] [topics]
//     brokers => node_id host port
//       node_id => INT32
//       host => STRING
//       port => INT32
//     topics => error_code name [partitions]
//       error_code => INT16
//       name => STRING
//       partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
//         error_code => INT16
//         partition_index => INT32
//         leader_id => INT32
//         replica_nodes => INT32
//         isr_nodes => INT32
//   Metadata Response (Version: 9) => throttle_time_ms [brokers] cluster_id controller_id [topics] cluster_authorized_operations _tagged_fields
//     throttle_time_ms => INT32
//     brokers => node_id host port rack _tagged_fields
//       node_id => INT32
//       host => COMPACT_STRING
//       port => INT32
//       rack => COMPACT_NULLABLE_STRING
//     cluster_id => COMPACT_NULLABLE_STRING
//     controller_id => INT32
//     topics => error_code name is_internal [partitions] topic_authorized_operations _tagged_fields
//       error_code => INT16
//       name => COMPACT_STRING
//       is_internal => BOOLEAN
//       partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] _tagged_fields
//         error_code => INT16
//         partition_index => INT32
//         leader_id => INT32
//         leader_epoch => INT32
//         replica_nodes => INT32
//         isr_nodes => INT32
//         offline_replicas => INT32
//       topic_authorized_operations => INT32
//     cluster_authorized_operations => INT32
//   Metadata Response (Version: 12) => throttle_time_ms [brokers] cluster_id controller_id [topics] _tagged_fields
//     throttle_time_ms => INT32
//     brokers => node_id host port rack _tagged_fields
//       node_id => INT32
//       host => COMPACT_STRING
//       port => INT32
//       rack => COMPACT_NULLABLE_STRING
//     cluster_id => COMPACT_NULLABLE_STRING
//     controller_id => INT32
//     topics => error_code name topic_id is_internal [partitions] topic_authorized_operations _tagged_fields
//       error_code => INT16
//       name => COMPACT_NULLABLE_STRING
//       topic_id => UUID
//       is_internal => BOOLEAN
//       partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] _tagged_fields
//         error_code => INT16
//         partition_index => INT32
//         leader_id => INT32
//         leader_epoch => INT32
//         replica_nodes => INT32
//         isr_nodes => INT32
//         offline_replicas => INT32
//       topic_authorized_operations => INT32

export function decodeResponse(r: Reader, version: number): MetadataResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: MetadataResponse = {
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: [],
    clusterAuthorizedOperations: -2147483648,
  };
  if (version >= 3) out.throttleTimeMs = r.int32();
  if (flexible) out.brokers = r.compactArray((r) => readMetadataResponseBroker(r, version));
  else out.brokers = r.array((r) => readMetadataResponseBroker(r, version));
  if (version >= 2) out.clusterId = flexible ? r.compactNullableString() : r.nullableString();
  if (version >= 1) out.controllerId = r.int32();
  if (flexible) out.topics = r.compactArray((r) => readMetadataResponseTopic(r, version));
  else out.topics = r.array((r) => readMetadataResponseTopic(r, version));
  if (version >= 8 && version <= 10) out.clusterAuthorizedOperations = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: MetadataResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 3) w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.brokers, (w, e) => writeMetadataResponseBroker(w, version, e));
  else w.array(v.brokers, (w, e) => writeMetadataResponseBroker(w, version, e));
  if (version >= 2) {
    if (flexible) w.compactNullableString(v.clusterId);
    else w.nullableString(v.clusterId);
  }
  if (version >= 1) w.int32(v.controllerId);
  if (flexible) w.compactArray(v.topics, (w, e) => writeMetadataResponseTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeMetadataResponseTopic(w, version, e));
  if (version >= 8 && version <= 10) w.int32(v.clusterAuthorizedOperations);
  if (flexible) w.taggedFields();
}

function readMetadataResponseBroker(r: Reader, version: number): MetadataResponseBroker {
  const flexible = version >= flexibleFrom;
  const out: MetadataResponseBroker = {
    nodeId: 0,
    host: '',
    port: 0,
    rack: null,
  };
  out.nodeId = r.int32();
  out.host = flexible ? r.compactString() : r.string();
  out.port = r.int32();
  if (version >= 1) out.rack = flexible ? r.compactNullableString() : r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeMetadataResponseBroker(w: Writer, version: number, v: MetadataResponseBroker): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.nodeId);
  if (flexible) w.compactString(v.host);
  else w.string(v.host);
  w.int32(v.port);
  if (version >= 1) {
    if (flexible) w.compactNullableString(v.rack);
    else w.nullableString(v.rack);
  }
  if (flexible) w.taggedFields();
}

function readMetadataResponseTopic(r: Reader, version: number): MetadataResponseTopic {
  const flexible = version >= flexibleFrom;
  const out: MetadataResponseTopic = {
    errorCode: 0,
    name: '',
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: -2147483648,
  };
  out.errorCode = r.int16();
  if (version >= 12) out.name = r.compactNullableString();
  else if (version >= 9) out.name = r.compactString();
  else out.name = r.string();
  if (version >= 10) out.topicId = r.uuid();
  if (version >= 1) out.isInternal = r.bool();
  if (flexible) out.partitions = r.compactArray((r) => readMetadataResponsePartition(r, version));
  else out.partitions = r.array((r) => readMetadataResponsePartition(r, version));
  if (version >= 8) out.topicAuthorizedOperations = r.int32();
  if (flexible) r.taggedFields();
  return out;
}

function writeMetadataResponseTopic(w: Writer, version: number, v: MetadataResponseTopic): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  if (version >= 12) w.compactNullableString(v.name);
  else if (version >= 9) w.compactString(required(v.name, 'MetadataResponseTopic.name'));
  else w.string(required(v.name, 'MetadataResponseTopic.name'));
  if (version >= 10) w.uuid(v.topicId);
  if (version >= 1) w.bool(v.isInternal);
  if (flexible) w.compactArray(v.partitions, (w, e) => writeMetadataResponsePartition(w, version, e));
  else w.array(v.partitions, (w, e) => writeMetadataResponsePartition(w, version, e));
  if (version >= 8) w.int32(v.topicAuthorizedOperations);
  if (flexible) w.taggedFields();
}

function readMetadataResponsePartition(r: Reader, version: number): MetadataResponsePartition {
  const flexible = version >= flexibleFrom;
  const out: MetadataResponsePartition = {
    errorCode: 0,
    partitionIndex: 0,
    leaderId: 0,
    leaderEpoch: -1,
    replicaNodes: [],
    isrNodes: [],
    offlineReplicas: [],
  };
  out.errorCode = r.int16();
  out.partitionIndex = r.int32();
  out.leaderId = r.int32();
  if (version >= 7) out.leaderEpoch = r.int32();
  out.replicaNodes = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  out.isrNodes = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (version >= 5) out.offlineReplicas = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeMetadataResponsePartition(w: Writer, version: number, v: MetadataResponsePartition): void {
  const flexible = version >= flexibleFrom;
  w.int16(v.errorCode);
  w.int32(v.partitionIndex);
  w.int32(v.leaderId);
  if (version >= 7) w.int32(v.leaderEpoch);
  if (flexible) w.compactArray(v.replicaNodes, (w, e) => w.int32(e));
  else w.array(v.replicaNodes, (w, e) => w.int32(e));
  if (flexible) w.compactArray(v.isrNodes, (w, e) => w.int32(e));
  else w.array(v.isrNodes, (w, e) => w.int32(e));
  if (version >= 5) {
    if (flexible) w.compactArray(v.offlineReplicas, (w, e) => w.int32(e));
    else w.array(v.offlineReplicas, (w, e) => w.int32(e));
  }
  if (flexible) w.taggedFields();
}
