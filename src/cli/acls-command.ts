// `gregor acls`: add, remove and list ACLs, with kafka-acls.sh's flags and output.
//   gregor acls --add --allow-principal User:alice --operation Read --topic orders
//   gregor acls --add --allow-principal User:alice --producer --topic orders [--idempotent] [--transactional-id tx]
//   gregor acls --add --allow-principal User:bob --consumer --topic orders --group g
//   gregor acls --remove --force --topic orders      gregor acls --list [--topic orders] [--principal User:alice]
import { Option } from 'commander';
import { Cluster, KafkaProtocolError, createAcls, deleteAcls, describeAcls, type AclBindingCodes, type AclFilterCodes } from '../client/index.js';
import { AclOperation, CLUSTER_NAME, PatternType, PermissionType, ResourceType, WILDCARD, enumName, operationCode } from '../acl/index.js';
import { clientCommand, reportError } from './topics-command.js';
import type { SetExit } from './args.js';

interface AclsOptions {
  bootstrapServer: string;
  add?: boolean;
  remove?: boolean;
  list?: boolean;
  allowPrincipal: string[];
  denyPrincipal: string[];
  allowHost: string[];
  denyHost: string[];
  principal: string[];
  operation: string[];
  topic: string[];
  group: string[];
  cluster?: boolean;
  transactionalId: string[];
  delegationToken: string[];
  resourcePatternType: string;
  producer?: boolean;
  consumer?: boolean;
  idempotent?: boolean;
  force?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface Pattern {
  resourceType: number;
  name: string;
  patternType: number;
}

interface Entry {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** Kafka's ResourcePattern.toString. */
export function formatPattern(p: Pattern): string {
  return `ResourcePattern(resourceType=${enumName(ResourceType, p.resourceType)}, name=${p.name}, patternType=${enumName(PatternType, p.patternType)})`;
}

/** Kafka's AccessControlEntry.toString. */
export function formatEntry(e: Entry): string {
  return `(principal=${e.principal}, host=${e.host}, operation=${enumName(AclOperation, e.operation)}, permissionType=${enumName(PermissionType, e.permissionType)})`;
}

function formatGroup(title: string, p: Pattern, entries: readonly Entry[]): string {
  return `${title} \`${formatPattern(p)}\`: \n ${entries.map((e) => `\t${formatEntry(e)}`).join('\n')} \n`;
}

const OPERATION_NAMES = ['Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'AlterConfigs', 'DescribeConfigs', 'IdempotentWrite', 'CreateTokens', 'DescribeTokens', 'All'];

export function aclsCommand(setExit: SetExit) {
  return clientCommand('acls')
    .description('add, remove or list ACLs (like kafka-acls.sh)')
    .option('--add', 'add ACLs')
    .option('--remove', 'remove ACLs')
    .option('--list', 'list ACLs')
    .option('--allow-principal <principal>', 'principal (User:name) the ALLOW ACLs are for; repeatable', collect, [])
    .option('--deny-principal <principal>', 'principal the DENY ACLs are for; repeatable', collect, [])
    .option('--allow-host <host>', 'host (IP) the ALLOW ACLs apply from; * (default) for every host', collect, [])
    .option('--deny-host <host>', 'host (IP) the DENY ACLs apply from; * (default) for every host', collect, [])
    .option('--principal <principal>', 'with --list: only ACLs of this principal; repeatable', collect, [])
    .option('--operation <op>', `operation: ${OPERATION_NAMES.join(', ')} (default All); repeatable`, collect, [])
    .option('--topic <topic>', 'topic resource (* for every topic); repeatable', collect, [])
    .option('--group <group>', 'consumer group resource (* for every group); repeatable', collect, [])
    .option('--cluster', 'the cluster resource')
    .option('--transactional-id <id>', 'transactional id resource; repeatable', collect, [])
    .option('--delegation-token <token>', 'delegation token resource; repeatable', collect, [])
    .addOption(new Option('--resource-pattern-type <type>', 'literal or prefixed (add); also any or match (list, remove)').default('literal'))
    .option('--producer', 'convenience: Write, Describe and Create on the topics (IdempotentWrite on the cluster with --idempotent, Write and Describe on --transactional-id)')
    .option('--consumer', 'convenience: Read and Describe on the topics, Read on the groups')
    .option('--idempotent', 'with --producer: IdempotentWrite on the cluster')
    .option('--force', 'remove without asking')
    .action(async (opts: AclsOptions) => {
      const fail = (msg: string) => {
        process.stderr.write(`gregor acls: ${msg}\n(run gregor acls --help for usage)\n`);
        setExit(2);
      };
      const actions = [opts.add, opts.remove, opts.list].filter(Boolean).length;
      if (actions !== 1) return fail('give exactly one of --add, --remove or --list.');
      const patternType = ({ literal: PatternType.LITERAL, prefixed: PatternType.PREFIXED, any: PatternType.ANY, match: PatternType.MATCH } as Record<string, number>)[opts.resourcePatternType.toLowerCase()];
      if (patternType === undefined) return fail(`--resource-pattern-type must be literal, prefixed, any or match, not ${opts.resourcePatternType}.`);
      if (opts.add && patternType !== PatternType.LITERAL && patternType !== PatternType.PREFIXED) return fail('--add takes --resource-pattern-type literal or prefixed.');
      const ops: number[] = [];
      for (const o of opts.operation) {
        const code = operationCode(o);
        if (code === AclOperation.UNKNOWN) return fail(`unknown --operation ${o} (one of ${OPERATION_NAMES.join(', ')}).`);
        ops.push(code);
      }
      if ((opts.producer || opts.consumer) && ops.length > 0) return fail('--producer and --consumer set the operations themselves; leave out --operation.');
      if (opts.consumer && opts.group.length === 0) return fail('--consumer needs --group.');
      if ((opts.producer || opts.consumer) && opts.topic.length === 0) return fail('--producer and --consumer need --topic.');
      if (opts.idempotent && !opts.producer) return fail('--idempotent goes with --producer.');

      // Operations per resource pattern (kafka-acls.sh's --producer/--consumer conveniences).
      const wanted = new Map<string, { pattern: Pattern; ops: number[] }>();
      const want = (resourceType: number, name: string, operations: number[]) => {
        const key = `${resourceType}\u0000${name}`;
        const w = wanted.get(key) ?? { pattern: { resourceType, name, patternType }, ops: [] };
        for (const op of operations) if (!w.ops.includes(op)) w.ops.push(op);
        wanted.set(key, w);
      };
      if (opts.producer || opts.consumer) {
        if (opts.producer) {
          for (const t of opts.topic) want(ResourceType.TOPIC, t, [AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE]);
          for (const id of opts.transactionalId) want(ResourceType.TRANSACTIONAL_ID, id, [AclOperation.WRITE, AclOperation.DESCRIBE]);
          if (opts.idempotent) want(ResourceType.CLUSTER, CLUSTER_NAME, [AclOperation.IDEMPOTENT_WRITE]);
        }
        if (opts.consumer) {
          for (const t of opts.topic) want(ResourceType.TOPIC, t, [AclOperation.READ, AclOperation.DESCRIBE]);
          for (const g of opts.group) want(ResourceType.GROUP, g, [AclOperation.READ]);
        }
      } else {
        const operations = ops.length > 0 ? ops : [AclOperation.ALL];
        for (const t of opts.topic) want(ResourceType.TOPIC, t, operations);
        for (const g of opts.group) want(ResourceType.GROUP, g, operations);
        for (const id of opts.transactionalId) want(ResourceType.TRANSACTIONAL_ID, id, operations);
        for (const d of opts.delegationToken) want(ResourceType.DELEGATION_TOKEN, d, operations);
        if (opts.cluster) want(ResourceType.CLUSTER, CLUSTER_NAME, operations);
      }
      if (!opts.list && wanted.size === 0) return fail('name a resource: --topic, --group, --cluster, --transactional-id or --delegation-token.');
      for (const w of wanted.values()) if (w.pattern.patternType === PatternType.PREFIXED && w.pattern.name === WILDCARD) return fail('a prefixed pattern cannot be *.');

      const entriesFor = (ops: number[]): Entry[] => {
        const allowHosts = opts.allowHost.length > 0 ? opts.allowHost : [WILDCARD];
        const denyHosts = opts.denyHost.length > 0 ? opts.denyHost : [WILDCARD];
        const out: Entry[] = [];
        for (const principal of opts.allowPrincipal) for (const host of allowHosts) for (const operation of ops) out.push({ principal, host, operation, permissionType: PermissionType.ALLOW });
        for (const principal of opts.denyPrincipal) for (const host of denyHosts) for (const operation of ops) out.push({ principal, host, operation, permissionType: PermissionType.DENY });
        return out;
      };
      const filterOf = (p: Pattern | undefined, principal: string | null = null): AclFilterCodes => ({
        resourceType: p?.resourceType ?? ResourceType.ANY, resourceName: p?.name ?? null, patternType: p ? p.patternType : PatternType.ANY,
        principal, host: null, operation: AclOperation.ANY, permissionType: PermissionType.ANY,
      });
      const patternOf = (b: AclBindingCodes): Pattern => ({ resourceType: b.resourceType, name: b.resourceName, patternType: b.patternType });
      const grouped = (bindings: AclBindingCodes[]) => {
        const m = new Map<string, { pattern: Pattern; entries: Entry[] }>();
        for (const b of bindings) {
          const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
          let g = m.get(key);
          if (!g) m.set(key, (g = { pattern: patternOf(b), entries: [] }));
          g.entries.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
        }
        return [...m.values()];
      };

      let cluster: Cluster | null = null;
      const out: string[] = [];
      // After --add/--remove, the resources' ACLs as they are now; skipped when the change took away the
      // principal's own right to describe ACLs.
      const listCurrent = async () => {
        for (const { pattern } of wanted.values()) {
          let current: AclBindingCodes[];
          try {
            current = await describeAcls(cluster!, filterOf(pattern));
          } catch (e) {
            if (e instanceof KafkaProtocolError && e.errorName === 'CLUSTER_AUTHORIZATION_FAILED') return;
            throw e;
          }
          out.push(formatGroup('Current ACLs for resource', pattern, grouped(current)[0]?.entries ?? []));
        }
      };
      try {
        cluster = new Cluster({ bootstrap: opts.bootstrapServer, clientId: 'gregor-acls' });
        if (opts.add) {
          if (opts.allowPrincipal.length === 0 && opts.denyPrincipal.length === 0) return fail('--add needs --allow-principal or --deny-principal.');
          for (const { pattern, ops } of wanted.values()) {
            const entries = entriesFor(ops);
            out.push(formatGroup('Adding ACLs for resource', pattern, entries));
            await createAcls(cluster, entries.map((e) => ({ resourceType: pattern.resourceType, resourceName: pattern.name, patternType: pattern.patternType, ...e })));
          }
          await listCurrent();
        } else if (opts.remove) {
          if (!opts.force) return fail('--remove deletes ACLs without asking only with --force.');
          const filters: AclFilterCodes[] = [];
          for (const { pattern, ops } of wanted.values()) {
            const entries = opts.allowPrincipal.length + opts.denyPrincipal.length > 0 ? entriesFor(ops) : [];
            if (entries.length === 0) filters.push(filterOf(pattern));
            for (const e of entries) filters.push({ ...filterOf(pattern, e.principal), host: e.host, operation: e.operation, permissionType: e.permissionType });
            out.push(`Removing ACLs for resource \`${formatPattern(pattern)}\`${entries.length > 0 ? `: \n ${entries.map((e) => `\t${formatEntry(e)}`).join('\n')} ` : ''}\n`);
          }
          await deleteAcls(cluster, filters);
          await listCurrent();
        } else {
          const principals = opts.principal.length > 0 ? opts.principal : [null];
          const patterns = wanted.size > 0 ? [...wanted.values()].map((w) => w.pattern) : [undefined];
          const bindings: AclBindingCodes[] = [];
          for (const p of patterns) for (const principal of principals) bindings.push(...await describeAcls(cluster, filterOf(p, principal)));
          for (const g of grouped(bindings)) out.push(formatGroup(principals[0] === null ? 'Current ACLs for resource' : `ACLs for principal \`${principals.join(', ')}\``, g.pattern, g.entries));
        }
        process.stdout.write(out.join('\n'));
      } catch (e) {
        setExit(reportError('acls', e, opts.bootstrapServer));
      } finally {
        await cluster?.close();
      }
    });
}
