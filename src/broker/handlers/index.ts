// The handler table: one handler per served Kafka API, keyed by API key. ApiVersions answers from it.
import { ApiKey, ProduceLegacy, apiByKey } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { handleApiVersions } from './api-versions.js';
import { handleCreateTopics } from './create-topics.js';
import { handleDeleteTopics } from './delete-topics.js';
import { handleDeleteGroups } from './delete-groups.js';
import { handleDescribeGroups } from './describe-groups.js';
import { handleFindCoordinator } from './find-coordinator.js';
import { handleHeartbeat } from './heartbeat.js';
import { handleJoinGroup } from './join-group.js';
import { handleLeaveGroup } from './leave-group.js';
import { handleListGroups } from './list-groups.js';
import { handleOffsetCommit } from './offset-commit.js';
import { handleOffsetDelete } from './offset-delete.js';
import { handleOffsetFetch } from './offset-fetch.js';
import { handleSyncGroup } from './sync-group.js';
import { handleFetch } from './fetch.js';
import { handleInitProducerId } from './init-producer-id.js';
import { handleListOffsets } from './list-offsets.js';
import { handleMetadata } from './metadata.js';
import { handleProduce } from './produce.js';
import { handleDescribeConfigs } from './describe-configs.js';
import { handleAlterConfigs } from './alter-configs.js';
import { handleIncrementalAlterConfigs } from './incremental-alter-configs.js';
import { handleCreatePartitions } from './create-partitions.js';
import { handleDescribeCluster } from './describe-cluster.js';
import { handleOffsetForLeaderEpoch } from './offset-for-leader-epoch.js';
import { handleDescribeLogDirs } from './describe-log-dirs.js';
import { handleDeleteRecords } from './delete-records.js';
import { handleAddPartitionsToTxn } from './add-partitions-to-txn.js';
import { handleAddOffsetsToTxn } from './add-offsets-to-txn.js';
import { handleEndTxn } from './end-txn.js';
import { handleTxnOffsetCommit } from './txn-offset-commit.js';
import { handleDescribeTransactions } from './describe-transactions.js';
import { handleListTransactions } from './list-transactions.js';
import { handleDescribeProducers } from './describe-producers.js';
import { handleWriteTxnMarkers } from './write-txn-markers.js';
import { handleSaslHandshake } from './sasl-handshake.js';
import { handleSaslAuthenticate } from './sasl-authenticate.js';
import { handleDescribeUserScramCredentials } from './describe-user-scram-credentials.js';
import { handleAlterUserScramCredentials } from './alter-user-scram-credentials.js';
import { handleDescribeAcls } from './describe-acls.js';
import { handleCreateAcls } from './create-acls.js';
import { handleDeleteAcls } from './delete-acls.js';
import { handleDescribeClientQuotas } from './describe-client-quotas.js';
import { handleAlterClientQuotas } from './alter-client-quotas.js';
import { handleElectLeaders } from './elect-leaders.js';
import { handleAlterPartitionReassignments } from './alter-partition-reassignments.js';
import { handleListPartitionReassignments } from './list-partition-reassignments.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (req: any, rc: RequestContext) => unknown;

export const HANDLERS = new Map<number, Handler>([
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.Metadata, handleMetadata],
  [ApiKey.ApiVersions, handleApiVersions(() => supportedVersions())],
  [ApiKey.CreateTopics, handleCreateTopics],
  [ApiKey.DeleteTopics, handleDeleteTopics],
  [ApiKey.InitProducerId, handleInitProducerId],
  [ApiKey.OffsetCommit, handleOffsetCommit],
  [ApiKey.OffsetFetch, handleOffsetFetch],
  [ApiKey.FindCoordinator, handleFindCoordinator],
  [ApiKey.JoinGroup, handleJoinGroup],
  [ApiKey.Heartbeat, handleHeartbeat],
  [ApiKey.LeaveGroup, handleLeaveGroup],
  [ApiKey.SyncGroup, handleSyncGroup],
  [ApiKey.DescribeGroups, handleDescribeGroups],
  [ApiKey.ListGroups, handleListGroups],
  [ApiKey.DeleteGroups, handleDeleteGroups],
  [ApiKey.OffsetDelete, handleOffsetDelete],
  [ApiKey.DeleteRecords, handleDeleteRecords],
  [ApiKey.WriteTxnMarkers, handleWriteTxnMarkers],
  [ApiKey.OffsetForLeaderEpoch, handleOffsetForLeaderEpoch],
  [ApiKey.DescribeConfigs, handleDescribeConfigs],
  [ApiKey.AlterConfigs, handleAlterConfigs],
  [ApiKey.DescribeLogDirs, handleDescribeLogDirs],
  [ApiKey.CreatePartitions, handleCreatePartitions],
  [ApiKey.IncrementalAlterConfigs, handleIncrementalAlterConfigs],
  [ApiKey.DescribeCluster, handleDescribeCluster],
  [ApiKey.SaslHandshake, handleSaslHandshake],
  [ApiKey.SaslAuthenticate, handleSaslAuthenticate],
  [ApiKey.DescribeUserScramCredentials, handleDescribeUserScramCredentials],
  [ApiKey.AlterUserScramCredentials, handleAlterUserScramCredentials],
  [ApiKey.AddPartitionsToTxn, handleAddPartitionsToTxn],
  [ApiKey.AddOffsetsToTxn, handleAddOffsetsToTxn],
  [ApiKey.EndTxn, handleEndTxn],
  [ApiKey.TxnOffsetCommit, handleTxnOffsetCommit],
  [ApiKey.DescribeTransactions, handleDescribeTransactions],
  [ApiKey.ListTransactions, handleListTransactions],
  [ApiKey.DescribeProducers, handleDescribeProducers],
  [ApiKey.DescribeAcls, handleDescribeAcls],
  [ApiKey.CreateAcls, handleCreateAcls],
  [ApiKey.DeleteAcls, handleDeleteAcls],
  [ApiKey.DescribeClientQuotas, handleDescribeClientQuotas],
  [ApiKey.AlterClientQuotas, handleAlterClientQuotas],
  [ApiKey.ElectLeaders, handleElectLeaders],
  [ApiKey.AlterPartitionReassignments, handleAlterPartitionReassignments],
  [ApiKey.ListPartitionReassignments, handleListPartitionReassignments],
]);

/**
 * The ApiVersions answer: every handled API with the version range its protocol file declares, except
 * that Produce is announced from v0 as Kafka 4 does (KAFKA-18659): librdkafka before 2.10 sends
 * gzip/snappy/lz4 batches uncompressed to a broker whose Produce range does not include v0.
 * Produce v0-v2 requests are still refused (UNSUPPORTED_VERSION per partition, see the dispatcher).
 */
export function supportedVersions(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
  return [...HANDLERS.keys()].sort((a, b) => a - b).map((key) => {
    const api = apiByKey(key)!;
    const minVersion = key === ApiKey.Produce ? ProduceLegacy.legacyMinVersion : api.minVersion;
    return { apiKey: key, minVersion, maxVersion: api.maxVersion };
  });
}
