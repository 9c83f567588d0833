// Keys and values of the internal compacted topic __consumer_offsets, in Kafka's formats so Kafka's tools
// can read the files (group-coordinator/src/main/resources/common/message/*.json). Every record's key
// starts with an int16 version that says what it is:
//
//   OffsetCommitKey   (version 0|1) => group STRING, topic STRING, partition INT32
//   GroupMetadataKey  (version 2)   => group STRING
//
//   OffsetCommitValue  v1 => offset INT64, metadata STRING, commitTimestamp INT64, expireTimestamp INT64
//                      v3 => offset INT64, leaderEpoch INT32, metadata STRING, commitTimestamp INT64
//                      (v0, v2 and the flexible v4 are read too)
//   GroupMetadataValue v3 => protocolType STRING, generation INT32, protocol NULLABLE_STRING,
//                            leader NULLABLE_STRING, currentStateTimestamp INT64, [members]
//     members => memberId STRING, groupInstanceId NULLABLE_STRING, clientId STRING, clientHost STRING,
//                rebalanceTimeout INT32, sessionTimeout INT32, subscription BYTES, assignment BYTES
//                (v0-v2 and the flexible v4 are read too)
// A null value (tombstone) deletes the key.
import { Reader, Writer } from '../protocol/index.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetCommitKey {
  kind: 'offset';
  groupId: string;
  topic: string;
  partition: number;
}

export interface GroupMetadataKey {
  kind: 'group';
  groupId: string;
}

export interface OffsetCommitValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** -1: expiry follows offsets.retention.minutes. */
  expireTimestamp: number;
}

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  currentStateTimestamp: number;
  members: StoredMember[];
}

export function encodeOffsetCommitKey(groupId: string, topic: string, partition: number): Buffer {
  return new Writer().int16(1).string(groupId).string(topic).int32(partition).toBuffer();
}

export function encodeGroupMetadataKey(groupId: string): Buffer {
  return new Writer().int16(2).string(groupId).toBuffer();
}

/** The key's meaning, or undefined for record kinds this coordinator does not use. Throws on bad bytes. */
export function decodeKey(key: Buffer): OffsetCommitKey | GroupMetadataKey | undefined {
  const r = new Reader(key);
  const version = r.int16();
  if (version === 0 || version === 1) return { kind: 'offset', groupId: r.string(), topic: r.string(), partition: r.int32() };
  if (version === 2) return { kind: 'group', groupId: r.string() };
  return undefined;
}

export function encodeOffsetCommitValue(v: OffsetCommitValue): Buffer {
  const w = new Writer();
  if (v.expireTimestamp >= 0) {
    w.int16(1).int64(v.offset).string(v.metadata).int64(v.commitTimestamp).int64(v.expireTimestamp);
  } else {
    w.int16(3).int64(v.offset).int32(v.leaderEpoch).string(v.metadata).int64(v.commitTimestamp);
  }
  return w.toBuffer();
}

export function decodeOffsetCommitValue(value: Buffer): OffsetCommitValue {
  const r = new Reader(value);
  const version = r.int16();
  const flexible = version >= 4;
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = flexible ? r.compactString() : r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  const w = new Writer();
  w.int16(3).string(v.protocolType).int32(v.generationId).nullableString(v.protocolName).nullableString(v.leaderId).int64(v.currentStateTimestamp);
  w.array(v.members, (w, m) => {
    w.string(m.memberId).nullableString(m.groupInstanceId).string(m.clientId).string(m.clientHost);
    w.int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  });
  return w.toBuffer();
}

export function decodeGroupMetadataValue(value: Buffer): GroupMetadataValue {
  const r = new Reader(value);
  const version = r.int16();
  const flexible = version >= 4;
  const str = () => (flexible ? r.compactString() : r.string());
  const nstr = () => (flexible ? r.compactNullableString() : r.nullableString());
  const bytes = () => Buffer.from(flexible ? r.compactBytes() : r.bytes());
  const protocolType = str();
  const generationId = r.int32();
  const protocolName = nstr();
  const leaderId = nstr();
  const currentStateTimestamp = version >= 2 ? r.int64() : -1;
  const member = (): StoredMember => {
    const memberId = str();
    const groupInstanceId = version >= 3 ? nstr() : null;
    const clientId = str();
    const clientHost = str();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = bytes();
    const assignment = bytes();
    if (flexible) r.taggedFields();
    return { memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment };
  };
  const members = flexible ? r.compactArray(member) : r.array(member);
  return { protocolType, generationId, protocolName, leaderId, currentStateTimestamp, members };
}

/** Java's String.hashCode, so a group lands on the same __consumer_offsets partition as in Kafka. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The __consumer_offsets partition that holds a group's records: Kafka's `Utils.abs(groupId.hashCode()) % partitions`,
 * where `Utils.abs(Integer.MIN_VALUE)` is 0. (Versions before this one used `hashCode & 0x7fffffff`, which differs for
 * negative hashes; the coordinator moves groups it finds elsewhere when it loads.)
 */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  const h = javaStringHash(groupId);
  return (h === -0x80000000 ? 0 : Math.abs(h)) % partitions;
}
