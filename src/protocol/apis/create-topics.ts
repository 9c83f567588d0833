// CreateTopics (API key 19): versions 0-7, flexible from v5.
// Codec derived from apache/kafka clients/src/main/resources/common/message/CreateTopicsRequest.json
// and CreateTopicsResponse.json (commit 1eb7644349cb); versions differ by the if (version ...) guards.

import { ProtocolDecodeError, ProtocolEncodeError } from '../protocol-error.js';
import type { Reader } from '../reader.js';
import type { Writer, TaggedFieldWrite } from '../writer.js';
import { ZERO_UUID } from '../codec-helpers.js';

export const apiKey = 19;
export const apiName = 'CreateTopics';
export const minVersion = 0;
export const maxVersion = 7;
/** First flexible version (compact encodings and tagged fields). */
export const flexibleFrom = 5;

function checkVersion(version: number, op: 'decode' | 'encode'): void {
  if (Number.isInteger(version) && version >= minVersion && version <= maxVersion) return;
  const message = `CreateTopics v${version} is not supported (v${minVersion}-v${maxVersion})`;
  throw op === 'decode'
    ? new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message)
    : new ProtocolEncodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', message);
}

// ---- request ------------------------------------------------------------

export interface CreateTopicsRequest {
  /** The topics to create. (v0+) */
  topics: CreatableTopic[];
  /** How long to wait in milliseconds before timing out the request. (v0+) */
  timeoutMs: number;
  /** If true, check that the topics can be created as specified, but don't create anything. (v1+) */
  validateOnly: boolean;
}

export interface CreatableTopic {
  /** The topic name. (v0+) */
  name: string;
  /** The number of partitions to create in the topic, or -1 if we are either specifying a manual partition assignment or using the default partitions. (v0+) */
  numPartitions: number;
  /** The number of replicas to create for each partition in the topic, or -1 if we are either specifying a manual partition assignment or using the default replication factor. (v0+) */
  replicationFactor: number;
  /** The manual partition assignment, or the empty array if we are using automatic assignment. (v0+) */
  assignments: CreatableReplicaAssignment[];
  /** The custom topic configurations to set. (v0+) */
  configs: CreatableTopicConfig[];
}

export interface CreatableReplicaAssignment {
  /** The partition index. (v0+) */
  partitionIndex: number;
  /** The brokers to place the partition on. (v0+) */
  brokerIds: number[];
}

export interface CreatableTopicConfig {
  /** The configuration name. (v0+) */
  name: string;
  /** The configuration value. (v0+) */
  value: string | null;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   CreateTopics Request (Version: 0) => [topics] timeout_ms
//     topics => name num_partitions replication_factor [assignments] [configs]
//       name => STRING
//       num_partitions => INT32
//       replication_factor => INT16
//       assignments => partition_index [broker_ids]
//         partition_index => INT32
//         broker_ids => INT32
//       configs => name value
//         name => STRING
//         value => NULLABLE_STRING
//     timeout_ms => INT32
//   CreateTopics Request (Version: 5) => [topics] timeout_ms validate_only _tagged_fields
//     topics => name num_partitions replication_factor [assignments] [configs] _tagged_fields
//       name => COMPACT_STRING
//       num_partitions => INT32
//       replication_factor => INT16
//       assignments => partition_index [broker_ids] _tagged_fields
//         partition_index => INT32
//         broker_ids => INT32
//       configs => name value _tagged_fields
//         name => COMPACT_STRING
//         value => COMPACT_NULLABLE_STRING
//     timeout_ms => INT32
//     validate_only => BOOLEAN
//   CreateTopics Request (Version: 7) => [topics] timeout_ms validate_only _tagged_fields
//     topics => name num_partitions replication_factor [assignments] [configs] _tagged_fields
//       name => COMPACT_STRING
//       num_partitions => INT32
//       replication_factor => INT16
//       assignments => partition_index [broker_ids] _tagged_fields
//         partition_index => INT32
//         broker_ids => INT32
//       configs => name value _tagged_fields
//         name => COMPACT_STRING
//         value => COMPACT_NULLABLE_STRING
//     timeout_ms => INT32
//     validate_only => BOOLEAN

export function decodeRequest(r: Reader, version: number): CreateTopicsRequest {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: CreateTopicsRequest = {
    topics: [],
    timeoutMs: 60000,
    validateOnly: false,
  };
  if (flexible) out.topics = r.compactArray((r) => readCreatableTopic(r, version));
  else out.topics = r.array((r) => readCreatableTopic(r, version));
  out.timeoutMs = r.int32();
  if (version >= 1) out.validateOnly = r.bool();
  if (flexible) r.taggedFields();
  return out;
}

export function encodeRequest(w: Writer, version: number, v: CreateTopicsRequest): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactArray(v.topics, (w, e) => writeCreatableTopic(w, version, e));
  else w.array(v.topics, (w, e) => writeCreatableTopic(w, version, e));
  w.int32(v.timeoutMs);
  if (version >= 1) w.bool(v.validateOnly);
  if (flexible) w.taggedFields();
}

function readCreatableTopic(r: Reader, version: number): CreatableTopic {
  const flexible = version >= flexibleFrom;
  const out: CreatableTopic = {
    name: '',
    numPartitions: 0,
    replicationFactor: 0,
    assignments: [],
    configs: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  out.numPartitions = r.int32();
  out.replicationFactor = r.int16();
  if (flexible) out.assignments = r.compactArray((r) => readCreatableReplicaAssignment(r, version));
  else out.assignments = r.array((r) => readCreatableReplicaAssignment(r, version));
  if (flexible) out.configs = r.compactArray((r) => readCreatableTopicConfig(r, version));
  else out.configs = r.array((r) => readCreatableTopicConfig(r, version));
  if (flexible) r.taggedFields();
  return out;
}

function writeCreatableTopic(w: Writer, version: number, v: CreatableTopic): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  w.int32(v.numPartitions);
  w.int16(v.replicationFactor);
  if (flexible) w.compactArray(v.assignments, (w, e) => writeCreatableReplicaAssignment(w, version, e));
  else w.array(v.assignments, (w, e) => writeCreatableReplicaAssignment(w, version, e));
  if (flexible) w.compactArray(v.configs, (w, e) => writeCreatableTopicConfig(w, version, e));
  else w.array(v.configs, (w, e) => writeCreatableTopicConfig(w, version, e));
  if (flexible) w.taggedFields();
}

function readCreatableReplicaAssignment(r: Reader, version: number): CreatableReplicaAssignment {
  const flexible = version >= flexibleFrom;
  const out: CreatableReplicaAssignment = {
    partitionIndex: 0,
    brokerIds: [],
  };
  out.partitionIndex = r.int32();
  out.brokerIds = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
  if (flexible) r.taggedFields();
  return out;
}

function writeCreatableReplicaAssignment(w: Writer, version: number, v: CreatableReplicaAssignment): void {
  const flexible = version >= flexibleFrom;
  w.int32(v.partitionIndex);
  if (flexible) w.compactArray(v.brokerIds, (w, e) => w.int32(e));
  else w.array(v.brokerIds, (w, e) => w.int32(e));
  if (flexible) w.taggedFields();
}

function readCreatableTopicConfig(r: Reader, version: number): CreatableTopicConfig {
  const flexible = version >= flexibleFrom;
  const out: CreatableTopicConfig = {
    name: '',
    value: '',
  };
  out.name = flexible ? r.compactString() : r.string();
  out.value = flexible ? r.compactNullableString() : r.nullableString();
  if (flexible) r.taggedFields();
  return out;
}

function writeCreatableTopicConfig(w: Writer, version: number, v: CreatableTopicConfig): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (flexible) w.compactNullableString(v.value);
  else w.nullableString(v.value);
  if (flexible) w.taggedFields();
}

// ---- response ------------------------------------------------------------

export interface CreateTopicsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2+) */
  throttleTimeMs: number;
  /** Results for each topic we tried to create. (v0+) */
  topics: CreatableTopicResult[];
}

export interface CreatableTopicResult {
  /** The topic name. (v0+) */
  name: string;
  /** The unique topic ID (v7+) */
  topicId: string;
  /** The error code, or 0 if there was no error. (v0+) */
  errorCode: number;
  /** The error message, or null if there was no error. (v1+) */
  errorMessage: string | null;
  /** Optional topic config error returned if configs are not returned in the response. (v5+, tagged 0) */
  topicConfigErrorCode?: number;
  /** Number of partitions of the topic. (v5+) */
  numPartitions: number;
  /** Replication factor of the topic. (v5+) */
  replicationFactor: number;
  /** Configuration of the topic. (v5+) */
  configs: CreatableTopicConfigs[] | null;
}

export interface CreatableTopicConfigs {
  /** The configuration name. (v5+) */
  name: string;
  /** The configuration value. (v5+) */
  value: string | null;
  /** True if the configuration is read-only. (v5+) */
  readOnly: boolean;
  /** The configuration source. (v5+) */
  configSource: number;
  /** True if this configuration is sensitive. (v5+) */
  isSensitive: boolean;
}

// Kafka grammar (lowest, first flexible and highest supported versions):
//   CreateTopics Response (Version: 0) => [topics]
//     topics => name error_code
//       name => STRING
//       error_code => INT16
//   CreateTopics Response (Version: 5) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name error_code error_message num_partitions replication_factor [configs] _tagged_fields
//       name => COMPACT_STRING
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING
//       num_partitions => INT32
//       replication_factor => INT16
//       configs => name value read_only config_source is_sensitive _tagged_fields
//         name => COMPACT_STRING
//         value => COMPACT_NULLABLE_STRING
//         read_only => BOOLEAN
//         config_source => INT8
//         is_sensitive => BOOLEAN
//       <tag 0> topic_config_error_code => INT16
//   CreateTopics Response (Version: 7) => throttle_time_ms [topics] _tagged_fields
//     throttle_time_ms => INT32
//     topics => name topic_id error_code error_message num_partitions replication_factor [configs] _tagged_fields
//       name => COMPACT_STRING
//       topic_id => UUID
//       error_code => INT16
//       error_message => COMPACT_NULLABLE_STRING
//       num_partitions => INT32
//       replication_factor => INT16
//       configs => name value read_only config_source is_sensitive _tagged_fields
//         name => COMPACT_STRING
//         value => COMPACT_NULLABLE_STRING
//         read_only => BOOLEAN
//         config_source => INT8
//         is_sensitive => BOOLEAN
//       <tag 0> topic_config_error_code => INT16

export function decodeResponse(r: Reader, version: number): CreateTopicsResponse {
  checkVersion(version, 'decode');
  const flexible = version >= flexibleFrom;
  const out: CreateTopicsResponse = {
    throttleTimeMs: 0,
    topics: [],
  };
  if (version >= 2) out.throttleTimeMs = r.int32();
  if (flexible) out.topics = r.compactArray((r) => readCreatableTopicResult(r, version));
  else out.topics = r.array((r) => readCreatableTopicResult(r, version));
  if (flexible) r.taggedFields();
  return out;
}

export function encodeResponse(w: Writer, version: number, v: CreateTopicsResponse): void {
  checkVersion(version, 'encode');
  const flexible = version >= flexibleFrom;
  if (version >= 2) w.int32(v.throttleTimeMs);
  if (flexible) w.compactArray(v.topics, (w, e) => writeCreatableTopicResult(w, version, e));
  else w.array(v.topics, (w, e) => writeCreatableTopicResult(w, version, e));
  if (flexible) w.taggedFields();
}

function readCreatableTopicResult(r: Reader, version: number): CreatableTopicResult {
  const flexible = version >= flexibleFrom;
  const out: CreatableTopicResult = {
    name: '',
    topicId: ZERO_UUID,
    errorCode: 0,
    errorMessage: '',
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
  out.name = flexible ? r.compactString() : r.string();
  if (version >= 7) out.topicId = r.uuid();
  out.errorCode = r.int16();
  if (version >= 1) out.errorMessage = flexible ? r.compactNullableString() : r.nullableString();
  if (version >= 5) out.numPartitions = r.int32();
  if (version >= 5) out.replicationFactor = r.int16();
  if (version >= 5) out.configs = r.compactNullableArray((r) => readCreatableTopicConfigs(r, version));
  if (flexible) r.taggedFields((tag, t) => {
    switch (tag) {
      case 0:
        out.topicConfigErrorCode = t.int16();
        return true;
    }
    return false;
  });
  return out;
}

function writeCreatableTopicResult(w: Writer, version: number, v: CreatableTopicResult): void {
  const flexible = version >= flexibleFrom;
  if (flexible) w.compactString(v.name);
  else w.string(v.name);
  if (version >= 7) w.uuid(v.topicId);
  w.int16(v.errorCode);
  if (version >= 1) {
    if (flexible) w.compactNullableString(v.errorMessage);
    else w.nullableString(v.errorMessage);
  }
  if (version >= 5) w.int32(v.numPartitions);
  if (version >= 5) w.int16(v.replicationFactor);
  if (version >= 5) w.compactNullableArray(v.configs, (w, e) => writeCreatableTopicConfigs(w, version, e));
  if (flexible) {
    const tagged: TaggedFieldWrite[] = [];
    const topicConfigErrorCode = v.topicConfigErrorCode;
    if (topicConfigErrorCode !== undefined && topicConfigErrorCode !== 0) {
      const value = topicConfigErrorCode;
      tagged.push([0, (w) => w.int16(value)]);
    }
    w.taggedFields(tagged);
  }
}

function readCreatableTopicConfigs(r: Reader, _version: number): CreatableTopicConfigs {
  const out: CreatableTopicConfigs = {
    name: '',
    value: '',
    readOnly: false,
    configSource: -1,
    isSensitive: false,
  };
  out.name = r.compactString();
  out.value = r.compactNullableString();
  out.readOnly = r.bool();
  out.configSource = r.int8();
  out.isSensitive = r.bool();
  r.taggedFields();
  return out;
}

function writeCreatableTopicConfigs(w: Writer, _version: number, v: CreatableTopicConfigs): void {
  w.compactString(v.name);
  w.compactNullableString(v.value);
  w.bool(v.readOnly);
  w.int8(v.configSource);
  w.bool(v.isSensitive);
  w.taggedFields();
}
