// CreatePartitions (key 37): grows topics to a new partition count; never shrinks. New partitions get
// replicas assigned like a new topic's, or the explicit assignment, which may name live brokers only.
import { asBrokerError, type CreatePartitions, ErrorCode } from '../../protocol/index.js';
import { requesterOf, type RequestContext } from '../request-context.js';
import { ThrottlingQuotaExceededError } from '../quotas.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

type Result = CreatePartitions.CreatePartitionsResponse['results'][number];

export async function handleCreatePartitions(req: CreatePartitions.CreatePartitionsRequest, rc: RequestContext): Promise<CreatePartitions.CreatePartitionsResponse> {
  const { ctx } = rc;
  const count = new Map<string, number>();
  for (const t of req.topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  // controller_mutation_rate (KIP-599): each added partition counts; strict from v3.
  const mutation = req.validateOnly || !ctx.quotas.active ? null : ctx.quotas.mutationQuota(requesterOf(rc), rc.version >= 3);
  const results: Result[] = [];
  for (const t of req.topics) results.push(await createOne(t));
  const throttleTimeMs = mutation?.throttleTimeMs ?? 0;
  if (throttleTimeMs > 0) rc.conn.throttle?.(throttleTimeMs);
  return { throttleTimeMs, results };

  async function createOne(t: CreatePartitions.CreatePartitionsRequest['topics'][number]): Promise<Result> {
    const fail = (errorCode: number, errorMessage: string): Result => ({ name: t.name, errorCode, errorMessage });
    if (!allowed(rc, AclOperation.ALTER, ResourceType.TOPIC, t.name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'The topic authorization is failed.');
    if ((count.get(t.name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `Duplicate topic ${t.name} in the request.`);
    const meta = ctx.metadata.getTopic(t.name);
    if (meta && t.assignments !== null) {
      if (t.assignments.length !== t.count - meta.partitions) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${t.count - meta.partitions} but ${t.assignments.length} assignments provided.`);
      }
      const live = new Set(ctx.liveBrokers().map((b) => b.id));
      if (t.assignments.some((a) => a.brokerIds.length !== meta.replicationFactor || a.brokerIds.some((b) => !live.has(b)) || new Set(a.brokerIds).size !== a.brokerIds.length)) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Each new partition needs ${meta.replicationFactor} distinct live brokers (${[...live].join(', ')}).`);
      }
    }
    try {
      if (mutation && meta && t.count > meta.partitions) mutation.record(t.count - meta.partitions);
      await ctx.createPartitions(t.name, t.count, req.validateOnly, t.assignments?.map((a) => [...a.brokerIds]));
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      const be = asBrokerError(e);
      if (be) return fail(be.errorCode, be.message);
      if (e instanceof ThrottlingQuotaExceededError) return fail(ErrorCode.THROTTLING_QUOTA_EXCEEDED, e.message);
      throw e;
    }
  }
}
