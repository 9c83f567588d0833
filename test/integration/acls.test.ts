// ACLs against a real broker process with authorizer.class.name set and allow.everyone.if.no.acl.found=false:
// kafkajs, kcat, the Java client and the HTTP gateway (all User:ANONYMOUS until listeners authenticate) are refused with
// Kafka's errors until ACLs are added with Apache Kafka's own kafka-acls tool and with `gregor acls`; a DENY
// wins over an ALLOW; prefixed patterns; Metadata hides what may not be described.
// Before the broker starts, its metadata file is given one ACL (User:ANONYMOUS may Alter and Create on the
// cluster), the way an operator seeds the first admin: without it nobody could create ACLs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess, freePort, GREGOR_BIN } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { run, runIn, type RunResult } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_JAR } from '../helpers/client-check.js';
import { waitFor } from '../helpers/wait.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { http } from './gateway-helpers.js';
import { LocalMetadataStore } from '../../src/metadata/index.js';

const JAR = CLIENT_CHECK_JAR;

/** The Java client check program (test/java), built once when missing. */
async function javaClient(args: string[]): Promise<RunResult> {
  if (!existsSync(JAR)) {
    await buildClientCheck();
  }
  return runIn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, ...args], { timeoutMs: 120_000 });
}

function gregor(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return run(process.execPath, [GREGOR_BIN, ...args], undefined, timeoutMs);
}

/** The Kafka error name a kafkajs call failed with (its `type`), or 'none'. */
async function kafkajsError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    const err = e as { type?: string; originalError?: { type?: string }; cause?: { type?: string }; errors?: Array<{ type?: string }> };
    return err.type ?? err.originalError?.type ?? err.cause?.type ?? err.errors?.[0]?.type ?? String(e);
  }
}

describe('ACLs (single broker, User:ANONYMOUS)', () => {
  let dir: string;
  let broker: BrokerProcess;
  let gatewayUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-acl-'));
    const store = new LocalMetadataStore(dir);
    await store.updateAcls({ resourceType: 'Cluster', patternType: 'LITERAL', name: 'kafka-cluster' }, () => [
      { principal: 'User:ANONYMOUS', permissionType: 'Allow', operation: 'Alter', host: '*' },
      { principal: 'User:ANONYMOUS', permissionType: 'Allow', operation: 'Create', host: '*' },
    ]);
    await store.close();
    const gw = await freePort();
    gatewayUrl = `http://127.0.0.1:${gw}`;
    broker = await BrokerProcess.start({
      logDir: dir,
      overrides: {
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': false,
        'num.partitions': 1, 'offsets.topic.replication.factor': 1, 'group.initial.rebalance.delay.ms': 0, 'gateway.listeners': `HTTP://127.0.0.1:${gw}`,
      },
    });
    await waitFor('gateway started', () => broker.output.includes('"gateway started"'), 30_000);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'orders' }, { topic: 'secret' }, { topic: 'pre-a' }, { topic: 'other-a' }, { topic: 'jv-acl' }] });
    } finally {
      await admin.disconnect();
    }
  });
  after(async () => {
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('kafkajs gets TOPIC_AUTHORIZATION_FAILED until kafka-acls --add --producer; then it produces', async () => {
    const producer = kafkaClient(broker.bootstrap, 'acl-producer').producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      assert.equal(await kafkajsError(producer.send({ topic: 'orders', messages: [{ value: 'denied' }] })), 'TOPIC_AUTHORIZATION_FAILED');
      const r = await runKafkaTool(KAFKA_TOOL.acls, ['--bootstrap-server', broker.bootstrap, '--add', '--allow-principal', 'User:ANONYMOUS', '--producer', '--topic', 'orders']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Adding ACLs for resource `ResourcePattern\(resourceType=TOPIC, name=orders, patternType=LITERAL\)`/);
      assert.match(r.stdout, /\(principal=User:ANONYMOUS, host=\*, operation=WRITE, permissionType=ALLOW\)/);
      const sent = await producer.send({ topic: 'orders', messages: [{ value: 'one' }, { value: 'two' }] });
      assert.equal(sent[0]!.errorCode, 0);
    } finally {
      await producer.disconnect();
    }
  });

  test('kcat is refused reading and kafka-consumer-groups gets GroupAuthorizationException until `gregor acls --consumer`; then kcat and a kafkajs group read', async () => {
    const denied = await kcat(['-b', broker.bootstrap, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], undefined, 60_000);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /authoriz/i, denied.stderr);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      const groups = await runKafkaTool(KAFKA_TOOL.consumerGroups, ['--bootstrap-server', broker.bootstrap, '--describe', '--group', 'g']);
      assert.match(groups.stdout + groups.stderr, /GroupAuthorizationException/, groups.stdout + groups.stderr);
      const add = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--add', '--allow-principal', 'User:ANONYMOUS', '--consumer', '--topic', 'orders', '--group', 'g']);
      assert.equal(add.code, 0, add.stdout + add.stderr);
      assert.match(add.stdout, /Adding ACLs for resource `ResourcePattern\(resourceType=GROUP, name=g, patternType=LITERAL\)`/);
      const offsets = await admin.fetchOffsets({ groupId: 'g', topics: ['orders'] });
      assert.equal(offsets[0]!.partitions[0]!.offset, '-1');
    } finally {
      await admin.disconnect();
    }
    const read = await kcat(['-b', broker.bootstrap, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], undefined, 60_000);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.trim().split('\n'), ['one', 'two']);
    // A consumer group of kafkajs reads and commits now.
    const consumer = kafkaClient(broker.bootstrap, 'acl-consumer').consumer({ groupId: 'g', retry: { retries: 2 } });
    await consumer.connect();
    try {
      const seen: string[] = [];
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()); } });
      await waitFor('kafkajs group consumer read both records', () => seen.length >= 2, 60_000);
      assert.deepEqual(seen, ['one', 'two']);
    } finally {
      await consumer.disconnect();
    }
  });

  test('a DENY wins over an ALLOW, and removing it lifts it', async () => {
    const deny = await runKafkaTool(KAFKA_TOOL.acls, ['--bootstrap-server', broker.bootstrap, '--add', '--deny-principal', 'User:ANONYMOUS', '--operation', 'Read', '--topic', 'orders']);
    assert.equal(deny.code, 0, deny.stdout + deny.stderr);
    const refused = await kcat(['-b', broker.bootstrap, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], undefined, 60_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /authoriz/i, refused.stderr);
    const list = await runKafkaTool(KAFKA_TOOL.acls, ['--bootstrap-server', broker.bootstrap, '--list', '--topic', 'orders']);
    assert.equal(list.code, 0, list.stdout + list.stderr);
    assert.match(list.stdout, /operation=READ, permissionType=DENY/);
    assert.match(list.stdout, /operation=READ, permissionType=ALLOW/);
    const remove = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--remove', '--force', '--deny-principal', 'User:ANONYMOUS', '--operation', 'Read', '--topic', 'orders']);
    assert.equal(remove.code, 0, remove.stdout + remove.stderr);
    assert.doesNotMatch(remove.stdout.split('Current ACLs')[1] ?? '', /DENY/);
    const read = await kcat(['-b', broker.bootstrap, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], undefined, 60_000);
    assert.equal(read.code, 0, read.stderr);
  });

  test('a prefixed ALLOW covers topics starting with it only; Metadata hides topics that may not be described', async () => {
    const add = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--add', '--allow-principal', 'User:ANONYMOUS', '--operation', 'Write', '--topic', 'pre-', '--resource-pattern-type', 'prefixed']);
    assert.equal(add.code, 0, add.stdout + add.stderr);
    const producer = kafkaClient(broker.bootstrap, 'acl-prefixed').producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      assert.equal((await producer.send({ topic: 'pre-a', messages: [{ value: 'x' }] }))[0]!.errorCode, 0);
      assert.equal(await kafkajsError(producer.send({ topic: 'other-a', messages: [{ value: 'x' }] })), 'TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
    const meta = await kcat(['-b', broker.bootstrap, '-L', '-J']);
    assert.equal(meta.code, 0, meta.stderr);
    const names = (JSON.parse(meta.stdout).topics as Array<{ topic: string }>).map((t) => t.topic).sort();
    assert.deepEqual(names, ['orders', 'pre-a']);
    const list = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--list', '--topic', 'pre-', '--resource-pattern-type', 'prefixed']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /ResourcePattern\(resourceType=TOPIC, name=pre-, patternType=PREFIXED\)/);
  });

  test('the Java client (idempotent producer) gets TopicAuthorizationException until --producer; InitProducerId passes on Write to some topic', { timeout: 400_000 }, async () => {
    const denied = await javaClient(['produce', broker.bootstrap, 'jv-acl', '20']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stdout + denied.stderr, /TopicAuthorizationException/);
    const add = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--add', '--allow-principal', 'User:ANONYMOUS', '--producer', '--topic', 'jv-acl']);
    assert.equal(add.code, 0, add.stdout + add.stderr);
    const ok = await javaClient(['produce', broker.bootstrap, 'jv-acl', '20']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr.slice(-3000));
  });

  test('the HTTP gateway (User:ANONYMOUS) gets 403 with the Kafka error name on a denied topic, 200 on an allowed one', async () => {
    const denied = await http('POST', `${gatewayUrl}/topics/secret`, JSON.stringify({ records: [{ value: 'x' }] }));
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.body.error, 'TOPIC_AUTHORIZATION_FAILED');
    const ok = await http('POST', `${gatewayUrl}/topics/orders`, JSON.stringify({ records: [{ value: 'via-http' }] }));
    assert.equal(ok.status, 200, ok.text);
  });

  test('CLUSTER_AUTHORIZATION_FAILED for cluster operations the principal lacks; DescribeAcls needs Describe on the cluster', async () => {
    const logDirs = await runKafkaTool(KAFKA_TOOL.logDirs, ['--bootstrap-server', broker.bootstrap, '--describe']);
    // ANONYMOUS has Alter (which implies Describe) on the cluster here: the listing works.
    assert.equal(logDirs.code, 0, logDirs.stdout + logDirs.stderr);
    const take = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--remove', '--force', '--cluster']);
    assert.equal(take.code, 0, take.stdout + take.stderr);
    const refused = await gregor(['acls', '--bootstrap-server', broker.bootstrap, '--list']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /CLUSTER_AUTHORIZATION_FAILED/);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      assert.equal(await kafkajsError(admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'not-allowed' }] })), 'TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await admin.disconnect();
    }
  });
});
