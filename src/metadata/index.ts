// Public face of the metadata module: topics, configs and producer id blocks behind MetadataStore; for a
// cluster, ClusterMetadataStore in ZooKeeper (brokers, controller, partition states).
export type {
  MetadataStore,
  TopicMetadata,
  TopicChange,
  NewTopic,
  ProducerIdBlock,
  ClusterMetadataStore,
  ClusterMetadataEvents,
  BrokerEndpoint,
  BrokerRegistration,
  ControllerInfo,
  PartitionState,
  VersionedPartitionState,
  PartitionReassignment,
  ReplicaAssignmentChange,
} from './store.js';
export { MetadataStorageError, MetadataUnavailableError, SCRAM_CONFIG_KEYS } from './store.js';
export { AclTable, STORED_RESOURCE_TYPES, aclResourceKey, sameAcl, type AclResource, type AclResourceEntry, type StoredAcl, type StoredResourceType, type StoredPatternType } from './acls.js';
export { QuotaTable, QUOTA_KEYS, IP_CONNECTION_RATE_KEY, DEFAULT_QUOTA_ENTITY, quotaEntityKey, type QuotaEntity, type QuotaEntry } from './quotas.js';
export { LocalMetadataStore, METADATA_FILE } from './local-store.js';
export { validateTopicName, MAX_TOPIC_NAME_LENGTH } from './topic-name.js';
// The ZooKeeper store and its client load only when a broker joins a cluster (openZooKeeperStore), so a
// single node does not carry them; tests import the modules below directly.
export type { ZooKeeperMetadataStore, ZooKeeperMetadataStoreOptions } from './zookeeper/zookeeper-store.js';
export type { ZkErrorCode, ZkSessionOptions } from './zookeeper/zk-session.js';
export { openZooKeeperStore } from './zookeeper/open.js';
export { isClusterStore, type ClusterEvent } from './cluster-store.js';
export { InMemoryCluster, InMemoryClusterStore } from './memory-cluster.js';
