// The single registry of API codecs (key -> module). The broker builds its
// ApiVersions answer from supportedApis() and refuses keys and versions that
// apiByKey()/isSupported() do not know; the header helpers use it to decide
// which header version an (apiKey, apiVersion) pair travels with.

import type { Reader } from './reader.js';
import type { Writer } from './writer.js';
import * as ApiVersions from './apis/api-versions.js';
import * as CreateTopics from './apis/create-topics.js';
import * as DeleteGroups from './apis/delete-groups.js';
import * as DeleteTopics from './apis/delete-topics.js';
import * as DescribeGroups from './apis/describe-groups.js';
import * as Fetch from './apis/fetch.js';
import * as FindCoordinator from './apis/find-coordinator.js';
import * as Heartbeat from './apis/heartbeat.js';
import * as InitProducerId from './apis/init-producer-id.js';
import * as JoinGroup from './apis/join-group.js';
import * as LeaveGroup from './apis/leave-group.js';
import * as ListGroups from './apis/list-groups.js';
import * as ListOffsets from './apis/list-offsets.js';
import * as Metadata from './apis/metadata.js';
import * as OffsetCommit from './apis/offset-commit.js';
import * as OffsetDelete from './apis/offset-delete.js';
import * as OffsetFetch from './apis/offset-fetch.js';
import * as Produce from './apis/produce.js';
import * as SyncGroup from './apis/sync-group.js';
import * as DescribeConfigs from './apis/describe-configs.js';
import * as AlterConfigs from './apis/alter-configs.js';
import * as IncrementalAlterConfigs from './apis/incremental-alter-configs.js';
import * as CreatePartitions from './apis/create-partitions.js';
import * as DescribeCluster from './apis/describe-cluster.js';
import * as OffsetForLeaderEpoch from './apis/offset-for-leader-epoch.js';
import * as DescribeLogDirs from './apis/describe-log-dirs.js';
import * as DeleteRecords from './apis/delete-records.js';
import * as AddPartitionsToTxn from './apis/add-partitions-to-txn.js';
import * as AddOffsetsToTxn from './apis/add-offsets-to-txn.js';
import * as EndTxn from './apis/end-txn.js';
import * as TxnOffsetCommit from './apis/txn-offset-commit.js';
import * as DescribeTransactions from './apis/describe-transactions.js';
import * as ListTransactions from './apis/list-transactions.js';
import * as DescribeProducers from './apis/describe-producers.js';
import * as WriteTxnMarkers from './apis/write-txn-markers.js';
import * as SaslHandshake from './apis/sasl-handshake.js';
import * as SaslAuthenticate from './apis/sasl-authenticate.js';
import * as DescribeUserScramCredentials from './apis/describe-user-scram-credentials.js';
import * as AlterUserScramCredentials from './apis/alter-user-scram-credentials.js';
import * as DescribeAcls from './apis/describe-acls.js';
import * as CreateAcls from './apis/create-acls.js';
import * as DeleteAcls from './apis/delete-acls.js';
import * as DescribeClientQuotas from './apis/describe-client-quotas.js';
import * as AlterClientQuotas from './apis/alter-client-quotas.js';
import * as ElectLeaders from './apis/elect-leaders.js';
import * as AlterPartitionReassignments from './apis/alter-partition-reassignments.js';
import * as ListPartitionReassignments from './apis/list-partition-reassignments.js';

/** What every module in apis/ exports. Bodies are opaque here; use the module itself for typed access. */
export interface ApiModule {
  readonly apiKey: number;
  readonly apiName: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly flexibleFrom: number;
  decodeRequest(r: Reader, version: number): unknown;
  encodeRequest(w: Writer, version: number, body: never): void;
  decodeResponse(r: Reader, version: number): unknown;
  encodeResponse(w: Writer, version: number, body: never): void;
}

/** API names -> keys, for every API this broker serves. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DeleteGroups: 42,
  OffsetDelete: 47,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  IncrementalAlterConfigs: 44,
  CreatePartitions: 37,
  DescribeCluster: 60,
  OffsetForLeaderEpoch: 23,
  DescribeLogDirs: 35,
  DeleteRecords: 21,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeTransactions: 65,
  ListTransactions: 66,
  DescribeProducers: 61,
  WriteTxnMarkers: 27,
  SaslHandshake: 17,
  SaslAuthenticate: 36,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeClientQuotas: 48,
  AlterClientQuotas: 49,
  ElectLeaders: 43,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
} as const;
export type ApiKeyValue = (typeof ApiKey)[keyof typeof ApiKey];

const modules: readonly ApiModule[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  InitProducerId,
  DeleteGroups,
  OffsetDelete,
  DescribeConfigs,
  AlterConfigs,
  IncrementalAlterConfigs,
  CreatePartitions,
  DescribeCluster,
  OffsetForLeaderEpoch,
  DescribeLogDirs,
  DeleteRecords,
  AddPartitionsToTxn,
  AddOffsetsToTxn,
  EndTxn,
  TxnOffsetCommit,
  DescribeTransactions,
  ListTransactions,
  DescribeProducers,
  WriteTxnMarkers,
  SaslHandshake,
  SaslAuthenticate,
  DescribeUserScramCredentials,
  AlterUserScramCredentials,
  DescribeAcls,
  CreateAcls,
  DeleteAcls,
  DescribeClientQuotas,
  AlterClientQuotas,
  ElectLeaders,
  AlterPartitionReassignments,
  ListPartitionReassignments,
];

const byKey = new Map<number, ApiModule>(modules.map((m) => [m.apiKey, m]));

/** The codec module for an API key, or undefined when the key is not served. */
export function apiByKey(key: number): ApiModule | undefined {
  return byKey.get(key);
}

/** True when the broker serves this key at this version. */
export function isSupported(key: number, version: number): boolean {
  const m = byKey.get(key);
  return m !== undefined && version >= m.minVersion && version <= m.maxVersion;
}

export interface SupportedApi {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** Every served API with its version range, ordered by key (the ApiVersions answer). */
export function supportedApis(): SupportedApi[] {
  return modules
    .map((m) => ({ apiKey: m.apiKey, minVersion: m.minVersion, maxVersion: m.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
}
