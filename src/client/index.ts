// Public face of src/client: a lean Kafka client (producer, simple consumer,
// admin) used by the CLI tools, benchmarks and tests. It speaks only the wire
// protocol (src/protocol) and never imports broker code.

export { Producer } from './producer.js';
export type { ProducerOptions, ProducerMessage, ProducerRecordSet, RecordMetadata, MessageHeaders } from './producer.js';
export { Consumer, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './consumer.js';
export type { ConsumerOptions, ConsumerAssignment, ConsumerRecord, StartPosition } from './consumer.js';
export { Admin } from './admin.js';
export { CONFIG_SOURCE_NAMES } from './admin.js';
export type { AdminOptions, NewTopic, CreateTopicsOptions, CreateTopicResult, DeleteTopicResult, TopicDescription, PartitionOffset, ConfigResource, ConfigEntry, ConfigAlteration, LogDirDescription } from './admin.js';
export type { TopicPartition, PartitionResult, PartitionReassignment } from './admin.js';
export { Cluster, parseBootstrap } from './cluster.js';
export type { ClusterOptions, ClientSecurity, BrokerInfo, TopicInfo, PartitionInfo } from './cluster.js';
export { Connection } from './connection.js';
export type { ConnectionOptions, SaslCredentials, SendOptions, ClientApi } from './connection.js';
export { KafkaClientError, KafkaProtocolError, isRetriable } from './errors.js';
export type { KafkaClientErrorCode } from './errors.js';
export { clientErrorFrom } from './errors.js';
// The wire formats the client speaks live in src/protocol; they are re-exported here for users of the client.
export { CompressionType, COMPRESSION_NAMES, compressionByName, compress, decompress } from '../protocol/index.js';
export type { CompressionName, CompressionCodecId } from '../protocol/index.js';
export { buildRecordBatch, parseRecordBatch, parseRecordBatches, encodeRecords } from '../protocol/index.js';
export type { BatchRecord, RecordHeader, DecodedBatch, DecodedRecord, BuildBatchOptions } from '../protocol/index.js';
export { crc32c } from '../protocol/index.js';
export { murmur2, toPositive, partitionForKey } from '../protocol/index.js';
export { DefaultPartitioner } from './partitioner.js';
export { GroupConsumer } from './group-consumer.js';
export type { GroupConsumerOptions } from './group-consumer.js';
export { ConsumerGroups, coordinatorFor } from './consumer-groups.js';
export type { GroupListing, GroupDescription, GroupMemberDescription, CommittedOffset } from './consumer-groups.js';
export { encodeSubscription, decodeSubscription, encodeAssignment, decodeAssignment, rangeAssign } from '../protocol/index.js';
export type { TopicPartitions } from '../protocol/index.js';
export { describeAcls, createAcls, deleteAcls } from './acls.js';
export type { AclBindingCodes, AclFilterCodes } from './acls.js';
export { describeClientQuotas, alterClientQuotas } from './quotas.js';
export type { QuotaEntityNames, ClientQuotaEntry } from './quotas.js';
