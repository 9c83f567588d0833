// Where the Java client (and kafkajs's default partitioner) puts a keyed record: the protocol's
// murmur2, which test/unit/protocol/murmur2.test.ts checks against Kafka's vectors and kafkajs.
import { partitionForKey } from '../../src/protocol/index.js';

/** toPositive(murmur2(key)) % n, as Kafka's default partitioners compute it. */
export function partitionOf(key: string, n: number): number {
  return partitionForKey(Buffer.from(key), n);
}
