// DescribeAcls (key 29): the stored ACL bindings matching one filter, grouped by resource pattern.
// Needs Describe on the cluster; SECURITY_DISABLED without an authorizer (as Kafka).
import { ErrorCode, type DescribeAcls } from '../../protocol/index.js';
import { invalidFilter, type AclBinding } from '../../acl/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export function handleDescribeAcls(req: DescribeAcls.DescribeAclsRequest, rc: RequestContext): DescribeAcls.DescribeAclsResponse {
  const fail = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
  const authorizer = rc.ctx.authorizer;
  if (!authorizer) return fail(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  if (!allowed(rc, AclOperation.DESCRIBE, ResourceType.CLUSTER)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
  const filter = {
    resourceType: req.resourceTypeFilter, resourceName: req.resourceNameFilter, patternType: req.patternTypeFilter,
    principal: req.principalFilter, host: req.hostFilter, operation: req.operation, permissionType: req.permissionType,
  };
  const why = invalidFilter(filter);
  if (why) return fail(ErrorCode.INVALID_REQUEST, why);
  const byResource = new Map<string, DescribeAcls.DescribeAclsResource>();
  for (const b of authorizer.describe(filter)) {
    const key = resourceKey(b);
    let r = byResource.get(key);
    if (!r) byResource.set(key, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
    r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...byResource.values()] };
}

function resourceKey(b: AclBinding): string {
  return `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
}
