// `gregor topics`: create, list, describe and delete topics, like kafka-topics.sh.
// Output that scripts read (names, descriptions, "Created topic T.") goes to
// stdout; errors go to stderr as one line that says what to do next.
import { commandSecurity } from './command-config.js';
import { Command, Option } from 'commander';
import { Admin, KafkaClientError, KafkaProtocolError, type TopicDescription } from '../client/index.js';
import { collectKeyValue, intOption } from './args.js';

export { intOption };

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

/** Applies the settings every gregor client command shares: errors as one line plus a usage hint, no process.exit. */
export function clientCommand(name: string): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError(`(run gregor ${name} --help for usage)`)
    .addOption(new Option('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated').default(DEFAULT_BOOTSTRAP))
    .option('--command-config <file>', 'client properties: security.protocol, ssl.truststore.*, ssl.keystore.*, sasl.mechanism, sasl.jaas.config');
}

/** Prints a client error as one line with a hint; returns the exit code to use. */
export function reportError(command: string, e: unknown, bootstrap?: string): number {
  let hint = '';
  if (e instanceof KafkaClientError) {
    if (e.code === 'ERR_CLIENT_CONNECTION' || e.code === 'ERR_CLIENT_CONNECTION_CLOSED' || e.code === 'ERR_CLIENT_TIMEOUT') {
      hint = ` Check that a broker is running at ${bootstrap ?? DEFAULT_BOOTSTRAP} (start one with: gregor broker) or pass --bootstrap-server host:port.`;
    }
  } else if (e instanceof KafkaProtocolError) {
    if (e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') hint = ' List topics with: gregor topics --list, or create it with: gregor topics --create --topic <name>.';
    if (e.errorName === 'UNSUPPORTED_VERSION') hint = ' The broker does not support this request version.';
  } else if (!(e instanceof Error)) {
    e = new Error(String(e));
  }
  const message = (e as Error).message.replace(/\.$/, '');
  process.stderr.write(`gregor ${command}: ${message}.${hint}\n`);
  return 1;
}

interface TopicsOptions {
  bootstrapServer: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  alter?: boolean;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  config: Record<string, string>;
  ifNotExists?: boolean;
  ifExists?: boolean;
  excludeInternal?: boolean;
}

export function topicsCommand(setExit: (code: number) => void): Command {
  return clientCommand('topics')
    .description('create, list, describe or delete topics (like kafka-topics.sh)')
    .option('--create', 'create a topic (needs --topic)')
    .option('--list', 'list topic names')
    .option('--describe', 'describe topics: partitions, leaders, replicas, in-sync replicas')
    .option('--delete', 'delete topics (needs --topic)')
    .option('--alter', 'add partitions to a topic (needs --topic and --partitions)')
    .option('--topic <name>', 'topic name (a regular expression for --list, --describe and --delete)')
    .option('--partitions <n>', 'partitions of the new topic (default: the broker\'s num.partitions)', intOption('a partition count', 1, 1_000_000))
    .option('--replication-factor <n>', 'replicas per partition (default: the broker\'s default.replication.factor)', intOption('a replication factor', 1, 32767))
    .option('--config <key=value>', 'topic config override, e.g. retention.ms=3600000 (repeatable)', collectKeyValue, {})
    .option('--if-not-exists', 'with --create: do nothing if the topic exists')
    .option('--if-exists', 'with --delete or --describe: do nothing if the topic does not exist')
    .option('--exclude-internal', 'with --list or --describe: leave out internal topics')
    .action(async (opts: TopicsOptions) => {
      const actions = (['create', 'list', 'describe', 'delete', 'alter'] as const).filter((a) => opts[a]);
      if (actions.length !== 1) {
        process.stderr.write(`gregor topics: give exactly one of --create, --list, --describe, --alter or --delete${actions.length > 1 ? ` (got ${actions.map((a) => `--${a}`).join(', ')})` : ''}.\n(run gregor topics --help for usage)\n`);
        setExit(2);
        return;
      }
      const action = actions[0]!;
      if ((action === 'create' || action === 'delete' || action === 'alter') && !opts.topic) {
        process.stderr.write(`gregor topics: --${action} needs --topic <name>.\n`);
        setExit(2);
        return;
      }
      if (action === 'alter' && opts.partitions === undefined) {
        process.stderr.write('gregor topics: --alter needs --partitions <n> (the new, larger count).\n');
        setExit(2);
        return;
      }
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-topics' });
        setExit(await runTopics(admin, action, opts));
      } catch (e) {
        setExit(reportError('topics', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}

async function runTopics(admin: Admin, action: 'create' | 'list' | 'describe' | 'delete' | 'alter', opts: TopicsOptions): Promise<number> {
  switch (action) {
    case 'alter': {
      await admin.createPartitions(opts.topic!, opts.partitions!);
      process.stdout.write(`Topic ${opts.topic} now has ${opts.partitions} partitions.\n`);
      return 0;
    }
    case 'create': {
      const [result] = await admin.createTopics([
        { topic: opts.topic!, numPartitions: opts.partitions ?? -1, replicationFactor: opts.replicationFactor ?? -1, configs: opts.config },
      ]);
      if (result?.error) {
        if (result.error.errorName === 'TOPIC_ALREADY_EXISTS') {
          if (opts.ifNotExists) return 0;
          process.stderr.write(`gregor topics: topic '${opts.topic}' already exists. Use --if-not-exists to ignore this, or --describe to see it.\n`);
          return 1;
        }
        throw result.error;
      }
      process.stdout.write(`Created topic ${opts.topic}.\n`);
      return 0;
    }
    case 'list': {
      const names = await admin.listTopics({ includeInternal: !opts.excludeInternal });
      const matching = opts.topic ? names.filter(matcher(opts.topic)) : names;
      if (matching.length > 0) process.stdout.write(matching.join('\n') + '\n');
      return 0;
    }
    case 'describe': {
      let names = await admin.listTopics({ includeInternal: !opts.excludeInternal });
      if (opts.topic) {
        names = names.filter(matcher(opts.topic));
        if (names.length === 0) return missing(opts.topic, opts.ifExists);
      }
      if (names.length === 0) return 0;
      const out: string[] = [];
      for (const d of await admin.describeTopics(names)) {
        if (d.error) {
          if (d.error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') continue; // deleted meanwhile
          throw d.error;
        }
        out.push(...describeLines({ ...d, configs: await overriddenConfigs(admin, d.topic) }));
      }
      if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
      return 0;
    }
    case 'delete': {
      const names = (await admin.listTopics({ includeInternal: false })).filter(matcher(opts.topic!));
      if (names.length === 0) return missing(opts.topic!, opts.ifExists);
      let code = 0;
      for (const r of await admin.deleteTopics(names)) {
        if (r.error) {
          if (r.error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION' && opts.ifExists) continue;
          process.stderr.write(`gregor topics: could not delete topic '${r.topic}': ${r.error.message}.\n`);
          code = 1;
        } else {
          process.stderr.write(`Deleted topic ${r.topic}.\n`);
        }
      }
      return code;
    }
  }
}

/** DYNAMIC_TOPIC_CONFIG, DescribeConfigs' source of a topic-level override. */
const DYNAMIC_TOPIC_CONFIG = 1;

/** The topic's overridden configs (what kafka-topics --describe prints after Configs:), by name. */
async function overriddenConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const entries = await admin.describeConfigs({ type: 'topic', name: topic });
  const set = entries.filter((e) => e.source === DYNAMIC_TOPIC_CONFIG).sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(set.map((e) => [e.name, e.isSensitive ? '<sensitive>' : e.value ?? '']));
}

function missing(topic: string, ifExists: boolean | undefined): number {
  if (ifExists) return 0;
  process.stderr.write(`gregor topics: topic '${topic}' does not exist as expected. List topics with: gregor topics --list (or pass --if-exists).\n`);
  return 1;
}

/** kafka-topics.sh treats --topic as a regular expression that must match the whole name. */
function matcher(pattern: string): (name: string) => boolean {
  let re: RegExp | null = null;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    re = null;
  }
  return (name) => name === pattern || (re !== null && re.test(name));
}

export function describeLines(d: TopicDescription): string[] {
  const rf = d.partitions[0]?.replicas.length ?? 0;
  const configs = d.configs ? Object.entries(d.configs).map(([k, v]) => `${k}=${v}`).join(',') : '';
  const lines = [`Topic: ${d.topic}\tTopicId: ${d.topicId}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`];
  for (const p of d.partitions) {
    lines.push(`\tTopic: ${d.topic}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
  }
  return lines;
}
