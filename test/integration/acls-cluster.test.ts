// ACLs on three broker processes through a real ZooKeeper: an ACL added with Apache Kafka's kafka-acls tool
// through one broker is stored in Kafka 3.x's znode layout (/kafka-acl/Topic/<name>, a change notification
// under /kafka-acl-changes) and applies at once on every broker: each one's Metadata shows the topic, and a
// producer writes to whichever broker leads; an ACL removed through another broker refuses it again.
// ZooKeeper is seeded before the brokers start with the cluster ACLs User:ANONYMOUS needs here (Alter and
// Create to administer, ClusterAction for the brokers' own replica fetches, which carry that principal
// until listeners authenticate).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { ZooKeeperMetadataStore } from '../../src/metadata/zookeeper/zookeeper-store.js';
import { ZkSession } from '../../src/metadata/zookeeper/zk-session.js';

describe('ACLs on a three-broker cluster through ZooKeeper', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  let bootstrap = '';
  const connect = () => `127.0.0.1:${zk.port}/gregor`;

  before(async () => {
    zk = await ZooKeeperServer.start();
    const seed = new ZooKeeperMetadataStore({ connect: connect(), sessionTimeoutMs: 6000, brokerId: -1 });
    await seed.start();
    try {
      await seed.updateAcls({ resourceType: 'Cluster', patternType: 'LITERAL', name: 'kafka-cluster' }, () => ['Alter', 'Create', 'ClusterAction'].map((operation) => (
        { principal: 'User:ANONYMOUS', permissionType: 'Allow', operation, host: '*' })));
    } finally {
      await seed.close();
    }
    for (let id = 0; id < 3; id++) {
      brokers.push(await BrokerProcess.start({
        overrides: {
          'broker.id': id, 'zookeeper.connect': connect(), 'zookeeper.session.timeout.ms': 6000, 'replica.fetch.wait.max.ms': 100,
          'offsets.topic.num.partitions': 3, 'auto.leader.rebalance.enable': false, 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        },
      }));
    }
    bootstrap = brokers.map((b) => b.bootstrap).join(',');
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'zk-acl', numPartitions: 3, replicationFactor: 3 }] });
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => {
    for (const b of brokers) await b.close();
    await zk?.stop();
  });

  /** Topics each broker's own Metadata answer shows (kcat -L against that broker alone). */
  async function visibleOn(b: BrokerProcess): Promise<string[]> {
    const r = await kcat(['-b', b.bootstrap, '-L', '-J'], undefined, 60_000);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout).topics as Array<{ topic: string }>).map((t) => t.topic);
  }

  test('an ACL added through one broker is in ZooKeeper in Kafka 3.x layout and applies at once on every broker', async () => {
    for (const b of brokers) assert.ok(!(await visibleOn(b)).includes('zk-acl'), 'hidden before any ACL');
    const added = Date.now();
    const r = await runKafkaTool(KAFKA_TOOL.acls, ['--bootstrap-server', brokers[0]!.bootstrap, '--add', '--allow-principal', 'User:ANONYMOUS', '--producer', '--topic', 'zk-acl']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Bounded wait: a broker's view follows ZooKeeper's change notification watch, not a poll.
    for (const b of brokers) await waitFor(`zk-acl visible on ${b.bootstrap}`, async () => (await visibleOn(b)).includes('zk-acl'), 10_000, 50);
    const appliedMs = Date.now() - added;

    const session = await ZkSession.open({ connect: connect(), sessionTimeoutMs: 6000 });
    try {
      const node = await session.get('/kafka-acl/Topic/zk-acl');
      assert.ok(node, '/kafka-acl/Topic/zk-acl exists');
      const doc = JSON.parse(node.data.toString());
      assert.equal(doc.version, 1);
      assert.deepEqual(doc.acls.map((a: { operation: string }) => a.operation).sort(), ['Create', 'Describe', 'Write']);
      assert.ok(doc.acls.every((a: { principal: string; permissionType: string; host: string }) => a.principal === 'User:ANONYMOUS' && a.permissionType === 'Allow' && a.host === '*'));
      const changes = (await session.children('/kafka-acl-changes')) ?? [];
      assert.ok(changes.some((c) => c.startsWith('acl_changes_')), `change notifications: ${changes.join(', ')}`);
    } finally {
      await session.close();
    }
    assert.ok(appliedMs < 60_000, `applied after ${appliedMs} ms`);

    const producer = kafkaClient(bootstrap, 'acl-cluster').producer({ allowAutoTopicCreation: false, retry: { retries: 5, initialRetryTime: 100 } });
    await producer.connect();
    try {
      for (let p = 0; p < 3; p++) {
        const [md] = await producer.send({ topic: 'zk-acl', acks: -1, messages: [{ value: `v${p}`, partition: p }] });
        assert.equal(md!.errorCode, 0);
      }
    } finally {
      await producer.disconnect();
    }
  });

  test('an ACL removed through another broker refuses writes on every leader', async () => {
    const r = await run(process.execPath, [GREGOR_BIN, 'acls', '--bootstrap-server', brokers[2]!.bootstrap, '--remove', '--force', '--allow-principal', 'User:ANONYMOUS', '--operation', 'Write', '--topic', 'zk-acl'], undefined, 60_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const producer = kafkaClient(bootstrap, 'acl-cluster-2').producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      for (let p = 0; p < 3; p++) {
        const error = await producer.send({ topic: 'zk-acl', acks: -1, messages: [{ value: 'no', partition: p }] }).then(() => 'none', (e: { type?: string }) => e.type ?? String(e));
        assert.equal(error, 'TOPIC_AUTHORIZATION_FAILED', `partition ${p}`);
      }
    } finally {
      await producer.disconnect();
    }
    // Still described (Describe stays), so each broker keeps showing it.
    for (const b of brokers) assert.ok((await visibleOn(b)).includes('zk-acl'));
  });
});
