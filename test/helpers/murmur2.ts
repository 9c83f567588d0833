// Reference murmur2 partitioner for tests, written from the Java client's documented algorithm.
/** The Java client's (and kafkajs's default) partitioner: murmur2(key) & 0x7fffffff % n. */
export function partitionOf(key: string, n: number): number {
  const data = Buffer.from(key);
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ data.length;
  const len4 = data.length >> 2;
  for (let i = 0; i < len4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = data.length % 4;
  const idx = data.length & ~3;
  if (rest === 3) h ^= (data[idx + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[idx + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[idx] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % n;
}
