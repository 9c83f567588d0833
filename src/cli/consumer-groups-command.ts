// `gregor consumer-groups`: list, describe (members, assignments, committed offsets, lag), reset offsets
// and delete consumer groups, like kafka-consumer-groups.sh (same options and table columns).
// --reset-offsets is a dry run unless --execute is given, and only works on a group without members.
import { commandSecurity } from './command-config.js';
import { Command, InvalidArgumentError } from 'commander';
import { Admin, ConsumerGroups, KafkaProtocolError, type GroupDescription } from '../client/index.js';
import { clientCommand, reportError } from './topics-command.js';

interface GroupsOptions {
  bootstrapServer: string;
  list?: boolean;
  describe?: boolean;
  resetOffsets?: boolean;
  delete?: boolean;
  group: string[];
  topic: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toDatetime?: number;
  execute?: boolean;
  dryRun?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Kafka's --to-datetime format: YYYY-MM-DDTHH:mm:SS.sss, with an optional zone (local time without one). */
function parseDatetime(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  const ms = m ? Date.parse(value) : NaN;
  if (!m || Number.isNaN(ms)) throw new InvalidArgumentError('expected a date-time like 2024-01-31T12:00:00.000 (optionally with Z or +hh:mm)');
  return ms;
}

function nonNegative(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected an offset (a non-negative integer)');
  return Number(value);
}

export function consumerGroupsCommand(setExit: (code: number) => void): Command {
  return clientCommand('consumer-groups')
    .description('list, describe, reset offsets of, or delete consumer groups (like kafka-consumer-groups.sh)')
    .option('--list', 'list group ids')
    .option('--describe', 'members, assigned partitions, committed offsets, log end offsets and lag (needs --group)')
    .option('--reset-offsets', 'set committed offsets of an inactive group (needs --group, a topic scope and a --to-* target; dry run unless --execute)')
    .option('--delete', 'delete groups without members and their offsets (needs --group)')
    .option('--group <id>', 'group id (repeatable for --describe and --delete)', collect, [])
    .option('--topic <topic[:p,p]>', 'with --reset-offsets: a topic, optionally with partitions (repeatable)', collect, [])
    .option('--all-topics', 'with --reset-offsets: every topic the group has offsets for')
    .option('--to-earliest', 'reset to the log start offset')
    .option('--to-latest', 'reset to the log end offset')
    .option('--to-offset <n>', 'reset to this offset (clamped to the log)', nonNegative)
    .option('--to-datetime <YYYY-MM-DDTHH:mm:SS.sss>', 'reset to the first offset at or after this time', parseDatetime)
    .option('--execute', 'with --reset-offsets: apply the plan')
    .option('--dry-run', 'with --reset-offsets: only print the plan (the default)')
    .action(async (opts: GroupsOptions) => {
      const actions = (['list', 'describe', 'resetOffsets', 'delete'] as const).filter((a) => opts[a]);
      if (actions.length !== 1) {
        process.stderr.write('gregor consumer-groups: give exactly one of --list, --describe, --reset-offsets or --delete.\n(run gregor consumer-groups --help for usage)\n');
        setExit(2);
        return;
      }
      const action = actions[0]!;
      if (action !== 'list' && opts.group.length === 0) {
        process.stderr.write(`gregor consumer-groups: --${action === 'resetOffsets' ? 'reset-offsets' : action} needs --group <id>.\n`);
        setExit(2);
        return;
      }
      if (action === 'resetOffsets') {
        const targets = [opts.toEarliest, opts.toLatest, opts.toOffset !== undefined, opts.toDatetime !== undefined].filter(Boolean).length;
        if (targets !== 1 || (opts.topic.length === 0) === !opts.allTopics || opts.group.length !== 1 || (opts.execute && opts.dryRun)) {
          process.stderr.write('gregor consumer-groups: --reset-offsets needs one --group, either --topic or --all-topics, exactly one of --to-earliest, --to-latest, --to-offset or --to-datetime, and at most one of --execute and --dry-run.\n');
          setExit(2);
          return;
        }
      }
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-consumer-groups' });
        setExit(await run(admin, new ConsumerGroups(admin.cluster), action, opts));
      } catch (e) {
        setExit(reportError('consumer-groups', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}

async function run(admin: Admin, groups: ConsumerGroups, action: 'list' | 'describe' | 'resetOffsets' | 'delete', opts: GroupsOptions): Promise<number> {
  switch (action) {
    case 'list': {
      const list = await groups.list();
      if (list.length > 0) process.stdout.write(list.map((g) => g.groupId).join('\n') + '\n');
      return 0;
    }
    case 'describe': {
      let code = 0;
      for (const groupId of opts.group) code = Math.max(code, await describe(admin, groups, groupId));
      return code;
    }
    case 'resetOffsets':
      return resetOffsets(admin, groups, opts.group[0]!, opts);
    case 'delete': {
      let code = 0;
      for (const r of await groups.delete(opts.group)) {
        if (r.error) {
          const why = r.error.errorName === 'NON_EMPTY_GROUP' ? 'The group is not empty.' : r.error.errorName === 'GROUP_ID_NOT_FOUND' ? 'The group id does not exist.' : r.error.message;
          process.stderr.write(`Error: Deletion of group '${r.groupId}' failed: ${why}\n`);
          code = 1;
        } else {
          process.stdout.write(`Deletion of requested consumer groups ('${r.groupId}') was successful.\n`);
        }
      }
      return code;
    }
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(' ').trimEnd()).join('\n') + '\n';
}

async function describe(admin: Admin, groups: ConsumerGroups, groupId: string): Promise<number> {
  const d: GroupDescription = await groups.describe(groupId);
  const committed = await groups.fetchOffsets(groupId);
  if (d.state === 'Dead' && committed.length === 0) {
    process.stderr.write(`Error: Consumer group '${groupId}' does not exist.\n`);
    return 1;
  }
  // Every partition that is assigned or has a committed offset, with its owner.
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of d.members) for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}\u0000${p}`, m);
  const offsets = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c.offset]));
  const keys = [...new Set([...owner.keys(), ...offsets.keys()])].map((k) => {
    const [topic, p] = k.split('\u0000');
    return { topic: topic!, partition: Number(p) };
  }).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  const ends = new Map<string, number>();
  for (const topic of new Set(keys.map((k) => k.topic))) {
    try {
      for (const o of await admin.listOffsets(topic, 'latest', keys.filter((k) => k.topic === topic).map((k) => k.partition))) ends.set(`${topic}\u0000${o.partition}`, o.offset);
    } catch (e) {
      if (!(e instanceof KafkaProtocolError)) throw e; // a deleted topic: no log end offset
    }
  }
  if (d.members.length === 0) process.stderr.write(`\nConsumer group '${groupId}' has no active members.\n`);
  const rows = [['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']];
  for (const k of keys) {
    const key = `${k.topic}\u0000${k.partition}`;
    const current = offsets.get(key);
    const end = ends.get(key);
    const m = owner.get(key);
    const has = current !== undefined && current >= 0;
    rows.push([
      groupId, k.topic, String(k.partition), has ? String(current) : '-', end === undefined ? '-' : String(end),
      has && end !== undefined ? String(Math.max(0, end - current!)) : '-', m?.memberId ?? '-', m?.clientHost ?? '-', m?.clientId ?? '-',
    ]);
  }
  process.stdout.write('\n' + table(rows));
  // Members without partitions still show, as kafka-consumer-groups.sh does.
  for (const m of d.members) {
    if (m.assignment.every((a) => a.partitions.length === 0)) process.stdout.write(table([[groupId, '-', '-', '-', '-', '-', m.memberId, m.clientHost, m.clientId]]));
  }
  return 0;
}

async function resetOffsets(admin: Admin, groups: ConsumerGroups, groupId: string, opts: GroupsOptions): Promise<number> {
  const d = await groups.describe(groupId);
  if (d.state !== 'Empty' && d.state !== 'Dead') {
    process.stderr.write(`Error: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.\n`);
    return 1;
  }
  // The partitions in scope.
  const scope: Array<{ topic: string; partition: number }> = [];
  if (opts.allTopics) {
    for (const c of await groups.fetchOffsets(groupId)) scope.push({ topic: c.topic, partition: c.partition });
  } else {
    for (const spec of opts.topic) {
      const [topic, parts] = spec.split(':') as [string, string | undefined];
      const described = (await admin.describeTopics([topic]))[0];
      if (!described || described.error) {
        process.stderr.write(`Error: topic '${topic}' does not exist.\n`);
        return 1;
      }
      const partitions = parts === undefined ? described.partitions.map((p) => p.partition) : parts.split(',').map(Number);
      for (const p of partitions) {
        if (!Number.isInteger(p) || !described.partitions.some((x) => x.partition === p)) {
          process.stderr.write(`Error: partition ${p} of topic '${topic}' does not exist.\n`);
          return 1;
        }
        scope.push({ topic, partition: p });
      }
    }
  }
  const plan: Array<{ topic: string; partition: number; offset: number }> = [];
  for (const topic of new Set(scope.map((s) => s.topic))) {
    const partitions = scope.filter((s) => s.topic === topic).map((s) => s.partition);
    const earliest = new Map((await admin.listOffsets(topic, 'earliest', partitions)).map((o) => [o.partition, o.offset]));
    const latest = new Map((await admin.listOffsets(topic, 'latest', partitions)).map((o) => [o.partition, o.offset]));
    const atTime = opts.toDatetime !== undefined ? new Map((await admin.listOffsets(topic, opts.toDatetime, partitions)).map((o) => [o.partition, o.offset])) : null;
    for (const p of partitions) {
      const lo = earliest.get(p)!;
      const hi = latest.get(p)!;
      let offset: number;
      if (opts.toEarliest) offset = lo;
      else if (opts.toLatest) offset = hi;
      else if (opts.toOffset !== undefined) offset = Math.min(Math.max(opts.toOffset, lo), hi);
      else offset = atTime!.get(p)! >= 0 ? atTime!.get(p)! : hi; // nothing at or after that time: the end
      plan.push({ topic, partition: p, offset });
    }
  }
  plan.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  if (opts.execute && plan.length > 0) await groups.commitOffsets(groupId, plan);
  process.stdout.write('\n' + table([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ...plan.map((p) => [groupId, p.topic, String(p.partition), String(p.offset)])]));
  if (!opts.execute) process.stderr.write('(dry run: nothing was changed; add --execute to apply)\n');
  return 0;
}
