// The transaction coordinator over real partition logs in a temporary log.dirs, with markers recorded instead
// of written: its state machine answers Kafka's error codes, every state change is in __transaction_state
// before it is acted on, and a restart finishes what was prepared.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { LogManager } from '../../../src/log/index.js';
import { LocalMetadataStore } from '../../../src/metadata/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { GroupCoordinator, OFFSETS_TOPIC, offsetsPartitionFor } from '../../../src/group/index.js';
import {
  TransactionCoordinator, TxnState, decodeTransactionLogKey, decodeTransactionLogValue, encodeTransactionLogKey, encodeTransactionLogValue,
  transactionStatePartitionFor, type TxnMarkerRequest,
} from '../../../src/txn/index.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'gregor-txn-coordinator-'));
const config = loadBrokerConfig({ overrides: { 'log.dirs': dir, 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3', 'transaction.max.timeout.ms': '60000' } });

let nextPid = 1000;

/** A coordinator over the data in `dir`; markers go to `markers` (and hang while `hold` is set). */
function open(opts: { hold?: boolean } = {}) {
  const metadata = new LocalMetadataStore(dir);
  const logs = new LogManager(config, quiet);
  for (const t of metadata.listTopics()) logs.openTopic(t.name, t.partitions, t.configs);
  if (!metadata.getTopic('t')) {
    void metadata.createTopic({ name: 't', partitions: 2, replicationFactor: 1, replicas: [[0], [0]], configs: {} });
    logs.openTopic('t', 2, {});
  }
  const markers: TxnMarkerRequest[] = [];
  const txn = new TransactionCoordinator(config, metadata, logs, quiet, {
    nextProducerId: async () => nextPid++,
    partitionExists: (topic, p) => (metadata.getTopic(topic)?.partitions ?? 0) > p && p >= 0,
    writeTxnMarkers: (ms) => {
      if (opts.hold) return new Promise(() => undefined);
      markers.push(...ms);
      return Promise.resolve(ms.map((m) => ({ producerId: m.producerId, partitions: m.partitions.map((p) => ({ ...p, errorCode: 0 })) })));
    },
  });
  txn.start();
  return {
    txn, markers, logs, metadata,
    close: () => {
      txn.close();
      logs.close();
      metadata.close();
    },
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tp0 = [{ topic: 't', partition: 0 }];

describe('transaction log records', () => {
  it('round-trip in Kafka\'s version 0 format, and partition as Kafka does', () => {
    const key = encodeTransactionLogKey('my-txn');
    assert.deepEqual([...key.subarray(0, 4)], [0, 0, 0, 6]);
    assert.equal(decodeTransactionLogKey(key), 'my-txn');
    const v = { producerId: 42, previousProducerId: -1, nextProducerId: -1, producerEpoch: 3, transactionTimeoutMs: 60000, state: TxnState.Ongoing,
      partitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }, { topic: 'b', partition: 1 }], lastUpdateTimestampMs: 1700000000123, startTimestampMs: 1700000000000 } as const;
    const bytes = encodeTransactionLogValue({ ...v, partitions: [...v.partitions] });
    assert.equal(bytes.readInt16BE(0), 0);
    assert.equal(bytes.length, 2 + 8 + 2 + 4 + 1 + 4 + (2 + 1 + 4 + 8) + (2 + 1 + 4 + 4) + 8 + 8);
    assert.deepEqual(decodeTransactionLogValue(bytes), { ...v, partitions: [...v.partitions] });
    // Empty stores null partitions.
    const empty = encodeTransactionLogValue({ ...v, state: TxnState.Empty, partitions: [] });
    assert.equal(empty.readInt32BE(2 + 8 + 2 + 4 + 1), -1);
    // Utils.abs(String.hashCode) % n, with Utils.abs(Integer.MIN_VALUE) = 0: "polygenelubricants".hashCode() is MIN_VALUE.
    assert.equal(transactionStatePartitionFor('polygenelubricants', 50), 0);
    assert.equal(transactionStatePartitionFor('my-txn', 50), Math.abs(hash('my-txn')) % 50);
  });
});

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

describe('transaction coordinator over real logs', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('init, add, commit: markers carry the producer and the Complete state follows; bad requests get Kafka\'s errors', async () => {
    const b = open();
    try {
      assert.equal((await b.txn.initProducerId('a', 0)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
      assert.equal((await b.txn.initProducerId('a', 60001)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
      assert.equal((await b.txn.initProducerId('', 1000)).errorCode, ErrorCode.INVALID_REQUEST);
      const first = await b.txn.initProducerId('a', 30000);
      assert.equal(first.errorCode, ErrorCode.NONE);
      assert.equal(first.producerEpoch, 0);
      const init = await b.txn.initProducerId('a', 30000);
      assert.deepEqual(init, { errorCode: 0, producerId: first.producerId, producerEpoch: 1 });
      const { producerId: pid, producerEpoch: epoch } = init;
      // EndTxn without a transaction, a stale epoch, a wrong producer id.
      assert.equal((await b.txn.endTransaction('a', pid, epoch, true)).errorCode, ErrorCode.INVALID_TXN_STATE);
      assert.equal((await b.txn.addPartitions('a', pid, epoch - 1, tp0)).get('t\u00000'), ErrorCode.PRODUCER_FENCED);
      assert.equal((await b.txn.addPartitions('a', pid + 1, epoch, tp0)).get('t\u00000'), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      assert.equal((await b.txn.addPartitions('nobody', pid, epoch, tp0)).get('t\u00000'), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      const unknown = await b.txn.addPartitions('a', pid, epoch, [{ topic: 't', partition: 0 }, { topic: 'nope', partition: 0 }]);
      assert.deepEqual([unknown.get('t\u00000'), unknown.get('nope\u00000')], [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
      // A transaction.
      assert.equal((await b.txn.addPartitions('a', pid, epoch, tp0)).get('t\u00000'), ErrorCode.NONE);
      assert.equal((await b.txn.addPartitions('a', pid, epoch, [{ topic: 't', partition: 1 }])).get('t\u00001'), ErrorCode.NONE);
      assert.deepEqual([...b.txn.verifyPartitions('a', pid, epoch, [{ topic: 't', partition: 1 }])], [['t-1', 0]]);
      assert.deepEqual([...b.txn.verifyPartitions('a', pid, epoch - 1, [{ topic: 't', partition: 1 }])], [['t-1', ErrorCode.PRODUCER_FENCED]]);
      assert.equal(b.txn.describe('a').txn?.state, 'Ongoing');
      assert.equal((await b.txn.endTransaction('a', pid, epoch, true)).errorCode, ErrorCode.NONE);
      await until(() => b.txn.describe('a').txn?.state === 'CompleteCommit', 'CompleteCommit');
      assert.deepEqual(b.markers.map((m) => ({ ...m, partitions: [...m.partitions].sort((x, y) => x.partition - y.partition) })),
        [{ producerId: pid, producerEpoch: epoch, coordinatorEpoch: 0, commit: true, partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }] }]);
      // A retried commit is fine; an abort of it is not.
      assert.equal((await b.txn.endTransaction('a', pid, epoch, true)).errorCode, ErrorCode.NONE);
      assert.equal((await b.txn.endTransaction('a', pid, epoch, false)).errorCode, ErrorCode.INVALID_TXN_STATE);
    } finally {
      b.close();
    }
  });

  it('a new producer with the same id aborts the ongoing transaction (CONCURRENT_TRANSACTIONS) and fences the old one', async () => {
    const b = open();
    try {
      const { producerId: pid, producerEpoch: epoch } = await b.txn.initProducerId('z', 30000);
      assert.equal((await b.txn.addPartitions('z', pid, epoch, tp0)).get('t\u00000'), ErrorCode.NONE);
      assert.equal((await b.txn.initProducerId('z', 30000)).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
      await until(() => b.txn.describe('z').txn?.state === 'CompleteAbort', 'CompleteAbort');
      assert.deepEqual(b.markers, [{ producerId: pid, producerEpoch: epoch + 1, coordinatorEpoch: 0, commit: false, partitions: tp0 }]);
      const next = await b.txn.initProducerId('z', 30000);
      assert.deepEqual(next, { errorCode: 0, producerId: pid, producerEpoch: epoch + 2 });
      // The zombie is fenced everywhere.
      assert.equal((await b.txn.addPartitions('z', pid, epoch, tp0)).get('t\u00000'), ErrorCode.PRODUCER_FENCED);
      assert.equal((await b.txn.endTransaction('z', pid, epoch, true)).errorCode, ErrorCode.PRODUCER_FENCED);
      // KIP-360: a producer presenting an unknown id is fenced; the current one bumps.
      assert.equal((await b.txn.initProducerId('z', 30000, { producerId: pid + 7, producerEpoch: 0 })).errorCode, ErrorCode.PRODUCER_FENCED);
      assert.deepEqual(await b.txn.initProducerId('z', 30000, { producerId: pid, producerEpoch: epoch + 2 }), { errorCode: 0, producerId: pid, producerEpoch: epoch + 3 });
    } finally {
      b.close();
    }
  });

  it('a transaction past its timeout is aborted with a bumped epoch', async () => {
    const b = open();
    try {
      const { producerId: pid, producerEpoch: epoch } = await b.txn.initProducerId('slow', 1000);
      assert.equal((await b.txn.addPartitions('slow', pid, epoch, tp0)).get('t\u00000'), ErrorCode.NONE);
      assert.equal(b.txn.abortTimedOutTransactions(Date.now()), 0);
      assert.equal(b.txn.abortTimedOutTransactions(Date.now() + 5000), 1);
      await until(() => b.txn.describe('slow').txn?.state === 'CompleteAbort', 'CompleteAbort');
      assert.deepEqual(b.markers, [{ producerId: pid, producerEpoch: epoch + 1, coordinatorEpoch: 0, commit: false, partitions: tp0 }]);
      assert.equal((await b.txn.endTransaction('slow', pid, epoch, true)).errorCode, ErrorCode.PRODUCER_FENCED);
    } finally {
      b.close();
    }
  });

  it('EndTxn v5 (KIP-890) bumps the epoch at every end and returns it', async () => {
    const b = open();
    try {
      const { producerId: pid, producerEpoch: epoch } = await b.txn.initProducerId('v2', 30000);
      await b.txn.addPartitions('v2', pid, epoch, tp0);
      assert.deepEqual(await b.txn.endTransaction('v2', pid, epoch, true, true), { errorCode: 0, producerId: pid, producerEpoch: epoch + 1 });
      await until(() => b.txn.describe('v2').txn?.state === 'CompleteCommit', 'CompleteCommit');
      assert.equal(b.markers[0]!.producerEpoch, epoch + 1);
      // A retry with the old epoch gets the same answer.
      assert.deepEqual(await b.txn.endTransaction('v2', pid, epoch, true, true), { errorCode: 0, producerId: pid, producerEpoch: epoch + 1 });
    } finally {
      b.close();
    }
  });

  it('state survives a restart, and a prepared commit is finished by the restarted coordinator', async () => {
    let b = open({ hold: true });
    let pid: number;
    let epoch: number;
    try {
      ({ producerId: pid, producerEpoch: epoch } = await b.txn.initProducerId('r', 30000));
      await b.txn.addPartitions('r', pid, epoch, tp0);
      assert.equal((await b.txn.endTransaction('r', pid, epoch, true)).errorCode, ErrorCode.NONE);
      assert.equal(b.txn.describe('r').txn?.state, 'PrepareCommit');
      assert.equal((await b.txn.addPartitions('r', pid, epoch, tp0)).get('t\u00000'), ErrorCode.CONCURRENT_TRANSACTIONS);
    } finally {
      b.close();
    }
    b = open();
    try {
      await until(() => b.txn.describe('r').txn?.state === 'CompleteCommit', 'the restarted coordinator to complete the commit');
      assert.deepEqual(b.markers, [{ producerId: pid, producerEpoch: epoch, coordinatorEpoch: 0, commit: true, partitions: tp0 }]);
      assert.deepEqual(await b.txn.initProducerId('r', 30000), { errorCode: 0, producerId: pid, producerEpoch: epoch + 1 });
      assert.deepEqual(b.txn.list([], []).map((t) => t.transactionalId).sort(), ['a', 'r', 'slow', 'v2', 'z']);
      assert.equal(await b.txn.removeExpiredTransactionalIds(Date.now() + config['transactional.id.expiration.ms']), 5);
      assert.equal(b.txn.describe('r').errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    } finally {
      b.close();
    }
    b = open();
    try {
      assert.deepEqual(b.txn.list([], []), []);
    } finally {
      b.close();
    }
  });
});

describe('transactional offset commits in the group coordinator', () => {
  const gdir = mkdtempSync(join(tmpdir(), 'gregor-txn-offsets-'));
  const gconfig = loadBrokerConfig({ overrides: { 'log.dirs': gdir, 'offsets.topic.num.partitions': '3' } });
  after(() => rmSync(gdir, { recursive: true, force: true }));

  function openGroups() {
    const metadata = new LocalMetadataStore(gdir);
    const logs = new LogManager(gconfig, quiet);
    for (const t of metadata.listTopics()) logs.openTopic(t.name, t.partitions, t.configs);
    if (!metadata.getTopic('t')) {
      void metadata.createTopic({ name: 't', partitions: 2, replicationFactor: 1, replicas: [[0], [0]], configs: {} });
      logs.openTopic('t', 2, {});
    }
    const groups = new GroupCoordinator(gconfig, metadata, logs, quiet);
    groups.start();
    return { groups, logs, close: () => { groups.close(); logs.close(); metadata.close(); } };
  }
  const commit = (g: GroupCoordinator, producerId: number, offset: number, memberId = '', generationId = -1) => g.commitTxnOffsets('g', {
    transactionalId: 'x', producerId, producerEpoch: 0, generationId, memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: null }],
  });
  const fetch = (g: GroupCoordinator, stable: boolean) => g.fetchOffsets('g', [{ name: 't', partitions: [0] }], stable).offsets[0]!;

  it('holds offsets pending until the commit marker, drops them on abort, and replays both from the log', async () => {
    let b = openGroups();
    try {
      assert.deepEqual((await commit(b.groups, 7, 10, 'stranger')).map((r) => r.errorCode), [ErrorCode.UNKNOWN_MEMBER_ID]);
      assert.deepEqual((await commit(b.groups, 7, 10)).map((r) => r.errorCode), [0]);
      assert.equal(fetch(b.groups, false).offset, -1);
      assert.equal(fetch(b.groups, true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
      b.groups.completeTransaction(7, true, [offsetsPartitionFor('g', 3)]);
      assert.deepEqual([fetch(b.groups, true).offset, fetch(b.groups, true).errorCode], [10, 0]);
      await commit(b.groups, 8, 20);
      b.groups.completeTransaction(8, false, [offsetsPartitionFor('g', 3)]);
      assert.equal(fetch(b.groups, true).offset, 10);
      await commit(b.groups, 9, 30);
      await commit(b.groups, 10, 40);
    } finally {
      b.close();
    }
    b = openGroups();
    try {
      assert.equal(fetch(b.groups, true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT, 'pending offsets stay pending across a restart');
      // The markers as the ReplicaManager writes them (7 and 9 commit, 8 and 10 abort); the coordinator learns of them.
      const part = b.logs.getPartition(OFFSETS_TOPIC, offsetsPartitionFor('g', 3))!;
      for (const [producerId, commit] of [[7, true], [8, false], [10, false], [9, true]] as const) {
        await part.appendTxnMarker({ producerId, producerEpoch: 0, coordinatorEpoch: 0, commit });
        b.groups.completeTransaction(producerId, commit, [part.partition]);
      }
      assert.deepEqual([fetch(b.groups, true).offset, fetch(b.groups, true).errorCode], [30, 0]);
      // The coordinator numbers its batches per producer on from what it replayed: another commit is accepted.
      assert.deepEqual((await commit(b.groups, 9, 31)).map((r) => r.errorCode), [0]);
    } finally {
      b.close();
    }
    b = openGroups();
    try {
      // Replayed: 7 and 9 committed (30 is the offset), 8 and 10 dropped, the second commit of 9 still pending.
      assert.equal(fetch(b.groups, false).offset, 30);
      assert.equal(fetch(b.groups, true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
    } finally {
      b.close();
    }
    b = openGroups();
    try {
      // Replayed: 7 and 9 committed (30 is the offset), 8 and 10 dropped, the second commit of 9 still pending.
      assert.equal(fetch(b.groups, false).offset, 30);
      assert.equal(fetch(b.groups, true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
    } finally {
      b.close();
    }
  });
});
