// SCRAM users managed with `gregor configs --entity-type users` and with Apache Kafka's own kafka-configs
// (ConfigCommand, over SASL_SSL with a PKCS12 trust store), each then authenticating; deleting a
// credential locks its user out; kafka-configs --describe --entity-type users lists SCRAM credentials and user
// quotas; --command-config gives the gregor tools TLS and SASL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SASLOptions } from 'kafkajs';
import { kafkajsConnects } from '../helpers/kafkajs.js';
import { GREGOR_BIN } from '../helpers/broker-process.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { kcat } from '../helpers/kcat.js';
import { run, type RunResult } from '../helpers/run.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';

function gregor(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return run(process.execPath, [GREGOR_BIN, ...args], undefined, timeoutMs);
}

describe('SCRAM users with gregor configs and kafka-configs', () => {
  let sb: SecureBroker;
  let adminProps: string;
  let pemProps: string;

  before(async () => {
    sb = await startSecureBroker();
    adminProps = join(sb.certs.dir, 'admin.properties');
    writeFileSync(adminProps, [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=PLAIN',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret";',
      'ssl.truststore.type=PKCS12',
      `ssl.truststore.location=${sb.certs.trustP12}`,
      `ssl.truststore.password=${sb.certs.password}`,
    ].join('\n') + '\n');
    pemProps = join(sb.certs.dir, 'scram.properties');
    writeFileSync(pemProps, [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="bob-secret";',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${sb.certs.caPem}`,
    ].join('\n') + '\n');
  });
  after(async () => {
    await sb?.close();
  });

  const canAuthenticate = (mechanism: 'scram-sha-256' | 'scram-sha-512', username: string, password: string) =>
    kafkajsConnects({ clientId: 'sec-tools', brokers: [sb.addr('SASL_SSL')], ssl: { ca: [readFileSync(sb.certs.caPem, 'utf8')] }, sasl: { mechanism, username, password } as SASLOptions });

  test('gregor configs creates, describes and deletes SCRAM credentials', async () => {
    const bs = ['--bootstrap-server', sb.addr('PLAINTEXT')];
    let r = await gregor(['configs', ...bs, '--entity-type', 'users', '--entity-name', 'dave', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=dave-secret],SCRAM-SHA-512=[password=dave-secret]']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Completed updating config for user dave/);
    r = await gregor(['configs', ...bs, '--entity-type', 'users', '--entity-name', 'dave', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SCRAM credential configs for user-principal 'dave' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096/);
    assert.ok(await canAuthenticate('scram-sha-256', 'dave', 'dave-secret'));
    assert.ok(!(await canAuthenticate('scram-sha-256', 'dave', 'wrong')));
    // The metadata file keeps salted keys only, never the password.
    assert.ok(!readFileSync(join(sb.broker.logDir, 'gregor-metadata.json'), 'utf8').includes('dave-secret'));
    r = await gregor(['configs', ...bs, '--entity-type', 'users', '--entity-name', 'dave', '--alter', '--delete-config', 'SCRAM-SHA-256']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!(await canAuthenticate('scram-sha-256', 'dave', 'dave-secret')), 'the deleted credential no longer works');
    assert.ok(await canAuthenticate('scram-sha-512', 'dave', 'dave-secret'), 'the other mechanism still does');
    r = await gregor(['configs', ...bs, '--entity-type', 'users', '--entity-name', 'dave', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=100,password=x]']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /UNACCEPTABLE_CREDENTIAL|Too few iterations/);
  });

  test('Kafka\'s kafka-configs over SASL_SSL (PKCS12 trust store) creates a SCRAM user that then authenticates', async () => {
    const bs = ['--bootstrap-server', sb.addr('SASL_SSL'), '--command-config', adminProps];
    let r = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--alter', '--entity-type', 'users', '--entity-name', 'erin', '--add-config', 'SCRAM-SHA-512=[iterations=4096,password=erin-secret]']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await gregor(['configs', '--bootstrap-server', sb.addr('PLAINTEXT'), '--entity-type', 'users', '--entity-name', 'erin', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /'erin' are SCRAM-SHA-512=iterations=4096/);
    assert.ok(await canAuthenticate('scram-sha-512', 'erin', 'erin-secret'));
    const k = await kcat(['-b', sb.addr('SASL_SSL'), '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${sb.certs.caPem}`, '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=erin', '-X', 'sasl.password=erin-secret', '-L'], undefined, 30_000);
    assert.equal(k.code, 0, k.stderr);
    r = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--alter', '--entity-type', 'users', '--entity-name', 'erin', '--delete-config', 'SCRAM-SHA-512']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!(await canAuthenticate('scram-sha-512', 'erin', 'erin-secret')));
  });

  test('kafka-configs --describe --entity-type users (Kafka 4.4, over SASL_SSL) lists SCRAM credentials and user quotas set by gregor configs and kafka-configs', async () => {
    const bs = ['--bootstrap-server', sb.addr('SASL_SSL'), '--command-config', adminProps];
    const plain = ['--bootstrap-server', sb.addr('PLAINTEXT')];
    let r = await gregor(['configs', ...plain, '--entity-type', 'users', '--entity-name', 'frank', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=frank-secret]']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['configs', ...plain, '--entity-type', 'users', '--entity-name', 'frank', '--alter', '--add-config', 'producer_byte_rate=1048576']);
    assert.equal(r.code, 0, r.stderr);
    // (kafka-configs alters quotas and SCRAM credentials of users in separate calls.)
    let k = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--alter', '--entity-type', 'users', '--entity-name', 'grace', '--add-config', 'SCRAM-SHA-512=[iterations=5000,password=grace-secret]']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    k = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--alter', '--entity-type', 'users', '--entity-name', 'grace', '--add-config', 'consumer_byte_rate=2048']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    k = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--describe', '--entity-type', 'users', '--entity-name', 'frank']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /Quota configs for user-principal 'frank' are producer_byte_rate=1048576\.0/);
    assert.match(k.stdout, /SCRAM credential configs for user-principal 'frank' are SCRAM-SHA-256=iterations=8192/);
    // Every user: quotas of the user entities, credentials of every SCRAM user (the JAAS PLAIN users have none).
    k = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--describe', '--entity-type', 'users']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /Quota configs for user-principal 'frank' are producer_byte_rate=1048576\.0/);
    assert.match(k.stdout, /Quota configs for user-principal 'grace' are consumer_byte_rate=2048\.0/);
    assert.match(k.stdout, /SCRAM credential configs for user-principal 'grace' are SCRAM-SHA-512=iterations=5000/);
    assert.match(k.stdout, /SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=4096, SCRAM-SHA-512=iterations=4096/);
    assert.doesNotMatch(k.stdout, /user-principal 'alice'/);
    // gregor configs prints the same lines for a named user.
    r = await gregor(['configs', ...plain, '--entity-type', 'users', '--entity-name', 'grace', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Quota configs for user-principal 'grace' are consumer_byte_rate=2048\.0/);
    assert.match(r.stdout, /SCRAM credential configs for user-principal 'grace' are SCRAM-SHA-512=iterations=5000/);
    // ... and for every user without a name, here over SASL_SSL with --command-config.
    r = await gregor(['configs', ...bs, '--entity-type', 'users', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Quota configs for user-principal 'frank' are producer_byte_rate=1048576\.0\nQuota configs for user-principal 'grace' are consumer_byte_rate=2048\.0\n/);
    assert.match(r.stdout, /SCRAM credential configs for user-principal 'grace' are SCRAM-SHA-512=iterations=5000/);
    // Client-id quotas go over SASL_SSL with --command-config too.
    r = await gregor(['configs', ...bs, '--entity-type', 'clients', '--entity-name', 'ingest', '--alter', '--add-config', 'producer_byte_rate=4096']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['configs', ...bs, '--entity-type', 'clients', '--entity-name', 'ingest', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Quota configs for client-id 'ingest' are producer_byte_rate=4096\.0/);
    assert.ok(await canAuthenticate('scram-sha-512', 'grace', 'grace-secret'));
    for (const key of ['consumer_byte_rate', 'SCRAM-SHA-512']) {
      k = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--alter', '--entity-type', 'users', '--entity-name', 'grace', '--delete-config', key]);
      assert.equal(k.code, 0, k.stdout + k.stderr);
    }
    k = await runKafkaTool(KAFKA_TOOL.configs, [...bs, '--describe', '--entity-type', 'users']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.doesNotMatch(k.stdout, /'grace'/);
  });

  test('gregor tools with --command-config (SASL_SSL, SCRAM-SHA-512, PEM trust store)', async () => {
    const bs = ['--bootstrap-server', sb.addr('SASL_SSL'), '--command-config', pemProps];
    let r = await gregor(['topics', ...bs, '--create', '--topic', 'cmd-config', '--partitions', '2']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['topics', ...bs, '--describe', '--topic', 'cmd-config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /PartitionCount: 2/);
    r = await gregor(['configs', ...bs, '--entity-type', 'users', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /'bob' are SCRAM-SHA-256=iterations=4096, SCRAM-SHA-512=iterations=4096/);
    const bad = join(sb.certs.dir, 'bad.properties');
    writeFileSync(bad, readFileSync(pemProps, 'utf8').replace('password="bob-secret"', 'password="nope"'));
    r = await gregor(['topics', '--bootstrap-server', sb.addr('SASL_SSL'), '--command-config', bad, '--list']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SASL_AUTHENTICATION_FAILED|Authentication failed/);
  });
});
