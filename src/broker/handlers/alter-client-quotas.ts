// AlterClientQuotas (key 49): sets and removes quota values of user / client-id entities (a null name is the
// default entity), stored in the metadata store (ZooKeeper: /config/users, /config/clients). Needs
// AlterConfigs on the cluster.
import { ErrorCode, type AlterClientQuotas } from '../../protocol/index.js';
import { DEFAULT_QUOTA_ENTITY, QUOTA_KEYS, type QuotaEntity } from '../../metadata/index.js';
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
    const entity: { user?: string; clientId?: string } = {};
    for (const x of e.entity) {
      const name = x.entityName ?? DEFAULT_QUOTA_ENTITY;
      if (x.entityType === 'user') entity.user = name;
      else entity.clientId = name;
    }
    const set: Record<string, number> = {};
    const remove: string[] = [];
    for (const o of e.ops) {
      if (o.remove) remove.push(o.key);
      else set[o.key] = o.value;
    }
    if (!req.validateOnly) {
      await rc.ctx.metadata.alterClientQuotas(entity as QuotaEntity, set, remove);
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
  for (const t of types) if (t !== 'user' && t !== 'client-id') return `Unsupported quota entity type ${t}${t === 'ip' ? ' (IP connection-rate quotas are not supported)' : ''}`;
  const keys = e.ops.map((o) => o.key);
  if (new Set(keys).size !== keys.length) return 'Duplicate quota key';
  for (const o of e.ops) {
    if (!QUOTA_KEYS.includes(o.key)) return `Invalid quota key ${o.key} (one of ${QUOTA_KEYS.join(', ')})`;
    if (!o.remove && !(Number.isFinite(o.value) && o.value > 0)) return `Quota ${o.key} must be greater than 0, got ${o.value}`;
  }
  return undefined;
}
