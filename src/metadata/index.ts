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
} from './store.js';
export { LocalMetadataStore, METADATA_FILE } from './local-store.js';
export { validateTopicName, MAX_TOPIC_NAME_LENGTH } from './topic-name.js';
export { ZooKeeperMetadataStore, type ZooKeeperMetadataStoreOptions } from './zookeeper/zookeeper-store.js';
export { ZkSession, ZooKeeperError, ZooKeeperConnectError, parseConnectString, type ZkErrorCode, type ZkSessionOptions } from './zookeeper/zk-session.js';
export { isClusterStore, type ClusterEvent } from './cluster-store.js';
export { InMemoryCluster, InMemoryClusterStore } from './memory-cluster.js';
