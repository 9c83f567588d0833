// End-to-end produce benchmark over TCP, in the spirit of Kafka's ProducerPerformance: sends N records
// of a given size with the project's client, and reports records/s, MB/s, latency percentiles
// (hdr-histogram) and the broker's peak RSS. Starts its own broker process unless --bootstrap is given.
//
//   npm run bench:produce -- --records 1000000 --record-size 100 --partitions 6 --acks 1 [--connections 2]
//     [--compression lz4] [--batch-size 65536] [--throughput 100000] [--broker-override append.pool=false]
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import { Admin, Producer, type CompressionName } from '../../src/client/index.js';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({
  options: {
    bootstrap: { type: 'string' },
    'replication-factor': { type: 'string', default: '1' },
    'topic-config': { type: 'string', multiple: true, default: [] },
    topic: { type: 'string', default: `perf-${Date.now()}` },
    records: { type: 'string', default: '500000' },
    'record-size': { type: 'string', default: '100' },
    partitions: { type: 'string', default: '1' },
    acks: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '65536' },
    'linger-ms': { type: 'string', default: '5' },
    compression: { type: 'string', default: 'none' },
    throughput: { type: 'string', default: '-1' },
    label: { type: 'string', default: '' },
    'max-inflight': { type: 'string', default: '20000' },
    connections: { type: 'string', default: '1' },
    'broker-override': { type: 'string', multiple: true, default: [] },
  },
});
const overrides = Object.fromEntries(args['broker-override']!.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const connections = Math.max(1, Number(args.connections));

const records = Number(args.records);
const recordSize = Number(args['record-size']);
const partitions = Number(args.partitions);
const acks = Number(args.acks) as -1 | 0 | 1;
const throughput = Number(args.throughput);
const maxInflight = Number(args['max-inflight']);

const broker = args.bootstrap ? undefined : await BrokerProcess.start({ overrides });
const bootstrap = args.bootstrap ?? broker!.bootstrap;
let peakRssKb = 0;
const sampleRss = () => {
  if (!broker?.pid) return;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${broker.pid}/status`, 'utf8'));
    if (m) peakRssKb = Math.max(peakRssKb, Number(m[1]));
  } catch {
    // the process is gone
  }
};

try {
  const admin = new Admin({ bootstrap });
  const configs = Object.fromEntries((args['topic-config'] as string[]).map((kv) => kv.split('=', 2) as [string, string]));
  await admin.createTopics([{ topic: args.topic!, numPartitions: partitions, replicationFactor: Number(args['replication-factor']), configs }]);
  await admin.close();

  // --connections producers, each with its own connections, share the records round-robin.
  const producers = Array.from({ length: connections }, () => new Producer({ bootstrap, acks, batchSize: Number(args['batch-size']), lingerMs: Number(args['linger-ms']), compression: args.compression as CompressionName }));
  await Promise.all(producers.map((p) => p.connect()));
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  // Payloads as Kafka's tool makes them: random printable bytes, reused.
  const payload = Buffer.alloc(recordSize);
  for (let i = 0; i < recordSize; i++) payload[i] = 65 + (i * 7919) % 26;

  let acked = 0;
  let failed = 0;
  const start = performance.now();
  let windowStart = start;
  let windowCount = 0;
  const progress = setInterval(() => {
    sampleRss();
    const now = performance.now();
    const rate = (windowCount * 1000) / (now - windowStart);
    process.stderr.write(`${acked} records acked, ${rate.toFixed(0)} records/s (${((rate * recordSize) / 1e6).toFixed(1)} MB/s), p99 ${(histogram.getValueAtPercentile(99) / 1000).toFixed(2)} ms\n`);
    windowStart = now;
    windowCount = 0;
  }, 2000);
  // Bounded like a real producer's buffer: at most --max-inflight unacknowledged records.
  let inflight = 0;
  let wakeSender: (() => void) | null = null;
  const settled = () => {
    inflight--;
    if (wakeSender && inflight <= maxInflight / 2) {
      wakeSender();
      wakeSender = null;
    }
  };
  for (let i = 0; i < records; i++) {
    if (throughput > 0) {
      const due = start + (i * 1000) / throughput;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    }
    if (inflight >= maxInflight) await new Promise<void>((r) => (wakeSender = r));
    const sentAt = performance.now();
    inflight++;
    producers[i % connections]!.send({ topic: args.topic!, messages: [{ value: payload }] }).then(
      () => {
        histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
        acked++;
        windowCount++;
        settled();
      },
      () => {
        failed++;
        settled();
      },
    );
  }
  await Promise.all(producers.map((p) => p.flush()));
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(progress);
  sampleRss();
  await Promise.all(producers.map((p) => p.close()));

  const us = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  const row = {
    label: args.label || `${recordSize} B x ${records}, ${partitions} partition(s), acks=${acks}, ${args.compression}, ${connections} connection(s)`,
    'records/s': Math.round(acked / elapsed),
    'MB/s': (acked * recordSize) / elapsed / 1e6,
    'avg ms': histogram.mean / 1000,
    'p50 ms': us(50),
    'p95 ms': us(95),
    'p99 ms': us(99),
    'p999 ms': us(99.9),
    'broker peak RSS MB': broker ? peakRssKb / 1024 : 'n/a',
    failed,
  };
  printTable([row]);
  console.log(`results: ${writeResults('produce-perf', [row], { args })}`);
} finally {
  await broker?.close();
}
