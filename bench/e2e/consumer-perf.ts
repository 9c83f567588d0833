// End-to-end fetch benchmark over TCP, in the spirit of Kafka's ConsumerPerformance: fills a topic with N
// records of a given size (project client, acks=1), then reads them all back and reports records/s, MB/s,
// fetch round-trip percentiles (hdr-histogram), the broker's CPU time and peak RSS. Two readers:
//   --mode client   the project's Consumer (decodes and CRC-checks every batch, as an application would)
//   --mode raw      bare Fetch requests that only walk batch headers, so the broker's fetch path is
//                   what is measured, not the client's record decoding
// --cold reads with a cold page cache (the topic's files are evicted from it after filling).
// Starts its own broker process (with --broker-override key=value ...) unless --bootstrap is given.
//
//   npm run bench:consume -- --records 2000000 --record-size 100 --partitions 6 --mode raw
import { parseArgs } from 'node:util';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { native } from '../../src/hotpath/index.js';
import * as hdr from 'hdr-histogram-js';
import { Admin, Consumer, Producer, type CompressionName } from '../../src/client/index.js';
import { RawFetcher } from './raw-fetcher.js';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({
  options: {
    bootstrap: { type: 'string' },
    topic: { type: 'string', default: `cperf-${Date.now()}` },
    records: { type: 'string', default: '1000000' },
    'record-size': { type: 'string', default: '100' },
    partitions: { type: 'string', default: '1' },
    compression: { type: 'string', default: 'none' },
    mode: { type: 'string', default: 'raw' },
    'fetch-max-bytes': { type: 'string', default: String(50 << 20) },
    'partition-max-bytes': { type: 'string', default: String(1 << 20) },
    'broker-override': { type: 'string', multiple: true, default: [] },
    label: { type: 'string', default: '' },
    'skip-fill': { type: 'boolean', default: false },
    /** Read with a cold page cache: after filling, the topic's segment files are written out and evicted. */
    cold: { type: 'boolean', default: false },
  },
});

const records = Number(args.records);
const recordSize = Number(args['record-size']);
const partitions = Number(args.partitions);
const overrides = Object.fromEntries(args['broker-override']!.map((kv) => {
  const i = kv.indexOf('=');
  return [kv.slice(0, i), kv.slice(i + 1)];
}));

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
/** The broker's user+system CPU seconds so far (from /proc). */
const brokerCpu = (): number => {
  if (!broker?.pid) return NaN;
  const f = readFileSync(`/proc/${broker.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

try {
  if (!args['skip-fill']) {
    const admin = new Admin({ bootstrap });
    await admin.createTopics([{ topic: args.topic!, numPartitions: partitions, replicationFactor: 1 }]);
    await admin.close();
    const producer = new Producer({ bootstrap, acks: 1, batchSize: 256 * 1024, lingerMs: 5, compression: args.compression as CompressionName });
    await producer.connect();
    const payload = Buffer.alloc(recordSize);
    for (let i = 0; i < recordSize; i++) payload[i] = 65 + (i * 7919) % 26;
    let inflight = 0;
    let wake: (() => void) | null = null;
    for (let i = 0; i < records; i++) {
      if (inflight >= 50_000) await new Promise<void>((r) => (wake = r));
      inflight++;
      void producer.send({ topic: args.topic!, messages: [{ value: payload }] }).finally(() => {
        inflight--;
        if (wake && inflight < 25_000) {
          wake();
          wake = null;
        }
      });
    }
    await producer.flush();
    await producer.close();
  }
  sampleRss();
  if (args.cold) {
    // Write the topic's segment files out and evict them from the page cache (no root needed).
    if (!broker) throw new Error('--cold needs the broker this benchmark starts (its log directory); leave out --bootstrap');
    let files = 0;
    for (let p = 0; p < partitions; p++) {
      const dir = join(broker.logDir, `${args.topic}-${p}`);
      for (const f of readdirSync(dir)) {
        native.evictFromPageCache(join(dir, f));
        files++;
      }
    }
    process.stderr.write(`evicted ${files} files of ${args.topic} from the page cache\n`);
  }

  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  let consumed = 0;
  let bytes = 0;
  const cpuBefore = brokerCpu();
  const start = performance.now();
  const progress = setInterval(() => {
    sampleRss();
    const s = (performance.now() - start) / 1000;
    process.stderr.write(`${consumed} records, ${(consumed / s).toFixed(0)} records/s, ${(bytes / s / 1e6).toFixed(1)} MB/s, fetch p99 ${(histogram.getValueAtPercentile(99) / 1000).toFixed(2)} ms\n`);
  }, 2000);

  if (args.mode === 'client') {
    const consumer = new Consumer({ bootstrap, maxBytes: Number(args['fetch-max-bytes']), maxPartitionBytes: Number(args['partition-max-bytes']), maxWaitMs: 100 });
    await consumer.assign({ topic: args.topic!, from: 'earliest' });
    while (consumed < records) {
      const t = performance.now();
      const batch = await consumer.poll();
      histogram.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
      consumed += batch.length;
      for (const r of batch) bytes += r.value?.length ?? 0;
    }
    await consumer.close();
  } else {
    const [host, port] = bootstrap.split(':');
    const conn = await RawFetcher.open(host!, Number(port));
    const offsets = new Array<number>(partitions).fill(0);
    try {
      while (consumed < records) {
        const t = performance.now();
        const res = await conn.fetch(args.topic!, offsets, Number(args['fetch-max-bytes']), Number(args['partition-max-bytes']));
        histogram.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
        for (const p of res.responses[0]?.partitions ?? []) {
          if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode} on partition ${p.partitionIndex}`);
          const recs = p.records;
          if (!recs) continue;
          // Walk batch headers only: baseOffset, batchLength, lastOffsetDelta, recordsCount.
          for (let at = 0; at + 61 <= recs.length;) {
            const size = 12 + recs.readInt32BE(at + 8);
            if (at + size > recs.length) break;
            consumed += recs.readInt32BE(at + 57);
            bytes += size;
            offsets[p.partitionIndex] = Number(recs.readBigInt64BE(at)) + recs.readInt32BE(at + 23) + 1;
            at += size;
          }
        }
      }
    } finally {
      conn.close();
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(progress);
  sampleRss();
  const cpu = brokerCpu() - cpuBefore;
  const ms = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  const row = {
    label: args.label || `${args.mode} ${recordSize} B x ${records}, ${partitions} partition(s), ${args.compression}${args.cold ? ', cold cache' : ''}`,
    'records/s': Math.round(consumed / elapsed),
    'MB/s': bytes / elapsed / 1e6,
    'fetch avg ms': histogram.mean / 1000,
    'fetch p50 ms': ms(50),
    'fetch p99 ms': ms(99),
    'fetch p999 ms': ms(99.9),
    'broker CPU s': Number.isNaN(cpu) ? 'n/a' : cpu,
    'broker peak RSS MB': broker ? peakRssKb / 1024 : 'n/a',
  };
  printTable([row]);
  console.log(`results: ${writeResults('consumer-perf', [row], { args })}`);
} finally {
  await broker?.close();
}
