// Consumer-group coordinator failover with real clients: three broker processes through a real ZooKeeper,
// __consumer_offsets with replication factor 3 (one partition, so one coordinator for every group). A kcat
// (librdkafka) balanced consumer (-G) and a Java client group consumer (kafka-clients, committing after each
// poll) keep consuming while the broker leading __consumer_offsets is SIGKILLed: the coordinator moves with
// the partition's leadership, both groups get every record, nothing committed before the failover is
// delivered again, and the committed offsets survive (a new member of each group starts where they ended).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Kafka, Producer } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { buildClientCheck, CLIENT_CHECK_JAR } from '../helpers/client-check.js';
import { committedOffsets } from '../helpers/groups.js';
import { waitFor } from '../helpers/wait.js';
import { createTopicsWhenReady } from '../helpers/cluster.js';

const JAR = CLIENT_CHECK_JAR;
const TOPIC = 'failover';
const PARTITIONS = 4;
const KCAT_SETTINGS = ['-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.commit.interval.ms=500', '-X', 'partition.assignment.strategy=range'];

interface Member {
  child: ChildProcess;
  /** "partition:offset" -> times consumed. */
  seen: Map<string, number>;
  exited: Promise<number | null>;
  stderr: () => string;
}

describe('group coordinator failover with kcat -G and the Java consumer', () => {
  let zk: ZooKeeperServer;
  const brokers: BrokerProcess[] = [];
  const children: ChildProcess[] = [];
  let bootstrap = '';
  let kafka: Kafka;

  before(async () => {
    await buildClientCheck();
    zk = await ZooKeeperServer.start();
    for (let id = 0; id < 3; id++) {
      brokers.push(await BrokerProcess.start({ overrides: {
        'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 4000,
        'replica.lag.time.max.ms': 3000, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 1, 'offsets.topic.replication.factor': 3,
        'group.initial.rebalance.delay.ms': 300, 'auto.leader.rebalance.enable': false,
      } }));
    }
    bootstrap = brokers.map((b) => b.bootstrap).join(',');
    kafka = kafkaClient(bootstrap);
    await createTopicsWhenReady(kafka, [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
  }, { timeout: 8 * 60_000 });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const b of brokers) await b.close();
    await zk?.close();
  });

  function member(cmd: string, args: string[], parse: (line: string) => string | undefined): Member {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const seen = new Map<string, number>();
    let buf = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const k = parse(l);
        if (k !== undefined) seen.set(k, (seen.get(k) ?? 0) + 1);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    return { child, seen, exited, stderr: () => err };
  }

  const kcatMember = (group: string) => member('kcat', ['-b', bootstrap, '-X', 'client.id=failover-kcat', ...KCAT_SETTINGS, '-f', '%p:%o\n', '-q', '-u', '-G', group, TOPIC], (l) => (/^\d+:\d+$/.test(l) ? l : undefined));
  const javaMember = (group: string, durationMs: number) => member('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, 'group-consume', bootstrap, TOPIC, group, '--duration-ms', String(durationMs)], (l) => {
    const m = /^\{"p":(\d+),"o":(\d+),/.exec(l);
    return m ? `${m[1]}:${m[2]}` : undefined;
  });

  async function offsetsLeader(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] })).topics[0]!.partitions[0]!.leader;
    } finally {
      await admin.disconnect();
    }
  }

  /** Produces `perPartition` records to each partition (acks=all) and returns their "partition:offset" keys. */
  async function produce(producer: Producer, perPartition: number, tag: string): Promise<string[]> {
    const keys: string[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const res = await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: perPartition }, (_, i) => ({ value: `${tag}-${p}-${i}`, partition: p })) });
      const base = Number(res[0]!.baseOffset);
      for (let i = 0; i < perPartition; i++) keys.push(`${p}:${base + i}`);
    }
    return keys;
  }

  const total = async (group: string) => (await committedOffsets(kafka, group, TOPIC).catch(() => [])).reduce((a, b) => a + Math.max(0, b), 0);

  test('both groups keep consuming across the SIGKILL of the coordinator; committed offsets survive', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });
    await producer.connect();
    const kcatGroup = 'failover-kcat';
    const javaGroup = 'failover-java';
    let kc: Member | undefined;
    let jv: Member | undefined;
    try {
      const first = await produce(producer, 50, 'first');
      kc = kcatMember(kcatGroup);
      jv = javaMember(javaGroup, 120_000);
      const k = kc;
      const j = jv;
      await waitFor('both groups consumed the first records', () => first.every((x) => k.seen.has(x) && j.seen.has(x)), 120_000, 200).catch((e: Error) => {
        throw new Error(`${e.message}; kcat ${k.seen.size}, java ${j.seen.size}\nkcat: ${k.stderr().slice(-2000)}\njava: ${j.stderr().slice(-2000)}`);
      });
      await waitFor('both groups committed the first records', async () => (await total(kcatGroup)) === first.length && (await total(javaGroup)) === first.length, 60_000, 300);
      const coordinator = await offsetsLeader();
      assert.ok(coordinator >= 0);
      await brokers[coordinator]!.kill9();
      await waitFor('__consumer_offsets led by another broker', async () => {
        const l = await offsetsLeader().catch(() => -1);
        return l >= 0 && l !== coordinator;
      }, 60_000, 300);
      const second = await produce(producer, 50, 'second');
      await waitFor('both groups consumed the records produced after the failover', () => second.every((x) => k.seen.has(x) && j.seen.has(x)), 120_000, 200).catch((e: Error) => {
        throw new Error(`${e.message}; kcat ${k.seen.size}, java ${j.seen.size}\nkcat: ${k.stderr().slice(-2000)}\njava: ${j.stderr().slice(-2000)}`);
      });
      // What was committed before the failover is never delivered again.
      for (const x of first) {
        assert.equal(k.seen.get(x), 1, `kcat got ${x} ${k.seen.get(x)} times`);
        assert.equal(j.seen.get(x), 1, `the Java consumer got ${x} ${j.seen.get(x)} times`);
      }
      const all = first.length + second.length;
      await waitFor('both groups committed every record', async () => (await total(kcatGroup)) === all && (await total(javaGroup)) === all, 60_000, 300);
      kc.child.kill('SIGTERM');
      jv.child.kill('SIGTERM');
      await Promise.all([kc.exited, jv.exited]);
      await brokers[coordinator]!.restart();
      // New members of both groups resume from the committed offsets: nothing consumed again.
      const third = await produce(producer, 5, 'third');
      const again = await kcat(['-b', bootstrap, ...KCAT_SETTINGS, '-f', '%p:%o\n', '-q', '-e', '-G', kcatGroup, TOPIC], undefined, 120_000);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(again.stdout.split('\n').filter((l) => l).sort(), [...third].sort(), 'a new kcat member reads only what came after the commits');
      // It waits out the killed member's session (10 s) before the group settles.
      const javaAgain = javaMember(javaGroup, 30_000);
      assert.equal(await javaAgain.exited, 0, javaAgain.stderr());
      assert.deepEqual([...javaAgain.seen.keys()].sort(), [...third].sort(), 'a new Java member reads only what came after the commits');
    } finally {
      kc?.child.kill('SIGKILL');
      jv?.child.kill('SIGKILL');
      await producer.disconnect();
    }
  });
});
