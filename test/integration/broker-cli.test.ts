// `gregor broker`: properties file + overrides, startup log line, clean stop on SIGTERM, and a restart
// that finds topics and data where they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';
import { RawConnection } from '../helpers/raw-client.js';
import { InitProducerId } from '../../src/protocol/index.js';

async function newProducerId(port: number): Promise<number> {
  const c = await RawConnection.open(port);
  try {
    const res = await c.request(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(res.errorCode, 0);
    assert.equal(res.producerEpoch, 0);
    return res.producerId;
  } finally {
    c.close();
  }
}

test('logs where it listens and keeps its data; SIGTERM stops it cleanly; a restart finds everything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-cli-'));
  let broker: BrokerProcess | undefined;
  try {
    broker = await BrokerProcess.start({ logDir: dir, overrides: { 'num.partitions': 2 } });
    const started = broker.output.split('\n').map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.msg === 'broker started');
    assert.equal(started.listener, `PLAINTEXT://127.0.0.1:${broker.port}`);
    assert.equal(started.logDirs, dir);
    const kafka = kafkaClient(broker.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'restart-me', acks: -1, messages: [{ value: 'kept', partition: 1 }] });
    await producer.disconnect();
    const idBefore = await newProducerId(broker.port);
    assert.equal(await broker.stop(), 0, 'clean exit on SIGTERM');
    assert.match(broker.output, /"broker stopped"/);
    assert.ok(existsSync(join(dir, 'meta.properties')));
    assert.match(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8'), /^0\n\d+\n(.*\n)*restart-me 1 1\n/);

    await broker.restart();
    const got = await fetchAll(kafkaClient(broker.bootstrap), 'restart-me', 1, 0, 1);
    assert.equal(got[0].value, 'kept');
    const idAfter = await newProducerId(broker.port);
    assert.ok(idAfter > idBefore, `producer ids are never reused after a restart (${idBefore} then ${idAfter})`);
    await broker.kill9();
    await broker.restart();
    const idAfterCrash = await newProducerId(broker.port);
    assert.ok(idAfterCrash > idAfter, `nor after a crash (${idAfter} then ${idAfterCrash})`);
  } finally {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a properties file is read, and --override wins over it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-props-'));
  const props = join(dir, 'server.properties');
  writeFileSync(props, '# test config\nnum.partitions=nope\nauto.create.topics.enable=true\n');
  try {
    const bad = spawnSync(process.execPath, [GREGOR_BIN, 'broker', props, '--override', `log.dirs=${dir}`], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 2, 'a bad value in the file stops the start');
    assert.match(bad.stderr, /num\.partitions/);
    assert.match(bad.stderr, /"nope"/);
    const broker = await BrokerProcess.start({ propertiesFile: props, overrides: { 'num.partitions': 3 } });
    try {
      const admin = kafkaClient(broker.bootstrap).admin();
      await admin.connect();
      const producer = kafkaClient(broker.bootstrap).producer();
      await producer.connect();
      await producer.send({ topic: 'auto', messages: [{ value: 'x' }] });
      await producer.disconnect();
      const meta = await admin.fetchTopicMetadata({ topics: ['auto'] });
      await admin.disconnect();
      assert.equal(meta.topics[0].partitions.length, 3, 'the override beat the file');
    } finally {
      await broker.close();
    }
    const unknown = spawnSync(process.execPath, [GREGOR_BIN, 'broker', '--no-such-flag'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /unknown option/);
    assert.doesNotMatch(unknown.stderr, /at .*\.js:\d+/, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
