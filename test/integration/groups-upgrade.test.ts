// A data dir from a version that put groups in __consumer_offsets partition (hashCode & 0x7fffffff) % 50 instead
// of Kafka's Utils.abs(hashCode) % 50: the broker still finds the group, kafkajs reads its offsets and commits on.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBrokerConfig } from '../../src/config/index.js';
import { buildRecordBatch, LogManager } from '../../src/log/index.js';
import { LocalMetadataStore } from '../../src/metadata/index.js';
import { encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue, OFFSETS_TOPIC } from '../../src/group/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';

const GROUP = 'my-group'; // String.hashCode -1906497762: the old formula said partition 36 of 50, Kafka says 12
const OLD_PARTITION = 36;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('groups stored by an older version', () => {
  let broker: BrokerProcess;
  after(() => broker?.close());

  test('offsets and group metadata in the old partition are found after the upgrade, and later commits win after a restart', async () => {
    broker = await BrokerProcess.start();
    let kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    await admin.setOffsets({ groupId: 'someone-else', topic: 'orders', partitions: [{ partition: 0, offset: '1' }] }); // creates __consumer_offsets
    await admin.disconnect();
    assert.equal(await broker.stop(), 0);

    // Write the group's records where the old formula put them, with the broker down.
    const config = loadBrokerConfig({ overrides: { 'log.dirs': broker.logDir } });
    const metadata = new LocalMetadataStore(broker.logDir);
    const logs = new LogManager(config, quiet);
    const topic = metadata.getTopic(OFFSETS_TOPIC)!;
    assert.equal(topic.partitions, 50);
    logs.openTopic(OFFSETS_TOPIC, topic.partitions, topic.configs);
    const now = Date.now();
    await logs.getPartition(OFFSETS_TOPIC, OLD_PARTITION)!.append(buildRecordBatch([
      { key: encodeOffsetCommitKey(GROUP, 'orders', 0), value: encodeOffsetCommitValue({ offset: 17, leaderEpoch: -1, metadata: 'from-old', commitTimestamp: now, expireTimestamp: -1 }) },
      { key: encodeOffsetCommitKey(GROUP, 'orders', 1), value: encodeOffsetCommitValue({ offset: 23, leaderEpoch: -1, metadata: 'm1', commitTimestamp: now, expireTimestamp: -1 }) },
      { key: encodeGroupMetadataKey(GROUP), value: encodeGroupMetadataValue({ protocolType: 'consumer', generationId: 3, protocolName: 'RoundRobinAssigner', leaderId: null, currentStateTimestamp: now, members: [] }) },
    ], now));
    logs.close();
    await metadata.close();

    await broker.restart();
    kafka = kafkaClient(broker.bootstrap);
    const admin2 = kafka.admin();
    await admin2.connect();
    try {
      const offsets = async () => (await admin2.fetchOffsets({ groupId: GROUP, topics: ['orders'] }))[0]!.partitions.map((p) => [p.partition, p.offset, p.metadata]).sort();
      assert.deepEqual(await offsets(), [[0, '17', 'from-old'], [1, '23', 'm1']]);
      const { groups } = await admin2.describeGroups([GROUP]);
      assert.deepEqual([groups[0]!.state, groups[0]!.protocolType], ['Empty', 'consumer'], 'the group metadata is found too');

      // A later commit goes to Kafka's partition; after a restart it is what the group has, not the old record.
      await admin2.setOffsets({ groupId: GROUP, topic: 'orders', partitions: [{ partition: 0, offset: '40' }] });
      await admin2.disconnect();
      await broker.restart();
      const admin3 = kafkaClient(broker.bootstrap).admin();
      await admin3.connect();
      try {
        const again = (await admin3.fetchOffsets({ groupId: GROUP, topics: ['orders'] }))[0]!.partitions.map((p) => [p.partition, p.offset]).sort();
        assert.deepEqual(again, [[0, '40'], [1, '23']]);
      } finally {
        await admin3.disconnect();
      }
      assert.match(broker.output, /moved a group to its __consumer_offsets partition/);
    } finally {
      await admin2.disconnect();
    }
  });
});
