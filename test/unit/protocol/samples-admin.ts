// Round-trip samples for the topic-administration APIs (configs, partitions, cluster, log dirs,
// records): every field non-default, with the versions each version-dependent field exists in.

import {
  AlterConfigs,
  AlterPartitionReassignments,
  ElectLeaders,
  ListPartitionReassignments,
  CreatePartitions,
  DeleteRecords,
  DescribeCluster,
  DescribeConfigs,
  DescribeLogDirs,
  IncrementalAlterConfigs,
  OffsetForLeaderEpoch,
} from '../../../src/protocol/index.js';
import { defineCase } from './helpers.js';
import type { RoundTripCase } from './helpers.js';

export const adminCases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: DescribeConfigs,
    request: {
      resources: [
        { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
        { resourceType: 4, resourceName: '0', configurationKeys: null },
      ],
      includeSynonyms: true,
      includeDocumentation: true,
    },
    requestFields: [
      ['includeSynonyms', 1, 4, false],
      ['includeDocumentation', 3, 4, false],
    ],
    response: {
      throttleTimeMs: 5,
      results: [
        {
          errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders',
          configs: [{
            name: 'retention.ms', value: '1000', readOnly: false, isDefault: true, configSource: 1, isSensitive: false,
            synonyms: [{ name: 'log.retention.ms', value: null, source: 5 }], configType: 5, documentation: 'Keep data this long.',
          }],
        },
        { errorCode: 40, errorMessage: 'bad', resourceType: 4, resourceName: '0', configs: [] },
      ],
    },
    responseFields: [
      ['results.*.configs.*.isDefault', 0, 0, false],
      ['results.*.configs.*.configSource', 1, 4, -1],
      ['results.*.configs.*.synonyms', 1, 4, []],
      ['results.*.configs.*.configType', 3, 4, 0],
      ['results.*.configs.*.documentation', 3, 4, ''],
    ],
  }),
  defineCase({
    codec: AlterConfigs,
    request: {
      resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'x', value: null }] }],
      validateOnly: true,
    },
    requestFields: [],
    response: {
      throttleTimeMs: 1,
      responses: [{ errorCode: 40, errorMessage: 'Invalid value', resourceType: 2, resourceName: 'orders' }],
    },
    responseFields: [],
  }),
  defineCase({
    codec: IncrementalAlterConfigs,
    request: {
      resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }, { name: 'x', configOperation: 1, value: null }] }],
      validateOnly: true,
    },
    requestFields: [],
    response: {
      throttleTimeMs: 1,
      responses: [{ errorCode: 0, errorMessage: null, resourceType: 4, resourceName: '0' }],
    },
    responseFields: [],
  }),
  defineCase({
    codec: CreatePartitions,
    request: {
      topics: [{ name: 'orders', count: 4, assignments: [{ brokerIds: [0] }, { brokerIds: [0] }] }, { name: 'events', count: 2, assignments: null }],
      timeoutMs: 3000,
      validateOnly: true,
    },
    requestFields: [],
    response: {
      throttleTimeMs: 2,
      results: [{ name: 'orders', errorCode: 37, errorMessage: 'Topic currently has 4 partitions' }, { name: 'events', errorCode: 0, errorMessage: null }],
    },
    responseFields: [],
  }),
  defineCase({
    codec: DescribeCluster,
    request: { includeClusterAuthorizedOperations: true, endpointType: 2 },
    requestFields: [['endpointType', 1, 1, 1]],
    response: {
      throttleTimeMs: 3, errorCode: 0, errorMessage: 'none', endpointType: 2, clusterId: 'abcdefghijklmnopqrstuv', controllerId: 0,
      brokers: [{ brokerId: 0, host: '127.0.0.1', port: 9092, rack: 'r1' }, { brokerId: 1, host: 'h', port: 1, rack: null }],
      clusterAuthorizedOperations: 16,
    },
    responseFields: [['endpointType', 1, 1, 1]],
  }),
  defineCase({
    codec: OffsetForLeaderEpoch,
    request: { replicaId: -1, topics: [{ topic: 'orders', partitions: [{ partition: 1, currentLeaderEpoch: 3, leaderEpoch: 2 }] }] },
    requestFields: [
      ['replicaId', 3, 4, -2],
      ['topics.*.partitions.*.currentLeaderEpoch', 2, 4, -1],
    ],
    response: {
      throttleTimeMs: 4,
      topics: [{ topic: 'orders', partitions: [{ errorCode: 0, partition: 1, leaderEpoch: 2, endOffset: 12345678901 }] }],
    },
    responseFields: [
      ['throttleTimeMs', 2, 4, 0],
      ['topics.*.partitions.*.leaderEpoch', 1, 4, -1],
    ],
  }),
  defineCase({
    codec: DescribeLogDirs,
    request: { topics: [{ topic: 'orders', partitions: [0, 2] }] },
    requestFields: [],
    response: {
      throttleTimeMs: 1, errorCode: 29,
      results: [{
        errorCode: 0, logDir: '/var/lib/gregor', totalBytes: 1e12, usableBytes: 5e11,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, partitionSize: 4096, offsetLag: 0, isFutureKey: true }] }],
      }],
    },
    responseFields: [
      ['errorCode', 3, 4, 0],
      ['results.*.totalBytes', 4, 4, -1],
      ['results.*.usableBytes', 4, 4, -1],
    ],
  }),
  defineCase({
    codec: DeleteRecords,
    request: { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 42 }, { partitionIndex: 1, offset: -1 }] }], timeoutMs: 3000 },
    requestFields: [],
    response: {
      throttleTimeMs: 1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, lowWatermark: 42, errorCode: 0 }, { partitionIndex: 1, lowWatermark: -1, errorCode: 1 }] }],
    },
    responseFields: [],
  }),
  defineCase({
    codec: ElectLeaders,
    request: { electionType: 1, topicPartitions: [{ topic: 'orders', partitions: [0, 2] }], timeoutMs: 3000 },
    requestFields: [['electionType', 1, 2, 0]],
    response: {
      throttleTimeMs: 1,
      errorCode: 41,
      replicaElectionResults: [{ topic: 'orders', partitionResult: [{ partitionId: 0, errorCode: 84, errorMessage: 'not needed' }, { partitionId: 2, errorCode: 0, errorMessage: null }] }],
    },
    responseFields: [['errorCode', 1, 2, 0]],
  }),
  defineCase({
    codec: ElectLeaders,
    request: { electionType: 0, topicPartitions: null, timeoutMs: 1 },
    requestFields: [],
    response: { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [] },
    responseFields: [],
  }),
  defineCase({
    codec: AlterPartitionReassignments,
    request: { timeoutMs: 3000, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, replicas: [2, 3] }, { partitionIndex: 1, replicas: null }] }] },
    requestFields: [],
    response: {
      throttleTimeMs: 1, errorCode: 0, errorMessage: 'm',
      responses: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 85, errorMessage: 'none' }] }],
    },
    responseFields: [],
  }),
  defineCase({
    codec: ListPartitionReassignments,
    request: { timeoutMs: 3000, topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
    requestFields: [],
    response: {
      throttleTimeMs: 1, errorCode: 0, errorMessage: null,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] }] }],
    },
    responseFields: [],
  }),
];
