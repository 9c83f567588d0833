// The cleaner removes transaction markers as Kafka's does (KIP-534): on a compacted topic, kafkajs commits a
// transaction whose records a later transaction overwrites, aborts one, and commits one whose records stay.
// Once the cleaner has removed the overwritten and the aborted records, a later pass stamps their transactions'
// markers with a delete horizon (delete.retention.ms ahead) and a pass after it removes them, with the ABORT's
// .txnindex entry; the marker of the transaction whose records stay is kept. Kafka's DumpLogSegments reads the
// cleaned segments (every batch valid, one marker left, no aborted transaction indexed), and read_committed and
// read_uncommitted kafkajs consumers both see exactly the surviving records.
import { after, before, describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { dumpPartitionLog, KAFKA_TOOL, KAFKA_TOOLS_RESOLVE_TIMEOUT_MS, kafkaToolsClasspath, partitionFiles, runKafkaTool } from '../helpers/kafka-tools.js';
import { waitFor } from '../helpers/wait.js';

const { ConfigResourceTypes } = kafkajs;

describe('the cleaner removes transaction markers once their transactions are empty', () => {
  let broker: BrokerProcess;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.cleaner.backoff.ms': 100, 'transaction.state.log.num.partitions': 1,
      'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 } });
  });
  after(async () => {
    await broker?.close();
  });

  test('kafkajs transactions on a compacted topic: emptied transactions lose their markers after delete.retention.ms', { timeout: 300_000 }, async () => {
    const topic = 'txn-compacted';
    const kafka = kafkaClient(broker.bootstrap, 'markers');
    const admin = kafka.admin();
    await admin.connect();
    // A day of min.compaction.lag.ms holds the cleaner back until the markers were seen.
    const configs = (lagMs: string) => [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1024' }, { name: 'min.compaction.lag.ms', value: lagMs },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'delete.retention.ms', value: '1000' },
    ];
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: configs('86400000') }], waitForLeaders: true });
    const producer = kafka.producer({ transactionalId: 'markers', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = async (records: Array<[string, string]>, commit: boolean) => {
      const t = await producer.transaction();
      await t.send({ topic, messages: records.map(([key, value]) => ({ key, value, partition: 0 })) });
      await (commit ? t.commit() : t.abort());
    };
    await txn([['a', 'a1'], ['b', 'b1']], true); // overwritten below: its COMMIT marker goes
    await txn([['a', 'aborted']], false); // its ABORT marker and .txnindex entry go
    await txn([['a', 'a3'], ['b', 'b3']], true); // its records stay: its COMMIT marker stays
    await producer.disconnect();
    // Plain records after them, so the transactions lie in closed (cleanable) segments.
    const plain = kafka.producer();
    await plain.connect();
    for (let i = 0; i < 30; i++) await plain.send({ topic, messages: [{ key: `fill-${i}`, value: 'x'.repeat(60), partition: 0 }] });
    await plain.disconnect();

    const dir = join(broker.logDir, `${topic}-0`);
    const files = (suffix: string) => partitionFiles(dir, suffix);
    await kafkaToolsClasspath();
    const dumpLogs = () => dumpPartitionLog(dir);
    const markers = (dump: string) => dump.split('\n').filter((l) => /endTxnMarker: /.test(l)).map((l) => /endTxnMarker: (\w+)/.exec(l)![1]!);
    assert.deepEqual(markers(await dumpLogs()), ['COMMIT', 'ABORT', 'COMMIT'], 'three markers before cleaning');
    // (AlterConfigs replaces the whole set.)
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: configs('0') }] });
    await admin.disconnect();
    const dump = await waitFor('the cleaner to remove the emptied transactions\' markers', async () => {
      const d = await dumpLogs();
      return markers(d).length === 1 ? d : undefined;
    }, 120_000, 1000);
    assert.deepEqual(markers(dump), ['COMMIT']);
    assert.doesNotMatch(dump, /isvalid: false/, 'every batch passes Kafka\'s checks');
    for (const f of files('.txnindex')) {
      const idx = await runKafkaTool(KAFKA_TOOL.dumpLogSegments, ['--files', f], KAFKA_TOOLS_RESOLVE_TIMEOUT_MS);
      assert.equal(idx.code, 0, idx.stderr);
      assert.doesNotMatch(idx.stdout, /producerId: /, `no aborted transaction left in ${f}`);
    }

    const read = async (readUncommitted: boolean) => {
      const consumer = kafka.consumer({ groupId: `markers-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 200 });
      const seen: string[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => {
          seen.push(`${message.key?.toString()}=${message.value?.toString()}`);
        } });
        await waitFor('the last filler record', () => seen.some((s) => s.startsWith('fill-29=')), 60_000);
      } finally {
        await consumer.disconnect();
      }
      return seen.filter((s) => !s.startsWith('fill-'));
    };
    assert.deepEqual(await read(false), ['a=a3', 'b=b3'], 'read_committed');
    assert.deepEqual(await read(true), ['a=a3', 'b=b3'], 'read_uncommitted: the aborted and overwritten records are gone');
  });
});
