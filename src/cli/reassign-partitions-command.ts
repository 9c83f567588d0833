// `gregor reassign-partitions`: moves partitions between brokers (AlterPartitionReassignments and
// ListPartitionReassignments), like kafka-reassign-partitions.sh, with Kafka's JSON formats:
//   gregor reassign-partitions --generate --topics-to-move-json-file topics.json --broker-list 1,2,3
//       topics.json: {"version":1,"topics":[{"topic":"T"}]}  -> prints the current and a proposed assignment
//   gregor reassign-partitions --execute --reassignment-json-file plan.json [--wait]
//       plan.json: {"version":1,"partitions":[{"topic":"T","partition":0,"replicas":[2,3]}]}
//   gregor reassign-partitions --verify --reassignment-json-file plan.json [--wait]
//   gregor reassign-partitions --list
//   gregor reassign-partitions --cancel --reassignment-json-file plan.json
// --wait keeps watching until the reassignments finish, printing how far each new replica has copied.
// --throttle B sets Kafka's throttle configs as kafka-reassign-partitions.sh does (leader/follower
// .replication.throttled.rate on the brokers involved, .throttled.replicas on the topics); --verify removes
// them once every reassignment is done (unless --preserve-throttles), and so does --cancel.
import { readFileSync } from 'node:fs';
import { Admin, type PartitionReassignment, type TopicPartition } from '../client/index.js';
import { DescribeLogDirs, ErrorCode, IncrementalAlterConfigs } from '../protocol/index.js';
import { intOption } from './args.js';
import { clientCommand, reportError } from './topics-command.js';

interface ReassignOptions {
  bootstrapServer: string;
  generate?: boolean;
  execute?: boolean;
  verify?: boolean;
  list?: boolean;
  cancel?: boolean;
  topicsToMoveJsonFile?: string;
  brokerList?: string;
  reassignmentJsonFile?: string;
  additional?: boolean;
  throttle?: number;
  preserveThrottles?: boolean;
  disableRackAware?: boolean;
  wait?: boolean;
  waitTimeoutMs: number;
}

type Target = TopicPartition & { replicas: number[] };

const key = (p: TopicPartition) => `${p.topic}-${p.partition}`;
const byPartition = (a: TopicPartition, b: TopicPartition) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1);

/** Kafka's reassignment JSON: {"version":1,"partitions":[{"topic","partition","replicas"[,"log_dirs"]}]}, checked as Kafka's tool checks it. */
export function parseReassignmentJson(text: string, file: string): Target[] {
  let json: { version?: unknown; partitions?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object') throw new Error(`${file}: expected {"version":1,"partitions":[...]}`);
  if (json.version !== undefined && json.version !== 1) throw new Error(`Not supported version field value ${String(json.version)} (in ${file})`);
  if (!Array.isArray(json.partitions) || json.partitions.length === 0) throw new Error(`Partition reassignment list cannot be empty (${file} has no "partitions")`);
  const out: Target[] = [];
  for (const p of json.partitions as Array<{ topic?: unknown; partition?: unknown; replicas?: unknown; log_dirs?: unknown }>) {
    if (typeof p?.topic !== 'string' || !Number.isInteger(p.partition) || !Array.isArray(p.replicas) || !p.replicas.every((r) => Number.isInteger(r))) {
      throw new Error(`${file}: each partition needs "topic", "partition" and "replicas" (broker ids), got ${JSON.stringify(p)}`);
    }
    if (Array.isArray(p.log_dirs) && p.log_dirs.some((d) => d !== 'any')) throw new Error(`${file}: moving replicas between log directories (log_dirs other than "any") is not supported`);
    out.push({ topic: p.topic, partition: p.partition as number, replicas: p.replicas as number[] });
  }
  const seen = new Map<string, number>();
  for (const t of out) seen.set(key(t), (seen.get(key(t)) ?? 0) + 1);
  const dupParts = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  if (dupParts.length > 0) throw new Error(`Cannot reassign the same partition more than once: ${dupParts.join(',')}`);
  const dupReplicas = out.filter((t) => new Set(t.replicas).size !== t.replicas.length);
  if (dupReplicas.length > 0) {
    throw new Error(`Partition replica lists may not contain duplicate entries: ${dupReplicas.map((t) => `${key(t)} contains multiple entries for ${[...new Set(t.replicas.filter((r, i) => t.replicas.indexOf(r) !== i))].join(',')}`).join('. ')}`);
  }
  const empty = out.filter((t) => t.replicas.length === 0);
  if (empty.length > 0) throw new Error(`Partition replica lists may not be empty: ${empty.map(key).join(',')}`);
  return out;
}

/** Kafka's JSON for a set of assignments (sorted by topic and partition). */
export function formatReassignmentJson(parts: Target[]): string {
  const partitions = [...parts].sort(byPartition).map((p) => ({ topic: p.topic, partition: p.partition, replicas: p.replicas, log_dirs: p.replicas.map(() => 'any') }));
  return JSON.stringify({ version: 1, partitions });
}

export function reassignPartitionsCommand(setExit: (code: number) => void) {
  return clientCommand('reassign-partitions')
    .description('move partitions between brokers (like kafka-reassign-partitions.sh)')
    .option('--generate', 'propose an assignment of the topics in --topics-to-move-json-file over --broker-list (changes nothing)')
    .option('--execute', 'start the reassignment in --reassignment-json-file')
    .option('--verify', 'report whether the reassignment in --reassignment-json-file has completed')
    .option('--list', 'list the reassignments in progress')
    .option('--cancel', 'cancel the reassignments in --reassignment-json-file (the partitions go back to their original replicas)')
    .option('--topics-to-move-json-file <path>', 'with --generate: {"version":1,"topics":[{"topic":"T"}]}')
    .option('--broker-list <ids>', 'with --generate: the brokers to spread the replicas over, e.g. 1,2,3')
    .option('--reassignment-json-file <path>', '{"version":1,"partitions":[{"topic":"T","partition":0,"replicas":[2,3]}]}')
    .option('--additional', 'with --execute: start these reassignments while others are in progress')
    .option('--throttle <bytes/s>', 'with --execute: cap the copying at this many bytes/s per broker (run --verify until done to remove it)', intOption('bytes per second', -1))
    .option('--preserve-throttles', 'with --verify or --cancel: leave throttles alone')
    .option('--disable-rack-aware', 'with --generate: ignore broker racks')
    .option('--wait', 'with --execute or --verify: keep watching until the reassignments finish, showing progress')
    .option('--wait-timeout-ms <ms>', 'with --wait: give up after this long', intOption('milliseconds', 1), 30 * 60_000)
    .action(async (opts: ReassignOptions) => {
      const actions = (['generate', 'execute', 'verify', 'list', 'cancel'] as const).filter((a) => opts[a]);
      const usage = (msg: string) => {
        process.stderr.write(`gregor reassign-partitions: ${msg}.\n(run gregor reassign-partitions --help for usage)\n`);
        setExit(2);
      };
      if (actions.length !== 1) return usage('Command must include exactly one action: --generate, --execute, --verify, --cancel, --list');
      const action = actions[0]!;
      let targets: Target[] = [];
      let topicsToMove: string[] = [];
      let brokerList: number[] = [];
      try {
        if (action === 'execute' || action === 'verify' || action === 'cancel') {
          if (!opts.reassignmentJsonFile) return usage(`--${action} needs --reassignment-json-file`);
          targets = parseReassignmentJson(readFileSync(opts.reassignmentJsonFile, 'utf8'), opts.reassignmentJsonFile);
        }
        if (action === 'generate') {
          if (!opts.topicsToMoveJsonFile || !opts.brokerList) return usage('--generate needs --topics-to-move-json-file and --broker-list');
          brokerList = opts.brokerList.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
            if (!/^\d+$/.test(s)) throw new Error(`--broker-list: "${s}" is not a broker id`);
            return Number(s);
          });
          const dups = brokerList.filter((b, i) => brokerList.indexOf(b) !== i);
          if (dups.length > 0) throw new Error(`Broker list contains duplicate entries: ${[...new Set(dups)].join(',')}`);
          const file = opts.topicsToMoveJsonFile;
          const json = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; topics?: Array<{ topic?: unknown }> };
          if (json.version !== undefined && json.version !== 1) throw new Error(`Not supported version field value ${String(json.version)} (in ${file})`);
          topicsToMove = (json.topics ?? []).map((t) => {
            if (typeof t?.topic !== 'string') throw new Error(`${file}: each entry of "topics" needs "topic"`);
            return t.topic;
          });
          const dupTopics = topicsToMove.filter((t, i) => topicsToMove.indexOf(t) !== i);
          if (dupTopics.length > 0) throw new Error(`List of topics to reassign contains duplicate entries: ${[...new Set(dupTopics)].join(',')}`);
          if (topicsToMove.length === 0) throw new Error(`${file} names no topics`);
        }
      } catch (e) {
        return usage((e as Error).message.replace(/\.$/, ''));
      }
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, clientId: 'gregor-reassign-partitions' });
        let code = 0;
        if (action === 'list') code = await list(admin);
        else if (action === 'generate') code = await generate(admin, topicsToMove, brokerList, !opts.disableRackAware);
        else if (action === 'execute') code = await execute(admin, targets, opts);
        else if (action === 'verify') code = await verify(admin, targets, opts);
        else code = await cancel(admin, targets, opts);
        setExit(code);
      } catch (e) {
        setExit(reportError('reassign-partitions', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

async function list(admin: Admin): Promise<number> {
  const ongoing = (await admin.listPartitionReassignments()).sort(byPartition);
  if (ongoing.length === 0) {
    out('No partition reassignments found.');
    return 0;
  }
  out(`Current partition reassignments:\n${ongoing.map(describeOngoing).join('\n')}`);
  return 0;
}

function describeOngoing(r: PartitionReassignment): string {
  return `${key(r)}: replicas: ${r.replicas.join(',')}.${r.addingReplicas.length > 0 ? ` adding: ${r.addingReplicas.join(',')}.` : ''}${r.removingReplicas.length > 0 ? ` removing: ${r.removingReplicas.join(',')}.` : ''}`;
}

async function currentAssignment(admin: Admin, topics: string[]): Promise<Map<string, Target>> {
  const described = await admin.describeTopics(topics);
  const current = new Map<string, Target>();
  for (const name of topics) {
    const d = described.find((t) => t.topic === name);
    if (!d || d.error) throw new Error(`Topic ${name} not found. List topics with: gregor topics --list`);
    for (const p of d.partitions) current.set(key({ topic: name, partition: p.partition }), { topic: name, partition: p.partition, replicas: [...p.replicas] });
  }
  return current;
}

async function generate(admin: Admin, topics: string[], brokerList: number[], rackAware: boolean): Promise<number> {
  await admin.cluster.refreshMetadata([]);
  const live = admin.cluster.brokers.filter((b) => brokerList.includes(b.nodeId));
  const missing = brokerList.filter((b) => !live.some((l) => l.nodeId === b));
  if (missing.length > 0) process.stderr.write(`Warning: broker${missing.length === 1 ? '' : 's'} ${missing.join(',')} ${missing.length === 1 ? 'is' : 'are'} not alive and get no replicas.\n`);
  const racks = live.filter((b) => b.rack !== null).length;
  if (rackAware && racks !== 0 && racks !== live.length) throw new Error('Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information');
  const current = await currentAssignment(admin, topics);
  const { assignReplicas } = await import('../broker/index.js');
  const proposed: Target[] = [];
  for (const topic of topics) {
    const parts = [...current.values()].filter((t) => t.topic === topic).sort(byPartition);
    const rf = parts[0]?.replicas.length ?? 1;
    if (rf > live.length) throw new Error(`Replication factor: ${rf} larger than available brokers: ${live.length} (topic ${topic}); give more brokers in --broker-list`);
    const assigned = assignReplicas(live.map((b) => ({ id: b.nodeId, rack: rackAware ? b.rack : null })), parts.length, rf);
    assigned.forEach((replicas, partition) => proposed.push({ topic, partition, replicas }));
  }
  out(`Current partition replica assignment\n${formatReassignmentJson([...current.values()])}\n`);
  out(`Proposed partition reassignment configuration\n${formatReassignmentJson(proposed)}`);
  return 0;
}

async function execute(admin: Admin, targets: Target[], opts: ReassignOptions): Promise<number> {
  const ongoing = await admin.listPartitionReassignments();
  if (!opts.additional && ongoing.length > 0) {
    process.stderr.write('Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.\n');
    process.stderr.write(`In progress: ${ongoing.sort(byPartition).map(key).join(',')} (see gregor reassign-partitions --list; wait for it with --verify --wait, or cancel it with --cancel).\n`);
    return 1;
  }
  await admin.cluster.refreshMetadata([]);
  const known = new Set(admin.cluster.brokers.map((b) => b.nodeId));
  const unknown = [...new Set(targets.flatMap((t) => t.replicas))].find((b) => !known.has(b));
  if (unknown !== undefined) {
    process.stderr.write(`Unknown broker id ${unknown}. Live brokers: ${[...known].sort((a, b) => a - b).join(',')}.\n`);
    return 1;
  }
  const current = await currentAssignment(admin, [...new Set(targets.map((t) => t.topic))]);
  const missing = targets.filter((t) => !current.has(key(t)));
  if (missing.length > 0) {
    process.stderr.write(`Unable to find partition: ${missing.map(key).join(', ')}. List partitions with: gregor topics --describe.\n`);
    return 1;
  }
  out(`Current partition replica assignment\n\n${formatReassignmentJson(targets.map((t) => current.get(key(t))!))}\n\nSave this to use as the --reassignment-json-file option during rollback`);
  if (opts.throttle !== undefined && opts.throttle >= 0) {
    out('Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.');
    await setThrottles(admin, targets, current, ongoing, opts.throttle);
    out(`The inter-broker throttle limit was set to ${opts.throttle} B/s`);
  }
  const results = await admin.alterPartitionReassignments(targets);
  const failed = results.filter((r) => r.error !== null).sort(byPartition);
  if (failed.length > 0) {
    process.stderr.write(`Error reassigning partition(s):\n${failed.map((f) => `${key(f)}: ${f.error!.message}`).join('\n')}\n`);
    if (failed.some((f) => f.error!.errorName === 'INVALID_REPLICA_ASSIGNMENT')) process.stderr.write('Every new replica must be on a live broker (see gregor topics --describe and the broker list), with no broker twice.\n');
    return 1;
  }
  out(`Successfully started partition reassignment${targets.length === 1 ? '' : 's'} for ${[...targets].sort(byPartition).map(key).join(',')}`);
  if (opts.wait) return waitForCompletion(admin, targets, opts);
  out('Run gregor reassign-partitions --verify --reassignment-json-file <file> (add --wait to watch it) to see when it completes.');
  return 0;
}

const BROKER_THROTTLES = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'];
const TOPIC_THROTTLES = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

/** Kafka's throttle configs for these moves (and those already in progress): sources lead-throttled, destinations follow-throttled. */
async function setThrottles(admin: Admin, targets: Target[], current: Map<string, Target>, ongoing: PartitionReassignment[], rate: number): Promise<void> {
  const moves = new Map<string, { topic: string; partition: number; sources: number[]; destinations: number[] }>();
  for (const r of ongoing) moves.set(key(r), { topic: r.topic, partition: r.partition, sources: r.replicas.filter((b) => !r.addingReplicas.includes(b)), destinations: r.addingReplicas });
  for (const t of targets) {
    const sources = current.get(key(t))?.replicas ?? [];
    moves.set(key(t), { topic: t.topic, partition: t.partition, sources, destinations: t.replicas.filter((b) => !sources.includes(b)) });
  }
  const topics = new Map<string, { leader: string[]; follower: string[] }>();
  const brokers = new Set<number>();
  for (const m of moves.values()) {
    let t = topics.get(m.topic);
    if (!t) topics.set(m.topic, (t = { leader: [], follower: [] }));
    for (const b of m.sources) t.leader.push(`${m.partition}:${b}`);
    for (const b of m.destinations) t.follower.push(`${m.partition}:${b}`);
    for (const b of [...m.sources, ...m.destinations]) brokers.add(b);
  }
  for (const [topic, t] of topics) {
    await admin.alterConfigs({ type: 'topic', name: topic }, { set: { 'leader.replication.throttled.replicas': t.leader.join(','), 'follower.replication.throttled.replicas': t.follower.join(',') } });
  }
  for (const b of [...brokers].sort((x, y) => x - y)) {
    await alterBrokerConfigs(admin, b, [
      { name: 'leader.replication.throttled.rate', configOperation: 0, value: String(rate) },
      { name: 'follower.replication.throttled.rate', configOperation: 0, value: String(rate) },
    ]);
  }
}

/** A broker's own dynamic configs are changed through that broker, as Kafka's admin client does. */
async function alterBrokerConfigs(admin: Admin, brokerId: number, configs: Array<{ name: string; configOperation: number; value: string | null }>): Promise<void> {
  const c = await admin.cluster.connectionFor(brokerId);
  const res = await c.send(IncrementalAlterConfigs, { resources: [{ resourceType: 4, resourceName: String(brokerId), configs }], validateOnly: false });
  const r = res.responses[0];
  if (r && r.errorCode !== ErrorCode.NONE) throw new Error(`altering the configs of broker ${brokerId} failed: ${r.errorMessage ?? r.errorCode}`);
}

/** Removes every reassignment throttle (Kafka's clearAllThrottles), printing what it clears. */
async function clearThrottles(admin: Admin, targets: Target[]): Promise<void> {
  await admin.cluster.refreshMetadata([]);
  const live = new Set(admin.cluster.brokers.map((b) => b.nodeId));
  const brokers = [...new Set([...live, ...targets.flatMap((t) => t.replicas)])].sort((a, b) => a - b);
  out(`Clearing broker-level throttles on broker${brokers.length === 1 ? '' : 's'} ${brokers.join(',')}`);
  for (const b of brokers.filter((x) => live.has(x))) await alterBrokerConfigs(admin, b, BROKER_THROTTLES.map((name) => ({ name, configOperation: 1, value: null })));
  const topics = [...new Set(targets.map((t) => t.topic))];
  out(`Clearing topic-level throttles on topic${topics.length === 1 ? '' : 's'} ${topics.join(',')}`);
  for (const topic of topics) await admin.alterConfigs({ type: 'topic', name: topic }, { delete: TOPIC_THROTTLES });
}

/** Kafka's --verify report (exit 0 either way, as Kafka's tool; with --wait, 0 once done, 1 on timeout). */
async function verify(admin: Admin, targets: Target[], opts: ReassignOptions): Promise<number> {
  if (opts.wait) return waitForCompletion(admin, targets, opts);
  const { lines, done, ongoing } = await status(admin, targets);
  out(`Status of partition reassignment:\n${lines.join('\n')}`);
  if (!done) out('Run it again (or with --wait) until every partition is completed.');
  // As Kafka's tool: throttles go once no reassignment at all is in progress.
  if (ongoing.length === 0 && !opts.preserveThrottles) await clearThrottles(admin, targets);
  return 0;
}

async function status(admin: Admin, targets: Target[]): Promise<{ lines: string[]; done: boolean; ongoing: PartitionReassignment[] }> {
  const ongoing = await admin.listPartitionReassignments();
  const inProgress = new Map(ongoing.map((r) => [key(r), r]));
  const described = await admin.describeTopics([...new Set(targets.map((t) => t.topic))]);
  let done = true;
  const lines = [...targets].sort(byPartition).map((t) => {
    if (inProgress.has(key(t))) {
      done = false;
      return `Reassignment of partition ${key(t)} is still in progress.`;
    }
    const replicas = described.find((d) => d.topic === t.topic)?.partitions.find((p) => p.partition === t.partition)?.replicas ?? [];
    if (replicas.join(',') === t.replicas.join(',')) return `Reassignment of partition ${key(t)} is completed.`;
    done = false;
    return `There is no active reassignment of partition ${key(t)}, but replica set is ${replicas.join(',')} rather than ${t.replicas.join(',')}.`;
  });
  return { lines, done, ongoing };
}

/** Watches until every target partition is done, printing each adding replica's progress when it changes. */
async function waitForCompletion(admin: Admin, targets: Target[], opts: ReassignOptions): Promise<number> {
  const timeoutMs = opts.waitTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  const printed = new Map<string, string>();
  for (;;) {
    const { lines, done, ongoing } = await status(admin, targets);
    if (done) {
      out(`Status of partition reassignment:\n${lines.join('\n')}`);
      if (ongoing.length === 0 && !opts.preserveThrottles && (opts.verify || (opts.throttle ?? -1) >= 0)) await clearThrottles(admin, targets);
      return 0;
    }
    const wanted = new Set(targets.map(key));
    for (const r of ongoing.filter((o) => wanted.has(key(o))).sort(byPartition)) {
      const line = await progress(admin, r);
      if (printed.get(key(r)) !== line) {
        printed.set(key(r), line);
        out(line);
      }
    }
    if (Date.now() > deadline) {
      out(`Status of partition reassignment:\n${lines.join('\n')}`);
      process.stderr.write(`gregor reassign-partitions: not finished after ${timeoutMs} ms. Check the new replicas' brokers are running (gregor topics --describe), keep watching with --verify --wait, or cancel with --cancel.\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** One line: how much of the leader's log each adding replica holds, and whether it is in the ISR yet. */
async function progress(admin: Admin, r: PartitionReassignment): Promise<string> {
  const [d] = await admin.describeTopics([r.topic]);
  const p = d?.partitions.find((x) => x.partition === r.partition);
  const leader = p?.leader ?? -1;
  const sizeOn = async (broker: number): Promise<number | undefined> => {
    try {
      const c = await admin.cluster.connectionFor(broker);
      const res = await c.send(DescribeLogDirs, { topics: [{ topic: r.topic, partitions: [r.partition] }] });
      return res.results[0]?.topics.find((t) => t.name === r.topic)?.partitions.find((x) => x.partitionIndex === r.partition)?.partitionSize;
    } catch {
      return undefined;
    }
  };
  const leaderSize = leader >= 0 ? await sizeOn(leader) : undefined;
  const parts: string[] = [];
  for (const b of r.addingReplicas) {
    const inIsr = p?.isr.includes(b) ?? false;
    const size = await sizeOn(b);
    const pct = size !== undefined && leaderSize ? ` (${Math.min(100, Math.floor((size / leaderSize) * 100))}%)` : '';
    parts.push(`broker ${b} ${size === undefined ? 'has not started copying' : `has ${size} of ${leaderSize ?? '?'} bytes${pct}`}${inIsr ? ', in sync' : ''}`);
  }
  const removing = r.removingReplicas.length > 0 ? `; then removing ${r.removingReplicas.join(',')}` : '';
  return `${key(r)}: replicas ${r.replicas.join(',')}, leader ${leader}; ${parts.length > 0 ? parts.join('; ') : 'moving leadership'}${removing}`;
}

async function cancel(admin: Admin, targets: Target[], opts: ReassignOptions): Promise<number> {
  const ongoing = await admin.listPartitionReassignments(targets.map((t) => ({ topic: t.topic, partition: t.partition })));
  const active = [...ongoing];
  if (active.length === 0) {
    out('None of the specified partition reassignments are active.');
    if (!opts.preserveThrottles) await clearThrottles(admin, targets);
    return 0;
  }
  const results = await admin.alterPartitionReassignments(active.map((r) => ({ topic: r.topic, partition: r.partition, replicas: null })));
  const failed = results.filter((r) => r.error !== null).sort(byPartition);
  if (failed.length > 0) {
    process.stderr.write(`Error cancelling partition reassignment${failed.length === 1 ? '' : 's'} for:\n${failed.map((f) => `${key(f)}: ${f.error!.message}`).join('\n')}\n`);
    return 1;
  }
  out(`Successfully cancelled partition reassignment${active.length === 1 ? '' : 's'} for: ${active.sort(byPartition).map(key).join(',')}`);
  if (!opts.preserveThrottles) await clearThrottles(admin, targets);
  return 0;
}
