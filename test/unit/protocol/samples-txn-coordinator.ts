// Round-trip samples for the transaction coordinator's APIs: every field non-default, with the versions each
// version-dependent field exists in.

import { AddOffsetsToTxn, AddPartitionsToTxn, DescribeProducers, DescribeTransactions, EndTxn, ListTransactions, TxnOffsetCommit } from '../../../src/protocol/index.js';
import { defineCase } from './helpers.js';
import type { RoundTripCase } from './helpers.js';

const topicResults = [{ name: 'orders', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 3, partitionErrorCode: 51 }] }];

export const txnCoordinatorCases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: AddPartitionsToTxn,
    request: {
      transactions: [{ transactionalId: 'tx-b', producerId: 4002, producerEpoch: 1, verifyOnly: true, topics: [{ name: 'orders', partitions: [1, 2] }] }],
      v3AndBelowTransactionalId: 'tx-a', v3AndBelowProducerId: 4001, v3AndBelowProducerEpoch: 3,
      v3AndBelowTopics: [{ name: 'orders', partitions: [0, 3] }, { name: 'payments', partitions: [7] }],
    },
    requestFields: [
      ['transactions', 4, 5, []],
      ['v3AndBelowTransactionalId', 0, 3, ''],
      ['v3AndBelowProducerId', 0, 3, -1],
      ['v3AndBelowProducerEpoch', 0, 3, -1],
      ['v3AndBelowTopics', 0, 3, []],
    ],
    response: { throttleTimeMs: 3, errorCode: 15, resultsByTransaction: [{ transactionalId: 'tx-b', topicResults }], resultsByTopicV3AndBelow: topicResults },
    responseFields: [
      ['errorCode', 4, 5, 0],
      ['resultsByTransaction', 4, 5, []],
      ['resultsByTopicV3AndBelow', 0, 3, []],
    ],
  }),
  defineCase({
    codec: AddOffsetsToTxn,
    request: { transactionalId: 'tx-a', producerId: 4001, producerEpoch: 3, groupId: 'etl' },
    requestFields: [],
    response: { throttleTimeMs: 2, errorCode: 51 },
    responseFields: [],
  }),
  defineCase({
    codec: EndTxn,
    request: { transactionalId: 'tx-a', producerId: 4001, producerEpoch: 3, committed: true },
    requestFields: [],
    response: { throttleTimeMs: 2, errorCode: 0, producerId: 4001, producerEpoch: 4 },
    responseFields: [
      ['producerId', 5, 5, -1],
      ['producerEpoch', 5, 5, -1],
    ],
  }),
  defineCase({
    codec: TxnOffsetCommit,
    request: {
      transactionalId: 'tx-a', groupId: 'etl', producerId: 4001, producerEpoch: 3, generationId: 7, memberId: 'm-1', groupInstanceId: 'i-1',
      topics: [{ name: 'in', partitions: [{ partitionIndex: 2, committedOffset: 1234, committedLeaderEpoch: 5, committedMetadata: 'meta' }, { partitionIndex: 3, committedOffset: 9, committedLeaderEpoch: 5, committedMetadata: null }] }],
    },
    requestFields: [
      ['generationId', 3, 5, -1],
      ['memberId', 3, 5, ''],
      ['groupInstanceId', 3, 5, null],
      ['topics.*.partitions.*.committedLeaderEpoch', 2, 5, -1],
    ],
    response: { throttleTimeMs: 1, topics: [{ name: 'in', partitions: [{ partitionIndex: 2, errorCode: 0 }, { partitionIndex: 3, errorCode: 88 }] }] },
    responseFields: [],
  }),
];

export const txnAdminCases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: DescribeTransactions,
    request: { transactionalIds: ['tx-a', 'tx-b'] },
    requestFields: [],
    response: {
      throttleTimeMs: 1,
      transactionStates: [
        { errorCode: 0, transactionalId: 'tx-a', transactionState: 'Ongoing', transactionTimeoutMs: 60000, transactionStartTimeMs: 1718000000123, producerId: 4001, producerEpoch: 3, topics: [{ topic: 'orders', partitions: [0, 2] }] },
        { errorCode: 105, transactionalId: 'tx-b', transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] },
      ],
    },
    responseFields: [],
  }),
  defineCase({
    codec: ListTransactions,
    request: { stateFilters: ['Ongoing', 'Nope'], producerIdFilters: [4001], durationFilter: 5000 },
    requestFields: [['durationFilter', 1, 1, -1]],
    response: { throttleTimeMs: 1, errorCode: 0, unknownStateFilters: ['Nope'], transactionStates: [{ transactionalId: 'tx-a', producerId: 4001, transactionState: 'Ongoing' }] },
    responseFields: [],
  }),
  defineCase({
    codec: DescribeProducers,
    request: { topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
    requestFields: [],
    response: {
      throttleTimeMs: 2,
      topics: [{ name: 'orders', partitions: [
        { partitionIndex: 0, errorCode: 0, errorMessage: null, activeProducers: [{ producerId: 4001, producerEpoch: 3, lastSequence: 41, lastTimestamp: 1718000000123, coordinatorEpoch: 2, currentTxnStartOffset: 17 }] },
        { partitionIndex: 1, errorCode: 6, errorMessage: 'not the leader', activeProducers: [] },
      ] }],
    },
    responseFields: [],
  }),
];
