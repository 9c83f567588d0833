// Log lifecycle against a real broker process with shortened settings (segments of ~1 KiB, retention
// of seconds, a 200 ms check interval): retention by time and size, the log start offset and
// DeleteRecords, configs described and altered live with kafkajs, partitions added, kcat -L.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { fetchAll, kafkaClient } from '../helpers/kafkajs.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { RawConnection } from '../helpers/raw-client.js';
import { run } from '../helpers/run.js';
import { GREGOR_BIN } from '../helpers/broker-process.js';
import { DescribeCluster, DescribeLogDirs, IncrementalAlterConfigs, OffsetForLeaderEpoch } from '../../src/protocol/index.js';
import { waitFor } from '../helpers/wait.js';

const { ConfigResourceTypes } = kafkajs;
const HOUR = 3_600_000;


function segmentFiles(logDir: string, topic: string, partition = 0): Array<{ name: string; size: number }> {
  const dir = join(logDir, `${topic}-${partition}`);
  return readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((name) => ({ name, size: statSync(join(dir, name)).size }));
}

function kafkaError(type: string) {
  return (err: unknown) => {
    const errors = (err as { errors?: Array<{ type?: string }> }).errors ?? [err as { type?: string }];
    assert.equal(errors[0]?.type, type, String(err));
    return true;
  };
}

describe('log lifecycle', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'log.retention.check.interval.ms': 200 } });
    kafka = kafkaClient(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  async function produce(topic: string, count: number, opts: { timestamp?: number; from?: number; size?: number; partition?: number } = {}): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (let i = 0; i < count; i++) {
        const n = (opts.from ?? 0) + i;
        // One send per record: one batch each, so tiny segments roll often.
        await producer.send({ topic, messages: [{ key: `k${n}`, value: `v${n}-`.padEnd(opts.size ?? 200, 'x'), partition: opts.partition ?? 0, timestamp: opts.timestamp !== undefined ? String(opts.timestamp) : undefined }] });
      }
    } finally {
      await producer.disconnect();
    }
  }

  async function earliest(topic: string, partition = 0): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Number(offsets.find((o) => o.partition === partition)!.low);
  }

  test('retention by time deletes expired closed segments only; the start offset advances; an expired fetch is out of range and kcat resets to earliest', async () => {
    const topic = 'ret-time';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'segment.bytes', value: '1024' }, { name: 'retention.ms', value: String(HOUR) }] }] });
    await produce(topic, 20, { timestamp: Date.now() - 2 * HOUR }); // already expired
    await produce(topic, 15, { from: 20 }); // inside retention
    await waitFor('the old segments to go', async () => (await earliest(topic)) >= 15);
    // Settled: unchanged over three more checks (200 ms apart), so nothing old is left to delete.
    let start = await earliest(topic);
    for (;;) {
      await new Promise((r) => setTimeout(r, 700));
      const again = await earliest(topic);
      if (again === start) break;
      start = again;
    }
    // Everything old went (the segment holding offset 19 may also hold new records and stays), nothing new did.
    assert.ok(start >= 15 && start <= 20, `log start offset ${start}`);
    // Segment files are unlinked by a background deleter just after the start offset moves.
    await waitFor('the expired segment files to be unlinked', async () => segmentFiles(broker.logDir, topic)[0].name === `${String(start).padStart(20, '0')}.log`);
    const records = await fetchAll(kafka, topic, 0, start, 35 - start);
    assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 35 - start }, (_, i) => start + i));
    assert.equal(records.at(-1)!.key, 'k34');
    // Below the start offset: OFFSET_OUT_OF_RANGE (error 1).
    await assert.rejects(fetchAll(kafka, topic, 0, 0, 1, 5_000), /not within the range of offsets/);
    // librdkafka asked for offset 0 resets by its policy (earliest) and reads what is left.
    const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '0', '-X', 'auto.offset.reset=earliest', '-e', '-f', RECORD_FORMAT]);
    assert.equal(r.code, 0, r.stderr);
    const got = parseRecords(r.stdout);
    assert.equal(got.length, 35 - start);
    assert.equal(got[0].offset, start);
  });

  test('retention by size keeps at most retention.bytes of closed segments; altering retention.ms applies at the next check', async () => {
    const topic = 'ret-size';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'segment.bytes', value: '1024' }, { name: 'retention.bytes', value: '3000' }] }] });
    await produce(topic, 40);
    // Kafka's rule: drop the oldest segment while the log stays at or above retention.bytes without it.
    const files = await waitFor('size retention', async () => {
      const files = segmentFiles(broker.logDir, topic);
      const total = files.reduce((s, f) => s + f.size, 0);
      return total - files[0].size < 3000 ? files : undefined;
    });
    const total = files.reduce((s, f) => s + f.size, 0);
    assert.ok(total >= 3000 - files[0].size && files.length >= 3, `kept ${total} bytes in ${files.length} segments`);
    const start = await earliest(topic);
    assert.ok(start > 0);
    const records = await fetchAll(kafka, topic, 0, start, 40 - start);
    assert.equal(records.at(-1)!.offset, 39);

    // Live change: lift the size limit, expire by time instead (timestamps are now, so nothing goes)...
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.bytes', value: '1024' }, { name: 'retention.ms', value: String(HOUR) }] }] });
    await produce(topic, 10, { from: 40 });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await earliest(topic), start, 'data inside retention stays');
    // ...then a retention of 1 ms: every closed segment goes at the next check, the active one stays.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.bytes', value: '1024' }, { name: 'retention.ms', value: '1' }] }] });
    await waitFor('time retention after alterConfigs', async () => segmentFiles(broker.logDir, topic).length === 1);
    const last = await earliest(topic);
    assert.ok(last > start && last <= 49);
  });

  test('DeleteRecords (kafkajs deleteTopicRecords) moves the start offset, survives a clean restart and a kill -9', async () => {
    const topic = 'del-records';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'segment.bytes', value: '1024' }] }] });
    await produce(topic, 12);
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs looks the leader up in its cached metadata
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '7' }] });
    assert.equal(await earliest(topic), 7);
    // Whole segments below 7 are gone, the one holding 7 stays.
    const first = await waitFor('segments below 7 to be unlinked', async () => {
      const base = Number(segmentFiles(broker.logDir, topic)[0].name.slice(0, 20));
      return base > 0 ? base : undefined;
    });
    assert.ok(first <= 7, `first segment ${first}`);
    const records = await fetchAll(kafka, topic, 0, 7, 5);
    assert.deepEqual(records.map((r) => r.offset), [7, 8, 9, 10, 11]);
    await assert.rejects(admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '100' }] }), (err: { cause?: unknown; partitions?: Array<{ error?: { type?: string } }> }) => {
      const e = (err.partitions ? err : err.cause) as { partitions?: Array<{ error?: { type?: string } }> };
      assert.equal(e.partitions?.[0]?.error?.type, 'OFFSET_OUT_OF_RANGE');
      return true;
    });
    await admin.disconnect();
    await broker.restart();
    await admin.connect();
    assert.equal(await earliest(topic), 7, 'after a clean restart');
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '9' }] });
    await admin.disconnect();
    await broker.kill9();
    await broker.restart();
    await admin.connect();
    assert.equal(await earliest(topic), 9, 'after kill -9');
  });

  test('describeConfigs and alterConfigs: sources, live values, INVALID_CONFIG naming the key, broker dynamic configs persisted', async () => {
    const topic = 'cfg';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const describe = async (): Promise<Map<string, { value: string; source: number; isDefault: boolean; readOnly: boolean }>> => {
      const res = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      const r = res.resources[0];
      assert.equal(r.errorCode, 0);
      return new Map(r.configEntries.map((e) => [e.configName, { value: e.configValue, source: (e as unknown as { configSource: number }).configSource, isDefault: e.isDefault, readOnly: e.readOnly }]));
    };
    let cfg = await describe();
    assert.equal(cfg.get('cleanup.policy')!.value, 'compact');
    assert.equal(cfg.get('cleanup.policy')!.source, 1, 'TOPIC_CONFIG');
    assert.equal(cfg.get('retention.ms')!.value, '604800000');
    assert.equal(cfg.get('retention.ms')!.source, 5, 'DEFAULT_CONFIG');
    assert.equal(cfg.get('max.message.bytes')!.value, '1048588');

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '86400000' }, { name: 'max.message.bytes', value: '2000' }] }] });
    cfg = await describe();
    assert.equal(cfg.get('retention.ms')!.value, '86400000');
    assert.equal(cfg.get('retention.ms')!.source, 1);
    assert.equal(cfg.get('cleanup.policy')!.value, 'delete', 'AlterConfigs replaces the whole set');
    // max.message.bytes applies at once: a 3 KB record is refused.
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await assert.rejects(producer.send({ topic, messages: [{ value: 'x'.repeat(3000) }] }), kafkaError('MESSAGE_TOO_LARGE'));
      await producer.send({ topic, messages: [{ value: 'small' }] });
    } finally {
      await producer.disconnect();
    }

    await assert.rejects(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'forever' }] }] }),
      kafkaError('INVALID_CONFIG'), // kafkajs drops the message; the hand-built test below checks that it names the key
    );
    await assert.rejects(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'no.such.key', value: '1' }] }] }),
      kafkaError('INVALID_CONFIG'),
    );
    await assert.rejects(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'missing-topic', configEntries: [{ name: 'retention.ms', value: '1' }] }] }),
      kafkaError('UNKNOWN_TOPIC_OR_PARTITION'),
    );

    // Broker: static default, then a dynamic cluster default every topic without an override inherits.
    const brokerCfg = async () => {
      const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0' }] });
      return new Map(res.resources[0].configEntries.map((e) => [e.configName, e]));
    };
    let b = await brokerCfg();
    assert.equal(b.get('log.retention.hours')!.configValue, '168');
    assert.equal(b.get('log.retention.check.interval.ms')!.configValue, '200');
    assert.equal((b.get('log.retention.check.interval.ms') as unknown as { configSource: number }).configSource, 4, 'STATIC_BROKER_CONFIG');
    assert.equal(b.get('log.dirs')!.readOnly, true);
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configEntries: [{ name: 'log.retention.bytes', value: '123456789' }] }] });
    await assert.rejects(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configEntries: [{ name: 'log.dirs', value: '/tmp/x' }] }] }),
      kafkaError('INVALID_CONFIG'),
    );
    b = await brokerCfg();
    assert.equal(b.get('log.retention.bytes')!.configValue, '123456789');
    assert.equal(cfgValue(await describe(), 'retention.bytes'), '123456789');

    // Persisted: the same after a restart.
    await admin.disconnect();
    await broker.restart();
    await admin.connect();
    cfg = await describe();
    assert.equal(cfg.get('retention.ms')!.value, '86400000');
    assert.equal(cfg.get('retention.bytes')!.value, '123456789');
    assert.equal(cfg.get('retention.bytes')!.source, 2, 'DYNAMIC_BROKER_CONFIG synonym (set on broker 0)');
  });

  test('IncrementalAlterConfigs SET/DELETE/APPEND on a topic, hand-built', async () => {
    const topic = 'cfg-incr';
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '5000' }] }] });
    const conn = await RawConnection.open(broker.port);
    try {
      const res = await conn.request(IncrementalAlterConfigs, 1, {
        validateOnly: false,
        resources: [{ resourceType: 2, resourceName: topic, configs: [
          { name: 'retention.ms', configOperation: 1, value: null },
          { name: 'segment.bytes', configOperation: 0, value: '65536' },
          { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
        ] }],
      });
      assert.deepEqual(res.responses.map((r) => r.errorCode), [0]);
      const bad = await conn.request(IncrementalAlterConfigs, 1, {
        validateOnly: false,
        resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'min.cleanable.dirty.ratio', configOperation: 0, value: '2' }] }],
      });
      assert.equal(bad.responses[0].errorCode, 40);
      assert.match(bad.responses[0].errorMessage ?? '', /min\.cleanable\.dirty\.ratio/);
    } finally {
      await conn.close();
    }
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    const m = new Map(res.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(m.get('retention.ms'), '604800000');
    assert.equal(m.get('segment.bytes'), '65536');
    assert.equal(m.get('cleanup.policy'), 'delete,compact');
  });

  test('createPartitions grows a topic (kafkajs, kcat -L see it), refuses shrinking; DescribeCluster, OffsetForLeaderEpoch, DescribeLogDirs answer', async () => {
    const topic = 'grow';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await produce(topic, 3);
    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(meta.topics[0].partitions.length, 3);
    await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] }), kafkaError('INVALID_PARTITIONS'));
    await produce(topic, 2, { partition: 2 });
    const l = await kcat(['-b', broker.bootstrap, '-L', '-t', topic, '-J']);
    assert.equal(l.code, 0, l.stderr);
    const json = JSON.parse(l.stdout) as { topics: Array<{ topic: string; partitions: unknown[] }> };
    assert.equal(json.topics.find((t) => t.topic === topic)!.partitions.length, 3);
    const c = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', '2', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(parseRecords(c.stdout).length, 2);

    const conn = await RawConnection.open(broker.port);
    try {
      const cluster = await conn.request(DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
      assert.equal(cluster.errorCode, 0);
      assert.equal(cluster.controllerId, 0);
      assert.deepEqual(cluster.brokers.map((x) => [x.brokerId, x.port]), [[0, broker.port]]);
      const epochs = await conn.request(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] });
      assert.deepEqual(epochs.topics[0].partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset]), [[0, 0, 3], [3, -1, -1]]);
      const dirs = await conn.request(DescribeLogDirs, 4, { topics: [{ topic, partitions: [0, 1, 2] }] });
      const parts = dirs.results[0].topics[0].partitions;
      assert.deepEqual(parts.map((p) => p.partitionIndex), [0, 1, 2]);
      assert.ok(parts[0].partitionSize > 0 && parts[1].partitionSize === 0 && parts[2].partitionSize > 0);
      assert.ok(dirs.results[0].totalBytes > 0);
    } finally {
      await conn.close();
    }
  });
});

describe('gregor configs, topics --alter, delete-records, log-dirs', () => {
  let broker: BrokerProcess;
  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1 } });
  });
  after(async () => {
    await broker?.close();
  });
  const gregor = (args: string[]) => run(process.execPath, [GREGOR_BIN, ...args, '--bootstrap-server', broker.bootstrap], undefined, 60_000);

  test('alters and describes topic and broker configs, grows a topic, deletes records and describes log dirs', async () => {
    let r = await gregor(['topics', '--create', '--topic', 'cli-cfg', '--partitions', '1']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['configs', '--entity-type', 'topics', '--entity-name', 'cli-cfg', '--alter', '--add-config', 'retention.ms=60000,cleanup.policy=[compact,delete]']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Completed updating config for topic cli-cfg/);
    r = await gregor(['configs', '--entity-type', 'topics', '--entity-name', 'cli-cfg', '--describe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /retention\.ms=60000 DYNAMIC_TOPIC_CONFIG/);
    assert.match(r.stdout, /cleanup\.policy=compact,delete DYNAMIC_TOPIC_CONFIG/);
    r = await gregor(['configs', '--entity-type', 'topics', '--entity-name', 'cli-cfg', '--alter', '--delete-config', 'retention.ms']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['configs', '--entity-type', 'topics', '--entity-name', 'cli-cfg', '--describe', '--all']);
    assert.match(r.stdout, /retention\.ms=604800000 DEFAULT_CONFIG/);
    // Bad values: INVALID_CONFIG with the key named, exit 1.
    r = await gregor(['configs', '--entity-type', 'topics', '--entity-name', 'cli-cfg', '--alter', '--add-config', 'segment.bytes=tiny']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /segment\.bytes.*INVALID_CONFIG/);
    r = await gregor(['configs', '--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', 'log.retention.ms=7200000']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['configs', '--entity-type', 'brokers', '--entity-name', '0', '--describe', '--all']);
    assert.match(r.stdout, /log\.retention\.ms=7200000 DYNAMIC_DEFAULT_BROKER_CONFIG/);
    assert.match(r.stdout, /log\.dirs=\S+ (STATIC_BROKER_CONFIG|DEFAULT_CONFIG) \(read-only\)/);

    r = await gregor(['topics', '--alter', '--topic', 'cli-cfg', '--partitions', '3']);
    assert.equal(r.code, 0, r.stderr);
    r = await gregor(['topics', '--describe', '--topic', 'cli-cfg']);
    assert.match(r.stdout, /PartitionCount: 3/);
    r = await gregor(['topics', '--alter', '--topic', 'cli-cfg', '--partitions', '2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /INVALID_PARTITIONS/);

    r = await run(process.execPath, [GREGOR_BIN, 'console-producer', '--bootstrap-server', broker.bootstrap, '--topic', 'cli-cfg', '--property', 'parse.key=true', '--property', 'key.separator=:'],
      Array.from({ length: 10 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n', 60_000);
    assert.equal(r.code, 0, r.stderr);
    const counts = await kafkaClient(broker.bootstrap).admin();
    await counts.connect();
    const high = (await counts.fetchTopicOffsets('cli-cfg')).find((o) => Number(o.high) > 0)!;
    await counts.disconnect();
    r = await gregor(['delete-records', '--topic', 'cli-cfg', '--partition', String(high.partition), '--offset', '-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`partition: cli-cfg-${high.partition}\\tlow_watermark: ${high.high}`));
    r = await gregor(['log-dirs', '--describe', '--topic-list', 'cli-cfg']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout.split('\n')[2]!) as { brokers: Array<{ logDirs: Array<{ partitions: Array<{ partition: string; size: number }> }> }> };
    const parts = json.brokers[0]!.logDirs[0]!.partitions;
    assert.deepEqual(parts.map((p) => p.partition).sort(), ['cli-cfg-0', 'cli-cfg-1', 'cli-cfg-2']);
    assert.ok(parts.find((p) => p.partition === `cli-cfg-${high.partition}`)!.size > 0);
  });
});

function cfgValue(m: Map<string, { value: string }>, k: string): string | undefined {
  return m.get(k)?.value;
}
