// CreatePartitions (key 37): grows topics to a new partition count; never shrinks. New partitions are
// led by this broker; explicit assignments may name only it.
import { BrokerError, ErrorCode, type CreatePartitions } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

type Result = CreatePartitions.CreatePartitionsResponse['results'][number];

export function handleCreatePartitions(req: CreatePartitions.CreatePartitionsRequest, rc: RequestContext): CreatePartitions.CreatePartitionsResponse {
  const { ctx } = rc;
  const count = new Map<string, number>();
  for (const t of req.topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  const results = req.topics.map((t): Result => {
    const fail = (errorCode: number, errorMessage: string): Result => ({ name: t.name, errorCode, errorMessage });
    if ((count.get(t.name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `Duplicate topic ${t.name} in the request.`);
    const meta = ctx.metadata.getTopic(t.name);
    if (meta && t.assignments !== null) {
      if (t.assignments.length !== t.count - meta.partitions) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${t.count - meta.partitions} but ${t.assignments.length} assignments provided.`);
      }
      if (t.assignments.some((a) => a.brokerIds.length !== meta.replicationFactor || a.brokerIds.some((b) => b !== ctx.brokerId))) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignment must name exactly broker ${ctx.brokerId} for each new partition.`);
      }
    }
    try {
      ctx.createPartitions(t.name, t.count, req.validateOnly);
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      if (e instanceof BrokerError) return fail(e.errorCode, e.message);
      throw e;
    }
  });
  return { throttleTimeMs: 0, results };
}
