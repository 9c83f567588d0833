// Realistic request and response bodies for every API (all fields non-default),
// with the versions each version-dependent field exists in. Used by the round-trip
// and robustness tests.

import {
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  Fetch,
  InitProducerId,
  ListOffsets,
  Metadata,
  Produce,
  ZERO_UUID,
  FindCoordinator,
  JoinGroup,
  SyncGroup,
  Heartbeat,
  LeaveGroup,
  OffsetCommit,
  OffsetFetch,
  ListGroups,
  DescribeGroups,
  DeleteGroups,
  OffsetDelete,
} from '../../../src/protocol/index.js';
import { defineCase, uuid } from './helpers.js';
import type { RoundTripCase } from './helpers.js';
import { adminCases } from './samples-admin.js';
import { txnMarkerCases } from './samples-txn-markers.js';
import { securityCases } from './samples-security.js';
import { txnAdminCases, txnCoordinatorCases } from './samples-txn-coordinator.js';
import { aclCases } from './samples-acls.js';

const TOPIC_ID = uuid('5b0b5d8c1e6a4f4d9d3e2b1a0c9f8e7d');
const RECORDS = Buffer.from('00000000000000000000003c0000000002c0ffee00', 'hex');
const NO_EPOCH = { epoch: -1, endOffset: -1 };
const MEMBER_METADATA = Buffer.from('00010000000100066f726465727300000000', 'hex');
const ASSIGNMENT = Buffer.from('0001000000010006' + '6f72646572730000000100000000ffffffff', 'hex');

export const cases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: ApiVersions,
    request: { clientSoftwareName: 'gregor-client', clientSoftwareVersion: '0.1.0' },
    requestFields: [
      ['clientSoftwareName', 3, 4, ''],
      ['clientSoftwareVersion', 3, 4, ''],
    ],
    response: {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 9 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
      throttleTimeMs: 7,
      supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
      finalizedFeaturesEpoch: 42,
      finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 20, minVersionLevel: 20 }],
      zkMigrationReady: true,
    },
    responseFields: [
      ['throttleTimeMs', 1, 4, 0],
      ['supportedFeatures', 3, 4, []],
      ['finalizedFeaturesEpoch', 3, 4, -1],
      ['finalizedFeatures', 3, 4, []],
      ['zkMigrationReady', 3, 4, false],
    ],
  }),

  defineCase({
    codec: Metadata,
    request: {
      topics: [{ topicId: TOPIC_ID, name: 'orders' }, { topicId: ZERO_UUID, name: 'payments' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    },
    requestFields: [
      ['topics.*.topicId', 10, 12, ZERO_UUID],
      ['allowAutoTopicCreation', 4, 12, true],
      ['includeClusterAuthorizedOperations', 8, 10, false],
      ['includeTopicAuthorizedOperations', 8, 12, false],
    ],
    response: {
      throttleTimeMs: 3,
      brokers: [
        { nodeId: 1, host: 'broker-1.local', port: 9092, rack: 'rack-a' },
        { nodeId: 2, host: 'broker-2.local', port: 9093, rack: null },
      ],
      clusterId: 'gregor-cluster',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: TOPIC_ID,
          isInternal: true,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 5,
              replicaNodes: [1, 2],
              isrNodes: [1],
              offlineReplicas: [2],
            },
          ],
          topicAuthorizedOperations: 248,
        },
      ],
      clusterAuthorizedOperations: 3968,
    },
    responseFields: [
      ['throttleTimeMs', 3, 12, 0],
      ['brokers.*.rack', 1, 12, null],
      ['clusterId', 2, 12, null],
      ['controllerId', 1, 12, -1],
      ['topics.*.topicId', 10, 12, ZERO_UUID],
      ['topics.*.isInternal', 1, 12, false],
      ['topics.*.partitions.*.leaderEpoch', 7, 12, -1],
      ['topics.*.partitions.*.offlineReplicas', 5, 12, []],
      ['topics.*.topicAuthorizedOperations', 8, 12, -2147483648],
      ['clusterAuthorizedOperations', 8, 10, -2147483648],
    ],
  }),

  defineCase({
    codec: CreateTopics,
    request: {
      topics: [
        {
          name: 'orders',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        { name: 'events', numPartitions: 6, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 30000,
      validateOnly: true,
    },
    requestFields: [['validateOnly', 1, 7, false]],
    response: {
      throttleTimeMs: 11,
      topics: [
        {
          name: 'orders',
          topicId: TOPIC_ID,
          errorCode: 36,
          errorMessage: 'Topic already exists.',
          topicConfigErrorCode: 29,
          numPartitions: 1,
          replicationFactor: 1,
          configs: [
            { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false },
            { name: 'sasl.secret', value: null, readOnly: true, configSource: 5, isSensitive: true },
          ],
        },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 2, 7, 0],
      ['topics.*.topicId', 7, 7, ZERO_UUID],
      ['topics.*.errorMessage', 1, 7, ''],
      ['topics.*.topicConfigErrorCode', 5, 7, 0],
      ['topics.*.numPartitions', 5, 7, -1],
      ['topics.*.replicationFactor', 5, 7, -1],
      ['topics.*.configs', 5, 7, []],
    ],
  }),

  defineCase({
    codec: DeleteTopics,
    request: {
      topics: [{ name: 'orders', topicId: ZERO_UUID }, { name: null, topicId: TOPIC_ID }],
      topicNames: ['orders', 'events'],
      timeoutMs: 15000,
    },
    requestFields: [
      ['topics', 6, 6, []],
      ['topicNames', 0, 5, []],
    ],
    response: {
      throttleTimeMs: 2,
      responses: [{ name: 'orders', topicId: TOPIC_ID, errorCode: 3, errorMessage: 'no such topic' }],
    },
    responseFields: [
      ['throttleTimeMs', 1, 6, 0],
      ['responses.*.topicId', 6, 6, ZERO_UUID],
      ['responses.*.errorMessage', 5, 6, null],
    ],
  }),

  defineCase({
    codec: Produce,
    request: {
      transactionalId: 'tx-1',
      acks: -1,
      timeoutMs: 30000,
      topicData: [
        {
          name: 'orders',
          partitionData: [
            { index: 0, records: RECORDS },
            { index: 1, records: null },
          ],
        },
      ],
    },
    requestFields: [],
    response: {
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 9007199254740000,
              logAppendTimeMs: 1718000000123,
              logStartOffset: 17,
              recordErrors: [{ batchIndex: 2, batchIndexErrorMessage: 'bad key' }],
              errorMessage: 'one record was invalid',
            },
          ],
        },
      ],
      throttleTimeMs: 4,
    },
    responseFields: [
      ['responses.*.partitionResponses.*.logStartOffset', 5, 12, -1],
      ['responses.*.partitionResponses.*.recordErrors', 8, 12, []],
      ['responses.*.partitionResponses.*.errorMessage', 8, 12, null],
    ],
  }),

  defineCase({
    codec: Fetch,
    request: {
      clusterId: 'gregor-cluster',
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      sessionId: 77,
      sessionEpoch: 3,
      topics: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 4,
              fetchOffset: 1234567890123,
              lastFetchedEpoch: 3,
              logStartOffset: 100,
              partitionMaxBytes: 1048576,
            },
          ],
        },
      ],
      forgottenTopicsData: [{ topic: 'events', partitions: [0, 2] }],
      rackId: 'rack-a',
    },
    requestFields: [
      ['clusterId', 12, 12, null],
      ['sessionId', 7, 12, 0],
      ['sessionEpoch', 7, 12, -1],
      ['topics.*.partitions.*.currentLeaderEpoch', 9, 12, -1],
      ['topics.*.partitions.*.lastFetchedEpoch', 12, 12, -1],
      ['topics.*.partitions.*.logStartOffset', 5, 12, -1],
      ['forgottenTopicsData', 7, 12, []],
      ['rackId', 11, 12, ''],
    ],
    response: {
      throttleTimeMs: 5,
      errorCode: 0,
      sessionId: 77,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 1234567890200,
              lastStableOffset: 1234567890199,
              logStartOffset: 100,
              divergingEpoch: { epoch: 2, endOffset: 90 },
              currentLeader: { leaderId: 1, leaderEpoch: 4 },
              snapshotId: { endOffset: 50, epoch: 1 },
              abortedTransactions: [{ producerId: 4000, firstOffset: 1234567890150 }],
              preferredReadReplica: 2,
              records: RECORDS,
            },
            {
              partitionIndex: 1,
              errorCode: 1,
              highWatermark: 0,
              lastStableOffset: 0,
              logStartOffset: 0,
              divergingEpoch: NO_EPOCH,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1, epoch: -1 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: null,
            },
          ],
        },
      ],
    },
    responseFields: [
      ['errorCode', 7, 12, 0],
      ['sessionId', 7, 12, 0],
      ['responses.*.partitions.*.logStartOffset', 5, 12, -1],
      ['responses.*.partitions.*.divergingEpoch', 12, 12, NO_EPOCH],
      ['responses.*.partitions.*.currentLeader', 12, 12, { leaderId: -1, leaderEpoch: -1 }],
      ['responses.*.partitions.*.snapshotId', 12, 12, { endOffset: -1, epoch: -1 }],
      ['responses.*.partitions.*.preferredReadReplica', 11, 12, -1],
    ],
  }),

  defineCase({
    codec: ListOffsets,
    request: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: 4, timestamp: -1 },
            { partitionIndex: 1, currentLeaderEpoch: 4, timestamp: 1718000000000 },
          ],
        },
      ],
    },
    requestFields: [
      ['isolationLevel', 2, 7, 0],
      ['topics.*.partitions.*.currentLeaderEpoch', 4, 7, -1],
    ],
    response: {
      throttleTimeMs: 9,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 1234567890123, leaderEpoch: 4 },
            { partitionIndex: 1, errorCode: 6, timestamp: 1718000000000, offset: 42, leaderEpoch: 4 },
          ],
        },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 2, 7, 0],
      ['topics.*.partitions.*.leaderEpoch', 4, 7, -1],
    ],
  }),

  defineCase({
    codec: InitProducerId,
    request: { transactionalId: 'tx-orders', transactionTimeoutMs: 60000, producerId: 4000, producerEpoch: 2 },
    requestFields: [
      ['producerId', 3, 5, -1],
      ['producerEpoch', 3, 5, -1],
    ],
    response: { throttleTimeMs: 1, errorCode: 0, producerId: 4001, producerEpoch: 0 },
    responseFields: [],
  }),

  // ---- consumer-group APIs -------------------------------------------------------
  defineCase({
    codec: FindCoordinator,
    request: { key: 'group-a', keyType: 1, coordinatorKeys: ['group-a', 'group-b'] },
    requestFields: [
      ['key', 0, 3, ''],
      ['keyType', 1, 4, 0],
      ['coordinatorKeys', 4, 4, []],
    ],
    response: {
      throttleTimeMs: 2,
      errorCode: 15,
      errorMessage: 'coordinator loading',
      nodeId: 1,
      host: 'broker-1.local',
      port: 9092,
      coordinators: [
        { key: 'group-a', nodeId: 1, host: 'broker-1.local', port: 9092, errorCode: 0, errorMessage: null },
        { key: 'group-b', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'loading' },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 1, 4, 0],
      ['errorCode', 0, 3, 0],
      ['errorMessage', 1, 3, ''],
      ['nodeId', 0, 3, 0],
      ['host', 0, 3, ''],
      ['port', 0, 3, 0],
      ['coordinators', 4, 4, []],
    ],
  }),
  defineCase({
    codec: JoinGroup,
    request: {
      groupId: 'group-a',
      sessionTimeoutMs: 45000,
      rebalanceTimeoutMs: 300000,
      memberId: 'consumer-1-8f1c',
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      protocols: [
        { name: 'range', metadata: MEMBER_METADATA },
        { name: 'cooperative-sticky', metadata: Buffer.alloc(0) },
      ],
      reason: 'rebalance needed',
    },
    requestFields: [
      ['rebalanceTimeoutMs', 1, 9, -1],
      ['groupInstanceId', 5, 9, null],
      ['reason', 8, 9, null],
    ],
    response: {
      throttleTimeMs: 3,
      errorCode: 0,
      generationId: 7,
      protocolType: 'consumer',
      protocolName: 'range',
      leader: 'consumer-1-8f1c',
      skipAssignment: true,
      memberId: 'consumer-1-8f1c',
      members: [
        { memberId: 'consumer-1-8f1c', groupInstanceId: 'instance-1', metadata: MEMBER_METADATA },
        { memberId: 'consumer-2-0a3b', groupInstanceId: null, metadata: MEMBER_METADATA },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 2, 9, 0],
      ['protocolType', 7, 9, null],
      ['skipAssignment', 9, 9, false],
      ['members.*.groupInstanceId', 5, 9, null],
    ],
  }),
  defineCase({
    codec: SyncGroup,
    request: {
      groupId: 'group-a',
      generationId: 7,
      memberId: 'consumer-1-8f1c',
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: 'consumer-1-8f1c', assignment: ASSIGNMENT },
        { memberId: 'consumer-2-0a3b', assignment: Buffer.alloc(0) },
      ],
    },
    requestFields: [
      ['groupInstanceId', 3, 5, null],
      ['protocolType', 5, 5, null],
      ['protocolName', 5, 5, null],
    ],
    response: { throttleTimeMs: 1, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: ASSIGNMENT },
    responseFields: [
      ['throttleTimeMs', 1, 5, 0],
      ['protocolType', 5, 5, null],
      ['protocolName', 5, 5, null],
    ],
  }),
  defineCase({
    codec: Heartbeat,
    request: { groupId: 'group-a', generationId: 7, memberId: 'consumer-1-8f1c', groupInstanceId: 'instance-1' },
    requestFields: [['groupInstanceId', 3, 4, null]],
    response: { throttleTimeMs: 5, errorCode: 27 },
    responseFields: [['throttleTimeMs', 1, 4, 0]],
  }),
  defineCase({
    codec: LeaveGroup,
    request: {
      groupId: 'group-a',
      memberId: 'consumer-1-8f1c',
      members: [
        { memberId: 'consumer-1-8f1c', groupInstanceId: 'instance-1', reason: 'shutting down' },
        { memberId: '', groupInstanceId: null, reason: null },
      ],
    },
    requestFields: [
      ['memberId', 0, 2, ''],
      ['members', 3, 5, []],
      ['members.*.reason', 5, 5, null],
    ],
    response: {
      throttleTimeMs: 6,
      errorCode: 0,
      members: [{ memberId: 'consumer-1-8f1c', groupInstanceId: 'instance-1', errorCode: 0 }],
    },
    responseFields: [
      ['throttleTimeMs', 1, 5, 0],
      ['members', 3, 5, []],
    ],
  }),
  defineCase({
    codec: OffsetCommit,
    request: {
      groupId: 'group-a',
      generationIdOrMemberEpoch: 7,
      memberId: 'consumer-1-8f1c',
      groupInstanceId: 'instance-1',
      retentionTimeMs: 604800000,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 1234567890123, committedLeaderEpoch: 4, committedMetadata: 'm' },
            { partitionIndex: 1, committedOffset: 0, committedLeaderEpoch: 4, committedMetadata: null },
          ],
        },
      ],
    },
    requestFields: [
      ['groupInstanceId', 7, 8, null],
      ['retentionTimeMs', 2, 4, -1],
      ['topics.*.partitions.*.committedLeaderEpoch', 6, 8, -1],
    ],
    response: {
      throttleTimeMs: 4,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 22 }] }],
    },
    responseFields: [['throttleTimeMs', 3, 8, 0]],
  }),
  defineCase({
    codec: OffsetFetch,
    request: {
      groupId: 'group-a',
      topics: [{ name: 'orders', partitionIndexes: [0, 1] }],
      groups: [
        { groupId: 'group-a', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
        { groupId: 'group-b', topics: null },
      ],
      requireStable: true,
    },
    requestFields: [
      ['groupId', 1, 7, ''],
      ['topics', 1, 7, []],
      ['groups', 8, 8, []],
      ['requireStable', 7, 8, false],
    ],
    response: {
      throttleTimeMs: 8,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 1234567890123, committedLeaderEpoch: 4, metadata: 'm', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
          ],
        },
      ],
      errorCode: 0,
      groups: [
        {
          groupId: 'group-a',
          topics: [
            {
              name: 'orders',
              partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 4, metadata: '', errorCode: 0 }],
            },
          ],
          errorCode: 0,
        },
        { groupId: 'group-b', topics: [], errorCode: 69 },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 3, 8, 0],
      ['topics', 1, 7, []],
      ['topics.*.partitions.*.committedLeaderEpoch', 5, 7, -1],
      ['errorCode', 2, 7, 0],
      ['groups', 8, 8, []],
    ],
  }),
  defineCase({
    codec: ListGroups,
    request: { statesFilter: ['Stable', 'Empty'] },
    requestFields: [['statesFilter', 4, 4, []]],
    response: {
      throttleTimeMs: 1,
      errorCode: 0,
      groups: [
        { groupId: 'group-a', protocolType: 'consumer', groupState: 'Stable' },
        { groupId: 'connect-x', protocolType: 'connect', groupState: 'Empty' },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 1, 4, 0],
      ['groups.*.groupState', 4, 4, ''],
    ],
  }),
  defineCase({
    codec: DescribeGroups,
    request: { groups: ['group-a', 'group-b'], includeAuthorizedOperations: true },
    requestFields: [['includeAuthorizedOperations', 3, 5, false]],
    response: {
      throttleTimeMs: 2,
      groups: [
        {
          errorCode: 0,
          groupId: 'group-a',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [
            {
              memberId: 'consumer-1-8f1c',
              groupInstanceId: 'instance-1',
              clientId: 'consumer-1',
              clientHost: '/10.0.0.7',
              memberMetadata: MEMBER_METADATA,
              memberAssignment: ASSIGNMENT,
            },
          ],
          authorizedOperations: 1024,
        },
        {
          errorCode: 69,
          groupId: 'group-b',
          groupState: 'Dead',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations: -2147483648,
        },
      ],
    },
    responseFields: [
      ['throttleTimeMs', 1, 5, 0],
      ['groups.*.members.*.groupInstanceId', 4, 5, null],
      ['groups.*.authorizedOperations', 3, 5, -2147483648],
    ],
  }),
  defineCase({
    codec: DeleteGroups,
    request: { groupsNames: ['group-a', 'group-b'] },
    requestFields: [],
    response: {
      throttleTimeMs: 3,
      results: [
        { groupId: 'group-a', errorCode: 0 },
        { groupId: 'group-b', errorCode: 69 },
      ],
    },
    responseFields: [],
  }),
  defineCase({
    codec: OffsetDelete,
    request: { groupId: 'group-a', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] }] },
    requestFields: [],
    response: {
      errorCode: 0,
      throttleTimeMs: 2,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 86 }] }],
    },
    responseFields: [],
  }),
  ...adminCases,
  ...txnMarkerCases,
  ...securityCases,
  ...txnCoordinatorCases,
  ...txnAdminCases,
  ...aclCases,
];
