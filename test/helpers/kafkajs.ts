// kafkajs helpers: quiet clients, and a fetch through kafkajs's own broker connection and decoders
// (kafkajs has no group-less consumer; this is the code path its consumer uses for Fetch).
import { Kafka, logLevel, type KafkaConfig, type Message } from 'kafkajs';

export function kafkaClient(bootstrap: string, clientId = 'gregor-test'): Kafka {
  // A comma-separated bootstrap list (a cluster) becomes kafkajs's broker array.
  return new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
}

/** Whether a kafkajs admin with this config (no retries) connects and lists topics: TLS and SASL checks. */
export async function kafkajsConnects(config: Omit<KafkaConfig, 'logLevel' | 'retry'>): Promise<boolean> {
  const admin = new Kafka({ ...config, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Creates a one-partition topic with these config overrides and waits for its leader. */
export async function createTopic(bootstrap: string, topic: string, configEntries: Array<{ name: string; value: string }> = []): Promise<void> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** An idempotent or transactional producer driven by hand-built Produce requests: its id, epoch and next sequence. */
export interface Writer {
  producerId: number;
  producerEpoch: number;
  sequence: number;
}

export interface FetchedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Record<string, string>;
}

interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findBroker(q: { nodeId: string | number }): Promise<{ fetch(req: unknown): Promise<any> }>;
}

/** kafkajs's internal Cluster (created the same way its consumer creates it). */
export function kafkajsCluster(kafka: Kafka): KafkajsCluster {
  const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!create) throw new Error('kafkajs internals changed: no createCluster');
  return (kafka as any)[create]({ metadataMaxAge: 300000, allowAutoTopicCreation: false, maxInFlightRequests: null, isolationLevel: 1 });
}

/** Reads partition `partition` of `topic` from `fromOffset` until `count` records arrived, through kafkajs Fetch. */
export async function fetchAll(kafka: Kafka, topic: string, partition: number, fromOffset: number, count: number, timeoutMs = 60_000): Promise<FetchedRecord[]> {
  const cluster = kafkajsCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const broker = await cluster.findBroker({ nodeId: '0' });
    const out: FetchedRecord[] = [];
    let offset = fromOffset;
    const deadline = Date.now() + timeoutMs;
    while (out.length < count) {
      if (Date.now() > deadline) throw new Error(`fetched ${out.length} of ${count} records from ${topic}-${partition} before timing out`);
      const res = await broker.fetch({
        maxWaitTime: 500, minBytes: 1, maxBytes: 10 << 20,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 1 << 20 }] }],
      });
      const p = res.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      const messages = p.messages as Array<Message & { offset: string; timestamp: string }>;
      // A compacted batch can end in records removed by the cleaner: everything it returned lies below
      // the fetch offset. kafkajs's consumer then moves one offset on (Batch.lastOffset); so do we.
      if (messages.length > 0 && messages.every((m) => Number(m.offset) < offset)) offset++;
      for (const m of messages) {
        const o = Number(m.offset);
        if (o < offset) continue; // a batch can start before the fetch offset
        if (out.length === count) break;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
        out.push({ partition, offset: o, key: m.key == null ? null : m.key.toString(), value: m.value == null ? null : m.value.toString(), timestamp: Number(m.timestamp), headers });
        offset = o + 1;
      }
    }
    return out;
  } finally {
    await cluster.disconnect();
  }
}

/**
 * Reads `partition` of `topic` from the beginning with a fresh kafkajs group consumer until every value of
 * `acked` has arrived, and returns the offsets each value was seen at (more than one: a duplicate).
 */
export async function offsetsByValue(kafka: Kafka, topic: string, partition: number, acked: ReadonlyMap<string, number>, timeoutMs = 60_000): Promise<Map<string, number[]>> {
  const consumer = kafka.consumer({ groupId: `read-back-${topic}-${Date.now()}` });
  await consumer.connect();
  const seen = new Map<string, number[]>();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition: p, message }) => {
      if (p !== partition) return;
      const v = message.value!.toString();
      seen.set(v, [...(seen.get(v) ?? []), Number(message.offset)]);
    } });
    const deadline = Date.now() + timeoutMs;
    while (![...acked.keys()].every((v) => seen.has(v))) {
      if (Date.now() > deadline) throw new Error(`timed out reading back ${topic}-${partition}: ${[...acked.keys()].filter((v) => !seen.has(v)).length} acknowledged records missing`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
