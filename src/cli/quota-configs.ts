// `gregor configs --entity-type users|clients|ips`: client quotas (producer_byte_rate, consumer_byte_rate,
// request_percentage, controller_mutation_rate) of a user, a client id or their defaults, and the
// connection_creation_rate of an IP address or the ip default, through DescribeClientQuotas and
// AlterClientQuotas, as kafka-configs.sh does.
//   gregor configs --entity-type clients --entity-name c1 --alter --add-config producer_byte_rate=1024
//   gregor configs --entity-type users --entity-default --describe
//   gregor configs --entity-type ips --entity-name 127.0.0.1 --alter --add-config connection_creation_rate=5
import { Cluster, alterClientQuotas, describeClientQuotas, type ClientSecurity, type QuotaEntityNames } from '../client/index.js';
import { isIP } from 'node:net';
import { reportError } from './topics-command.js';

export const QUOTA_CONFIG_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];
export const IP_QUOTA_CONFIG_KEYS = ['connection_creation_rate'];

export interface QuotaConfigsRequest {
  bootstrapServer: string;
  entityType: 'users' | 'clients' | 'ips';
  /** undefined: the default entity. */
  entityName?: string;
  describe: boolean;
  /** With describe and no entityName: every named entity of the type, one line each. */
  every?: boolean;
  set: Record<string, string>;
  remove: string[];
  /** TLS and SASL from --command-config (plaintext when absent). */
  security?: ClientSecurity;
}

/** Runs a quota describe or alter; resolves the exit code. */
export async function quotaConfigs(r: QuotaConfigsRequest): Promise<number> {
  const type = r.entityType === 'users' ? 'user' : r.entityType === 'ips' ? 'ip' : 'client-id';
  const entity: QuotaEntityNames = { [type]: r.entityName ?? null };
  const noun = type === 'user' ? 'user-principal' : type;
  const label = r.entityName === undefined ? `the default ${noun}` : `${noun} '${r.entityName}'`;
  const keys = type === 'ip' ? IP_QUOTA_CONFIG_KEYS : QUOTA_CONFIG_KEYS;
  for (const k of [...Object.keys(r.set), ...r.remove]) {
    if (!keys.includes(k)) {
      process.stderr.write(`gregor configs: ${k} is not a quota config of ${r.entityType} (one of ${keys.join(', ')}).\n`);
      return 2;
    }
  }
  if (type === 'ip' && r.entityName !== undefined && isIP(r.entityName) === 0) {
    process.stderr.write(`gregor configs: the entity name for ips must be a valid IP address, but it is: ${r.entityName}\n`);
    return 2;
  }
  const set: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.set)) {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`gregor configs: ${k} must be a number greater than 0, got "${v}".\n`);
      return 2;
    }
    set[k] = n;
  }
  const cluster = new Cluster({ bootstrap: r.bootstrapServer, security: r.security, clientId: 'gregor-configs' });
  try {
    const show = (values: Record<string, number>) => Object.entries(values).map(([k, v]) => `${k}=${Number.isInteger(v) ? v.toFixed(1) : v}`).join(', ');
    if (r.describe && r.every) {
      for (const e of await describeClientQuotas(cluster, { [type]: undefined })) {
        const name = e.entity[type];
        process.stdout.write(`Quota configs for ${name === null || name === undefined ? `the default ${noun}` : `${noun} '${name}'`} are ${show(e.values)}\n`);
      }
    } else if (r.describe) {
      const entries = await describeClientQuotas(cluster, entity);
      const values = entries[0]?.values ?? {};
      process.stdout.write(`Quota configs for ${label} are ${show(values)}\n`);
    } else {
      await alterClientQuotas(cluster, entity, set, r.remove);
      process.stdout.write(`Completed updating config for ${label}.\n`);
    }
    return 0;
  } catch (e) {
    return reportError('configs', e, r.bootstrapServer);
  } finally {
    await cluster.close();
  }
}
