// AlterPartitionReassignments (key 45, KIP-455): moves partitions to target replica lists, or cancels a
// reassignment in progress (null replicas). In a cluster the request is validated and stored in the topic's
// assignment (adding/removing replicas, as Kafka 3.x's znode), whichever broker takes it; the controller
// carries it out. On a single node the only valid target is this broker itself.
import { ErrorCode, errorCodeByName, type AlterPartitionReassignments } from '../../protocol/index.js';
import type { PartitionOutcome, ReassignmentRequest } from '../../cluster/index.js';
import type { RequestContext } from '../request-context.js';

export async function handleAlterPartitionReassignments(req: AlterPartitionReassignments.AlterPartitionReassignmentsRequest, rc: RequestContext): Promise<AlterPartitionReassignments.AlterPartitionReassignmentsResponse> {
  const { ctx } = rc;
  const requests: ReassignmentRequest[] = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
  let outcomes: PartitionOutcome[];
  if (ctx.cluster) {
    outcomes = await ctx.cluster.controller.alterReassignments(requests);
  } else {
    outcomes = requests.map((r) => ({ topic: r.topic, partition: r.partition, ...singleNode(r) }));
  }
  const byTopic = new Map<string, AlterPartitionReassignments.ReassignablePartitionResponse[]>();
  for (const o of outcomes) {
    let l = byTopic.get(o.topic);
    if (!l) byTopic.set(o.topic, (l = []));
    const errorCode = o.error ? errorCodeByName(o.error) ?? ErrorCode.UNKNOWN_SERVER_ERROR : ErrorCode.NONE;
    l.push({ partitionIndex: o.partition, errorCode, errorMessage: o.error ? o.message ?? o.error : null });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };

  function singleNode(r: ReassignmentRequest): { error?: string; message?: string } {
    const t = ctx.metadata.getTopic(r.topic);
    if (!t || r.partition < 0 || r.partition >= t.partitions) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' };
    if (r.replicas === null) return { error: 'NO_REASSIGNMENT_IN_PROGRESS', message: `No reassignment in progress for partition ${r.topic}-${r.partition}.` };
    if (r.replicas.length === 0) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: 'Empty replica list specified in partition reassignment.' };
    if (new Set(r.replicas).size !== r.replicas.length) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: `Duplicate replica ids in partition reassignment replica list: ${r.replicas.join(',')}` };
    if (r.replicas.some((b) => b < 0)) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: `Invalid broker id in replica list: ${r.replicas.join(',')}` };
    const others = r.replicas.filter((b) => b !== ctx.brokerId);
    if (others.length > 0) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: `Replica assignment has brokers that are not alive. Replica list: ${others.join(',')}, live broker list: ${ctx.brokerId}` };
    return {};
  }
}
