// `gregor dev-cluster --brokers 3` as a user runs it: ZooKeeper (Debian's package) plus three broker processes
// on loopback ports, then the bootstrap line; kcat sees three brokers, kafkajs creates a topic with replication
// factor 3, produces with acks=all and consumes it back; SIGINT stops everything, exit code 0, ports closed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, GREGOR_BIN } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { waitFor } from '../helpers/wait.js';

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** A base port with base, base+1 and base+2 free. */
async function freeBase(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + n - 1 > 65535) continue;
    let ok = true;
    for (let i = 1; i < n && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports found`);
}

/** True when nothing accepts connections on 127.0.0.1:port. */
function refused(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.setTimeout(2000, () => {
      s.destroy();
      res(false);
    });
    s.once('connect', () => {
      s.destroy();
      res(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => res(e.code === 'ECONNREFUSED'));
  });
}

describe('gregor dev-cluster --brokers 3', () => {
  let dir = '';
  let base = 0;
  let child: ChildProcess | undefined;
  let out = '';
  let bootstrap = '';
  let zkPort = 0;
  // Should the test process end early, dev-cluster is asked to stop its cluster (it outlives a SIGKILL of ours).
  const stopOnExit = () => child?.kill('SIGTERM');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-dev-cluster-'));
    base = await freeBase(3);
    process.on('exit', stopOnExit);
    child = spawn(process.execPath, [GREGOR_BIN, 'dev-cluster', '--brokers', '3', '--zookeeper-port', '0', '--base-port', String(base), '--data', dir,
      '--override', 'offsets.topic.num.partitions=3', '--override', 'group.initial.rebalance.delay.ms=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const line = await waitFor('the bootstrap line', () => {
      if (child!.exitCode !== null) throw new Error(`dev-cluster exited (${child!.exitCode}):\n${out}`);
      return /^bootstrap servers: (\S+)$/m.exec(out)?.[1];
    }, 120_000);
    bootstrap = line;
    zkPort = Number(/^zookeeper 127\.0\.0\.1:(\d+) ready/m.exec(out)?.[1]);
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', stopOnExit);
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints progress, the bootstrap list and where each broker keeps its data', () => {
    assert.equal(bootstrap, [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(','));
    assert.ok(zkPort > 0, out);
    for (let i = 0; i < 3; i++) {
      assert.match(out, new RegExp(`^broker ${i} 127\\.0\\.0\\.1:${base + i} started`, 'm'));
      assert.ok(existsSync(join(dir, `broker-${i}`, 'meta.properties')), `broker-${i}/meta.properties`);
    }
    assert.ok(existsSync(join(dir, 'zookeeper', 'version-2')), 'zookeeper data dir');
    assert.match(out, /kcat -b /);
  });

  test('kcat lists three brokers', async () => {
    const r = await kcat(['-b', bootstrap, '-L', '-m', '10'], undefined, 30_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, / 3 brokers:/);
    for (let i = 0; i < 3; i++) assert.match(r.stdout, new RegExp(`broker ${i} at 127\\.0\\.0\\.1:${base + i}`));
  });

  test('kafkajs: a topic with replication factor 3, acks=all produce, consumed back', async () => {
    const kafka = kafkaClient(bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'dev', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] });
      await waitFor('leaders and full ISRs', async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['dev'] });
        return m.topics[0]!.partitions.length === 3 && m.topics[0]!.partitions.every((p) => p.leader >= 0 && p.replicas.length === 3 && p.isr.length === 3);
      }, 30_000);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
    try {
      await producer.send({ topic: 'dev', acks: -1, messages: values.map((v, i) => ({ key: `k${i}`, value: v })) });
    } finally {
      await producer.disconnect();
    }
    const consumer = kafka.consumer({ groupId: 'dev-cluster-test' });
    const seen = new Set<string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'dev', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => {
        seen.add(message.value!.toString());
      } });
      await waitFor('every produced record consumed', () => values.every((v) => seen.has(v)), 60_000);
    } finally {
      await consumer.disconnect();
    }
    assert.equal(seen.size, values.length);
  });

  test('SIGINT stops the brokers, then ZooKeeper, exits 0 and frees the ports', async () => {
    const c = child!;
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    c.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 60_000)))]);
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.match(out, /^zookeeper stopped$/m);
    for (let i = 0; i < 3; i++) assert.match(out, new RegExp(`^broker ${i} stopped$`, 'm'));
    for (const port of [base, base + 1, base + 2, zkPort]) {
      assert.ok(await waitFor(`port ${port} closed`, () => refused(port), 10_000), `port ${port} still open`);
    }
  });
});
