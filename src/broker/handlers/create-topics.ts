// CreateTopics (key 19): validate name, partitions, replication factor and configs; create or just validate.
import { BrokerError, ErrorCode, ZERO_UUID, type CreateTopics } from '../../protocol/index.js';
import { configValue, effectiveTopicConfig, formatConfigValue, TOPIC_CONFIG } from '../../config/index.js';
import type { RequestContext } from '../request-context.js';

type Result = CreateTopics.CreateTopicsResponse['topics'][number];

export function handleCreateTopics(req: CreateTopics.CreateTopicsRequest, rc: RequestContext): CreateTopics.CreateTopicsResponse {
  const { ctx } = rc;
  const seen = new Map<string, number>();
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const topics = req.topics.map((t): Result => {
    const fail = (errorCode: number, errorMessage: string): Result => ({
      name: t.name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: [],
    });
    if ((seen.get(t.name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `Create topics request from client contains a duplicate topic ${t.name}`);
    let partitions = t.numPartitions;
    let rf = t.replicationFactor;
    if (t.assignments.length > 0) {
      if (partitions !== -1 || rf !== -1) return fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set.');
      const bad = t.assignments.find((a) => a.brokerIds.some((b) => b !== ctx.brokerId));
      if (bad) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignment names brokers other than ${ctx.brokerId}`);
      partitions = t.assignments.length;
      rf = t.assignments[0].brokerIds.length;
    }
    const configs: Record<string, string | null> = {};
    for (const c of t.configs) configs[c.name] = c.value;
    const spec = { name: t.name, partitions, replicationFactor: rf, configs };
    try {
      const valid = req.validateOnly ? ctx.validateNewTopic(spec) : undefined;
      const meta = valid ? undefined : ctx.createTopic(spec);
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
      if (e instanceof BrokerError) return fail(e.errorCode, e.message);
      throw e;
    }
  });
  return { throttleTimeMs: 0, topics };
}
