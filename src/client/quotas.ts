// Client quota administration (DescribeClientQuotas, AlterClientQuotas) over a Cluster. An entity is a
// map of entity type (user, client-id) to a name, null for the default entity.
import { AlterClientQuotas, DescribeClientQuotas, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { KafkaProtocolError } from './errors.js';

export type QuotaEntityNames = Record<string, string | null>;

export interface ClientQuotaEntry {
  entity: QuotaEntityNames;
  values: Record<string, number>;
}

/**
 * Quotas of entities that have exactly these entity types with these names (null: the default;
 * undefined: any named entity of the type, Kafka's SPECIFIED match, as `kafka-configs --describe
 * --entity-type users` without a name asks).
 */
export async function describeClientQuotas(cluster: Cluster, entity: Record<string, string | null | undefined>): Promise<ClientQuotaEntry[]> {
  const res = await cluster.sendAny(DescribeClientQuotas, {
    components: Object.entries(entity).map(([entityType, name]) => ({ entityType, matchType: name === undefined ? 2 : name === null ? 1 : 0, match: name ?? null })),
    strict: true,
  });
  if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'describe client quotas', res.errorMessage);
  return (res.entries ?? []).map((e) => ({
    entity: Object.fromEntries(e.entity.map((x) => [x.entityType, x.entityName])),
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }));
}

export async function alterClientQuotas(cluster: Cluster, entity: QuotaEntityNames, set: Record<string, number>, remove: string[]): Promise<void> {
  const res = await cluster.sendToController(AlterClientQuotas, {
    entries: [{
      entity: Object.entries(entity).map(([entityType, entityName]) => ({ entityType, entityName })),
      ops: [...Object.entries(set).map(([key, value]) => ({ key, value, remove: false })), ...remove.map((key) => ({ key, value: 0, remove: true }))],
    }],
    validateOnly: false,
  });
  const failed = res.entries.find((e) => e.errorCode !== ErrorCode.NONE);
  if (failed) throw new KafkaProtocolError(failed.errorCode, 'alter client quotas', failed.errorMessage);
}
