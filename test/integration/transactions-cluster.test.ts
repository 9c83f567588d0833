// Transactions in a three-broker cluster (startCluster, replication factor 3): followers copy transactional
// batches and markers, so an open transaction keeps holding the last stable offset after its leader is
// killed, WriteTxnMarkers is served by the leader only and answered once the ISR has the marker, and an
// ABORT's .txnindex entry exists on every replica: after another failover read_committed readers (kcat)
// still drop the aborted records.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type EmbeddedCluster } from '../../src/index.js';
import { buildRecordBatch, ErrorCode, ListOffsets, Produce, WriteTxnMarkers } from '../../src/protocol/index.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { RawConnection } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';

const TOPIC = 'txn-replicated';

describe('transactions in a cluster: markers replicate, the LSO survives failover', () => {
  let cluster: EmbeddedCluster;
  const conns: RawConnection[] = [];

  before(async () => {
    cluster = await startCluster({ brokers: 3, config: { 'replica.lag.time.max.ms': 2000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 1, 'transaction.partition.verification.enable': false } });
    const admin = kafkaClient(cluster.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => {
    for (const c of conns) c.close();
    await cluster?.stop();
  });

  async function partitionState(): Promise<{ leader: number; isr: number[] }> {
    const admin = kafkaClient(cluster.bootstrap).admin();
    await admin.connect();
    try {
      const p = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions[0]!;
      return { leader: p.leader, isr: [...p.isr].sort() };
    } finally {
      await admin.disconnect();
    }
  }

  async function connect(id: number): Promise<RawConnection> {
    const c = await RawConnection.open(cluster.brokers.find((b) => b.id === id)!.port);
    conns.push(c);
    return c;
  }

  async function latest(c: RawConnection, isolationLevel: 0 | 1): Promise<{ errorCode: number; offset: number }> {
    const res = await c.request(ListOffsets, 7, { replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
    return res.topics[0]!.partitions[0]!;
  }

  async function marker(c: RawConnection, commit: boolean): Promise<number> {
    const res = await c.request(WriteTxnMarkers, 1, { markers: [{ producerId: 100, producerEpoch: 0, transactionResult: commit, coordinatorEpoch: 0, transactionVersion: 0, topics: [{ name: TOPIC, partitionIndexes: [0] }] }] });
    return res.markers[0]!.topics[0]!.partitions[0]!.errorCode;
  }

  async function kcatValues(isolation: string): Promise<string[]> {
    const r = await kcat(['-b', cluster.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, '-f', RECORD_FORMAT]);
    assert.equal(r.code, 0, r.stderr);
    return parseRecords(r.stdout).map((x) => x.value);
  }

  test('an open transaction holds the LSO on the new leader; the ABORT reaches every replica', async () => {
    await waitFor('a leader with the full ISR', async () => (await partitionState()).isr.length === 3, 30_000);
    const first = (await partitionState()).leader;
    const c = await connect(first);
    const produce = async (values: string[], transactional: boolean, sequence = 0) => {
      const records = await buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })),
        transactional ? { producerId: 100, producerEpoch: 0, baseSequence: sequence, transactional: true } : {});
      const res = await c.request(Produce, 9, { transactionalId: transactional ? 'tx-100' : null, acks: -1, timeoutMs: 30_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
      return res.responses[0]!.partitionResponses[0]!;
    };
    assert.equal((await produce(['before'], false)).errorCode, ErrorCode.NONE); // 0
    // 1-2 and 3: producer 100's open transaction; then plain data the LSO holds back.
    const t = await produce(['t1', 't2'], true);
    assert.deepEqual([t.errorCode, t.baseOffset], [ErrorCode.NONE, 1]);
    const t3 = await produce(['t3'], true, 2);
    assert.deepEqual([t3.errorCode, t3.baseOffset], [ErrorCode.NONE, 3]);
    assert.equal((await produce(['after'], false)).baseOffset, 4);
    assert.deepEqual([(await latest(c, 1)).offset, (await latest(c, 0)).offset], [1, 5]);

    await cluster.kill(first);
    await waitFor('a new leader', async () => {
      const s = await partitionState();
      return s.leader >= 0 && s.leader !== first;
    }, 30_000);
    const second = (await partitionState()).leader;
    const d = await connect(second);
    assert.equal((await latest(d, 1)).offset, 1, 'the new leader knows the open transaction from replication');
    assert.equal((await latest(d, 0)).offset, 5);
    assert.deepEqual(await kcatValues('read_committed'), ['before']);

    const follower = [0, 1, 2].find((id) => id !== first && id !== second)!;
    assert.equal(await marker(await connect(follower), false), ErrorCode.NOT_LEADER_OR_FOLLOWER, 'only the leader writes markers');
    assert.equal(await marker(d, false), ErrorCode.NONE);
    assert.equal((await latest(d, 1)).offset, 6);
    assert.deepEqual(await kcatValues('read_committed'), ['before', 'after']);
    assert.deepEqual(await kcatValues('read_uncommitted'), ['before', 't1', 't2', 't3', 'after']);

    // Back to three in sync, then the leader that wrote the marker goes: the next one has the .txnindex entry too.
    await cluster.restart(first);
    await waitFor(`broker ${first} back in the ISR`, async () => (await partitionState()).isr.length === 3, 60_000);
    await cluster.kill(second);
    await waitFor('a third leader', async () => {
      const s = await partitionState();
      return s.leader >= 0 && s.leader !== second;
    }, 30_000);
    assert.deepEqual(await kcatValues('read_committed'), ['before', 'after']);
    await cluster.restart(second);
  });
});
