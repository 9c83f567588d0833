// Helpers for consumer group tests: bounded waiting, producing to every partition, and the broker's view of a
// group (state and decoded assignments) through kafkajs's admin client and its own consumer-protocol decoder.
import { AssignerProtocol, type Kafka } from 'kafkajs';
import { waitFor as waitUntil } from './wait.js';

/** Polls `cond` until it holds (bounded); the shared waitFor with the groups tests' slower default poll. */
export function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 60_000, everyMs = 200): Promise<boolean> {
  return waitUntil(what, cond, timeoutMs, everyMs);
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
}

/** `perPartition` records to each of `partitions` partitions, acknowledged by the broker. */
export async function produceToAll(kafka: Kafka, topic: string, partitions: number, perPartition: number, tag: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let p = 0; p < partitions; p++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: perPartition }, (_, i) => ({ partition: p, key: `k${p}-${i}`, value: `${tag}-${p}-${i}` })) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface GroupView {
  state: string;
  /** member id -> assigned partitions (all topics), sorted. */
  members: Map<string, number[]>;
  clientIds: Map<string, string>;
}

export async function describeGroup(kafka: Kafka, groupId: string): Promise<GroupView> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const g = groups[0];
    const members = new Map<string, number[]>();
    const clientIds = new Map<string, string>();
    for (const m of g.members) {
      const a = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
      members.set(m.memberId, Object.values(a?.assignment ?? {}).flat().sort((x, y) => x - y));
      clientIds.set(m.memberId, m.clientId);
    }
    return { state: g.state, members, clientIds };
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of a topic's partitions, by partition. */
export async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return t.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

/** True when the group is Stable with `count` members whose assignments cover partitions 0..partitions-1 once. */
export function isBalanced(view: GroupView, count: number, partitions: number): boolean {
  if (view.state !== 'Stable' || view.members.size !== count) return false;
  const all = [...view.members.values()].flat().sort((a, b) => a - b);
  return all.length === partitions && all.every((p, i) => p === i);
}

/** "partition:offset" for offsets [from, to) of every partition. */
export function recordKeys(partitions: number, from: number, to: number): string[] {
  const out: string[] = [];
  for (let p = 0; p < partitions; p++) for (let o = from; o < to; o++) out.push(`${p}:${o}`);
  return out;
}
