// `gregor consumer-groups` and `gregor console-consumer --group` against a real broker process: a group
// consumer that stops after N records commits exactly what it printed and the next run resumes there;
// describe shows members, offsets and lag; reset-offsets (dry run by default) and delete refuse live groups
// and work on idle ones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { run, type RunResult } from '../helpers/run.js';
import { committedOffsets, createTopic, describeGroup, waitFor } from '../helpers/groups.js';

function gregor(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return run(process.execPath, [GREGOR_BIN, ...args], undefined, timeoutMs);
}

/** Rows of a kafka-consumer-groups.sh style table, as objects keyed by the header. */
function rows(stdout: string): Array<Record<string, string>> {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.split(/\s+/);
  return lines.slice(1).filter((l) => !l.startsWith('GROUP')).map((l) => Object.fromEntries(l.split(/\s+/).map((v, i) => [header[i], v])));
}

describe('gregor consumer-groups and console-consumer --group', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  let bs: string[];
  const topic = 'cg-t';
  const group = 'cli-g';
  let firstTimestamp = 0;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'offsets.topic.num.partitions': 3, 'group.initial.rebalance.delay.ms': 100 } });
    kafka = kafkaClient(broker.bootstrap);
    bs = ['--bootstrap-server', broker.bootstrap];
    await createTopic(kafka, topic, 3);
    const producer = kafka.producer();
    await producer.connect();
    firstTimestamp = Date.now() - 60_000;
    for (let p = 0; p < 3; p++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: p, value: `v${p}-${i}`, timestamp: String(firstTimestamp + i * 1000) })) });
    }
    await producer.disconnect();
  });
  after(async () => {
    await broker?.close();
  });

  test('console-consumer --group commits what it printed; the next run resumes there', async () => {
    let r = await gregor(['console-consumer', ...bs, '--topic', topic, '--group', group, '--from-beginning', '--max-messages', '12', '--timeout-ms', '20000']);
    assert.equal(r.code, 0, r.stderr);
    const first = r.stdout.split('\n').filter((l) => l);
    assert.equal(first.length, 12);
    assert.match(r.stderr, /Processed a total of 12 messages/);
    const committed = await committedOffsets(kafka, group, topic);
    assert.equal(committed.reduce((s, o) => s + Math.max(o, 0), 0), 12, `committed exactly the 12 printed records (${committed})`);

    // --from-beginning only matters for partitions without a committed offset (auto.offset.reset).
    r = await gregor(['console-consumer', ...bs, '--topic', topic, '--group', group, '--from-beginning', '--timeout-ms', '3000']);
    assert.equal(r.code, 0, r.stderr);
    const second = r.stdout.split('\n').filter((l) => l);
    assert.equal(second.length, 18, 'the remaining 18 records, none twice');
    assert.deepEqual([...first, ...second].sort(), Array.from({ length: 30 }, (_, i) => `v${Math.floor(i / 10)}-${i % 10}`).sort());
    assert.deepEqual(await committedOffsets(kafka, group, topic), [10, 10, 10]);

    r = await gregor(['consumer-groups', ...bs, '--list']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').includes(group), r.stdout);
  });

  test('describe shows members, committed offsets, log end offsets and lag; reset and delete refuse a live group', async () => {
    // Make some lag, then put a librdkafka member in the group.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'late-1' }, { partition: 0, value: 'late-2' }] });
    await producer.disconnect();
    let r = await gregor(['consumer-groups', ...bs, '--describe', '--group', group]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /has no active members/);
    assert.deepEqual(rows(r.stdout).map((x) => [x.PARTITION, x['CURRENT-OFFSET'], x['LOG-END-OFFSET'], x.LAG, x['CONSUMER-ID']]), [
      ['0', '10', '12', '2', '-'], ['1', '10', '10', '0', '-'], ['2', '10', '10', '0', '-'],
    ]);

    const member = spawn('kcat', ['-b', broker.bootstrap, '-X', 'client.id=kcat-member', '-q', '-G', group, topic], { stdio: ['ignore', 'ignore', 'ignore'] });
    try {
      await waitFor('the kcat member to be stable with all partitions', async () => {
        const v = await describeGroup(kafka, group);
        return v.state === 'Stable' && [...v.members.values()].flat().length === 3;
      });
      r = await gregor(['consumer-groups', ...bs, '--describe', '--group', group]);
      assert.equal(r.code, 0, r.stderr);
      const described = rows(r.stdout);
      assert.equal(described.length, 3);
      for (const row of described) {
        assert.equal(row['CLIENT-ID'], 'kcat-member');
        assert.match(row['CONSUMER-ID']!, /^kcat-member-/);
        assert.equal(row.HOST, '/127.0.0.1');
      }
      r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--execute']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /can only be reset if the group 'cli-g' is inactive, but the current state is Stable/);
      r = await gregor(['consumer-groups', ...bs, '--delete', '--group', group]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /The group is not empty/);
    } finally {
      member.kill('SIGTERM');
      await new Promise((res) => member.once('exit', res));
    }
    await waitFor('the group to be empty again', async () => (await describeGroup(kafka, group)).state === 'Empty');
  });

  test('reset-offsets: dry run by default, then earliest, an offset, a date-time and latest; delete removes the group', async () => {
    const before = await committedOffsets(kafka, group, topic);
    let r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout).map((x) => x['NEW-OFFSET']), ['0', '0', '0']);
    assert.match(r.stderr, /dry run/);
    assert.deepEqual(await committedOffsets(kafka, group, topic), before, 'a dry run changes nothing');

    r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--execute']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await committedOffsets(kafka, group, topic), [0, 0, 0]);

    r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', `${topic}:1`, '--to-offset', '4', '--execute']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await committedOffsets(kafka, group, topic), [0, 4, 0]);

    // Record i of each partition has timestamp firstTimestamp + i s: 6.5 s in is offset 7.
    const at = new Date(firstTimestamp + 6500).toISOString().replace(/Z$/, 'Z');
    r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', `${topic}:2`, '--to-datetime', at, '--execute']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await committedOffsets(kafka, group, topic), [0, 4, 7]);

    r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--all-topics', '--to-latest', '--execute']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await committedOffsets(kafka, group, topic), [12, 10, 10]);

    r = await gregor(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic]);
    assert.equal(r.code, 2, 'a reset needs a --to-* target');

    r = await gregor(['consumer-groups', ...bs, '--delete', '--group', group]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Deletion of requested consumer groups \('cli-g'\) was successful/);
    r = await gregor(['consumer-groups', ...bs, '--list']);
    assert.ok(!r.stdout.split('\n').includes(group));
    r = await gregor(['consumer-groups', ...bs, '--describe', '--group', group]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist/);
    assert.deepEqual(await committedOffsets(kafka, group, topic), [-1, -1, -1], 'its offsets are gone');
  });
});
