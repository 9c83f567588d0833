// WriteTxnMarkers (key 27): a transaction coordinator's COMMIT/ABORT markers for the partitions this broker
// leads, written through the ReplicaManager (`appendTxnMarkers`: leader only, internal topics included,
// answered once the ISR has them). Answered per marker and partition, in request order. A marker on a
// __consumer_offsets partition also ends the producer's pending transactional offsets there (BrokerContext.writeTxnMarkers).
import { ErrorCode, type WriteTxnMarkers } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleWriteTxnMarkers(req: WriteTxnMarkers.WriteTxnMarkersRequest, rc: RequestContext): Promise<WriteTxnMarkers.WriteTxnMarkersResponse> {
  // An inter-broker request: ClusterAction on the cluster, else every partition CLUSTER_AUTHORIZATION_FAILED (Kafka).
  if (!allowed(rc, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER)) {
    return {
      markers: req.markers.map((m) => ({
        producerId: m.producerId,
        topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })) })),
      })),
    };
  }
  const results = await rc.ctx.writeTxnMarkers(req.markers.map((m) => ({
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    coordinatorEpoch: m.coordinatorEpoch,
    commit: m.transactionResult,
    partitions: m.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition }))),
  })));
  return {
    markers: results.map((r) => {
      const topics: WriteTxnMarkers.WritableTxnMarkerTopicResult[] = [];
      for (const p of r.partitions) {
        let t = topics[topics.length - 1];
        if (t?.name !== p.topic) topics.push(t = { name: p.topic, partitions: [] });
        t.partitions.push({ partitionIndex: p.partition, errorCode: p.errorCode });
      }
      return { producerId: r.producerId, topics };
    }),
  };
}
