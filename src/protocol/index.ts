// Public face of src/protocol: Kafka wire-protocol codecs and every wire format (RecordBatch v2 with
// its compression, murmur2, the consumer embedded protocol). No I/O, no knowledge of logs or
// sockets; other modules import only this file.

export { Reader } from './reader.js';
export type { TaggedField, TagHandler } from './reader.js';
export { Writer } from './writer.js';
export type { ExternalChunk, Part, RecordsPayload, TaggedFieldWrite } from './writer.js';
export { ProtocolDecodeError, ProtocolEncodeError } from './protocol-error.js';
export type { ProtocolDecodeErrorCode, ProtocolEncodeErrorCode } from './protocol-error.js';
export { ErrorCode, errorName, errorCodeByName, errorMessage } from './errors.js';
export { asBrokerError, BrokerError, kafkaErrorOf, errorCodeOf, type KafkaErrorInfo } from './broker-error.js';
export type { ErrorName, ErrorCodeValue } from './errors.js';
export { ZERO_UUID } from './codec-helpers.js';
export { unsignedVarintSize, varintSize, varlongSize, writeUnsignedVarintAt, writeVarintAt, writeVarlongAt, readInt64At, writeInt64At } from './varint.js';
export {
  RECORD_BATCH_OVERHEAD, COMPRESSION_CODEC_MASK, TIMESTAMP_TYPE_FLAG, TRANSACTIONAL_FLAG, CONTROL_FLAG,
  NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, NO_PARTITION_LEADER_EPOCH, ControlRecordType,
  encodeRecords, buildRecordBatch, buildRecordBatchSync, buildControlBatch, encodeEndTransactionMarker, decodeEndTransactionMarker,
  splitRecordBatches, readRecordBatchHeader, parseRecordBatch, parseRecordBatchSync, parseRecordBatches, parseRecordBatchesSync,
} from './records/record-batch.js';
export type {
  BatchRecord, BuildBatchOptions, ControlBatchOptions, ControlRecordTypeId, Crc32cFunction, DecodedBatch, DecodedRecord,
  EndTransactionMarker, ParseOptions, RecordBatchHeader, RecordHeader,
} from './records/record-batch.js';
export { RecordBatchError } from './records/record-batch-error.js';
export type { RecordBatchErrorCode } from './records/record-batch-error.js';
export { CompressionType, COMPRESSION_NAMES, compressionByName, codecName, compress, decompress } from './records/compression.js';
export type { CompressionName, CompressionCodecId } from './records/compression.js';
export { crc32c } from './records/crc32c.js';
export { murmur2, toPositive, partitionForKey } from './murmur2.js';
export {
  CONSUMER_PROTOCOL_TYPE, CONSUMER_PROTOCOL_HIGHEST_VERSION, encodeSubscription, decodeSubscription, encodeAssignment, decodeAssignment,
  rangeAssign, roundRobinAssign, ASSIGNORS,
} from './consumer-protocol.js';
export type { TopicPartitions, ConsumerSubscription, ConsumerAssignment, AssignorMember, AssignmentPlan, Assignor } from './consumer-protocol.js';
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
export * as AddPartitionsToTxn from './apis/add-partitions-to-txn.js';
export * as AddOffsetsToTxn from './apis/add-offsets-to-txn.js';
export * as EndTxn from './apis/end-txn.js';
export * as TxnOffsetCommit from './apis/txn-offset-commit.js';
export * as DescribeTransactions from './apis/describe-transactions.js';
export * as ListTransactions from './apis/list-transactions.js';
export * as DescribeProducers from './apis/describe-producers.js';
export * as WriteTxnMarkers from './apis/write-txn-markers.js';
export * as SaslHandshake from './apis/sasl-handshake.js';
export * as SaslAuthenticate from './apis/sasl-authenticate.js';
export * as DescribeUserScramCredentials from './apis/describe-user-scram-credentials.js';
export * as AlterUserScramCredentials from './apis/alter-user-scram-credentials.js';
export * as Scram from './sasl/scram.js';
export * as SaslPlain from './sasl/plain.js';
export * as DescribeAcls from './apis/describe-acls.js';
export * as CreateAcls from './apis/create-acls.js';
export * as DeleteAcls from './apis/delete-acls.js';
export * as DescribeClientQuotas from './apis/describe-client-quotas.js';
export * as AlterClientQuotas from './apis/alter-client-quotas.js';
export * as ElectLeaders from './apis/elect-leaders.js';
export * as AlterPartitionReassignments from './apis/alter-partition-reassignments.js';
export * as ListPartitionReassignments from './apis/list-partition-reassignments.js';
