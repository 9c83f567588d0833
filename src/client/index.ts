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
export { Cluster, parseBootstrap } from './cluster.js';
export type { ClusterOptions, BrokerInfo, TopicInfo, PartitionInfo } from './cluster.js';
export { Connection } from './connection.js';
export type { ConnectionOptions, SendOptions, ClientApi } from './connection.js';
export { KafkaClientError, KafkaProtocolError, isRetriable } from './errors.js';
export type { KafkaClientErrorCode } from './errors.js';
export { CompressionType, COMPRESSION_NAMES, compressionByName, compress, decompress } from './compression.js';
export type { CompressionName, CompressionCodecId } from './compression.js';
export { buildRecordBatch, parseRecordBatch, parseRecordBatches, encodeRecords } from './record-batch.js';
export type { BatchRecord, RecordHeader, DecodedBatch, DecodedRecord, BuildBatchOptions } from './record-batch.js';
export { crc32c } from './crc32c.js';
export { murmur2, toPositive, partitionForKey, DefaultPartitioner } from './partitioner.js';
export { GroupConsumer } from './group-consumer.js';
export type { GroupConsumerOptions } from './group-consumer.js';
export { ConsumerGroups, coordinatorFor } from './consumer-groups.js';
export type { GroupListing, GroupDescription, GroupMemberDescription, CommittedOffset } from './consumer-groups.js';
export { encodeSubscription, decodeSubscription, encodeAssignment, decodeAssignment, rangeAssign } from './consumer-protocol.js';
export type { TopicPartitions } from './consumer-protocol.js';
