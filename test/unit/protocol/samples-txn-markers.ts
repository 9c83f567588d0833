// Round-trip samples for WriteTxnMarkers (the log side of transactions): every field non-default, with the
// versions each version-dependent field exists in.

import { WriteTxnMarkers } from '../../../src/protocol/index.js';
import { defineCase } from './helpers.js';
import type { RoundTripCase } from './helpers.js';

export const txnMarkerCases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: WriteTxnMarkers,
    request: {
      markers: [
        { producerId: 4001, producerEpoch: 3, transactionResult: true, topics: [{ name: 'orders', partitionIndexes: [0, 2] }, { name: '__consumer_offsets', partitionIndexes: [17] }], coordinatorEpoch: 5, transactionVersion: 2 },
        { producerId: 4002, producerEpoch: 0, transactionResult: false, topics: [], coordinatorEpoch: 1, transactionVersion: 2 },
      ],
    },
    requestFields: [['markers.*.transactionVersion', 2, 2, 0]],
    response: {
      markers: [{ producerId: 4001, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 6 }] }] }],
    },
    responseFields: [],
  }),
];
