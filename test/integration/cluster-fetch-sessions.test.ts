// Followers fetch in incremental fetch sessions (KIP-227), as Kafka's do: with many idle partitions a
// follower's Fetch requests name none of them (a few dozen bytes, not one entry per partition), and records
// produced afterwards still reach every replica (kafkajs, acks=all, read back after the leader is killed).
// Observed through the broker's `gregor:broker:request` diagnostics channel in a startCluster process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics_channel from 'node:diagnostics_channel';
import { startCluster, type EmbeddedCluster } from '../../src/index.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';

const PARTITIONS = 40;
const FETCH = 1;

describe('follower fetch sessions', () => {
  let cluster: EmbeddedCluster;
  const fetchBytes: number[] = [];
  const onRequest = (m: unknown) => {
    const e = m as { apiKey: number; requestBytes: number };
    if (e.apiKey === FETCH) fetchBytes.push(e.requestBytes);
  };

  before(async () => {
    cluster = await startCluster({ brokers: 2, config: { 'replica.lag.time.max.ms': 5000, 'replica.fetch.wait.max.ms': 50, 'offsets.topic.num.partitions': 1, 'auto.leader.rebalance.enable': false } });
    diagnostics_channel.subscribe('gregor:broker:request', onRequest);
  });
  after(async () => {
    diagnostics_channel.unsubscribe('gregor:broker:request', onRequest);
    await cluster?.stop();
  });

  async function partitions(bootstrap: string): Promise<Array<{ partitionId: number; leader: number; isr: number[] }>> {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicMetadata({ topics: ['sessions'] })).topics[0]!.partitions;
    } finally {
      await admin.disconnect();
    }
  }

  test('idle partitions are not named in followers\' fetches; new records still replicate', async () => {
    const kafka = kafkaClient(cluster.bootstrap);
    await createTopicsWhenReady(kafka, [{ topic: 'sessions', numPartitions: PARTITIONS, replicationFactor: 2, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
    await waitFor('full ISRs', async () => (await partitions(cluster.bootstrap)).every((p) => p.isr.length === 2), 30_000);
    // Each broker follows about half the partitions: a full fetch names each (more than 30 bytes apiece).
    fetchBytes.length = 0;
    await waitFor('follower fetches observed', () => fetchBytes.length >= 20, 30_000, 50);
    const sorted = [...fetchBytes].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    assert.ok(median < 200, `idle follower fetches are incremental: median ${median} bytes over ${sorted.length} requests (a full one names ${PARTITIONS / 2} partitions)`);

    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 20, initialRetryTime: 100 } });
    await producer.connect();
    const acked = new Map<string, number>();
    try {
      for (let i = 0; i < 30; i++) {
        const value = `s-${i}`;
        const [md] = await producer.send({ topic: 'sessions', acks: -1, messages: [{ value, partition: 3 }] });
        acked.set(value, Number(md!.baseOffset));
      }
    } finally {
      await producer.disconnect();
    }
    // The follower has them: with the leader gone it serves them all.
    const leader = (await partitions(cluster.bootstrap)).find((p) => p.partitionId === 3)!.leader;
    assert.ok(leader === 0 || leader === 1);
    await cluster.kill(leader);
    const survivor = cluster.bootstrap.split(',')[1 - leader]!;
    await waitFor('the follower leads partition 3', async () => (await partitions(survivor)).find((p) => p.partitionId === 3)!.leader === 1 - leader, 30_000);
    const seen = await offsetsByValue(kafkaClient(survivor), 'sessions', 3, acked);
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
  });
});
