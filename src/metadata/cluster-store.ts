// Which metadata stores are a cluster's (ClusterMetadataStore, src/metadata/store.ts): ZooKeeper's for
// real clusters, InMemoryCluster's for brokers that share one process.
import type { ClusterMetadataEvents, ClusterMetadataStore, MetadataStore } from './store.js';

export type ClusterEvent = keyof ClusterMetadataEvents;

/** Whether a metadata store is a cluster's. */
export function isClusterStore(s: MetadataStore): s is ClusterMetadataStore {
  return typeof (s as Partial<ClusterMetadataStore>).registerBroker === 'function';
}
