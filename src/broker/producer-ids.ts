// Hands out idempotent producer ids from blocks reserved durably in the metadata store, so an id is never
// handed out twice, even across restarts (a restart skips the rest of the block it had).
import type { MetadataStore, ProducerIdBlock } from '../metadata/index.js';

const BLOCK_SIZE = 1000;

export class ProducerIdManager {
  #block: ProducerIdBlock | undefined;
  #next = 0;

  constructor(readonly store: MetadataStore) {}

  nextProducerId(): number {
    if (!this.#block || this.#next >= this.#block.firstProducerId + this.#block.size) {
      this.#block = this.store.allocateProducerIds(BLOCK_SIZE);
      this.#next = this.#block.firstProducerId;
    }
    return this.#next++;
  }
}
