// Choosing a partition for a record, the way the Java client's default
// partitioner does: keyed records go to toPositive(murmur2(keyBytes)) % n, so
// the same key lands on the same partition whichever client wrote it; records
// without a key stick to one partition until the batch for it is sent, then move
// on (round-robin over partitions), which keeps batches full.

import { partitionForKey } from '../protocol/index.js';

export interface PartitionerInput {
  topic: string;
  key: Buffer | null;
  numPartitions: number;
}

/**
 * The default partitioner: murmur2 for keyed records; for null keys a sticky
 * partition per topic, changed by `onNewBatch` (called when the producer closes a
 * batch for that topic's sticky partition), walking round-robin from a random start.
 */
export class DefaultPartitioner {
  readonly #sticky = new Map<string, number>();

  partition({ topic, key, numPartitions }: PartitionerInput): number {
    if (numPartitions <= 0) throw new RangeError(`topic ${topic} has no partitions`);
    if (key !== null) return partitionForKey(key, numPartitions);
    let p = this.#sticky.get(topic);
    if (p === undefined || p >= numPartitions) {
      p = Math.floor(Math.random() * numPartitions);
      this.#sticky.set(topic, p);
    }
    return p;
  }

  /** The batch for `partition` of `topic` was closed: null-key records move to the next partition. */
  onNewBatch(topic: string, partition: number, numPartitions: number): void {
    if (this.#sticky.get(topic) === partition && numPartitions > 1) this.#sticky.set(topic, (partition + 1) % numPartitions);
  }
}
