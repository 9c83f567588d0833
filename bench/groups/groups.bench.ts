// Group coordinator benchmark against a broker process on loopback:
//  1. time for a 10-member group to stabilise (first JoinGroup sent -> every member has its SyncGroup
//     assignment), protocol-level members on their own connections, over many fresh groups; and the same
//     with 10 real kafkajs consumers (time until each has joined the generation that holds all ten);
//  2. OffsetCommit throughput sustained by group members (each commit durable in __consumer_offsets before
//     its answer), beside a baseline of acks=1 Produce requests of one small record on the same connections.
// Correctness is checked before timing: every member got a distinct assignment, commits read back exactly.
//
//   npm run bench:groups -- [--groups 20] [--members 10] [--seconds 5] [--inflight 8] [--partitions 6]
import { parseArgs } from 'node:util';
import { Connection } from '../../src/client/connection.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { ErrorCode, JoinGroup, OffsetCommit, OffsetFetch, Produce, SyncGroup, CreateTopics } from '../../src/protocol/index.js';
import { AssignerProtocol } from 'kafkajs';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { kafkaClient } from '../../test/helpers/kafkajs.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({
  options: {
    groups: { type: 'string', default: '20' },
    members: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    inflight: { type: 'string', default: '8' },
    partitions: { type: 'string', default: '6' },
  },
});
const GROUPS = Number(args.groups);
const MEMBERS = Number(args.members);
const SECONDS = Number(args.seconds);
const INFLIGHT = Number(args.inflight);
const PARTITIONS = Number(args.partitions);
const TOPIC = 'bench-groups';
const SUBSCRIPTION = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, TOPIC.length]), Buffer.from(TOPIC), Buffer.from([0xff, 0xff, 0xff, 0xff])]);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

const broker = await BrokerProcess.start({ overrides: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 50 } });
const connect = () => Connection.connect({ host: '127.0.0.1', port: broker.port, clientId: 'bench' });
const rows: Array<Record<string, string | number>> = [];
try {
  const admin = await connect();
  const created = await admin.send(CreateTopics, { topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  if (created.topics[0]!.errorCode !== ErrorCode.NONE) throw new Error(`create topic: ${created.topics[0]!.errorCode}`);

  // ---- 1. stabilisation ---------------------------------------------------------------------------
  const conns = await Promise.all(Array.from({ length: MEMBERS }, connect));
  const joinRequest = (groupId: string, memberId: string) => ({
    groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: SUBSCRIPTION }], reason: null,
  });
  const stabilise = async (groupId: string): Promise<{ ms: number; members: Array<{ conn: Connection; memberId: string; generationId: number }> }> => {
    // KIP-394 first round: each member gets its id (MEMBER_ID_REQUIRED). The broker then waits for all of them.
    const ids = await Promise.all(conns.map(async (c) => {
      const r = await c.send(JoinGroup, joinRequest(groupId, ''));
      if (r.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) throw new Error(`join ${groupId}: expected MEMBER_ID_REQUIRED, got ${r.errorCode}`);
      return r.memberId;
    }));
    const t0 = performance.now();
    const joined = await Promise.all(conns.map(async (c, i) => {
      const r = await c.send(JoinGroup, joinRequest(groupId, ids[i]!), { timeoutMs: 40_000 });
      if (r.errorCode !== ErrorCode.NONE) throw new Error(`join ${groupId}: error ${r.errorCode}`);
      return r;
    }));
    const assignments = joined.find((j) => j.memberId === j.leader)!.members.map((m, i) => ({ memberId: m.memberId, assignment: Buffer.from(`slot-${i}`) }));
    const synced = await Promise.all(joined.map((j, i) => conns[i]!.send(SyncGroup, {
      groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
      assignments: j.memberId === j.leader ? assignments : [],
    })));
    const ms = performance.now() - t0;
    const got = new Set(synced.map((s) => s.assignment.toString()));
    if (synced.some((s) => s.errorCode !== ErrorCode.NONE) || got.size !== MEMBERS) throw new Error(`group ${groupId} did not stabilise with distinct assignments`);
    if (new Set(joined.map((j) => j.generationId)).size !== 1) throw new Error(`group ${groupId}: members ended in different generations`);
    return { ms, members: joined.map((j, i) => ({ conn: conns[i]!, memberId: j.memberId, generationId: j.generationId })) };
  };
  await stabilise('warmup');
  // Timed: every member (its id known) sends JoinGroup -> every member has its SyncGroup assignment.
  const times: number[] = [];
  let lastGroup: Awaited<ReturnType<typeof stabilise>> | undefined;
  for (let g = 0; g < GROUPS; g++) {
    lastGroup = await stabilise(`stabilise-${g}`);
    times.push(lastGroup.ms);
  }
  times.sort((a, b) => a - b);
  rows.push({ measurement: `${MEMBERS}-member group stabilises (protocol clients, ${GROUPS} groups)`, p50: `${percentile(times, 50).toFixed(1)} ms`, p99: `${percentile(times, 99).toFixed(1)} ms`, rate: '' });

  // Real clients: 10 kafkajs consumers joining one group at once; done when the broker reports the group
  // Stable with all ten holding the topic's partitions between them.
  const kafka = kafkaClient(broker.bootstrap, 'bench-kafkajs');
  const consumers = Array.from({ length: MEMBERS }, () => kafka.consumer({ groupId: 'kafkajs-bench', heartbeatInterval: 500, sessionTimeout: 30_000 }));
  const watcher = kafka.admin();
  await watcher.connect();
  const t0 = performance.now();
  await Promise.all(consumers.map(async (c) => {
    await c.connect();
    await c.subscribe({ topic: TOPIC });
    await c.run({ eachMessage: async () => undefined });
  }));
  let formedMs = 0;
  const deadline = Date.now() + 120_000;
  while (formedMs === 0 && Date.now() < deadline) {
    const g = (await watcher.describeGroups(['kafkajs-bench'])).groups[0]!;
    const parts = g.state === 'Stable' && g.members.length === MEMBERS
      ? g.members.flatMap((m) => Object.values(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).flat()).sort((a, b) => a - b)
      : [];
    if (parts.length === PARTITIONS && parts.every((p, i) => p === i)) formedMs = performance.now() - t0;
    else await new Promise((r) => setTimeout(r, 20));
  }
  if (formedMs === 0) throw new Error('the kafkajs group did not stabilise with all members within 120 s');
  rows.push({ measurement: `${MEMBERS} kafkajs consumers: connect -> Stable with all (heartbeat 500 ms)`, p50: `${formedMs.toFixed(0)} ms`, p99: '(one run)', rate: '' });
  await Promise.all(consumers.map((c) => c.disconnect()));
  await watcher.disconnect();

  // ---- 2. commit throughput --------------------------------------------------------------------------
  const members = lastGroup!.members;
  let next = 0;
  const commitOnce = async (m: (typeof members)[number], latencies: number[]): Promise<void> => {
    const offset = ++next;
    const t = performance.now();
    const r = await m.conn.send(OffsetCommit, {
      groupId: `stabilise-${GROUPS - 1}`, generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: TOPIC, partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' })) }],
    });
    latencies.push(performance.now() - t);
    if (r.topics[0]!.partitions.some((p) => p.errorCode !== ErrorCode.NONE)) throw new Error('commit refused');
  };
  const record = await buildRecordBatch([{ key: null, value: Buffer.alloc(60, 'x'), timestamp: Date.now() }]);
  const produceOnce = async (m: (typeof members)[number], latencies: number[]): Promise<void> => {
    const t = performance.now();
    const r = await m.conn.send(Produce, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: Buffer.from(record) }] }] });
    latencies.push(performance.now() - t);
    if (r.responses[0]!.partitionResponses[0]!.errorCode !== ErrorCode.NONE) throw new Error('produce refused');
  };
  const sustain = async (label: string, op: typeof commitOnce, perRequest: number): Promise<void> => {
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    const t = performance.now();
    await Promise.all(members.flatMap((m) => Array.from({ length: INFLIGHT }, async () => {
      while (performance.now() < end) await op(m, latencies);
    })));
    const s = (performance.now() - t) / 1000;
    latencies.sort((a, b) => a - b);
    rows.push({ measurement: label, p50: `${percentile(latencies, 50).toFixed(2)} ms`, p99: `${percentile(latencies, 99).toFixed(2)} ms`, rate: `${Math.round(latencies.length / s)} req/s (${Math.round((latencies.length * perRequest) / s)} ${perRequest > 1 ? 'partition offsets' : 'records'}/s)` });
  };
  await sustain(`OffsetCommit of ${PARTITIONS} partitions, ${MEMBERS} members x ${INFLIGHT} in flight`, commitOnce, PARTITIONS);
  // The last commit is what the group reads back.
  const fetched = await members[0]!.conn.send(OffsetFetch, { groupId: `stabilise-${GROUPS - 1}`, topics: null, groups: [{ groupId: `stabilise-${GROUPS - 1}`, topics: null }], requireStable: false });
  const offsets = (fetched.groups[0]?.topics ?? fetched.topics).flatMap((t) => t.partitions.map((p) => p.committedOffset));
  if (offsets.length !== PARTITIONS || offsets.some((o) => o < 1 || o > next)) throw new Error(`committed offsets do not read back: ${offsets}`);
  await sustain(`baseline: Produce acks=1 of one 60 B record, same connections`, produceOnce, 1);

  printTable(rows);
  const file = writeResults('groups', rows, { members: MEMBERS, groups: GROUPS, seconds: SECONDS, inflight: INFLIGHT, partitions: PARTITIONS });
  console.log(`results: ${file}`);
  for (const c of [...conns, admin]) c.close();
} finally {
  await broker.close();
}
