// The "consumer" embedded protocol that rides in JoinGroup/SyncGroup bytes (Kafka's ConsumerProtocol):
//   Subscription v0 => version INT16, topics [STRING], userData NULLABLE_BYTES
//   Assignment   v0 => version INT16, [topic STRING, [partition INT32]], userData NULLABLE_BYTES
// Later versions append fields; readers ignore what follows.
import { Reader, Writer } from '../protocol/index.js';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export function encodeSubscription(topics: string[]): Buffer {
  return new Writer().int16(0).array(topics, (w, t) => w.string(t)).nullableBytes(null).toBuffer();
}

export function decodeSubscription(bytes: Buffer): string[] {
  const r = new Reader(bytes);
  r.int16();
  return r.array((r) => r.string());
}

export function encodeAssignment(assignment: TopicPartitions[]): Buffer {
  return new Writer().int16(0).array(assignment, (w, a) => w.string(a.topic).array(a.partitions, (w, p) => w.int32(p))).nullableBytes(null).toBuffer();
}

/** The partitions in an assignment; empty bytes (no assignment yet) decode to none. */
export function decodeAssignment(bytes: Buffer): TopicPartitions[] {
  if (bytes.length === 0) return [];
  const r = new Reader(bytes);
  r.int16();
  return r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) }));
}

/**
 * Kafka's RangeAssignor: per topic, the subscribed members (sorted by id) each get a contiguous range of
 * partitions; the first (partitions % members) members get one more.
 */
export function rangeAssign(members: Array<{ memberId: string; topics: string[] }>, partitionsPerTopic: Map<string, number>): Map<string, TopicPartitions[]> {
  const out = new Map<string, TopicPartitions[]>(members.map((m) => [m.memberId, []]));
  for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const subscribers = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId).sort();
    if (subscribers.length === 0) continue;
    const per = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((id, i) => {
      const n = per + (i < extra ? 1 : 0);
      if (n > 0) out.get(id)!.push({ topic, partitions: Array.from({ length: n }, (_, k) => next + k) });
      next += n;
    });
  }
  return out;
}
