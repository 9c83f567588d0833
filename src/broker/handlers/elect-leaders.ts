// ElectLeaders (key 43): preferred (type 0) or unclean (type 1) leader elections for the given partitions or,
// with a null list, every partition — then partitions that needed no election are left out of the answer,
// as Kafka's broker does. In a cluster the controller logic runs on whichever broker took the request
// (its writes are conditional on each partition state's version); on a single node every partition has one
// replica that leads already, so the answer is ELECTION_NOT_NEEDED.
import { ElectLeaders, ErrorCode, errorCodeByName } from '../../protocol/index.js';
import type { PartitionOutcome } from '../../cluster/index.js';
import type { RequestContext } from '../request-context.js';

export async function handleElectLeaders(req: ElectLeaders.ElectLeadersRequest, rc: RequestContext): Promise<ElectLeaders.ElectLeadersResponse> {
  const { ctx } = rc;
  const all = req.topicPartitions === null;
  if (req.electionType !== ElectLeaders.ElectionType.PREFERRED && req.electionType !== ElectLeaders.ElectionType.UNCLEAN) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
  }
  const kind = req.electionType === ElectLeaders.ElectionType.UNCLEAN ? 'UNCLEAN' : 'PREFERRED';
  const seen = new Set<string>();
  const wanted = all
    ? ctx.metadata.listTopics().flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })))
    : req.topicPartitions!.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))).filter((w) => {
      const k = `${w.topic}\0${w.partition}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  let outcomes: PartitionOutcome[];
  if (ctx.cluster) {
    outcomes = await ctx.cluster.controller.electLeaders(kind, wanted);
  } else {
    outcomes = wanted.map((w) => {
      const t = ctx.metadata.getTopic(w.topic);
      if (!t || w.partition < 0 || w.partition >= t.partitions) return { ...w, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The partition ${w.topic}-${w.partition} does not exist.` };
      return { ...w, error: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for ${w.topic}-${w.partition}: its only replica, broker ${ctx.brokerId}, leads.` };
    });
  }
  if (all) outcomes = outcomes.filter((o) => o.error !== 'ELECTION_NOT_NEEDED');
  const byTopic = new Map<string, ElectLeaders.PartitionResult[]>();
  for (const o of outcomes) {
    let l = byTopic.get(o.topic);
    if (!l) byTopic.set(o.topic, (l = []));
    const errorCode = o.error ? errorCodeByName(o.error) ?? ErrorCode.UNKNOWN_SERVER_ERROR : ErrorCode.NONE;
    l.push({ partitionId: o.partition, errorCode, errorMessage: o.error ? o.message ?? o.error : null });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: [...byTopic].map(([topic, partitionResult]) => ({ topic, partitionResult })) };
}
