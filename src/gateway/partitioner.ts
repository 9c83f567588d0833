// Partition choice the way Kafka's clients make it, so a key lands on the same partition whether it
// came over HTTP or from kafkajs/librdkafka/Java: toPositive(murmur2(key)) % partitions. Records
// without a key stick to one partition per request, moving round-robin between requests.

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c; a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}

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
