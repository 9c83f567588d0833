// A transaction that outlives its transaction.timeout.ms while the Java client (kafka-clients 4.x) keeps sending
// in it: the coordinator aborts it with a bumped epoch, and the producer learns it step by step as it does against
// Apache Kafka 4.1.1 (EXPECTED: the same `txn-timeout` command of test/java's ClientCheck run against a
// single-node Kafka, for both transaction versions): its next send and its commit fail, then the abort and a new
// transaction succeed (v2) or are fenced (v1); nothing of the timed out transaction is ever read_committed.
import { runIn as run } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_JAR, CLIENT_CHECK_BUILD_TIMEOUT_MS } from '../helpers/client-check.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';

const JAR = CLIENT_CHECK_JAR;
const BUILD_TIMEOUT_MS = CLIENT_CHECK_BUILD_TIMEOUT_MS;
/**
 * What the same command gave against a single-node Apache Kafka 4.1.1 (KRaft, the transaction.version feature
 * formatted to 1 or 2, transaction.abort.timed.out.transaction.cleanup.interval.ms=500): the send after the
 * abort fails with InvalidProducerEpochException (abortable), and so does the commit. With transactions v2 the
 * abort then succeeds and the producer goes on (its next transaction commits); with v1 the abort is refused
 * with ProducerFencedException (fatal), and the producer can do nothing more.
 */
const EXPECTED: Record<number, { sendError: string; commitError: string; abortError: string; afterError: string; committed: string[] }> = {
  1: { sendError: 'InvalidProducerEpochException', commitError: 'InvalidProducerEpochException', abortError: 'ProducerFencedException', afterError: 'ProducerFencedException', committed: [] },
  2: { sendError: 'InvalidProducerEpochException', commitError: 'InvalidProducerEpochException', abortError: 'none', afterError: 'none', committed: ['after'] },
};

describe('a transaction past its timeout while the Java producer still sends', () => {
  const brokers = new Map<number, BrokerProcess>();

  before(async () => {
    await buildClientCheck();
    for (const version of [1, 2]) {
      brokers.set(version, await BrokerProcess.start({ overrides: {
        'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4, 'transaction.version': version,
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': 500,
      } }));
    }
  }, { timeout: BUILD_TIMEOUT_MS + 60_000 });
  after(async () => {
    for (const b of brokers.values()) await b.close();
  });

  for (const version of [1, 2]) test(`transaction.version ${version}: the send, commit, abort and next transaction fail or succeed as against Kafka 4.1.1`, async () => {
    const broker = brokers.get(version)!;
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tmo', numPartitions: 1 }] });
    await admin.disconnect();
    const r = await run('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, 'txn-timeout', broker.bootstrap, 'tmo', 'tmo-txn', '2000'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr.split('\n').slice(-40).join('\n')}`);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(summary.summary, 'txn-timeout');
    assert.ok(broker.output.includes('aborting a transaction past its transaction.timeout.ms'), 'the coordinator aborted the transaction');
    const { sendError, commitError, abortError, afterError, committed } = summary;
    assert.deepEqual({ sendError, commitError, abortError, afterError, committed }, EXPECTED[version], `stderr:\n${r.stderr.split('\n').slice(-20).join('\n')}`);
    assert.ok(summary.sentDuring >= 1, 'records were sent in the transaction before it timed out');
    assert.ok(summary.failedAfterMs >= 2000, `the send failed only after the timeout (${summary.failedAfterMs} ms)`);
  });
});
