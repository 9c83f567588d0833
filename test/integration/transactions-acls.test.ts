// TxnOffsetCommit under ACLs, as Kafka's KafkaApis.handleTxnOffsetCommitRequest answers it: no Write on the
// transactional id fails the whole request (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then no Read on the group
// (GROUP_AUTHORIZATION_FAILED); past those, each topic the principal may not Read gets
// TOPIC_AUTHORIZATION_FAILED, an unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION, and the other
// partitions are committed with the transaction. Hand-built requests show the codes per partition, kafkajs
// that a real client's sendOffsets reports the denial.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { Connection } from '../../src/client/index.js';
import { LocalMetadataStore } from '../../src/metadata/index.js';
import { AddOffsetsToTxn, EndTxn, ErrorCode, InitProducerId, OffsetFetch, TxnOffsetCommit } from '../../src/protocol/index.js';

const ANON = 'User:ANONYMOUS';

describe('TxnOffsetCommit under ACLs (partial denial per topic)', () => {
  let dir: string;
  let broker: BrokerProcess;
  let conn: Connection;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-txn-acl-'));
    const store = new LocalMetadataStore(dir);
    const allow = (...operations: string[]) => () => operations.map((operation) => ({ principal: ANON, permissionType: 'Allow' as const, operation, host: '*' }));
    await store.updateAcls({ resourceType: 'Cluster', patternType: 'LITERAL', name: 'kafka-cluster' }, allow('Alter', 'Create'));
    await store.updateAcls({ resourceType: 'TransactionalId', patternType: 'LITERAL', name: 'tx-ok' }, allow('Write'));
    await store.updateAcls({ resourceType: 'Group', patternType: 'LITERAL', name: 'g-ok' }, allow('Read'));
    // Every topic starting with ok- may be read and written (ok-missing among them, which does not exist);
    // secret-in exists and may only be written.
    await store.updateAcls({ resourceType: 'Topic', patternType: 'PREFIXED', name: 'ok-' }, allow('Read', 'Write'));
    await store.updateAcls({ resourceType: 'Topic', patternType: 'LITERAL', name: 'secret-in' }, allow('Write'));
    await store.close();
    broker = await BrokerProcess.start({
      logDir: dir,
      overrides: {
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': false,
        'num.partitions': 1, 'transaction.state.log.num.partitions': 2, 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0,
      },
    });
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'ok-in', numPartitions: 2 }, { topic: 'secret-in' }] });
    } finally {
      await admin.disconnect();
    }
    conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
  });
  after(async () => {
    conn?.close();
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const errorName = (code: number) => Object.entries(ErrorCode).find(([, v]) => v === code)?.[0] ?? String(code);
  /** The answer's error names per topic/partition. */
  const codesOf = (r: TxnOffsetCommit.TxnOffsetCommitResponse) =>
    Object.fromEntries(r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}/${p.partitionIndex}`, errorName(p.errorCode)])));
  const commit = (transactionalId: string, groupId: string, producerId: number, producerEpoch: number, topics: Array<[string, number[]]>, version = 3) => conn.send(TxnOffsetCommit, {
    transactionalId, groupId, producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
    topics: topics.map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: null })) })),
  }, { version });
  const fetched = async (topic: string, partition: number) => {
    const r = await conn.send(OffsetFetch, { groupId: 'g-ok', topics: [{ name: topic, partitionIndexes: [partition] }], groups: [], requireStable: true }, { version: 7 });
    const p = r.topics[0]!.partitions[0]!;
    return { errorCode: p.errorCode, offset: p.committedOffset };
  };

  test('without Write on the transactional id or Read on the group the whole request is refused', async () => {
    const denied = await commit('tx-denied', 'g-ok', 1, 0, [['ok-in', [0]], ['secret-in', [0]]]);
    assert.deepEqual(codesOf(denied), { 'ok-in/0': 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'secret-in/0': 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' });
    const group = await commit('tx-ok', 'g-denied', 1, 0, [['ok-in', [0]], ['secret-in', [0]]]);
    assert.deepEqual(codesOf(group), { 'ok-in/0': 'GROUP_AUTHORIZATION_FAILED', 'secret-in/0': 'GROUP_AUTHORIZATION_FAILED' });
  });

  test('a topic that may not be read gets TOPIC_AUTHORIZATION_FAILED, an unknown one UNKNOWN_TOPIC_OR_PARTITION; the rest commits', async () => {
    const init = await conn.send(InitProducerId, { transactionalId: 'tx-ok', transactionTimeoutMs: 30_000, producerId: -1, producerEpoch: -1 });
    assert.equal(init.errorCode, ErrorCode.NONE);
    const added = await conn.send(AddOffsetsToTxn, { transactionalId: 'tx-ok', producerId: init.producerId, producerEpoch: init.producerEpoch, groupId: 'g-ok' });
    assert.equal(added.errorCode, ErrorCode.NONE);
    const r = await commit('tx-ok', 'g-ok', init.producerId, init.producerEpoch, [['ok-in', [0, 1, 7]], ['secret-in', [0]], ['ok-missing', [0]]]);
    assert.deepEqual(codesOf(r), {
      'ok-in/0': 'NONE', 'ok-in/1': 'NONE', 'ok-in/7': 'UNKNOWN_TOPIC_OR_PARTITION', 'secret-in/0': 'TOPIC_AUTHORIZATION_FAILED', 'ok-missing/0': 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    // Pending until the commit marker: a require_stable fetch is told to wait.
    assert.equal((await fetched('ok-in', 0)).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
    const end = await conn.send(EndTxn, { transactionalId: 'tx-ok', producerId: init.producerId, producerEpoch: init.producerEpoch, committed: true }, { version: 3 });
    assert.equal(end.errorCode, ErrorCode.NONE);
    await waitFor('ok-in/0 committed at 42', async () => (await fetched('ok-in', 0)).offset === 42, 20_000);
    assert.deepEqual(await fetched('ok-in', 1), { errorCode: ErrorCode.NONE, offset: 42 });
    // The denied topic's offset was not committed (Write on secret-in implies the Describe OffsetFetch needs).
    assert.deepEqual(await fetched('secret-in', 0), { errorCode: ErrorCode.NONE, offset: -1 });
  });

  test('kafkajs sendOffsets with a topic it may not read fails with TOPIC_AUTHORIZATION_FAILED', async () => {
    const producer = kafkaClient(broker.bootstrap, 'txn-acl').producer({ transactionalId: 'tx-ok', maxInFlightRequests: 1, idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
    await producer.connect();
    try {
      const t = await producer.transaction();
      await t.send({ topic: 'ok-in', messages: [{ value: 'x', partition: 0 }] });
      const err = await t.sendOffsets({ consumerGroupId: 'g-ok', topics: [{ topic: 'ok-in', partitions: [{ partition: 0, offset: '7' }] }, { topic: 'secret-in', partitions: [{ partition: 0, offset: '7' }] }] })
        .then(() => 'none', (e: { type?: string; name?: string }) => e.type ?? e.name ?? String(e));
      assert.equal(err, 'TOPIC_AUTHORIZATION_FAILED');
      await t.abort();
    } finally {
      await producer.disconnect();
    }
    // The abort dropped the pending ok-in offset: the group still has 42 from the committed transaction.
    await waitFor('no pending offsets', async () => (await fetched('ok-in', 0)).errorCode === ErrorCode.NONE, 20_000);
    assert.equal((await fetched('ok-in', 0)).offset, 42);
  });
});
