// CreateTopics (key 19): validate name, partitions, replication factor and configs; create or just validate.
import { asBrokerError, type CreateTopics, ErrorCode, ZERO_UUID } from '../../protocol/index.js';
import { configValue, effectiveTopicConfig, formatConfigValue, TOPIC_CONFIG } from '../../config/index.js';
import { requesterOf, type RequestContext } from '../request-context.js';
import { ThrottlingQuotaExceededError } from '../quotas.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

type Result = CreateTopics.CreateTopicsResponse['topics'][number];

export async function handleCreateTopics(req: CreateTopics.CreateTopicsRequest, rc: RequestContext): Promise<CreateTopics.CreateTopicsResponse> {
  const { ctx } = rc;
  const seen = new Map<string, number>();
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  // Create on the cluster allows every topic; otherwise Create on each topic.
  const mayCreate = allowed(rc, AclOperation.CREATE, ResourceType.CLUSTER);
  // controller_mutation_rate (KIP-599): each created partition counts; strict from v6.
  const mutation = req.validateOnly || !ctx.quotas.active ? null : ctx.quotas.mutationQuota(requesterOf(rc), rc.version >= 6);
  // One topic at a time, in request order.
  const topics: Result[] = [];
  for (const t of req.topics) topics.push(await createOne(t));
  const throttleTimeMs = mutation?.throttleTimeMs ?? 0;
  if (throttleTimeMs > 0) rc.conn.throttle?.(throttleTimeMs);
  return { throttleTimeMs, topics };

  async function createOne(t: CreateTopics.CreateTopicsRequest['topics'][number]): Promise<Result> {
    const fail = (errorCode: number, errorMessage: string): Result => ({
      name: t.name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: [],
    });
    if (!mayCreate && !allowed(rc, AclOperation.CREATE, ResourceType.TOPIC, t.name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
    if ((seen.get(t.name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `Create topics request from client contains a duplicate topic ${t.name}`);
    let partitions = t.numPartitions;
    let rf = t.replicationFactor;
    if (t.assignments.length > 0) {
      if (partitions !== -1 || rf !== -1) return fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set.');
      const live = new Set(ctx.liveBrokers().map((b) => b.id));
      const bad = t.assignments.find((a) => a.brokerIds.some((b) => !live.has(b)) || new Set(a.brokerIds).size !== a.brokerIds.length);
      if (bad) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignment of partition ${bad.partitionIndex} names brokers that are not live (${[...live].join(', ')}) or one twice`);
      partitions = t.assignments.length;
      rf = t.assignments[0]!.brokerIds.length;
      if (t.assignments.some((a) => a.brokerIds.length !== rf)) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions must have the same number of replicas');
    }
    const configs: Record<string, string | null> = {};
    for (const c of t.configs) configs[c.name] = c.value;
    const replicas = t.assignments.length > 0 ? [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex).map((a) => [...a.brokerIds]) : undefined;
    const spec = { name: t.name, partitions, replicationFactor: rf, configs, replicas };
    try {
      if (mutation) mutation.record(ctx.validateNewTopic(spec).partitions);
      const valid = req.validateOnly ? ctx.validateNewTopic(spec) : undefined;
      const meta = valid ? undefined : await ctx.createTopic(spec);
      if (meta) await ctx.awaitLeaders(meta.name, Math.min(Math.max(req.timeoutMs, 0), 30_000));
      const name = meta?.name ?? valid!.name;
      const overrides = meta?.configs ?? valid!.configs;
      const effective = effectiveTopicConfig(ctx.config, overrides);
      return {
        name, topicId: meta?.topicId ?? ZERO_UUID, errorCode: ErrorCode.NONE, errorMessage: null, topicConfigErrorCode: 0,
        numPartitions: meta?.partitions ?? valid!.partitions, replicationFactor: meta?.replicationFactor ?? valid!.replicationFactor,
        configs: TOPIC_CONFIG.map((k) => ({
          name: k.name, value: formatConfigValue(configValue(effective, k.name)), readOnly: false,
          configSource: k.name in overrides ? 1 /* DYNAMIC_TOPIC_CONFIG */ : 5 /* DEFAULT_CONFIG */, isSensitive: false,
        })),
      };
    } catch (e) {
      const be = asBrokerError(e);
      if (be) return fail(be.errorCode, be.message);
      if (e instanceof ThrottlingQuotaExceededError) return fail(ErrorCode.THROTTLING_QUOTA_EXCEEDED, e.message);
      throw e;
    }
  }
}
