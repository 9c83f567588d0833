// Metadata (key 3): the live brokers, the cluster id, the controller, and topics with each partition's
// leader, leader epoch, replicas, ISR and offline replicas (all this broker on a single node).
// Unknown topics are created when auto.create.topics.enable and the request allow it.
import { ErrorCode, ZERO_UUID, type Metadata } from '../../protocol/index.js';
import { validateTopicName, type TopicMetadata } from '../../metadata/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed, authorizedOperations } from '../authorization.js';

type TopicResult = Metadata.MetadataResponse['topics'][number];

export async function handleMetadata(req: Metadata.MetadataRequest, rc: RequestContext): Promise<Metadata.MetadataResponse> {
  const { ctx, version } = rc;
  const describe = (t: TopicMetadata): TopicResult => ({
    errorCode: ErrorCode.NONE, name: t.name, topicId: t.topicId, isInternal: t.internal,
    partitions: Array.from({ length: t.partitions }, (_, p) => {
      const l = ctx.partitionLeadership(t, p);
      return {
        errorCode: l.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE, partitionIndex: p, leaderId: l.leader, leaderEpoch: l.leaderEpoch,
        replicaNodes: l.replicas, isrNodes: l.isr, offlineReplicas: l.offline,
      };
    }),
    topicAuthorizedOperations: authorizedOperations(rc, version >= 8 && req.includeTopicAuthorizedOperations, ResourceType.TOPIC, t.name),
  });
  const missing = (name: string | null, errorCode: number, topicId = ZERO_UUID): TopicResult => ({
    errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648,
  });

  // v0: an empty list means all topics; v1+: null means all topics, empty means none.
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  let topics: TopicResult[];
  // Topics the principal may not Describe are left out of an all-topics answer and refused when named
  // (Kafka does not disclose whether they exist); auto-creation needs Create on the cluster or topic.
  const mayDescribe = (name: string) => allowed(rc, AclOperation.DESCRIBE, ResourceType.TOPIC, name);
  if (all) {
    topics = ctx.metadata.listTopics().filter((t) => mayDescribe(t.name)).map(describe);
  } else {
    const allowAuto = version < 4 || req.allowAutoTopicCreation;
    topics = [];
    for (const t of req.topics!) topics.push(await (async () => {
      const name = t.name ?? (t.topicId && t.topicId !== ZERO_UUID ? ctx.metadata.getTopicById(t.topicId)?.name ?? null : null);
      if (name === null) return missing(null, ErrorCode.UNKNOWN_TOPIC_ID, t.topicId ?? ZERO_UUID);
      if (!mayDescribe(name)) return missing(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      if (validateTopicName(name) !== undefined) return missing(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
      const known = ctx.metadata.getTopic(name);
      if (!known && allowAuto && ctx.config['auto.create.topics.enable']
        && !allowed(rc, AclOperation.CREATE, ResourceType.CLUSTER) && !allowed(rc, AclOperation.CREATE, ResourceType.TOPIC, name)) {
        return missing(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      }
      const meta = known ?? (allowAuto ? await ctx.autoCreateTopic(name) : undefined);
      if (!meta) return missing(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      return describe(meta);
    })());
  }
  return {
    throttleTimeMs: 0,
    brokers: ctx.brokerEndpoints(rc.conn.listenerName),
    clusterId: ctx.metadata.clusterId,
    controllerId: ctx.controllerId(),
    topics,
    clusterAuthorizedOperations: authorizedOperations(rc, version >= 8 && version <= 10 && req.includeClusterAuthorizedOperations, ResourceType.CLUSTER),
  };
}
