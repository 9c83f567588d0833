// Partition choice the way Kafka's clients make it, so a key lands on the same partition whether it
// came over HTTP or from kafkajs/librdkafka/Java: toPositive(murmur2(key)) % partitions (the protocol's
// murmur2). Records without a key stick to one partition per request, moving round-robin between requests.
export { partitionForKey } from '../protocol/index.js';

/** Sticky partition for keyless records: one per request, the next one for the next request. */
export class StickyPartitioner {
  readonly #next = new Map<string, number>();

  next(topic: string, numPartitions: number): number {
    const p = this.#next.get(topic) ?? Math.floor(Math.random() * numPartitions);
    this.#next.set(topic, (p + 1) % numPartitions);
    return p % numPartitions;
  }

  forget(topic: string): void {
    this.#next.delete(topic);
  }
}
