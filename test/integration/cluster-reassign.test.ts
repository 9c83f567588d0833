// Partition reassignment and leader election on demand in a three-broker cluster (broker ids 1, 2, 3)
// coordinated through a real ZooKeeper, driven by Apache Kafka's own tools (kafka-reassign-partitions,
// kafka-leader-election, kafka-topics) and kafkajs: a partition moves from brokers {1,2} to {2,3} while
// kafkajs produces with acks=all, every acknowledged record is read back from the new replicas and broker 1's
// copy is deleted; a reassignment held up by a paused broker is listed and cancelled; the preferred leader
// comes back on demand after a failover; bad targets get Kafka's errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { run } from '../helpers/run.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient, offsetsByValue } from '../helpers/kafkajs.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { waitFor } from '../helpers/wait.js';
import { Admin } from '../../src/client/index.js';
import { ZkSession } from '../../src/metadata/zookeeper/zk-session.js';

describe('reassignment and leader election through Kafka\'s tools', () => {
  let zk: ZooKeeperServer;
  const brokers = new Map<number, BrokerProcess>();
  let bootstrap = '';
  let dir = '';

  const overrides = (id: number) => ({
    'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`,
    // Long enough that a broker paused with SIGSTOP stays registered while the tools run against it.
    'zookeeper.session.timeout.ms': 40_000,
    'replica.lag.time.max.ms': 3000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 1,
    'auto.leader.rebalance.enable': false,
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-reassign-'));
    zk = await ZooKeeperServer.start();
    for (const id of [1, 2, 3]) brokers.set(id, await BrokerProcess.start({ overrides: overrides(id) }));
    bootstrap = [...brokers.values()].map((b) => b.bootstrap).join(',');
  });
  after(async () => {
    for (const b of brokers.values()) {
      if (b.pid) try { process.kill(b.pid, 'SIGCONT'); } catch { /* gone */ }
      await b.close();
    }
    await zk?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const broker = (id: number) => brokers.get(id)!;

  async function withAdmin<T>(fn: (admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>) => Promise<T>): Promise<T> {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  async function partitionsOf(topic: string) {
    return withAdmin(async (admin) => {
      const m = await admin.fetchTopicMetadata({ topics: [topic] });
      return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr].sort() })).sort((a, b) => a.partition - b.partition);
    });
  }

  function jsonFile(name: string, body: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  }

  async function gregor(args: string[]) {
    const r = await run(process.execPath, [GREGOR_BIN, ...args, '--bootstrap-server', bootstrap], undefined, 120_000);
    return { ...r, out: r.stdout + r.stderr };
  }

  async function tool(main: string, args: string[], servers = bootstrap) {
    const r = await runKafkaTool(main, ['--bootstrap-server', servers, ...args]);
    return { ...r, out: r.stdout + r.stderr };
  }

  test('kafka-topics creates a topic with replication factor 3 and describes leaders, replicas and ISR as ours', async () => {
    const created = await tool(KAFKA_TOOL.topics, ['--create', '--topic', 'tools-rf3', '--replication-factor', '3', '--partitions', '3']);
    assert.equal(created.code, 0, created.out);
    assert.match(created.out, /Created topic tools-rf3\./);
    await waitFor('full ISRs', async () => (await partitionsOf('tools-rf3')).every((p) => p.leader >= 0 && p.isr.length === 3), 30_000);
    const ours = await partitionsOf('tools-rf3');
    const described = await tool(KAFKA_TOOL.topics, ['--describe', '--topic', 'tools-rf3']);
    assert.equal(described.code, 0, described.out);
    assert.match(described.out, /Topic: tools-rf3\s+TopicId: \S+\s+PartitionCount: 3\s+ReplicationFactor: 3/);
    for (const p of ours) {
      const line = new RegExp(`Partition: ${p.partition}\\s+Leader: (\\d+)\\s+Replicas: ([\\d,]+)\\s+Isr: ([\\d,]+)`).exec(described.out);
      assert.ok(line, `partition ${p.partition} in\n${described.out}`);
      assert.equal(Number(line[1]), p.leader);
      assert.deepEqual(line[2]!.split(',').map(Number), p.replicas);
      assert.deepEqual(line[3]!.split(',').map(Number).sort(), p.isr);
    }
  });

  test('kafka-reassign-partitions moves a partition from {1,2} to {2,3} under acks=all load; nothing acknowledged is lost and broker 1 deletes its copy', async () => {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'moving', replicaAssignment: [{ partition: 0, replicas: [1, 2] }], configEntries: [{ name: 'min.insync.replicas', value: '1' }] }] }));
    await waitFor('moving-0 led with a full ISR', async () => {
      const [p] = await partitionsOf('moving');
      return p !== undefined && p.leader === 1 && p.isr.length === 2;
    }, 30_000);
    assert.ok(existsSync(join(broker(1).logDir, 'moving-0')), 'broker 1 holds a copy before the move');

    const kafka = kafkaClient(bootstrap);
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });
    await producer.connect();
    const acked = new Map<string, number>();
    let stop = false;
    let seq = 0;
    const load = (async () => {
      while (!stop && seq < 20_000) {
        const value = `m-${seq++}`;
        const [md] = await producer.send({ topic: 'moving', acks: -1, messages: [{ value, partition: 0 }] });
        acked.set(value, Number(md!.baseOffset));
      }
    })();
    try {
      await waitFor('some records acknowledged', () => acked.size >= 50, 30_000);
      const plan = jsonFile('move.json', { version: 1, partitions: [{ topic: 'moving', partition: 0, replicas: [2, 3] }] });
      const exec = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--execute']);
      assert.equal(exec.code, 0, exec.out);
      assert.match(exec.out, /Current partition replica assignment/);
      assert.match(exec.out, /"replicas":\[1,2\]/);
      assert.match(exec.out, /Successfully started partition reassignment for moving-0/);
      await waitFor('--verify reports completion', async () => {
        const v = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--verify']);
        assert.equal(v.code, 0, v.out);
        return /Reassignment of partition moving-0 is completed\./.test(v.out);
      }, 90_000, 500);
      const sent = acked.size;
      await waitFor('more records acknowledged after the move', () => acked.size >= sent + 20, 30_000);
    } finally {
      stop = true;
      await load.catch((e: unknown) => assert.fail(`producing during the move failed: ${(e as Error).message}`));
      await producer.disconnect();
    }
    const [p] = await partitionsOf('moving');
    assert.deepEqual(p!.replicas, [2, 3]);
    assert.ok(p!.leader === 2 || p!.leader === 3, `leader ${p!.leader}`);
    await waitFor('broker 1 deleted its copy of moving-0', () => !existsSync(join(broker(1).logDir, 'moving-0')), 30_000);
    assert.ok(existsSync(join(broker(3).logDir, 'moving-0')), 'broker 3 holds the new copy');
    const seen = await offsetsByValue(kafka, 'moving', 0, acked);
    for (const [v, offset] of acked) assert.deepEqual(seen.get(v), [offset], `record ${v}`);
    // The old leader's data was copied, not lost: broker 3's replica alone can serve it.
    await broker(2).stop();
    try {
      await waitFor('broker 3 leads moving-0', async () => (await partitionsOf('moving'))[0]!.leader === 3, 30_000);
      const again = await offsetsByValue(kafka, 'moving', 0, acked);
      for (const [v, offset] of acked) assert.deepEqual(again.get(v), [offset], `record ${v} on broker 3`);
    } finally {
      await broker(2).restart();
    }
    const list = await tool(KAFKA_TOOL.reassignPartitions, ['--list']);
    assert.equal(list.code, 0, list.out);
    assert.match(list.out, /No partition reassignments found\./);
  });

  test('a reassignment held up by a paused broker is listed, then cancelled, and the paused broker keeps no copy', async () => {
    const controller = await withAdmin(async (admin) => (await admin.describeCluster()).controller ?? -1);
    const paused = [1, 2, 3].find((id) => id !== controller)!;
    const [a, b] = [1, 2, 3].filter((id) => id !== paused);
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'held', replicaAssignment: [{ partition: 0, replicas: [a!, b!] }] }] }));
    await waitFor('held-0 with a full ISR', async () => (await partitionsOf('held'))[0]?.isr.length === 2, 30_000);
    const plan = jsonFile('held.json', { version: 1, partitions: [{ topic: 'held', partition: 0, replicas: [b!, paused] }] });
    // The tools talk to the running brokers; a request that still lands on the paused one times out quickly.
    const servers = `${broker(a!).bootstrap},${broker(b!).bootstrap}`;
    const config = join(dir, 'admin.properties');
    writeFileSync(config, 'request.timeout.ms=5000\n');
    const held = (args: string[]) => tool(KAFKA_TOOL.reassignPartitions, ['--command-config', config, ...args], servers);
    process.kill(broker(paused).pid!, 'SIGSTOP');
    try {
      const exec = await held(['--reassignment-json-file', plan, '--execute']);
      assert.equal(exec.code, 0, exec.out);
      const list = await held(['--list']);
      assert.equal(list.code, 0, list.out);
      assert.match(list.out, new RegExp(`Current partition reassignments:\\s+held-0: replicas: ${b},${paused},${a}\\. adding: ${paused}\\. removing: ${a}\\.`));
      // Stored as Kafka 3.x stores it: the full replica set with adding_replicas and removing_replicas.
      const zkSession = await ZkSession.open({ connect: `127.0.0.1:${zk.port}/gregor`, sessionTimeoutMs: 10_000 });
      try {
        const znode = JSON.parse((await zkSession.get('/brokers/topics/held'))!.data.toString()) as Record<string, unknown>;
        assert.deepEqual({ partitions: znode.partitions, adding: znode.adding_replicas, removing: znode.removing_replicas, version: znode.version },
          { partitions: { 0: [b, paused, a] }, adding: { 0: [paused] }, removing: { 0: [a] }, version: 3 });
      } finally {
        await zkSession.close();
      }
      const verify = await held(['--reassignment-json-file', plan, '--verify']);
      assert.match(verify.out, /Reassignment of partition held-0 is still in progress\./);
      const again = await held(['--reassignment-json-file', plan, '--execute']);
      assert.notEqual(again.code, 0);
      assert.match(again.out, /--additional/);
      const cancel = await held(['--reassignment-json-file', plan, '--cancel', '--preserve-throttles']);
      assert.equal(cancel.code, 0, cancel.out);
      assert.match(cancel.out, /Successfully cancelled partition reassignment for: held-0/);
      await waitFor('no reassignment left', async () => /No partition reassignments found\./.test((await held(['--list'])).out), 60_000, 500);
    } finally {
      process.kill(broker(paused).pid!, 'SIGCONT');
    }
    const [p] = await partitionsOf('held');
    assert.deepEqual([...p!.replicas].sort(), [a, b].sort());
    assert.ok(p!.leader === a || p!.leader === b);
    await waitFor(`broker ${paused} keeps no copy of held-0`, () => !existsSync(join(broker(paused).logDir, 'held-0')), 30_000);
  });

  test('kafka-reassign-partitions --throttle holds the copy to leader.replication.throttled.rate; --verify clears the throttles', async () => {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'throttled', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }] }));
    await waitFor('throttled-0 with a full ISR', async () => (await partitionsOf('throttled'))[0]?.isr.length === 2, 30_000);
    const producer = kafkaClient(bootstrap).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // 3 MB: at 100 kB/s the new replica needs half a minute; unthrottled, well under a second.
      for (let i = 0; i < 30; i++) await producer.send({ topic: 'throttled', acks: -1, messages: Array.from({ length: 100 }, (_, j) => ({ value: `t-${i}-${j}`.padEnd(1000, '.'), partition: 0 })) });
    } finally {
      await producer.disconnect();
    }
    const plan = jsonFile('throttled.json', { version: 1, partitions: [{ topic: 'throttled', partition: 0, replicas: [2, 3] }] });
    const exec = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--execute', '--throttle', '100000']);
    assert.equal(exec.code, 0, exec.out);
    assert.match(exec.out, /The inter-broker throttle limit was set to 100000 B\/s/);
    const topicConfigs = await withAdmin(async (admin) => (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'throttled' }] })).resources[0]!.configEntries);
    assert.equal(topicConfigs.find((c) => c.configName === 'leader.replication.throttled.replicas')?.configValue, '0:1,0:2');
    assert.equal(topicConfigs.find((c) => c.configName === 'follower.replication.throttled.replicas')?.configValue, '0:3');
    // Held back: after 3 s the new replica is still copying.
    await new Promise((r) => setTimeout(r, 3000));
    const during = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--verify']);
    assert.match(during.out, /Reassignment of partition throttled-0 is still in progress\./);
    // Raising the throttle (resubmitting with --additional) lets it finish.
    const raised = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--execute', '--additional', '--throttle', '1000000000']);
    assert.equal(raised.code, 0, raised.out);
    let verified = '';
    await waitFor('--verify reports completion', async () => {
      verified = (await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--verify'])).out;
      return /Reassignment of partition throttled-0 is completed\./.test(verified);
    }, 90_000, 500);
    assert.match(verified, /Clearing broker-level throttles on brokers 1,2,3/);
    assert.match(verified, /Clearing topic-level throttles on topic throttled/);
    const after = await withAdmin(async (admin) => (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'throttled' }] })).resources[0]!.configEntries);
    assert.equal(after.find((c) => c.configName === 'leader.replication.throttled.replicas')?.configValue ?? '', '');
  });

  test('kafka-leader-election --election-type PREFERRED restores the preferred leader after a failover', async () => {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'prefer', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }] }));
    await waitFor('prefer-0 led by broker 1 with a full ISR', async () => {
      const [p] = await partitionsOf('prefer');
      return p?.leader === 1 && p.isr.length === 3;
    }, 30_000);
    await broker(1).stop(); // controlled shutdown: leadership moves to 2
    await waitFor('another leader', async () => (await partitionsOf('prefer'))[0]!.leader !== 1, 30_000);
    await broker(1).restart();
    await waitFor('broker 1 back in the ISR', async () => (await partitionsOf('prefer'))[0]!.isr.length === 3, 30_000);
    assert.notEqual((await partitionsOf('prefer'))[0]!.leader, 1, 'auto.leader.rebalance.enable=false keeps the new leader');
    const elected = await tool(KAFKA_TOOL.leaderElection, ['--election-type', 'PREFERRED', '--topic', 'prefer', '--partition', '0']);
    assert.equal(elected.code, 0, elected.out);
    assert.match(elected.out, /Successfully completed leader election \(PREFERRED\) for partitions prefer-0/);
    await waitFor('broker 1 leads again', async () => (await partitionsOf('prefer'))[0]!.leader === 1, 30_000);
    // Every partition: the ones already led by their preferred replica are left out of the answer.
    const all = await tool(KAFKA_TOOL.leaderElection, ['--election-type', 'PREFERRED', '--all-topic-partitions']);
    assert.doesNotMatch(all.out, /prefer-0/);
    const unclean = await tool(KAFKA_TOOL.leaderElection, ['--election-type', 'UNCLEAN', '--topic', 'prefer', '--partition', '0']);
    assert.equal(unclean.code, 0, unclean.out);
    assert.match(unclean.out, /Valid replica already elected for partitions prefer-0/);
    const unknown = await tool(KAFKA_TOOL.leaderElection, ['--election-type', 'PREFERRED', '--topic', 'prefer', '--partition', '7']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.out, /Error completing leader election \(PREFERRED\) for partition: prefer-7: .*UnknownTopicOrPartitionException/);
  });

  test('bad targets get Kafka\'s errors: unknown broker, duplicate replicas, empty list, unknown partition, cancelling nothing', async () => {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'bad-targets', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }] }));
    const plan = jsonFile('unknown-broker.json', { version: 1, partitions: [{ topic: 'bad-targets', partition: 0, replicas: [1, 9] }] });
    const r = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', plan, '--execute']);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /Unknown broker id 9/);
    const reassign = (replicas: number[], partition = 0) => withAdmin((admin) => admin.alterPartitionReassignments({ topics: [{ topic: 'bad-targets', partitionAssignment: [{ partition, replicas }] }] }));
    const codeOf = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'NONE';
      } catch (e) {
        const err = e as { errors?: Array<{ type?: string }>; type?: string };
        return err.errors?.[0]?.type ?? err.type ?? String(e);
      }
    };
    assert.equal(await codeOf(reassign([1, 9])), 'INVALID_REPLICA_ASSIGNMENT');
    assert.equal(await codeOf(reassign([2, 2])), 'INVALID_REPLICA_ASSIGNMENT');
    assert.equal(await codeOf(reassign([])), 'INVALID_REPLICA_ASSIGNMENT');
    assert.equal(await codeOf(reassign([1, 2], 5)), 'UNKNOWN_TOPIC_OR_PARTITION');
    const cancel = await tool(KAFKA_TOOL.reassignPartitions, ['--reassignment-json-file', jsonFile('nothing.json', { version: 1, partitions: [{ topic: 'bad-targets', partition: 0, replicas: [2, 3] }] }), '--cancel']);
    assert.equal(cancel.code, 0, cancel.out);
    assert.match(cancel.out, /None of the specified partition reassignments are active\./);
    const [p] = await partitionsOf('bad-targets');
    assert.deepEqual(p!.replicas, [1, 2], 'refused targets changed nothing');
  });

  test('gregor reassign-partitions (generate, execute --wait, verify, list, cancel) and gregor leader-election do the same', async () => {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'gregor-move', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }] }));
    await waitFor('gregor-move-0 with a full ISR', async () => (await partitionsOf('gregor-move'))[0]?.isr.length === 2, 30_000);
    const producer = kafkaClient(bootstrap).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < 20; i++) await producer.send({ topic: 'gregor-move', acks: -1, messages: Array.from({ length: 50 }, (_, j) => ({ value: `g-${i}-${j}`.padEnd(200, '.'), partition: 0 })) });
    } finally {
      await producer.disconnect();
    }
    const generated = await gregor(['reassign-partitions', '--generate', '--topics-to-move-json-file', jsonFile('topics.json', { version: 1, topics: [{ topic: 'gregor-move' }] }), '--broker-list', '2,3']);
    assert.equal(generated.code, 0, generated.out);
    assert.match(generated.out, /Current partition replica assignment\n\{"version":1,"partitions":\[\{"topic":"gregor-move","partition":0,"replicas":\[1,2\],"log_dirs":\["any","any"\]\}\]\}/);
    const proposed = JSON.parse(/Proposed partition reassignment configuration\n(.*)/.exec(generated.out)![1]!) as { partitions: Array<{ replicas: number[] }> };
    assert.deepEqual([...proposed.partitions[0]!.replicas].sort(), [2, 3]);

    const plan = jsonFile('gregor-move.json', { version: 1, partitions: [{ topic: 'gregor-move', partition: 0, replicas: [3, 2] }] });
    const exec = await gregor(['reassign-partitions', '--execute', '--reassignment-json-file', plan, '--wait', '--throttle', '1000000']);
    assert.equal(exec.code, 0, exec.out);
    assert.match(exec.out, /Save this to use as the --reassignment-json-file option during rollback/);
    assert.match(exec.out, /The inter-broker throttle limit was set to 1000000 B\/s/);
    assert.match(exec.out, /Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic gregor-move/);
    assert.match(exec.out, /Successfully started partition reassignment for gregor-move-0/);
    assert.match(exec.out, /Reassignment of partition gregor-move-0 is completed\./);
    const cleared = await withAdmin(async (admin) => (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'gregor-move' }] })).resources[0]!.configEntries);
    assert.equal(cleared.find((c) => c.configName === 'leader.replication.throttled.replicas')?.configValue ?? '', '');
    const verify = await gregor(['reassign-partitions', '--verify', '--reassignment-json-file', plan]);
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.out, /Reassignment of partition gregor-move-0 is completed\./);
    assert.match((await gregor(['reassign-partitions', '--list'])).out, /No partition reassignments found\./);
    assert.deepEqual((await partitionsOf('gregor-move'))[0]!.replicas, [3, 2]);
    await waitFor('broker 1 deleted its copy of gregor-move-0', () => !existsSync(join(broker(1).logDir, 'gregor-move-0')), 30_000);
    const cancelNothing = await gregor(['reassign-partitions', '--cancel', '--reassignment-json-file', plan]);
    assert.equal(cancelNothing.code, 0, cancelNothing.out);
    assert.match(cancelNothing.out, /None of the specified partition reassignments are active\./);

    // Failover away from the preferred replica (3), then gregor leader-election brings it back.
    await waitFor('broker 3 leads gregor-move-0 with a full ISR', async () => {
      const [p] = await partitionsOf('gregor-move');
      return p?.leader === 3 && p.isr.length === 2;
    }, 30_000);
    await broker(3).stop();
    await waitFor('broker 2 leads', async () => (await partitionsOf('gregor-move'))[0]!.leader === 2, 30_000);
    await broker(3).restart();
    await waitFor('broker 3 back in the ISR', async () => (await partitionsOf('gregor-move'))[0]!.isr.length === 2, 30_000);
    const elected = await gregor(['leader-election', '--election-type', 'preferred', '--topic', 'gregor-move', '--partition', '0']);
    assert.equal(elected.code, 0, elected.out);
    assert.match(elected.out, /Successfully completed leader election \(PREFERRED\) for partitions gregor-move-0/);
    assert.equal((await partitionsOf('gregor-move'))[0]!.leader, 3);
    const again = await gregor(['leader-election', '--election-type', 'PREFERRED', '--path-to-json-file', jsonFile('elect.json', { partitions: [{ topic: 'gregor-move', partition: 0 }] })]);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /Valid replica already elected for partitions gregor-move-0/);

    // Bad input: what to fix is said, and nothing changes.
    const unknownBroker = await gregor(['reassign-partitions', '--execute', '--reassignment-json-file', jsonFile('g-unknown.json', { version: 1, partitions: [{ topic: 'gregor-move', partition: 0, replicas: [3, 9] }] })]);
    assert.equal(unknownBroker.code, 1, unknownBroker.out);
    assert.match(unknownBroker.out, /Unknown broker id 9\. Live brokers: 1,2,3/);
    const dup = await gregor(['reassign-partitions', '--execute', '--reassignment-json-file', jsonFile('g-dup.json', { version: 1, partitions: [{ topic: 'gregor-move', partition: 0, replicas: [3, 3] }] })]);
    assert.equal(dup.code, 2, dup.out);
    assert.match(dup.out, /Partition replica lists may not contain duplicate entries: gregor-move-0 contains multiple entries for 3/);
    const noAction = await gregor(['reassign-partitions']);
    assert.equal(noAction.code, 2);
    assert.match(noAction.out, /exactly one action/);
    const unknownPartition = await gregor(['leader-election', '--election-type', 'PREFERRED', '--topic', 'gregor-move', '--partition', '3']);
    assert.equal(unknownPartition.code, 1, unknownPartition.out);
    assert.match(unknownPartition.out, /Error completing leader election \(PREFERRED\) for partition: gregor-move-3: UNKNOWN_TOPIC_OR_PARTITION/);
    const badType = await gregor(['leader-election', '--election-type', 'sometimes', '--all-topic-partitions']);
    assert.equal(badType.code, 2);
    assert.match(badType.out, /--election-type must be PREFERRED or UNCLEAN/);
    assert.deepEqual((await partitionsOf('gregor-move'))[0]!.replicas, [3, 2]);
  });

  test('follower.replication.throttled.rate alone holds a new replica\'s copy back; raising it lets the copy finish', async () => {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'follower-throttled', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }] }));
    await waitFor('follower-throttled-0 with a full ISR', async () => (await partitionsOf('follower-throttled'))[0]?.isr.length === 2, 30_000);
    const producer = kafkaClient(bootstrap).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // 3 MB: at 100 kB/s broker 3 needs half a minute to copy it; unthrottled, well under a second.
      for (let i = 0; i < 30; i++) await producer.send({ topic: 'follower-throttled', acks: -1, messages: Array.from({ length: 100 }, (_, j) => ({ value: `f-${i}-${j}`.padEnd(1000, '.'), partition: 0 })) });
    } finally {
      await producer.disconnect();
    }
    // Only the follower side: broker 3's rate and the topic's follower list (no leader throttle at all).
    const setRate = (rate: string) => withAdmin((admin) => admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '3', configEntries: [{ name: 'follower.replication.throttled.rate', value: rate }] }] }));
    await setRate('100000');
    await withAdmin((admin) => admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'follower-throttled', configEntries: [{ name: 'follower.replication.throttled.replicas', value: '0:3' }] }] }));
    const plan = jsonFile('follower-throttled.json', { version: 1, partitions: [{ topic: 'follower-throttled', partition: 0, replicas: [2, 3] }] });
    const exec = await gregor(['reassign-partitions', '--execute', '--reassignment-json-file', plan]);
    assert.equal(exec.code, 0, exec.out);
    const copied = () => {
      const d = join(broker(3).logDir, 'follower-throttled-0');
      return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(join(d, f)).size, 0) : 0;
    };
    await waitFor('broker 3 copied a first part', () => copied() > 0, 30_000);
    await new Promise((r) => setTimeout(r, 4000));
    const verify = await gregor(['reassign-partitions', '--verify', '--preserve-throttles', '--reassignment-json-file', plan]);
    assert.match(verify.out, /Reassignment of partition follower-throttled-0 is still in progress\./, `${copied()} bytes copied`);
    assert.ok(copied() < 2_500_000, `throttled to 100 kB/s, broker 3 copied ${copied()} bytes in a few seconds`);
    await setRate('1000000000');
    await waitFor('the reassignment completed', async () => (await partitionsOf('follower-throttled'))[0]?.replicas.join(',') === '2,3', 60_000, 500);
    const [p] = await partitionsOf('follower-throttled');
    assert.deepEqual(p!.isr, [2, 3]);
  });

  test('a reassignment survives a controller failover: the new controller completes it from the store', async () => {
    const controller = await withAdmin(async (admin) => (await admin.describeCluster()).controller ?? -1);
    const [other, paused] = [1, 2, 3].filter((id) => id !== controller) as [number, number];
    // failover-move goes from {other, controller} to {other, paused}. The paused broker cannot copy it, so the
    // reassignment is still in progress when the controller stops; the next controller finishes it.
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'failover-move', replicaAssignment: [{ partition: 0, replicas: [other, controller] }] }] }));
    await waitFor('failover-move-0 with a full ISR', async () => (await partitionsOf('failover-move'))[0]?.isr.length === 2, 30_000);
    // While a broker is paused, only our own client talks to the cluster, and only through the running one.
    const admin = new Admin({ bootstrap: broker(other).bootstrap, clientId: 'reassign-test', requestTimeoutMs: 10_000 });
    process.kill(broker(paused).pid!, 'SIGSTOP');
    try {
      const [started] = await admin.alterPartitionReassignments([{ topic: 'failover-move', partition: 0, replicas: [other, paused] }]);
      assert.equal(started?.error, null);
      await broker(controller).stop();
      await waitFor('another controller', async () => {
        await admin.cluster.refreshMetadata([]).catch(() => undefined);
        return admin.cluster.controllerId >= 0 && admin.cluster.controllerId !== controller;
      }, 60_000);
      assert.equal(admin.cluster.controllerId, other);
      const [ongoing] = await admin.listPartitionReassignments();
      assert.deepEqual(ongoing && { ...ongoing }, { topic: 'failover-move', partition: 0, replicas: [other, paused, controller], addingReplicas: [paused], removingReplicas: [controller] });
    } finally {
      process.kill(broker(paused).pid!, 'SIGCONT');
      await admin.close();
      await broker(controller).restart();
    }
    await waitFor('the reassignment completed', async () => {
      const [p] = await partitionsOf('failover-move');
      const listed = await withAdmin((a) => a.listPartitionReassignments({}));
      return p !== undefined && p.replicas.join(',') === `${other},${paused}` && listed.topics.length === 0;
    }, 90_000, 500);
    await waitFor(`broker ${controller} deleted its copy`, () => !existsSync(join(broker(controller).logDir, 'failover-move-0')), 30_000);
  });
});

describe('leader election and reassignment on a single node', () => {
  let single: BrokerProcess;
  before(async () => {
    single = await BrokerProcess.start();
  });
  after(async () => {
    await single?.close();
  });

  test('every partition has its one replica as leader: ELECTION_NOT_NEEDED; reassignments elsewhere are refused', async () => {
    const admin = kafkaClient(single.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'solo', numPartitions: 2 }] });
      await assert.rejects(admin.alterPartitionReassignments({ topics: [{ topic: 'solo', partitionAssignment: [{ partition: 0, replicas: [7] }] }] }), (e: { errors?: Array<{ type?: string }> }) => e.errors?.[0]?.type === 'INVALID_REPLICA_ASSIGNMENT');
      assert.deepEqual((await admin.listPartitionReassignments({})).topics, []);
    } finally {
      await admin.disconnect();
    }
    const r = await runKafkaTool(KAFKA_TOOL.leaderElection, ['--bootstrap-server', single.bootstrap, '--election-type', 'PREFERRED', '--topic', 'solo', '--partition', '1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Valid replica already elected for partitions solo-1/);
    const list = await runKafkaTool(KAFKA_TOOL.reassignPartitions, ['--bootstrap-server', single.bootstrap, '--list']);
    assert.equal(list.code, 0, list.stdout + list.stderr);
    assert.match(list.stdout, /No partition reassignments found\./);
  });
});
