// Keys and values of the internal compacted topic __transaction_state, in Kafka's formats
// (transaction-coordinator/src/main/resources/common/message/TransactionLogKey.json and TransactionLogValue.json),
// so Kafka's tools read the files and a coordinator replays them:
//
//   TransactionLogKey   (version 0) => transactional_id STRING
//   TransactionLogValue (version 0) => producer_id INT64, producer_epoch INT16, transaction_timeout_ms INT32,
//                                      transaction_status INT8, [transaction_partitions] (nullable),
//                                      transaction_last_update_timestamp_ms INT64, transaction_start_timestamp_ms INT64
//     transaction_partitions => topic STRING, [partition_ids INT32]
//   (version 1 is the flexible form with tagged previous_producer_id (0), next_producer_id (1) and
//    client_transaction_version (2); it is read, and written by Kafka only once transaction.version >= 1)
// A null value (tombstone) removes the transactional id. The partition of a transactional id is Kafka's
// Utils.abs(transactionalId.hashCode) % transaction.state.log.num.partitions, the same formula as for groups.
import { Reader, Writer } from '../protocol/index.js';
import { offsetsPartitionFor } from '../group/index.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Kafka's TransactionState ids, as stored in transaction_status. */
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateId = (typeof TxnState)[keyof typeof TxnState];

/** Kafka's state names (DescribeTransactions, ListTransactions and log lines use them). */
export const TXN_STATE_NAMES: Record<TxnStateId, string> = {
  0: 'Empty', 1: 'Ongoing', 2: 'PrepareCommit', 3: 'PrepareAbort', 4: 'CompleteCommit', 5: 'CompleteAbort', 6: 'Dead', 7: 'PrepareEpochFence',
};

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface TransactionLogValue {
  producerId: number;
  /** Version 1 only; -1 otherwise. */
  previousProducerId: number;
  /** Version 1 only; -1 otherwise. */
  nextProducerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  state: TxnStateId;
  partitions: TopicPartitionRef[];
  lastUpdateTimestampMs: number;
  startTimestampMs: number;
}

/** The __transaction_state partition of a transactional id. */
export function transactionStatePartitionFor(transactionalId: string, partitions: number): number {
  return offsetsPartitionFor(transactionalId, partitions);
}

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  return new Writer(8 + transactionalId.length).int16(0).string(transactionalId).toBuffer();
}

/** The transactional id of a key; undefined for a key version this coordinator does not know (Kafka skips those). */
export function decodeTransactionLogKey(key: Buffer): string | undefined {
  const r = new Reader(key);
  const version = r.int16();
  if (version !== 0) return undefined;
  return r.string();
}

/** Version 0, as Kafka writes while transaction.version is 0 (partitions null in Empty). */
export function encodeTransactionLogValue(v: TransactionLogValue): Buffer {
  const w = new Writer(64);
  w.int16(0).int64(v.producerId).int16(v.producerEpoch).int32(v.transactionTimeoutMs).int8(v.state);
  if (v.state === TxnState.Empty) w.int32(-1);
  else {
    const byTopic = new Map<string, number[]>();
    for (const p of v.partitions) {
      let list = byTopic.get(p.topic);
      if (!list) byTopic.set(p.topic, (list = []));
      list.push(p.partition);
    }
    w.array([...byTopic], (w, [topic, ids]) => {
      w.string(topic);
      w.array(ids, (w, id) => w.int32(id));
    });
  }
  w.int64(v.lastUpdateTimestampMs).int64(v.startTimestampMs);
  return w.toBuffer();
}

export function decodeTransactionLogValue(value: Buffer): TransactionLogValue {
  const r = new Reader(value);
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new Error(`unknown TransactionLogValue version ${version}`);
  const flexible = version >= 1;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const transactionTimeoutMs = r.int32();
  const state = r.int8() as TxnStateId;
  if (!(state in TXN_STATE_NAMES)) throw new Error(`unknown transaction state ${state}`);
  const readTopic = (r: Reader) => {
    const topic = flexible ? r.compactString() : r.string();
    const ids = flexible ? r.compactArray((r) => r.int32()) : r.array((r) => r.int32());
    if (flexible) r.taggedFields();
    return ids.map((partition) => ({ topic, partition }));
  };
  const topics = flexible ? r.compactNullableArray(readTopic) : r.nullableArray(readTopic);
  const lastUpdateTimestampMs = r.int64();
  const startTimestampMs = r.int64();
  let previousProducerId = -1;
  let nextProducerId = -1;
  if (flexible) {
    for (const f of r.rawTaggedFields()) {
      const t = new Reader(f.data);
      if (f.tag === 0) previousProducerId = t.int64();
      else if (f.tag === 1) nextProducerId = t.int64();
    }
  }
  return {
    producerId, previousProducerId, nextProducerId, producerEpoch, transactionTimeoutMs, state,
    partitions: state === TxnState.Empty ? [] : (topics ?? []).flat(), lastUpdateTimestampMs, startTimestampMs,
  };
}
