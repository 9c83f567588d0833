// Hands out idempotent producer ids from blocks reserved durably in the metadata store, so an id is never
// handed out twice, even across restarts (a restart skips the rest of the block it had). A block the store
// cannot reserve (a full disk, ZooKeeper gone) is COORDINATOR_LOAD_IN_PROGRESS, as Kafka answers while its
// next block is not there yet (KIP-730): clients retry InitProducerId until it is.
import type { MetadataStore, ProducerIdBlock } from '../metadata/index.js';
import { BrokerError } from '../protocol/index.js';

const BLOCK_SIZE = 1000;

export class ProducerIdManager {
  #block: ProducerIdBlock | undefined;
  #next = 0;

  constructor(readonly store: MetadataStore) {}

  #allocating: Promise<ProducerIdBlock> | undefined;

  async nextProducerId(): Promise<number> {
    while (!this.#block || this.#next >= this.#block.firstProducerId + this.#block.size) {
      // One allocation at a time; callers that find the block used up meanwhile wait for the same one.
      this.#allocating ??= this.store.allocateProducerIds(BLOCK_SIZE)
        .catch((e: unknown) => {
          throw new BrokerError('COORDINATOR_LOAD_IN_PROGRESS', `No producer id block could be reserved: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        })
        .finally(() => (this.#allocating = undefined));
      const block = await this.#allocating;
      if (!this.#block || this.#block.firstProducerId < block.firstProducerId) {
        this.#block = block;
        this.#next = block.firstProducerId;
      }
    }
    return this.#next++;
  }
}
