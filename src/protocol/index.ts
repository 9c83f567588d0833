// Public face of src/protocol: Kafka wire-protocol codecs. No I/O, no knowledge
// of logs or sockets; other modules import only this file.

export { Reader } from './reader.js';
export type { TaggedField, TagHandler } from './reader.js';
export { Writer } from './writer.js';
export type { ExternalChunk, Part, RecordsPayload, TaggedFieldWrite } from './writer.js';
export { ProtocolDecodeError, ProtocolEncodeError } from './protocol-error.js';
export type { ProtocolDecodeErrorCode, ProtocolEncodeErrorCode } from './protocol-error.js';
export { ErrorCode, errorName, errorCodeByName, errorMessage } from './errors.js';
export { BrokerError, kafkaErrorOf, errorCodeOf, type KafkaErrorInfo } from './broker-error.js';
export type { ErrorName, ErrorCodeValue } from './errors.js';
export { ZERO_UUID } from './codec-helpers.js';
export {
  decodeRequestHeader,
  encodeRequestHeader,
  decodeResponseHeader,
  encodeResponseHeader,
  isFlexible,
  requestHeaderVersion,
  responseHeaderVersion,
} from './header.js';
export type { RequestHeader, ResponseHeader } from './header.js';
export { ApiKey, apiByKey, isSupported, supportedApis } from './registry.js';
export type { ApiKeyValue, ApiModule, SupportedApi } from './registry.js';

export * as ApiVersions from './apis/api-versions.js';
export * as CreateTopics from './apis/create-topics.js';
export * as DeleteGroups from './apis/delete-groups.js';
export * as DeleteTopics from './apis/delete-topics.js';
export * as DescribeGroups from './apis/describe-groups.js';
export * as Fetch from './apis/fetch.js';
export * as FindCoordinator from './apis/find-coordinator.js';
export * as Heartbeat from './apis/heartbeat.js';
export * as InitProducerId from './apis/init-producer-id.js';
export * as JoinGroup from './apis/join-group.js';
export * as LeaveGroup from './apis/leave-group.js';
export * as ListGroups from './apis/list-groups.js';
export * as ListOffsets from './apis/list-offsets.js';
export * as Metadata from './apis/metadata.js';
export * as OffsetCommit from './apis/offset-commit.js';
export * as OffsetDelete from './apis/offset-delete.js';
export * as OffsetFetch from './apis/offset-fetch.js';
export * as Produce from './apis/produce.js';
export * as ProduceLegacy from './apis/produce-legacy.js';
export * as SyncGroup from './apis/sync-group.js';
export * as DescribeConfigs from './apis/describe-configs.js';
export * as AlterConfigs from './apis/alter-configs.js';
export * as IncrementalAlterConfigs from './apis/incremental-alter-configs.js';
export * as CreatePartitions from './apis/create-partitions.js';
export * as DescribeCluster from './apis/describe-cluster.js';
export * as OffsetForLeaderEpoch from './apis/offset-for-leader-epoch.js';
export * as DescribeLogDirs from './apis/describe-log-dirs.js';
export * as DeleteRecords from './apis/delete-records.js';
