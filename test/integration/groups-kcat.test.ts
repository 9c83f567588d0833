// Consumer groups with librdkafka (Debian's kcat, balanced consumer mode `-G`) against a real broker process:
// three members share six partitions, one leaves and another joins without a record lost, and a restarted
// member resumes from the group's committed offsets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { committedOffsets, createTopic, describeGroup, isBalanced, produceToAll, recordKeys, waitFor } from '../helpers/groups.js';

const PARTITIONS = 6;
const CONSUMER_SETTINGS = ['-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.commit.interval.ms=500', '-X', 'partition.assignment.strategy=range'];

interface KcatMember {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

describe('consumer groups with kcat -G (librdkafka)', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  const children: ChildProcess[] = [];

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'offsets.topic.num.partitions': 5, 'group.initial.rebalance.delay.ms': 300 } });
    kafka = kafkaClient(broker.bootstrap);
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker?.close();
  });

  function startMember(name: string, groupId: string, topic: string, seen: Map<string, string[]>): KcatMember {
    const child = spawn('kcat', ['-b', broker.bootstrap, '-X', `client.id=${name}`, ...CONSUMER_SETTINGS, '-f', '%p:%o\n', '-q', '-u', '-G', groupId, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const k of lines) seen.set(k, [...(seen.get(k) ?? []), name]);
    });
    child.stderr!.on('data', () => undefined);
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    return { name, child, exited };
  }

  async function stop(m: KcatMember): Promise<void> {
    m.child.kill('SIGTERM'); // kcat closes its consumer: final commit, LeaveGroup
    const timer = setTimeout(() => m.child.kill('SIGKILL'), 20_000);
    await m.exited;
    clearTimeout(timer);
  }

  async function waitBalanced(groupId: string, names: string[]): Promise<void> {
    await waitFor(`${names.join(', ')} to share ${PARTITIONS} partitions`, async () => {
      const v = await describeGroup(kafka, groupId);
      return isBalanced(v, names.length, PARTITIONS) && [...v.clientIds.values()].sort().join() === [...names].sort().join();
    }, 90_000, 300);
  }

  test('three kcat members share six partitions; one leaves and one joins; a new member resumes from the committed offsets', async () => {
    const topic = 'kc-share';
    const groupId = 'kcat-group';
    await createTopic(kafka, topic, PARTITIONS);
    await produceToAll(kafka, topic, PARTITIONS, 100, 'a');
    const seen = new Map<string, string[]>();
    const a = startMember('kc-a', groupId, topic, seen);
    const b = startMember('kc-b', groupId, topic, seen);
    const c = startMember('kc-c', groupId, topic, seen);
    await waitBalanced(groupId, ['kc-a', 'kc-b', 'kc-c']);
    const view = await describeGroup(kafka, groupId);
    for (const parts of view.members.values()) assert.equal(parts.length, 2);
    await waitFor('the first 600 records', () => recordKeys(PARTITIONS, 0, 100).every((k) => seen.has(k)));

    await stop(c);
    await produceToAll(kafka, topic, PARTITIONS, 50, 'b');
    const d = startMember('kc-d', groupId, topic, seen);
    await waitBalanced(groupId, ['kc-a', 'kc-b', 'kc-d']);
    await produceToAll(kafka, topic, PARTITIONS, 50, 'c');
    await waitFor('all 1200 records', () => recordKeys(PARTITIONS, 0, 200).every((k) => seen.has(k)), 90_000);
    assert.equal([...seen.keys()].filter((k) => !recordKeys(PARTITIONS, 0, 200).includes(k)).length, 0, 'nothing that was not produced');

    await Promise.all([stop(a), stop(b), stop(d)]);
    assert.deepEqual(await committedOffsets(kafka, groupId, topic), Array(PARTITIONS).fill(200), 'librdkafka committed the end of every partition on close');

    // A fresh member of the group reads to the end and exits (-e): exactly the records produced since.
    await produceToAll(kafka, topic, PARTITIONS, 10, 'd');
    const r = await kcat(['-b', broker.bootstrap, ...CONSUMER_SETTINGS, '-f', '%p:%o\n', '-q', '-e', '-G', groupId, topic], undefined, 90_000);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter((l) => l).sort(), recordKeys(PARTITIONS, 200, 210).sort());
  });
});
