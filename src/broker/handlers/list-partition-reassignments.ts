// ListPartitionReassignments (key 46, KIP-455): the reassignments in progress — each partition's full replica
// set with the replicas being added and removed — for the given partitions or all. None on a single node.
import { ErrorCode, type ListPartitionReassignments } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleListPartitionReassignments(req: ListPartitionReassignments.ListPartitionReassignmentsRequest, rc: RequestContext): ListPartitionReassignments.ListPartitionReassignmentsResponse {
  const { ctx } = rc;
  const wanted = req.topics?.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  const ongoing = ctx.cluster ? ctx.cluster.controller.listReassignments(wanted) : [];
  const byTopic = new Map<string, ListPartitionReassignments.OngoingPartitionReassignment[]>();
  for (const o of ongoing) {
    let l = byTopic.get(o.topic);
    if (!l) byTopic.set(o.topic, (l = []));
    l.push({ partitionIndex: o.partition, replicas: [...o.replicas], addingReplicas: [...o.adding], removingReplicas: [...o.removing] });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
}
