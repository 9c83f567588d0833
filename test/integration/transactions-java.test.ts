// Transactions with the Java client (org.apache.kafka:kafka-clients 4.x, the reference implementation) against a
// real broker process: commit, abort, a zombie fenced by a second producer with the same transactional.id
// (its commit fails with ProducerFencedException), sendOffsetsToTransaction, and read_committed /
// read_uncommitted consumers. Both transaction protocols: with transaction.version=2 announced the client uses
// transactions v2 (KIP-890: Produce v12 adds partitions, EndTxn v5 bumps the epoch, TxnOffsetCommit v5), with 1 the
// classic one (AddPartitionsToTxn, AddOffsetsToTxn). The Java side is the `transactions` command of test/java's ClientCheck.
import { runIn as run } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_JAR, CLIENT_CHECK_BUILD_TIMEOUT_MS } from '../helpers/client-check.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';

const JAR = CLIENT_CHECK_JAR;
const BUILD_TIMEOUT_MS = CLIENT_CHECK_BUILD_TIMEOUT_MS;

/** The batch headers of a partition directory's segments, in offset order (Kafka's on-disk layout). */
function storedBatches(dir: string): Array<{ attributes: number; producerId: bigint; producerEpoch: number }> {
  const out: Array<{ attributes: number; producerId: bigint; producerEpoch: number }> = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const buf = readFileSync(join(dir, name));
    for (let pos = 0; pos + 61 <= buf.length;) {
      const length = buf.readInt32BE(pos + 8);
      if (length <= 0) break;
      out.push({ attributes: buf.readInt16BE(pos + 21), producerId: buf.readBigInt64BE(pos + 43), producerEpoch: buf.readInt16BE(pos + 51) });
      pos += 12 + length;
    }
  }
  return out;
}

describe('transactions with the Java client', () => {
  const brokers = new Map<number, BrokerProcess>();

  before(async () => {
    await buildClientCheck();
    for (const version of [1, 2]) {
      brokers.set(version, await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4, 'transaction.version': version } }));
    }
  }, { timeout: BUILD_TIMEOUT_MS + 60_000 });
  after(async () => {
    for (const b of brokers.values()) await b.close();
  });

  for (const version of [1, 2]) test(`transaction.version ${version}: commit, abort, fencing of a zombie and sendOffsetsToTransaction; read_committed sees only committed records`, async () => {
    const broker = brokers.get(version)!;
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
    // The protocol the client chose shows in the log: with transactions v2 every end bumps the epoch, so a COMMIT or
    // ABORT marker carries the epoch after its records'; with v1 the same one (only the fencing abort bumps it).
    const diffs = [0, 1].flatMap((p) => {
      const batches = storedBatches(join(broker.logDir, `java-tx-${p}`));
      const d = batches.findIndex((b) => (b.attributes & 0x30) === 0x10);
      const m = batches.findIndex((b, i) => i > d && (b.attributes & 0x30) === 0x30);
      return d >= 0 && m >= 0 ? [batches[m]!.producerEpoch - batches[d]!.producerEpoch] : [];
    });
    assert.ok(diffs.length > 0, 'transactional batches and markers are stored');
    if (version >= 2) assert.ok(diffs.every((d) => d === 1), `every marker one epoch after its records: ${diffs}`);
    else assert.ok(diffs.includes(0), `a marker with its records' epoch: ${diffs}`);
  });
});
