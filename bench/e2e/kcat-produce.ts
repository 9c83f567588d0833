// Broker produce throughput with librdkafka as the load generator (kcat -P from a file), so the number
// measures the broker rather than a JavaScript client: records/s, MB/s, broker CPU seconds and peak RSS.
// Then reads everything back with kcat -C to the end and reports fetch throughput.
//
//   npm run bench:kcat -- --records 2000000 --record-size 100 --partitions 1 --acks 1
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, writeSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '2000000' },
    'record-size': { type: 'string', default: '100' },
    partitions: { type: 'string', default: '1' },
    acks: { type: 'string', default: '1' },
    compression: { type: 'string', default: 'none' },
    'broker-override': { type: 'string', multiple: true, default: [] },
  },
});
const overrides = Object.fromEntries(args['broker-override']!.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const records = Number(args.records);
const size = Number(args['record-size']);

const work = mkdtempSync(join(tmpdir(), 'gregor-kcat-bench-'));
const input = join(work, 'records.txt');
const fd = openSync(input, 'w');
const line = Buffer.alloc(size, 'x');
line[size - 1] = 0x0a; // kcat splits on newlines: size-1 payload bytes + delimiter
const chunk = Buffer.concat(Array.from({ length: 1000 }, () => line));
for (let i = 0; i < records; i += 1000) writeSync(fd, i + 1000 <= records ? chunk : chunk.subarray(0, (records - i) * size));
closeSync(fd);

const broker = await BrokerProcess.start({ overrides: { 'num.partitions': args.partitions!, ...overrides } });
const procStat = () => {
  const status = readFileSync(`/proc/${broker.pid}/status`, 'utf8');
  const stat = readFileSync(`/proc/${broker.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
  return { peakRssMb: Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024, cpuSeconds: ticks / 100 };
};
try {
  const before = procStat();
  let t = performance.now();
  const p = spawnSync('kcat', ['-b', broker.bootstrap, '-P', '-t', 'bench', '-l', input, '-X', `acks=${args.acks}`, '-X', 'linger.ms=5', '-X', 'batch.size=1000000',
    '-X', 'batch.num.messages=10000', '-z', args.compression!], { encoding: 'utf8', timeout: 600_000 });
  const produceS = (performance.now() - t) / 1000;
  if (p.status !== 0) throw new Error(`kcat -P failed: ${p.stderr}`);
  const afterProduce = procStat();
  t = performance.now();
  const c = spawnSync('sh', ['-c', `kcat -b ${broker.bootstrap} -C -t bench -o beginning -e -q -f '%s\\n' | wc -l`], { encoding: 'utf8', timeout: 600_000 });
  const fetchS = (performance.now() - t) / 1000;
  const consumed = Number(c.stdout.trim());
  if (consumed !== records) throw new Error(`consumed ${consumed} of ${records} records: ${c.stderr}`);
  const afterFetch = procStat();
  const mb = (records * size) / 1e6;
  const rows = [
    { phase: 'produce (kcat -P)', 'records/s': Math.round(records / produceS), 'MB/s': mb / produceS, 'wall s': produceS, 'broker cpu s': afterProduce.cpuSeconds - before.cpuSeconds, 'broker peak RSS MB': afterProduce.peakRssMb },
    { phase: 'fetch (kcat -C -e)', 'records/s': Math.round(records / fetchS), 'MB/s': mb / fetchS, 'wall s': fetchS, 'broker cpu s': afterFetch.cpuSeconds - afterProduce.cpuSeconds, 'broker peak RSS MB': afterFetch.peakRssMb },
  ];
  console.log(`${records} records of ${size} B, ${args.partitions} partition(s), acks=${args.acks}, compression ${args.compression}${args['broker-override']!.length ? `, broker ${args['broker-override']!.join(' ')}` : ''}`);
  printTable(rows);
  console.log(`results: ${writeResults('kcat-produce', rows, { args })}`);
} finally {
  await broker.close();
  rmSync(work, { recursive: true, force: true });
}
