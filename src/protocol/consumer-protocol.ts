// The "consumer" embedded protocol that rides in JoinGroup metadata and SyncGroup assignments
// (Kafka's ConsumerProtocol), and the assignors the project's group leaders run (the client's
// GroupConsumer, the gateway's WebSocket members).
//
//   ConsumerProtocolSubscription (versions 0-3, not flexible) =>
//     version int16 | topics [string] | userData nullable bytes
//     | ownedPartitions [topic string | partitions [int32]]   (v1+)
//     | generationId int32                                    (v2+, default -1)
//     | rackId nullable string                                (v3+, default null)
//   ConsumerProtocolAssignment (versions 0-3, not flexible) =>
//     version int16 | assignedPartitions [topic string | partitions [int32]] | userData nullable bytes
//
// As in Kafka's ConsumerProtocol, a reader meeting a newer version parses it as the newest it knows
// (later versions only append fields) and ignores what follows. The fields added after v0 are
// "ignorable" and read only when bytes are left: kafkajs announces version 1 with the v0 layout.

import { Reader } from './reader.js';
import { Writer } from './writer.js';
import { ProtocolDecodeError } from './protocol-error.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
export const CONSUMER_PROTOCOL_HIGHEST_VERSION = 3;

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  /** The version the bytes carried (decoding) or to write (encoding; default 0). */
  version?: number;
  topics: string[];
  userData?: Buffer | null;
  ownedPartitions?: TopicPartitions[];
  generationId?: number;
  rackId?: string | null;
}

export interface ConsumerAssignment {
  version?: number;
  assignedPartitions: TopicPartitions[];
  userData?: Buffer | null;
}

function writeTopicPartitions(w: Writer, list: readonly TopicPartitions[]): void {
  w.array(list, (w, tp) => w.string(tp.topic).array(tp.partitions, (w, p) => w.int32(p)));
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  return r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) }));
}

function readVersion(r: Reader, what: string): number {
  const version = r.int16();
  if (version < 0) throw new ProtocolDecodeError('ERR_PROTOCOL_UNSUPPORTED_VERSION', `unsupported ${what} version ${version}`);
  return version;
}

function checkEncodeVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_HIGHEST_VERSION) {
    throw new RangeError(`consumer protocol version ${version} is not one of 0-${CONSUMER_PROTOCOL_HIGHEST_VERSION}`);
  }
}

export function encodeSubscription(s: ConsumerSubscription): Buffer {
  const version = s.version ?? 0;
  checkEncodeVersion(version);
  const w = new Writer();
  w.int16(version).array(s.topics, (w, t) => w.string(t)).nullableBytes(s.userData ?? null);
  if (version >= 1) writeTopicPartitions(w, s.ownedPartitions ?? []);
  if (version >= 2) w.int32(s.generationId ?? -1);
  if (version >= 3) w.nullableString(s.rackId ?? null);
  return w.toBuffer();
}

/** Throws ProtocolDecodeError for bytes that are not a subscription. */
export function decodeSubscription(bytes: Buffer): Required<ConsumerSubscription> {
  const r = new Reader(bytes);
  const version = readVersion(r, 'subscription');
  const topics = r.array((r) => r.string());
  const userData = r.nullableBytes();
  const ownedPartitions = version >= 1 && r.remaining > 0 ? readTopicPartitions(r) : [];
  const generationId = version >= 2 && r.remaining > 0 ? r.int32() : -1;
  const rackId = version >= 3 && r.remaining > 0 ? r.nullableString() : null;
  return { version, topics, userData, ownedPartitions, generationId, rackId };
}

export function encodeAssignment(a: ConsumerAssignment): Buffer {
  const version = a.version ?? 0;
  checkEncodeVersion(version);
  const w = new Writer().int16(version);
  writeTopicPartitions(w, a.assignedPartitions);
  return w.nullableBytes(a.userData ?? null).toBuffer();
}

/**
 * The assignment in `bytes`; empty bytes (a member the leader gave nothing, or no assignment yet)
 * decode to no partitions. Throws ProtocolDecodeError for bytes that are not an assignment.
 */
export function decodeAssignment(bytes: Buffer): Required<ConsumerAssignment> {
  if (bytes.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const r = new Reader(bytes);
  const version = readVersion(r, 'assignment');
  const assignedPartitions = readTopicPartitions(r);
  return { version, assignedPartitions, userData: r.nullableBytes() };
}

// ---- assignors ----------------------------------------------------------------------------

export interface AssignorMember {
  memberId: string;
  topics: readonly string[];
}

/** Partitions per topic for each member (every member appears, possibly with none). */
export type AssignmentPlan = Map<string, TopicPartitions[]>;

/** An assignor: members with their subscriptions, partition counts of the topics that exist. */
export type Assignor = (members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>) => AssignmentPlan;

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function give(plan: AssignmentPlan, memberId: string, topic: string, partition: number): void {
  const list = plan.get(memberId)!;
  const last = list[list.length - 1];
  if (last !== undefined && last.topic === topic) last.partitions.push(partition);
  else list.push({ topic, partitions: [partition] });
}

/**
 * Kafka's RangeAssignor ("range"): per topic, the subscribed members (sorted by id) each get a
 * contiguous range of partitions; the first (partitions % members) members get one more.
 */
export const rangeAssign: Assignor = (members, partitionsPerTopic) => {
  const plan: AssignmentPlan = new Map(members.map((m) => [m.memberId, []]));
  for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => byId(a, b))) {
    const subscribers = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId).sort(byId);
    if (subscribers.length === 0) continue;
    const per = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((id, i) => {
      const n = per + (i < extra ? 1 : 0);
      for (let k = 0; k < n; k++) give(plan, id, topic, next + k);
      next += n;
    });
  }
  return plan;
};

/**
 * Kafka's RoundRobinAssignor ("roundrobin", kafkajs's "RoundRobinAssigner"): every partition of the
 * subscribed topics, sorted by topic then partition, goes to the next member (members sorted by id,
 * in a circle) that subscribes to its topic.
 */
export const roundRobinAssign: Assignor = (members, partitionsPerTopic) => {
  const plan: AssignmentPlan = new Map(members.map((m) => [m.memberId, []]));
  const sorted = [...members].sort((a, b) => byId(a.memberId, b.memberId));
  if (sorted.length === 0) return plan;
  let next = 0;
  for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => byId(a, b))) {
    if (!sorted.some((m) => m.topics.includes(topic))) continue;
    for (let p = 0; p < count; p++) {
      while (!sorted[next % sorted.length]!.topics.includes(topic)) next++;
      give(plan, sorted[next % sorted.length]!.memberId, topic, p);
      next++;
    }
  }
  return plan;
};

/** The assignors by the protocol names Kafka clients announce for them. */
export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  ['range', rangeAssign],
  ['roundrobin', roundRobinAssign],
  ['RoundRobinAssigner', roundRobinAssign],
]);
