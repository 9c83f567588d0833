// Produce on a three-broker cluster coordinated through a real ZooKeeper (Debian's package): replication
// factor 1 and 3, acks=1 and acks=all (min.insync.replicas=2 for RF 3), each at the client's maximum rate
// and at half of it (for latency percentiles), with the project's client (bench/e2e/produce-perf.ts).
// Then failover: an acks=all producer sends one record at a time while the partition's leader is killed
// with SIGKILL; reported is the time from the kill to the first acknowledged record on the new leader.
//
//   npm run bench:cluster [-- --records 200000 --record-size 1024]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Admin, Producer } from '../../src/client/index.js';
import { startDevZooKeeper } from '../../src/cli/dev-zookeeper.js';
import { BrokerProcess, freePort } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({ options: { records: { type: 'string', default: '200000' }, 'record-size': { type: 'string', default: '1024' } } });
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
type Row = Record<string, string | number>;

const dir = mkdtempSync(join(tmpdir(), 'gregor-bench-cluster-'));
const zk = await startDevZooKeeper(await freePort(), join(dir, 'zookeeper'));
const brokers: BrokerProcess[] = [];
try {
  for (let id = 0; id < 3; id++) {
    brokers.push(await BrokerProcess.start({ overrides: { 'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/bench`, 'replica.fetch.wait.max.ms': 100, 'offsets.topic.num.partitions': 3 } }));
  }
  const bootstrap = brokers.map((b) => b.bootstrap).join(',');
  const rows: Row[] = [];
  const cases: Array<[number, string]> = [[1, '1'], [1, '-1'], [3, '1'], [3, '-1']];
  for (const [rf, acks] of cases) {
    for (const rate of ['max', 'half']) {
      let throughput = '-1';
      if (rate === 'half') throughput = String(Math.round(Number(rows.find((r) => r.rf === rf && r.acks === acks && r.rate === 'max')!['records/s']) / 2));
      const argv = ['--bootstrap', bootstrap, '--topic', `bench-rf${rf}-acks${acks}-${rate}`, '--records', args.records!, '--record-size', args['record-size']!, '--partitions', '3',
        '--replication-factor', String(rf), `--acks=${acks}`, `--throughput=${throughput}`, ...(rf === 3 ? ['--topic-config', 'min.insync.replicas=2'] : [])];
      process.stderr.write(`RF ${rf}, acks ${acks === '-1' ? 'all' : acks}, ${rate} rate ...\n`);
      const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'e2e', 'produce-perf.js'), ...argv], { encoding: 'utf8', timeout: 600_000, cwd: ROOT });
      const m = /results: (.+\.json)/.exec(r.stdout);
      if (r.status !== 0 || !m) throw new Error(`produce-perf failed (${r.status}):\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`);
      const row = (JSON.parse(readFileSync(m[1]!, 'utf8')).rows as Row[])[0]!;
      rows.push({ rf, acks, rate, 'records/s': row['records/s']!, 'MB/s': row['MB/s']!, 'p50 ms': row['p50 ms'] ?? '', 'p99 ms': row['p99 ms'] ?? '', 'p99.9 ms': row['p999 ms'] ?? '',
        command: `node dist/bench/e2e/produce-perf.js ${argv.join(' ').replace(bootstrap, '<3 brokers>')}` });
    }
  }

  // Failover: the leader of partition 0 of an RF 3 topic is killed while an acks=all producer waits on each record.
  const admin = new Admin({ bootstrap });
  await admin.createTopics([{ topic: 'failover', numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
  const leaderOf = async () => (await admin.describeTopics(['failover']))[0]!.partitions[0]!.leader;
  let leader = -1;
  for (let i = 0; i < 100 && leader < 0; i++) {
    leader = await leaderOf().catch(() => -1);
    if (leader < 0) await new Promise((r) => setTimeout(r, 100));
  }
  await admin.close();
  const producer = new Producer({ bootstrap, acks: -1, lingerMs: 0 });
  for (let i = 0; i < 20; i++) await producer.send({ topic: 'failover', messages: [{ value: Buffer.from(`warm-${i}`), partition: 0 }] });
  const killedAt = performance.now();
  await brokers[leader]!.kill9();
  let firstAckMs = -1;
  for (let i = 0; firstAckMs < 0 && performance.now() - killedAt < 60_000; i++) {
    try {
      await producer.send({ topic: 'failover', messages: [{ value: Buffer.from(`after-${i}`), partition: 0 }] });
      firstAckMs = performance.now() - killedAt;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await producer.close();
  rows.push({ rf: 3, acks: '-1', rate: 'failover', 'records/s': '', 'MB/s': '', 'p50 ms': '', 'p99 ms': '', 'p99.9 ms': '',
    command: `leader (broker ${leader}) SIGKILL to first acknowledged record: ${firstAckMs < 0 ? 'none within 60 s' : `${Math.round(firstAckMs)} ms`} (zookeeper.session.timeout.ms 18000)` });
  printTable(rows);
  writeResults('cluster-replication', rows);
} finally {
  for (const b of brokers) await b.close();
  await zk.stop();
  rmSync(dir, { recursive: true, force: true });
}
