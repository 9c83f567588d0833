// HTTP ingest throughput of the gateway: a broker process with the gateway on, N keep-alive HTTP
// connections each posting records in a loop; records/s, MB/s of record values, request latency.
// Correctness first: the offsets answered are dense and the log end offset equals what was sent.
//   node dist/bench/gateway/http-ingest.bench.js [--seconds 5] [--connections 8]
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { BrokerProcess, freePort } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '8' } } });
const seconds = Number(args.seconds);
const connections = Number(args.connections);

const port = await freePort();
const broker = await BrokerProcess.start({ overrides: { 'gateway.listeners': `HTTP://127.0.0.1:${port}`, 'log.segment.bytes': 256 << 20 } });
const deadline = Date.now() + 10_000;
while (!broker.output.includes('gateway started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const agent = new Agent({ keepAlive: true, maxSockets: connections });

function post(path: string, body: Buffer, contentType: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Case { name: string; records: number; size: number; binary: boolean }
const cases: Case[] = [
  { name: 'JSON, 1 record of 100 B per request', records: 1, size: 100, binary: false },
  { name: 'JSON, 100 records of 100 B per request', records: 100, size: 100, binary: false },
  { name: 'JSON, 1000 records of 100 B per request', records: 1000, size: 100, binary: false },
  { name: 'JSON, 100 records of 1 KiB per request', records: 100, size: 1024, binary: false },
  { name: 'octet-stream, 1 record of 64 KiB per request', records: 1, size: 65536, binary: true },
];

const rows: Array<Record<string, string | number>> = [];
let topicNo = 0;
for (const c of cases) {
  const topic = `ingest-${topicNo++}`;
  const value = 'v'.repeat(c.size);
  const body = c.binary ? Buffer.alloc(c.size, 0x61) : Buffer.from(JSON.stringify({ records: Array.from({ length: c.records }, (_, i) => ({ key: `key-${i}`, value })) }));
  const path = `/topics/${topic}/partitions/0`;
  const ct = c.binary ? 'application/octet-stream' : 'application/json';
  // Warm-up and correctness: dense offsets from 0.
  const first = await post(path, body, ct);
  if (first.status !== 200) throw new Error(`warm-up failed: ${first.status} ${first.body}`);
  const offsets = JSON.parse(first.body).offsets.map((o: { offset: number }) => o.offset);
  if (offsets.some((o: number, i: number) => o !== i)) throw new Error('offsets not dense');
  const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  let requests = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await post(path, body, ct);
      if (r.status !== 200) throw new Error(`produce failed: ${r.status} ${r.body}`);
      hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
      requests++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const describe = await new Promise<string>((resolve) => request({ host: '127.0.0.1', port, path: `/topics/${topic}`, agent }, (res) => {
    let s = '';
    res.on('data', (d) => (s += d));
    res.on('end', () => resolve(s));
  }).end());
  const leo = JSON.parse(describe).partitions[0].log_end_offset;
  if (leo !== (requests + 1) * c.records) throw new Error(`log end offset ${leo}, expected ${(requests + 1) * c.records}`);
  const records = requests * c.records;
  rows.push({ case: c.name, 'requests/s': Math.round(requests / elapsed), 'records/s': Math.round(records / elapsed), 'MB/s (values)': (records * c.size) / elapsed / 1e6,
    'p50 ms': hist.getValueAtPercentile(50) / 1000, 'p99 ms': hist.getValueAtPercentile(99) / 1000 });
}
printTable(rows);
console.log(`\n${connections} keep-alive connections, ${seconds} s per case, acks=all (default), one partition; client and broker on the same machine.`);
console.log(`results: ${writeResults('gateway-http-ingest', rows, { seconds, connections })}`);
agent.destroy();
await broker.close();
