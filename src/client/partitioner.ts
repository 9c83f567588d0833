// Choosing a partition for a record, the way the Java client's default
// partitioner does: keyed records go to toPositive(murmur2(keyBytes)) % n, so
// the same key lands on the same partition whichever client wrote it; records
// without a key stick to one partition until the batch for it is sent, then move
// on (round-robin over partitions), which keeps batches full.

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): seed 0x9747b28c, returns a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) | ((data[i4 + 1]! & 0xff) << 8) | ((data[i4 + 2]! & 0xff) << 16) | ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition the Java default partitioner picks for a keyed record. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

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
