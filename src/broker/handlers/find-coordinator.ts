// FindCoordinator (key 10): the coordinator of a group (key type 0) or a transactional id (key type 1) is the
// leader of its __consumer_offsets / __transaction_state partition (this broker on a single node). v4 answers a
// batch of keys. The first lookup creates the internal topic, as Kafka does.
import { ErrorCode, type FindCoordinator } from '../../protocol/index.js';
import { invalidGroupIdReason, OFFSETS_TOPIC, offsetsPartitionFor } from '../../group/index.js';
import { TRANSACTION_STATE_TOPIC } from '../../txn/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

type Coordinator = FindCoordinator.Coordinator;

export async function handleFindCoordinator(req: FindCoordinator.FindCoordinatorRequest, rc: RequestContext): Promise<FindCoordinator.FindCoordinatorResponse> {
  const { ctx, version } = rc;
  const lookup = async (key: string): Promise<Coordinator> => {
    const answer = (errorCode: number, errorMessage: string | null): Coordinator => ({
      key, nodeId: errorCode === ErrorCode.NONE ? ctx.brokerId : -1, host: errorCode === ErrorCode.NONE ? ctx.advertisedFor(rc.conn.listenerName).host : '',
      port: errorCode === ErrorCode.NONE ? ctx.advertisedFor(rc.conn.listenerName).port : -1, errorCode, errorMessage,
    });
    // Describe on the group or transactional id the coordinator is asked for.
    if (req.keyType === GROUP_KEY && !allowed(rc, AclOperation.DESCRIBE, ResourceType.GROUP, key)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED, null);
    if (req.keyType === TRANSACTION_KEY && !allowed(rc, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null);
    let topicName: string;
    let p: number;
    if (req.keyType === TRANSACTION_KEY) {
      if (key === '') return answer(ErrorCode.INVALID_REQUEST, 'The transactional id is empty');
      if (!(await ctx.txn.ensureTopic())) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The transaction state topic could not be created');
      if (!ctx.cluster) return answer(ErrorCode.NONE, null);
      topicName = TRANSACTION_STATE_TOPIC;
      p = ctx.txn.partitionFor(key)!;
    } else if (req.keyType === GROUP_KEY) {
      const why = invalidGroupIdReason(key);
      if (why) return answer(ErrorCode.INVALID_REQUEST, why);
      if (!(await ctx.groups.ensureOffsetsTopic())) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The offsets topic could not be created');
      if (!ctx.cluster) return answer(ErrorCode.NONE, null);
      topicName = OFFSETS_TOPIC;
      p = offsetsPartitionFor(key, ctx.metadata.getTopic(OFFSETS_TOPIC)!.partitions);
    } else {
      return answer(ErrorCode.INVALID_REQUEST, `Unknown coordinator key type ${req.keyType}`);
    }
    // In a cluster the coordinator is the leader of the key's internal-topic partition.
    const topic = ctx.metadata.getTopic(topicName)!;
    const leader = ctx.partitionLeadership(topic, p).leader;
    const endpoint = ctx.brokerEndpoints(rc.conn.listenerName).find((b) => b.nodeId === leader);
    if (!endpoint) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE, `${topicName}-${p} has no leader right now`);
    return { key, nodeId: endpoint.nodeId, host: endpoint.host, port: endpoint.port, errorCode: ErrorCode.NONE, errorMessage: null };
  };
  if (version >= 4) return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators: await Promise.all(req.coordinatorKeys.map(lookup)) };
  const c = await lookup(req.key);
  return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
}
