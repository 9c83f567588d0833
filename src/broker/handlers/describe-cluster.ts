// DescribeCluster (key 60): the cluster id, the controller (this broker) and the broker list (just us).
import { ErrorCode, type DescribeCluster } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed, authorizedOperations } from '../authorization.js';

const ENDPOINT_BROKERS = 1;

export function handleDescribeCluster(req: DescribeCluster.DescribeClusterRequest, rc: RequestContext): DescribeCluster.DescribeClusterResponse {
  const { ctx } = rc;
  const base = { throttleTimeMs: 0, endpointType: req.endpointType, clusterId: ctx.metadata.clusterId, clusterAuthorizedOperations: authorizedOperations(rc, req.includeClusterAuthorizedOperations, ResourceType.CLUSTER) };
  if (!allowed(rc, AclOperation.DESCRIBE, ResourceType.CLUSTER)) {
    return { ...base, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', controllerId: -1, brokers: [] };
  }
  if (req.endpointType !== ENDPOINT_BROKERS) {
    return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'This broker answers for endpoint type 1 (brokers) only.', controllerId: -1, brokers: [] };
  }
  return {
    ...base, errorCode: ErrorCode.NONE, errorMessage: null, controllerId: ctx.controllerId(),
    brokers: ctx.brokerEndpoints(rc.conn.listenerName).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
  };
}
