// `gregor configs --entity-type users|clients`: client quotas (producer_byte_rate, consumer_byte_rate,
// request_percentage) of a user, a client id or their defaults, through DescribeClientQuotas and
// AlterClientQuotas, as kafka-configs.sh does.
//   gregor configs --entity-type clients --entity-name c1 --alter --add-config producer_byte_rate=1024
//   gregor configs --entity-type users --entity-default --describe
import { Cluster, alterClientQuotas, describeClientQuotas, type ClientSecurity, type QuotaEntityNames } from '../client/index.js';
import { reportError } from './topics-command.js';

export const QUOTA_CONFIG_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];

export interface QuotaConfigsRequest {
  bootstrapServer: string;
  entityType: 'users' | 'clients';
  /** undefined: the default entity. */
  entityName?: string;
  describe: boolean;
  set: Record<string, string>;
  remove: string[];
  /** TLS and SASL from --command-config (plaintext when absent). */
  security?: ClientSecurity;
}

/** Runs a quota describe or alter; resolves the exit code. */
export async function quotaConfigs(r: QuotaConfigsRequest): Promise<number> {
  const type = r.entityType === 'users' ? 'user' : 'client-id';
  const entity: QuotaEntityNames = { [type]: r.entityName ?? null };
  const label = r.entityName === undefined ? `the default ${type === 'user' ? 'user-principal' : 'client-id'}` : `${type === 'user' ? 'user-principal' : 'client-id'} '${r.entityName}'`;
  for (const k of [...Object.keys(r.set), ...r.remove]) {
    if (!QUOTA_CONFIG_KEYS.includes(k)) {
      process.stderr.write(`gregor configs: ${k} is not a quota config of ${r.entityType} (one of ${QUOTA_CONFIG_KEYS.join(', ')}).\n`);
      return 2;
    }
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
    if (r.describe) {
      const entries = await describeClientQuotas(cluster, entity);
      const values = entries[0]?.values ?? {};
      process.stdout.write(`Quota configs for ${label} are ${Object.entries(values).map(([k, v]) => `${k}=${Number.isInteger(v) ? v.toFixed(1) : v}`).join(', ')}\n`);
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
