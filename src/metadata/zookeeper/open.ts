// Loads the ZooKeeper-backed store on demand (zookeeper.connect set): its client is not loaded otherwise.
import type { ZooKeeperMetadataStore, ZooKeeperMetadataStoreOptions } from './zookeeper-store.js';

export async function openZooKeeperStore(opts: ZooKeeperMetadataStoreOptions): Promise<ZooKeeperMetadataStore> {
  const { ZooKeeperMetadataStore: Store } = await import('./zookeeper-store.js');
  return new Store(opts);
}
