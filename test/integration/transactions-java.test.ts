// Transactions with the Java client (org.apache.kafka:kafka-clients 4.x, the reference implementation) against a
// real broker process: commit, abort, a zombie fenced by a second producer with the same transactional.id
// (its commit fails with ProducerFencedException), sendOffsetsToTransaction, and read_committed /
// read_uncommitted consumers. The Java side is the `transactions` command of test/java's ClientCheck.
import { runIn as run } from '../helpers/run.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const JAVA_DIR = join(ROOT, 'test', 'java');
const JAR = join(JAVA_DIR, 'target', 'client-check-all.jar');
const BUILD_TIMEOUT_MS = 5 * 60_000;

describe('transactions with the Java client', () => {
  let broker: BrokerProcess;

  before(async () => {
    const build = await run('mvn', ['-q', '-B', '-Dstyle.color=never', 'package', '-DskipTests'], { cwd: JAVA_DIR, timeoutMs: BUILD_TIMEOUT_MS });
    assert.equal(build.code, 0, `mvn package in test/java failed:\n${(build.stdout + build.stderr).split('\n').slice(-80).join('\n')}`);
    assert.ok(existsSync(JAR), `mvn package did not produce ${JAR}`);
    broker = await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4 } });
  }, { timeout: BUILD_TIMEOUT_MS + 60_000 });
  after(async () => {
    await broker?.close();
  });

  test('commit, abort, fencing of a zombie and sendOffsetsToTransaction; read_committed sees only committed records', async () => {
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'java-tx', numPartitions: 2 }] });
    await admin.disconnect();
    const r = await run('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, 'transactions', broker.bootstrap, 'java-tx', 'java-txn', 'java-etl'], { timeoutMs: 180_000 });
    const lines = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
    const summary = lines.at(-1);
    assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr.split('\n').slice(-40).join('\n')}`);
    assert.equal(summary?.summary, 'transactions', `no summary; stderr:\n${r.stderr.split('\n').slice(-40).join('\n')}`);
    assert.equal(summary.fencedError, 'ProducerFencedException');
    assert.deepEqual(summary.committed, ['commit-0', 'commit-1', 'commit-2', 'successor']);
    assert.deepEqual(summary.uncommitted, ['abort-0', 'abort-1', 'commit-0', 'commit-1', 'commit-2', 'successor', 'zombie']);
    assert.equal(summary.groupOffset, 42);
  });
});
