// CreateAcls (key 30): adds ACL bindings (one result per creation, in order). Needs Alter on the cluster;
// SECURITY_DISABLED without an authorizer (as Kafka). The bindings are stored in the metadata store, which
// every broker's authorizer reads.
import { asBrokerError, ErrorCode, type CreateAcls } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleCreateAcls(req: CreateAcls.CreateAclsRequest, rc: RequestContext): Promise<CreateAcls.CreateAclsResponse> {
  const all = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })) });
  const authorizer = rc.ctx.authorizer;
  if (!authorizer) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  if (!allowed(rc, AclOperation.ALTER, ResourceType.CLUSTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  let results: Array<string | undefined>;
  try {
    results = await authorizer.create(req.creations.map((c) => ({
      resourceType: c.resourceType, resourceName: c.resourceName, patternType: c.resourcePatternType,
      principal: c.principal, host: c.host, operation: c.operation, permissionType: c.permissionType,
    })));
  } catch (e) {
    // The metadata store could not keep them (a full disk): Kafka's error, not a closed connection.
    const be = asBrokerError(e);
    if (!be) throw e;
    return all(be.errorCode, be.message);
  }
  rc.ctx.log.info({ principal: rc.conn.principal, created: results.filter((r) => r === undefined).length, refused: results.filter((r) => r !== undefined).length }, 'ACLs created');
  return { throttleTimeMs: 0, results: results.map((why) => (why === undefined ? { errorCode: ErrorCode.NONE, errorMessage: null } : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why })) };
}
