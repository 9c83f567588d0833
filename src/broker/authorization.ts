// Authorization helpers for the request handlers: which Kafka operation each API needs on which resource
// (Kafka's KafkaApis) is decided in the handler, the decision itself by BrokerContext.authorize (the
// ACL authorizer, or allow-all without one). Produce, Fetch, ListOffsets and DeleteRecords are checked
// in the ReplicaManager instead, so the gateway's requests meet the same rules.
import { AclOperation, CLUSTER_NAME, ResourceType, supportedOperations } from '../acl/index.js';
import { BrokerError } from '../protocol/index.js';
import type { RequestContext } from './request-context.js';

export { AclOperation, ResourceType };

/** Kafka's value for authorized_operations when the client did not ask for it. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function allowed(rc: RequestContext, operation: number, resourceType: number, name: string = CLUSTER_NAME): boolean {
  const authorizer = rc.ctx.authorizer;
  return authorizer === undefined || authorizer.authorize({ principal: rc.conn.principal, host: rc.conn.remoteAddress }, operation, resourceType, name);
}

/** Throws CLUSTER_AUTHORIZATION_FAILED unless `operation` on the cluster is allowed. */
export function requireCluster(rc: RequestContext, operation: number): void {
  if (!allowed(rc, operation, ResourceType.CLUSTER)) throw new BrokerError('CLUSTER_AUTHORIZATION_FAILED', `Cluster authorization failed: ${rc.conn.principal} may not do this`);
}

/** The authorized_operations bit field of a resource, or the omitted marker when not asked for. */
export function authorizedOperations(rc: RequestContext, asked: boolean, resourceType: number, name: string = CLUSTER_NAME): number {
  if (!asked) return AUTHORIZED_OPERATIONS_OMITTED;
  const a = rc.ctx.authorizer;
  const who = { principal: rc.conn.principal, host: rc.conn.remoteAddress };
  if (a) return a.authorizedOperations(who, resourceType, name);
  // No authorizer: every operation the resource type supports (Kafka answers the same).
  return supportedOperations(resourceType);
}

/**
 * Why a DescribeConfigs (alter: AlterConfigs/IncrementalAlterConfigs) of a resource is refused, or undefined:
 * DescribeConfigs/AlterConfigs on the topic (TOPIC_AUTHORIZATION_FAILED) or, for brokers, on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED).
 */
export function configAccessError(rc: RequestContext, configResourceType: number, name: string, alter: boolean): BrokerError | undefined {
  const op = alter ? AclOperation.ALTER_CONFIGS : AclOperation.DESCRIBE_CONFIGS;
  // ConfigResource types: 2 TOPIC, 4 BROKER, 8 BROKER_LOGGER.
  if (configResourceType === 2) return allowed(rc, op, ResourceType.TOPIC, name) ? undefined : new BrokerError('TOPIC_AUTHORIZATION_FAILED', `Not authorized to ${alter ? 'alter' : 'describe'} the configs of topic ${name}`);
  if (configResourceType === 4 || configResourceType === 8) return allowed(rc, op, ResourceType.CLUSTER) ? undefined : new BrokerError('CLUSTER_AUTHORIZATION_FAILED', `Not authorized to ${alter ? 'alter' : 'describe'} broker configs`);
  return undefined;
}
