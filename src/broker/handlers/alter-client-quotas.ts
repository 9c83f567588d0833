// AlterClientQuotas (key 49): sets and removes quota values of user / client-id entities, or of an ip entity
// alone (connection_creation_rate, KIP-612) (a null name is the default entity), stored in the metadata store
// (ZooKeeper: /config/users, /config/clients, /config/ips). Needs AlterConfigs on the cluster.
import { isIP } from 'node:net';
import { asBrokerError, ErrorCode, type AlterClientQuotas } from '../../protocol/index.js';
import { DEFAULT_QUOTA_ENTITY, IP_CONNECTION_RATE_KEY, QUOTA_KEYS, type QuotaEntity } from '../../metadata/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

type Result = AlterClientQuotas.AlterResult;

export async function handleAlterClientQuotas(req: AlterClientQuotas.AlterClientQuotasRequest, rc: RequestContext): Promise<AlterClientQuotas.AlterClientQuotasResponse> {
  const denied = !allowed(rc, AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER);
  const entries: Result[] = [];
  for (const e of req.entries) {
    const answer = (errorCode: number, errorMessage: string | null): Result => ({ errorCode, errorMessage, entity: e.entity });
    if (denied) {
      entries.push(answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.'));
      continue;
    }
    const why = invalid(e);
    if (why) {
      entries.push(answer(ErrorCode.INVALID_REQUEST, why));
      continue;
    }
    const entity: { user?: string; clientId?: string; ip?: string } = {};
    for (const x of e.entity) {
      const name = x.entityName ?? DEFAULT_QUOTA_ENTITY;
      if (x.entityType === 'user') entity.user = name;
      else if (x.entityType === 'ip') entity.ip = name;
      else entity.clientId = name;
    }
    const set: Record<string, number> = {};
    const remove: string[] = [];
    for (const o of e.ops) {
      if (o.remove) remove.push(o.key);
      else set[o.key] = o.value;
    }
    if (!req.validateOnly) {
      try {
        await rc.ctx.metadata.alterClientQuotas(entity as QuotaEntity, set, remove);
      } catch (err) {
        // The metadata store could not keep it (a full disk): this entry fails with Kafka's error.
        const be = asBrokerError(err);
        if (!be) throw err;
        entries.push(answer(be.errorCode, be.message));
        continue;
      }
      rc.ctx.log.info({ principal: rc.conn.principal, entity, set, remove }, 'client quotas altered');
    }
    entries.push(answer(ErrorCode.NONE, null));
  }
  return { throttleTimeMs: 0, entries };
}

function invalid(e: AlterClientQuotas.AlterEntry): string | undefined {
  if (e.entity.length === 0) return 'An entity needs a user or a client-id';
  const types = e.entity.map((x) => x.entityType);
  if (new Set(types).size !== types.length) return `Duplicate entity type in ${types.join(', ')}`;
  for (const t of types) if (t !== 'user' && t !== 'client-id' && t !== 'ip') return `Unsupported quota entity type ${t}`;
  const ip = e.entity.find((x) => x.entityType === 'ip');
  if (ip && types.length > 1) return 'Invalid quota entity combination, IP entity should not be combined with User or ClientId';
  // Kafka also takes a host name it can resolve; addresses only here, so the quota names what accept sees.
  if (ip && ip.entityName !== null && isIP(ip.entityName) === 0) return `${ip.entityName} is not a valid IP or resolvable host.`;
  const allowedKeys = ip ? [IP_CONNECTION_RATE_KEY] : QUOTA_KEYS;
  const keys = e.ops.map((o) => o.key);
  if (new Set(keys).size !== keys.length) return 'Duplicate quota key';
  for (const o of e.ops) {
    if (!allowedKeys.includes(o.key)) return `Invalid configuration key ${o.key} (one of ${allowedKeys.join(', ')})`;
    if (!o.remove && !(Number.isFinite(o.value) && o.value > 0)) return `Quota ${o.key} must be greater than 0, got ${o.value}`;
    if (!o.remove && ip && (!Number.isInteger(o.value) || o.value > 2147483647)) return `Proposed value for ${o.key} must be an integer (an INT), got ${o.value}`;
  }
  return undefined;
}
