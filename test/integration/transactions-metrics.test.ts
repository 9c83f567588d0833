// Transaction metrics on the gateway's /metrics, driven by kafkajs transactions against a real broker process:
// transactions per coordinator state, the committed/aborted/expired counters, Kafka's per-partition
// LastStableOffsetLag and the age of the oldest open transaction, each moving as a transaction opens and ends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { http, startGatewayBroker, type GatewayBroker } from './gateway-helpers.js';

/** The value of one series, or undefined when the scrape does not have it. */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const ONGOING = 'kafka_coordinator_transaction_transactions{state="Ongoing"}';
const COMMITTED = 'kafka_coordinator_transaction_committed_total';
const ABORTED = 'kafka_coordinator_transaction_aborted_total';
const EXPIRED = 'kafka_coordinator_transaction_expired_total';
const OLDEST = 'kafka_coordinator_transaction_oldest_open_transaction_age_ms';
const lsoLag = (topic: string, partition: number) => `kafka_cluster_partition_laststableoffsetlag{topic="${topic}",partition="${partition}"}`;

describe('transaction metrics on /metrics', () => {
  let gw: GatewayBroker;
  let kafka: Kafka;
  const scrape = async () => (await http('GET', `${gw.http}/metrics`)).text;
  /** Waits until every named series has the expected value; fails naming the scrape it last saw. */
  const expectSeries = async (want: Record<string, number | ((v: number) => boolean)>) => {
    let last = '';
    try {
      await waitFor(JSON.stringify(Object.keys(want)), async () => {
        last = await scrape();
        return Object.entries(want).every(([k, v]) => {
          const got = sample(last, k);
          return got !== undefined && (typeof v === 'function' ? v(got) : got === v);
        });
      }, 20_000);
    } catch (e) {
      const seen = Object.keys(want).map((k) => `${k} = ${sample(last, k)}`).join('\n');
      throw new Error(`${(e as Error).message}\n${seen}`);
    }
    return last;
  };

  before(async () => {
    gw = await startGatewayBroker({
      'transaction.state.log.num.partitions': 2, 'offsets.topic.num.partitions': 2, 'num.partitions': 1,
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': 300,
    });
    kafka = kafkaClient(gw.broker.bootstrap, 'txn-metrics');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'txm', numPartitions: 2 }, { topic: 'txm-expire', numPartitions: 1 }] });
    await admin.disconnect();
  });
  after(async () => {
    await gw?.broker.close();
  });

  test('an open transaction shows as Ongoing with LSO lag and an age; commit and abort bring them back to 0 and count', async () => {
    const before = await scrape();
    assert.match(before, /^# TYPE kafka_coordinator_transaction_transactions gauge$/m);
    assert.match(before, /^# TYPE kafka_coordinator_transaction_committed_total counter$/m);
    assert.equal(sample(before, ONGOING), 0);
    assert.equal(sample(before, COMMITTED), 0);
    assert.equal(sample(before, OLDEST), 0);
    assert.equal(sample(before, lsoLag('txm', 0)), 0);

    const producer = kafka.producer({ transactionalId: 'metrics-1', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    try {
      let t = await producer.transaction();
      await t.send({ topic: 'txm', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 0 }] });
      const open = await expectSeries({ [ONGOING]: 1, [lsoLag('txm', 0)]: 3, [lsoLag('txm', 1)]: 0 });
      assert.equal(sample(open, 'kafka_coordinator_transaction_transactions{state="Empty"}'), 0);
      await new Promise((r) => setTimeout(r, 50));
      await expectSeries({ [OLDEST]: (v) => v >= 50 });
      await t.commit();
      // The commit marker is appended after the LSO: the lag is gone, not 3 records less.
      await expectSeries({ [ONGOING]: 0, [COMMITTED]: 1, [ABORTED]: 0, [OLDEST]: 0, [lsoLag('txm', 0)]: 0, 'kafka_coordinator_transaction_transactions{state="CompleteCommit"}': 1 });

      t = await producer.transaction();
      await t.send({ topic: 'txm', messages: [{ value: 'x', partition: 1 }] });
      await expectSeries({ [ONGOING]: 1, [lsoLag('txm', 1)]: 1 });
      await t.abort();
      await expectSeries({ [ONGOING]: 0, [COMMITTED]: 1, [ABORTED]: 1, [EXPIRED]: 0, [lsoLag('txm', 1)]: 0, 'kafka_coordinator_transaction_transactions{state="CompleteAbort"}': 1 });
    } finally {
      await producer.disconnect();
    }
  });

  test('a transaction past its transaction.timeout.ms counts as expired (and aborted)', async () => {
    const start = sample(await scrape(), ABORTED)!;
    const gone = kafka.producer({ transactionalId: 'metrics-gone', transactionTimeout: 1500, maxInFlightRequests: 1, idempotent: true });
    await gone.connect();
    const t = await gone.transaction();
    await t.send({ topic: 'txm-expire', messages: [{ value: 'never' }] });
    await gone.disconnect(); // no EndTxn: the coordinator aborts it
    await expectSeries({ [lsoLag('txm-expire', 0)]: 1, [OLDEST]: (v) => v >= 0 });
    await expectSeries({ [EXPIRED]: 1, [ABORTED]: start + 1, [ONGOING]: 0, [lsoLag('txm-expire', 0)]: 0, [OLDEST]: 0 });
  });
});
