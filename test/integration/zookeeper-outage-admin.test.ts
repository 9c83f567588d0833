// Admin changes while ZooKeeper is gone: a CreateTopics (or any change the metadata store makes in ZooKeeper)
// is answered REQUEST_TIMED_OUT (retriable) after zookeeper.connection.timeout.ms, as Kafka's ZooKeeperClient
// stops waiting for a connection after that long, instead of holding its connection (and every request behind
// it on that connection) until ZooKeeper returns. Reads from the broker's metadata view go on meanwhile, and
// once ZooKeeper is back the same change succeeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';

describe('admin changes while ZooKeeper is gone', () => {
  let zk: ZooKeeperServer;
  let broker: BrokerProcess;

  before(async () => {
    zk = await ZooKeeperServer.start();
    broker = await BrokerProcess.start({ overrides: {
      'broker.id': 0, 'zookeeper.connect': zk.connectString('/gregor'),
      // The session outlives the outage; changes stop waiting for ZooKeeper after 3 s.
      'zookeeper.session.timeout.ms': 60_000, 'zookeeper.connection.timeout.ms': 3000,
      'offsets.topic.replication.factor': 1, 'transaction.state.log.replication.factor': 1,
    } });
  });
  after(async () => {
    await broker?.close();
    await zk?.close();
  });

  test('CreateTopics gets REQUEST_TIMED_OUT, the connection keeps serving, and it succeeds once ZooKeeper is back', async () => {
    const admin = new Kafka({ clientId: 'zk-outage', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: 'before', numPartitions: 1 }] }), true);
      await zk.stop();
      const started = Date.now();
      const refused = await admin.createTopics({ topics: [{ topic: 'during', numPartitions: 1 }], timeout: 20_000 }).then(() => undefined, (e: unknown) => e);
      const ms = Date.now() - started;
      const err = refused as { type?: string; errors?: Array<{ type?: string }> } | undefined;
      assert.equal(err?.errors?.[0]?.type ?? err?.type, 'REQUEST_TIMED_OUT', String(refused));
      assert.ok(ms < 15_000, `answered after ${ms} ms`);
      // The same connection answers the next request at once, from the broker's view.
      assert.ok((await admin.listTopics()).includes('before'));

      await zk.restart();
      const admin2 = new Kafka({ clientId: 'zk-back', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 300 } }).admin();
      await admin2.connect();
      try {
        await admin2.createTopics({ topics: [{ topic: 'after', numPartitions: 1 }] });
        const topics = await admin2.listTopics();
        assert.ok(topics.includes('after') && topics.includes('before'), topics.join(','));
      } finally {
        await admin2.disconnect();
      }
    } finally {
      await admin.disconnect();
    }
  });
});
