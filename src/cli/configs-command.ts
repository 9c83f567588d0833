// `gregor configs`: describe and alter topic and broker configs, like kafka-configs.sh.
//   gregor configs --entity-type topics --entity-name T --describe
//   gregor configs --entity-type topics --entity-name T --alter --add-config retention.ms=60000,cleanup.policy=[compact,delete]
//   gregor configs --entity-type brokers --entity-default --alter --delete-config log.retention.ms
//   gregor configs --entity-type users --entity-name alice --alter --add-config 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]'
//   gregor configs --entity-type users --entity-name alice --alter --delete-config SCRAM-SHA-256
import { commandSecurity } from './command-config.js';
import { Admin, CONFIG_SOURCE_NAMES, Cluster, describeClientQuotas, type ConfigResource } from '../client/index.js';
import { Scram } from '../protocol/index.js';
import { clientCommand, reportError } from './topics-command.js';
import { QUOTA_CONFIG_KEYS, quotaConfigs } from './quota-configs.js';

interface ConfigsOptions {
  bootstrapServer: string;
  entityType?: string;
  entityName?: string;
  entityDefault?: boolean;
  describe?: boolean;
  alter?: boolean;
  addConfig: string[];
  deleteConfig: string[];
  all?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * kafka-configs.sh's --add-config syntax: k1=v1,k2=v2 where a list value is written in brackets
 * (cleanup.policy=[compact,delete]).
 */
export function parseAddConfig(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    for (const part of spec.match(/(?:[^,[]|\[[^\]]*\])+/g) ?? []) {
      const i = part.indexOf('=');
      if (i <= 0) throw new Error(`expected key=value in --add-config, got "${part}"`);
      let value = part.slice(i + 1).trim();
      if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
      out[part.slice(0, i).trim()] = value;
    }
  }
  return out;
}

export function configsCommand(setExit: (code: number) => void) {
  return clientCommand('configs')
    .description('describe or alter topic and broker configs (like kafka-configs.sh)')
    .option('--entity-type <type>', 'topics, brokers, users (SCRAM credentials, client quotas), clients (client quotas) or ips (connection_creation_rate)')
    .option('--entity-name <name>', 'topic name, broker id, user name, client id, or IP address')
    .option('--entity-default', 'with --entity-type brokers: the cluster-wide dynamic defaults')
    .option('--describe', 'show the configs')
    .option('--all', 'with --describe: every config, not only the ones set (overrides and dynamic values)')
    .option('--alter', 'change configs with --add-config / --delete-config')
    .option('--add-config <k=v,...>', 'configs to set; lists in brackets: cleanup.policy=[compact,delete] (repeatable)', collect, [])
    .option('--delete-config <k,...>', 'configs to remove (back to their default) (repeatable)', collect, [])
    .action(async (opts: ConfigsOptions) => {
      const fail = (msg: string) => {
        process.stderr.write(`gregor configs: ${msg}\n(run gregor configs --help for usage)\n`);
        setExit(2);
      };
      // Client quotas of users and client ids (other keys of users, such as SCRAM credentials, are not quotas).
      let added: Record<string, string>;
      try {
        added = parseAddConfig(opts.addConfig);
      } catch (e) {
        return fail((e as Error).message);
      }
      const quotaKeys = [...Object.keys(added), ...opts.deleteConfig.flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '')];
      const quotaAlter = opts.alter && quotaKeys.length > 0 && quotaKeys.every((k) => QUOTA_CONFIG_KEYS.includes(k));
      if (opts.entityType === 'clients' || opts.entityType === 'ips' || (opts.entityType === 'users' && quotaAlter)) {
        if (Boolean(opts.describe) === Boolean(opts.alter)) return fail('give exactly one of --describe or --alter.');
        // --describe --entity-type ips alone: every IP's quota, as kafka-configs prints them.
        const every = opts.entityType === 'ips' && Boolean(opts.describe) && !opts.entityName && !opts.entityDefault;
        if (!opts.entityName && !opts.entityDefault && !every) return fail(`--entity-type ${opts.entityType} needs --entity-name or --entity-default.`);
        const del = opts.deleteConfig.flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
        setExit(await quotaConfigs({ bootstrapServer: opts.bootstrapServer, entityType: opts.entityType, entityName: opts.entityDefault ? undefined : opts.entityName,
          describe: Boolean(opts.describe), every, set: added, remove: del, security: commandSecurity(opts) }));
        return;
      }
      if (opts.entityType === 'users') return usersAction(opts, fail, setExit);
      if (opts.entityType !== 'topics' && opts.entityType !== 'brokers') return fail('--entity-type must be topics, brokers, users, clients or ips.');
      if (Boolean(opts.describe) === Boolean(opts.alter)) return fail('give exactly one of --describe or --alter.');
      if (opts.entityType === 'topics' && !opts.entityName) return fail('--entity-type topics needs --entity-name <topic>.');
      if (opts.entityType === 'brokers' && !opts.entityName && !opts.entityDefault) return fail('--entity-type brokers needs --entity-name <id> or --entity-default.');
      if (opts.alter && opts.addConfig.length === 0 && opts.deleteConfig.length === 0) return fail('--alter needs --add-config and/or --delete-config.');
      const resource: ConfigResource = opts.entityType === 'topics'
        ? { type: 'topic', name: opts.entityName! }
        : { type: 'broker', name: opts.entityDefault ? '' : opts.entityName! };
      const label = opts.entityType === 'topics' ? `topic ${resource.name}` : resource.name === '' ? 'default broker' : `broker ${resource.name}`;
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-configs' });
        if (opts.describe) {
          const entries = await admin.describeConfigs(resource);
          const shown = entries.filter((e) => opts.all || e.source === 1 || e.source === 2 || e.source === 3);
          const lines = [`${opts.all ? 'All configs' : 'Dynamic configs'} for ${label} are:`];
          for (const e of shown) {
            lines.push(`  ${e.name}=${e.isSensitive ? null : e.value} ${CONFIG_SOURCE_NAMES[e.source] ?? `source ${e.source}`}${e.readOnly ? ' (read-only)' : ''}`);
          }
          process.stdout.write(lines.join('\n') + '\n');
        } else {
          const set = parseAddConfig(opts.addConfig);
          const del = opts.deleteConfig.flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
          await admin.alterConfigs(resource, { set, delete: del });
          process.stdout.write(`Completed updating config for ${label}.\n`);
        }
        setExit(0);
      } catch (e) {
        setExit(reportError('configs', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}

/**
 * `--add-config 'SCRAM-SHA-256=[iterations=8192,password=secret]'`: a credential per mechanism
 * (iterations default 4096, Kafka's minimum), as kafka-configs.sh takes them.
 */
export function parseScramAlterations(specs: readonly string[]): Array<{ mechanism: Scram.ScramMechanism; password: string; iterations: number }> {
  const out: Array<{ mechanism: Scram.ScramMechanism; password: string; iterations: number }> = [];
  for (const [name, value] of Object.entries(parseAddConfig(specs))) {
    if (!Scram.isScramMechanism(name)) throw new Error(`unknown user config ${name}: expected SCRAM-SHA-256 or SCRAM-SHA-512`);
    const attrs = new Map<string, string>();
    for (const part of value.split(',')) {
      const i = part.indexOf('=');
      if (i <= 0) throw new Error(`expected ${name}=[iterations=N,password=P], got "${value}"`);
      attrs.set(part.slice(0, i).trim(), part.slice(i + 1));
    }
    const password = attrs.get('password');
    if (password === undefined || password === '') throw new Error(`${name} needs password=...`);
    const iterations = attrs.has('iterations') ? Number(attrs.get('iterations')) : Scram.MIN_ITERATIONS;
    if (!Number.isInteger(iterations)) throw new Error(`${name}: iterations must be an integer`);
    out.push({ mechanism: name, password, iterations });
  }
  return out;
}

async function usersAction(opts: ConfigsOptions, fail: (msg: string) => void, setExit: (code: number) => void): Promise<void> {
  if (Boolean(opts.describe) === Boolean(opts.alter)) return fail('give exactly one of --describe or --alter.');
  if (opts.alter && !opts.entityName) return fail('--entity-type users --alter needs --entity-name <user>.');
  if (opts.alter && opts.addConfig.length === 0 && opts.deleteConfig.length === 0) return fail('--alter needs --add-config and/or --delete-config.');
  let admin: Admin | null = null;
  try {
    admin = new Admin({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-configs' });
    if (opts.describe) {
      // The user's quotas (every named user's without --entity-name) first, then SCRAM credentials, as
      // kafka-configs prints them.
      const cluster = new Cluster({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-configs' });
      try {
        const entries = await describeClientQuotas(cluster, { user: opts.entityName });
        for (const e of entries.sort((a, b) => String(a.entity.user).localeCompare(String(b.entity.user)))) {
          const shown = Object.entries(e.values).map(([k, v]) => `${k}=${Number.isInteger(v) ? v.toFixed(1) : v}`);
          if (shown.length > 0) process.stdout.write(`Quota configs for user-principal '${e.entity.user}' are ${shown.join(', ')}\n`);
        }
      } finally {
        await cluster.close();
      }
      const users = await admin.describeUserScramCredentials(opts.entityName ? [opts.entityName] : undefined);
      const lines = users.map((u) => `SCRAM credential configs for user-principal '${u.user}' are ${u.credentials.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ')}`);
      process.stdout.write(lines.length > 0 ? lines.join('\n') + '\n' : '');
    } else {
      const user = opts.entityName!;
      const deletions = opts.deleteConfig.flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '').map((mechanism) => {
        if (!Scram.isScramMechanism(mechanism)) throw new Error(`unknown user config ${mechanism}: expected SCRAM-SHA-256 or SCRAM-SHA-512`);
        return { user, mechanism };
      });
      await admin.alterUserScramCredentials(parseScramAlterations(opts.addConfig).map((u) => ({ user, ...u })), deletions);
      process.stdout.write(`Completed updating config for user ${user}.\n`);
    }
    setExit(0);
  } catch (e) {
    setExit(reportError('configs', e, opts.bootstrapServer));
  } finally {
    await admin?.close();
  }
}
