// DescribeClientQuotas (key 48): the quota entities (user and/or client id, or an ip; names or defaults)
// matching the filter components, with their values. Needs DescribeConfigs on the cluster.
import { ErrorCode, type DescribeClientQuotas } from '../../protocol/index.js';
import { DEFAULT_QUOTA_ENTITY, type QuotaEntity } from '../../metadata/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

/** The entity type names of the protocol, and where each sits in a QuotaEntity. */
export const QUOTA_ENTITY_TYPES = { user: 'user', 'client-id': 'clientId', ip: 'ip' } as const;

export function handleDescribeClientQuotas(req: DescribeClientQuotas.DescribeClientQuotasRequest, rc: RequestContext): DescribeClientQuotas.DescribeClientQuotasResponse {
  const fail = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, entries: null });
  if (!allowed(rc, AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  const seen = new Set<string>();
  for (const c of req.components) {
    if (seen.has(c.entityType)) return fail(ErrorCode.INVALID_REQUEST, `Duplicate filter component entity type ${c.entityType}`);
    seen.add(c.entityType);
    if (c.matchType < MATCH_EXACT || c.matchType > MATCH_SPECIFIED) return fail(ErrorCode.INVALID_REQUEST, `Unknown match type ${c.matchType}`);
    if (c.matchType === MATCH_EXACT && c.match === null) return fail(ErrorCode.INVALID_REQUEST, 'An exact match needs a name');
  }
  const part = (e: QuotaEntity, type: string): string | undefined => (type === 'user' ? e.user : type === 'client-id' ? e.clientId : type === 'ip' ? e.ip : undefined);
  const matches = (e: QuotaEntity): boolean => {
    for (const c of req.components) {
      const v = part(e, c.entityType);
      if (v === undefined) return false;
      if (c.matchType === MATCH_EXACT && v !== c.match) return false;
      if (c.matchType === MATCH_DEFAULT && v !== DEFAULT_QUOTA_ENTITY) return false;
    }
    if (req.strict) for (const type of Object.keys(QUOTA_ENTITY_TYPES)) if (part(e, type) !== undefined && !seen.has(type)) return false;
    return true;
  };
  const entries = rc.ctx.metadata.clientQuotas().filter((q) => matches(q.entity)).map((q) => ({
    entity: [
      ...(q.entity.user !== undefined ? [{ entityType: 'user', entityName: q.entity.user === DEFAULT_QUOTA_ENTITY ? null : q.entity.user }] : []),
      ...(q.entity.clientId !== undefined ? [{ entityType: 'client-id', entityName: q.entity.clientId === DEFAULT_QUOTA_ENTITY ? null : q.entity.clientId }] : []),
      ...(q.entity.ip !== undefined ? [{ entityType: 'ip', entityName: q.entity.ip === DEFAULT_QUOTA_ENTITY ? null : q.entity.ip }] : []),
    ],
    values: Object.entries(q.values).map(([key, value]) => ({ key, value })),
  }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
}
