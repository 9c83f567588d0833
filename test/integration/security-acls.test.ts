// ACLs for SASL users: a broker with the StandardAuthorizer, allow.everyone.if.no.acl.found=false and
// super.users=User:bob, SCRAM-SHA-256 users alice and bob over SASL_SSL. Kafka's own kafka-acls (run as bob
// over SASL_SSL with --command-config) gives User:alice WRITE on topic t only: kcat and the Java producer
// (kafka-producer-perf-test) write as alice, kcat and the Java consumer (kafka-console-consumer) are refused
// reading with TOPIC_AUTHORIZATION_FAILED; a prefixed allow on app- lets alice read and write app-* and nothing
// else; bob, a super user with no ACLs, sees and reads everything.
// Before the broker starts, its metadata file is given one ACL (User:ANONYMOUS may Alter the cluster) so the
// test can create the SCRAM users over the PLAINTEXT listener, the way an operator seeds the first admin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMetadataStore } from '../../src/metadata/index.js';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { makeTestCerts, type TestCerts } from '../helpers/certs.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { kcat } from '../helpers/kcat.js';
import { setScramUser } from '../helpers/secure-broker.js';

const USERS = { alice: 'alice-scram-secret', bob: 'bob-scram-secret' } as const;
type User = keyof typeof USERS;

describe('ACLs for SASL_SSL SCRAM users (kafka-acls, kcat, the Java client)', () => {
  let dir: string;
  let certs: TestCerts;
  let broker: BrokerProcess;
  let sasl: string;
  const props: Partial<Record<User, string>> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-sasl-acl-'));
    const store = new LocalMetadataStore(dir);
    await store.updateAcls({ resourceType: 'Cluster', patternType: 'LITERAL', name: 'kafka-cluster' }, () => [
      { principal: 'User:ANONYMOUS', permissionType: 'Allow', operation: 'Alter', host: '*' },
    ]);
    await store.close();
    certs = makeTestCerts();
    const plain = await freePort();
    const saslPort = await freePort();
    sasl = `127.0.0.1:${saslPort}`;
    broker = await BrokerProcess.start({
      logDir: dir,
      port: plain,
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${saslPort}`,
        'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.brokerPem, 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': certs.caPem,
        'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': false, 'super.users': 'User:bob',
        'num.partitions': 1, 'offsets.topic.replication.factor': 1, 'group.initial.rebalance.delay.ms': 0,
      },
    });
    for (const [user, password] of Object.entries(USERS)) {
      await setScramUser(broker.bootstrap, user, password, 'SCRAM-SHA-256');
      const file = join(certs.dir, `${user}.properties`);
      writeFileSync(file, [
        'security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-256',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`,
        'ssl.truststore.type=PEM', `ssl.truststore.location=${certs.caPem}`,
      ].join('\n') + '\n');
      props[user as User] = file;
    }
    // bob (super user, no ACLs) creates the topics with Kafka's kafka-topics over SASL_SSL.
    for (const topic of ['t', 'app-orders', 'secret']) {
      const r = await runKafkaTool(KAFKA_TOOL.topics, ['--bootstrap-server', sasl, '--command-config', props.bob!, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    }
  });
  after(async () => {
    await broker?.close();
    certs?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kcatAs = (user: User, args: string[], input?: string) => kcat(['-b', sasl, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caPem}`,
    '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', `sasl.username=${user}`, '-X', `sasl.password=${USERS[user]}`, ...args], input, 60_000);
  const acls = (args: string[]) => runKafkaTool(KAFKA_TOOL.acls, ['--bootstrap-server', sasl, '--command-config', props.bob!, ...args]);
  const javaProduce = (user: User, topic: string) => runKafkaTool('org.apache.kafka.tools.ProducerPerformance', ['--topic', topic, '--num-records', '20', '--record-size', '50', '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${sasl}`, 'acks=all', `client.id=java-${user}`, '--producer.config', props[user]!]);
  const javaConsume = (user: User, topic: string, count: number) => runKafkaTool(KAFKA_TOOL.consoleConsumer, ['--bootstrap-server', sasl, '--command-config', props[user]!,
    '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(count), '--timeout-ms', '20000']);

  test('alice may WRITE t but not READ it: kcat and the Java producer write, kcat and the Java consumer get TOPIC_AUTHORIZATION_FAILED', async () => {
    const denied = await kcatAs('alice', ['-P', '-t', 't'], 'before\n');
    assert.notEqual(denied.code, 0, 'no ACL yet: alice may not write');
    assert.match(denied.stderr, /authoriz/i, denied.stderr);
    const add = await acls(['--add', '--allow-principal', 'User:alice', '--operation', 'Write', '--topic', 't']);
    assert.equal(add.code, 0, add.stdout + add.stderr);
    assert.match(add.stdout, /principal=User:alice, host=\*, operation=WRITE, permissionType=ALLOW/);
    const produced = await kcatAs('alice', ['-P', '-t', 't'], 'one\ntwo\n');
    assert.equal(produced.code, 0, produced.stderr);
    const java = await javaProduce('alice', 't');
    assert.equal(java.code, 0, java.stdout + java.stderr.slice(-3000));
    assert.match(java.stdout, /20 records sent/);
    const read = await kcatAs('alice', ['-C', '-t', 't', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
    assert.notEqual(read.code, 0);
    assert.match(read.stderr, /Topic authorization failed|Not authorized/i, read.stderr);
    const javaRead = await javaConsume('alice', 't', 1);
    // (kafka-console-consumer reports the error and exits 0, as it does against Kafka.)
    assert.match(javaRead.stdout + javaRead.stderr, /TopicAuthorizationException: Not authorized to access topics: \[t\]/);
    assert.match(javaRead.stdout + javaRead.stderr, /Processed a total of 0 messages/);
    // bob, a super user with no ACL of his own, reads all 22 records alice wrote.
    const bob = await kcatAs('bob', ['-C', '-t', 't', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
    assert.equal(bob.code, 0, bob.stderr);
    const values = bob.stdout.trim().split('\n');
    assert.equal(values.length, 22);
    assert.deepEqual(values.slice(0, 2), ['one', 'two']);
  });

  test('a prefixed ALLOW for alice on app- covers app-orders only', async () => {
    const add = await acls(['--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'Write', '--topic', 'app-', '--resource-pattern-type', 'prefixed']);
    assert.equal(add.code, 0, add.stdout + add.stderr);
    const list = await acls(['--list', '--principal', 'User:alice']);
    assert.equal(list.code, 0, list.stdout + list.stderr);
    assert.match(list.stdout, /ResourcePattern\(resourceType=TOPIC, name=app-, patternType=PREFIXED\)/);
    assert.match(list.stdout, /ResourcePattern\(resourceType=TOPIC, name=t, patternType=LITERAL\)/);
    assert.equal((await kcatAs('alice', ['-P', '-t', 'app-orders'], 'a1\na2\n')).code, 0);
    const read = await kcatAs('alice', ['-C', '-t', 'app-orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.trim().split('\n'), ['a1', 'a2']);
    const javaRead = await javaConsume('alice', 'app-orders', 2);
    assert.equal(javaRead.code, 0, javaRead.stdout + javaRead.stderr.slice(-3000));
    assert.deepEqual(javaRead.stdout.trim().split('\n').filter((l) => /^a\d$/.test(l)), ['a1', 'a2']);
    const secret = await kcatAs('alice', ['-P', '-t', 'secret'], 'x\n');
    assert.notEqual(secret.code, 0);
    assert.match(secret.stderr, /authoriz/i, secret.stderr);
  });

  test('Metadata: alice sees only the topics she may describe; bob, a super user, sees all and reads secret', async () => {
    const topics = async (user: User) => {
      const r = await kcatAs(user, ['-L', '-J']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout).topics as Array<{ topic: string }>).map((x) => x.topic).filter((x) => !x.startsWith('__')).sort();
    };
    assert.deepEqual(await topics('alice'), ['app-orders', 't']);
    assert.deepEqual(await topics('bob'), ['app-orders', 'secret', 't']);
    assert.equal((await kcatAs('bob', ['-P', '-t', 'secret'], 's1\n')).code, 0);
    const read = await kcatAs('bob', ['-C', '-t', 'secret', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.trim().split('\n'), ['s1']);
    assert.match(broker.output, /"principal":"User:alice"/);
  });
});
