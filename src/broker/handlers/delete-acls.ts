// DeleteAcls (key 31): removes every binding matching each filter and answers, per filter, the bindings it
// removed. Needs Alter on the cluster; SECURITY_DISABLED without an authorizer (as Kafka).
import { asBrokerError, ErrorCode, type DeleteAcls } from '../../protocol/index.js';
import { invalidFilter, type AclBindingFilter } from '../../acl/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleDeleteAcls(req: DeleteAcls.DeleteAclsRequest, rc: RequestContext): Promise<DeleteAcls.DeleteAclsResponse> {
  const all = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
  const authorizer = rc.ctx.authorizer;
  if (!authorizer) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  if (!allowed(rc, AclOperation.ALTER, ResourceType.CLUSTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  const filters: AclBindingFilter[] = req.filters.map((f) => ({
    resourceType: f.resourceTypeFilter, resourceName: f.resourceNameFilter, patternType: f.patternTypeFilter,
    principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permissionType: f.permissionType,
  }));
  const invalid = filters.map((f) => invalidFilter(f));
  let results: Awaited<ReturnType<typeof authorizer.delete>>;
  try {
    results = await authorizer.delete(filters.filter((_, i) => invalid[i] === undefined));
  } catch (e) {
    // The metadata store could not keep the change (a full disk): Kafka's error, not a closed connection.
    const be = asBrokerError(e);
    if (!be) throw e;
    return all(be.errorCode, be.message);
  }
  let j = 0;
  const filterResults = filters.map((_, i): DeleteAcls.DeleteAclsFilterResult => {
    if (invalid[i] !== undefined) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid[i]!, matchingAcls: [] };
    const r = results[j++]!;
    if (typeof r === 'string') return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: r, matchingAcls: [] };
    return {
      errorCode: ErrorCode.NONE, errorMessage: null,
      matchingAcls: r.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType,
        principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType })),
    };
  });
  const removed = filterResults.reduce((n, f) => n + f.matchingAcls.length, 0);
  if (removed > 0) rc.ctx.log.info({ principal: rc.conn.principal, removed }, 'ACLs deleted');
  return { throttleTimeMs: 0, filterResults };
}
