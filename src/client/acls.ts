// ACL administration (DescribeAcls, CreateAcls, DeleteAcls) over a Cluster: bindings and filters in
// Kafka's wire codes (resource type, pattern type, operation, permission type), as the broker's acl
// module defines them. Refusals come back as KafkaProtocolErrors.
import { CreateAcls, DeleteAcls, DescribeAcls, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { KafkaProtocolError } from './errors.js';

export interface AclBindingCodes {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface AclFilterCodes {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

export async function describeAcls(cluster: Cluster, f: AclFilterCodes): Promise<AclBindingCodes[]> {
  const res = await cluster.sendAny(DescribeAcls, {
    resourceTypeFilter: f.resourceType, resourceNameFilter: f.resourceName, patternTypeFilter: f.patternType,
    principalFilter: f.principal, hostFilter: f.host, operation: f.operation, permissionType: f.permissionType,
  });
  if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'describe ACLs', res.errorMessage);
  return res.resources.flatMap((r) => r.acls.map((a) => ({
    resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType, principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType,
  })));
}

/** Creates bindings; throws the first refusal. */
export async function createAcls(cluster: Cluster, bindings: readonly AclBindingCodes[]): Promise<void> {
  const res = await cluster.sendToController(CreateAcls, {
    creations: bindings.map((b) => ({
      resourceType: b.resourceType, resourceName: b.resourceName, resourcePatternType: b.patternType, principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType,
    })),
  });
  const failed = res.results.find((r) => r.errorCode !== ErrorCode.NONE);
  if (failed) throw new KafkaProtocolError(failed.errorCode, 'create ACLs', failed.errorMessage);
}

/** Deletes every binding matching each filter; resolves the bindings removed. */
export async function deleteAcls(cluster: Cluster, filters: readonly AclFilterCodes[]): Promise<AclBindingCodes[]> {
  const res = await cluster.sendToController(DeleteAcls, {
    filters: filters.map((f) => ({
      resourceTypeFilter: f.resourceType, resourceNameFilter: f.resourceName, patternTypeFilter: f.patternType,
      principalFilter: f.principal, hostFilter: f.host, operation: f.operation, permissionType: f.permissionType,
    })),
  });
  const failed = res.filterResults.find((r) => r.errorCode !== ErrorCode.NONE);
  if (failed) throw new KafkaProtocolError(failed.errorCode, 'delete ACLs', failed.errorMessage);
  return res.filterResults.flatMap((r) => r.matchingAcls.map((m) => ({
    resourceType: m.resourceType, resourceName: m.resourceName, patternType: m.patternType, principal: m.principal, host: m.host, operation: m.operation, permissionType: m.permissionType,
  })));
}
