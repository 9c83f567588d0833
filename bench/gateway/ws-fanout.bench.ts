// WebSocket fan-out: N subscribers on one topic, a producer at a fixed rate; records/s delivered in
// total and delivery latency (append request sent -> record parsed by a subscriber) for
//   gregor  the gateway (records appended over HTTP, read from the log, encoded once, sent to all)
//   uws     a bare uWebSockets.js broadcaster (fanout-server.ts): transport only
//   ws      the same broadcaster on the `ws` package: the baseline the issue asks for
// Subscribers and producer run in this process; the server in its own. Correctness first: every
// subscriber must receive every record, in order.
//   node dist/bench/gateway/ws-fanout.bench.js [--subscribers 1,100,1000] [--rate 1000] [--tick-ms 10] [--seconds 5] [--servers gregor,uws,ws]
// One batch of rate*tick/1000 records is produced every tick; each subscriber gets one frame per batch.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import WebSocket from 'ws';
import { BrokerProcess, freePort } from '../../test/helpers/broker-process.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({ options: {
  subscribers: { type: 'string', default: '1,100,1000' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '5' },
  servers: { type: 'string', default: 'gregor,uws,ws' }, 'record-size': { type: 'string', default: '100' }, 'tick-ms': { type: 'string', default: '10' },
} });
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const recordSize = Number(args['record-size']);
const TICK_MS = Number(args['tick-ms']);
const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const t = setTimeout(() => reject(new Error('connect timeout')), 20_000);
    ws.once('open', () => {
      clearTimeout(t);
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

/** A record value: the send time (performance.now(), µs) and a sequence number, padded. */
function value(seq: number, t: number): string {
  const head = `${Math.round(t * 1000)}:${seq}:`;
  return head + 'x'.repeat(Math.max(0, recordSize - head.length));
}

interface Server {
  url: string;
  subscribe(ws: WebSocket): Promise<void>;
  publish(records: string[]): Promise<void>;
  close(): Promise<void>;
}

async function gregorServer(): Promise<Server> {
  const port = await freePort();
  const broker = await BrokerProcess.start({ overrides: { 'gateway.listeners': `HTTP://127.0.0.1:${port}` } });
  const deadline = Date.now() + 10_000;
  while (!broker.output.includes('gateway started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const base = `http://127.0.0.1:${port}`;
  await fetch(`${base}/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'fanout', partitions: 1 }) });
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    subscribe: (ws) => new Promise((resolve) => {
      ws.once('message', () => resolve());
      ws.send(JSON.stringify({ type: 'subscribe', topic: 'fanout', from: 'latest', credit: null }));
    }),
    publish: async (records) => {
      const r = await fetch(`${base}/topics/fanout/partitions/0`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: records.map((v) => ({ value: v })) }) });
      if (r.status !== 200) throw new Error(`produce ${r.status}`);
      await r.arrayBuffer();
    },
    close: () => broker.close(),
  };
}

async function baselineServer(impl: 'ws' | 'uws'): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fanout-server.js'), impl, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('baseline server did not start')), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const url = `ws://127.0.0.1:${port}/`;
  const pub = await connect(url);
  await new Promise<void>((resolve) => {
    pub.once('message', () => resolve());
    pub.send('pub');
  });
  let offset = 0;
  return {
    url,
    subscribe: (ws) => new Promise((resolve) => {
      ws.once('message', () => resolve());
      ws.send('sub');
    }),
    publish: async (records) => {
      // The same JSON frame shape the gateway sends.
      pub.send(JSON.stringify({ type: 'records', topic: 'fanout', partition: 0, records: records.map((v) => ({ offset: offset++, timestamp: Date.now(), key: null, value: v, headers: [] })) }));
    },
    close: async () => {
      pub.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const rows: Array<Record<string, string | number>> = [];
for (const serverName of args.servers!.split(',')) {
  for (const n of args.subscribers!.split(',').map(Number)) {
    const server = serverName === 'gregor' ? await gregorServer() : await baselineServer(serverName as 'ws' | 'uws');
    const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
    const subs: WebSocket[] = [];
    const received = new Array<number>(n).fill(0);
    let outOfOrder = 0;
    for (let i = 0; i < n; i++) {
      const ws = await connect(server.url);
      await server.subscribe(ws);
      const me = i;
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString());
        if (msg.type !== 'records') return;
        const now = performance.now();
        for (const r of msg.records) {
          const [t, seq] = (r.value as string).split(':');
          if (Number(seq) !== received[me]) outOfOrder++;
          received[me]!++;
          hist.recordValue(Math.max(1, Math.round(now * 1000 - Number(t))));
        }
      });
      subs.push(ws);
    }
    let seq = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    let next = started;
    while (performance.now() < end) {
      const t = performance.now();
      const batch = Array.from({ length: perTick }, () => value(seq++, t));
      await server.publish(batch);
      next += TICK_MS;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const sendSecs = (performance.now() - started) / 1000;
    // Drain: wait (bounded) until every subscriber has everything.
    const drainDeadline = Date.now() + 30_000;
    while (received.some((c) => c < seq) && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 50));
    const totalSecs = (performance.now() - started) / 1000;
    const delivered = received.reduce((a, b) => a + b, 0);
    const complete = received.every((c) => c === seq) && outOfOrder === 0;
    rows.push({ server: serverName, subscribers: n, 'produced rec/s': Math.round(seq / sendSecs), 'delivered rec/s': Math.round(delivered / totalSecs),
      'p50 ms': hist.getValueAtPercentile(50) / 1000, 'p99 ms': hist.getValueAtPercentile(99) / 1000, 'max ms': hist.maxValue / 1000, complete: complete ? 'yes' : `NO (${delivered}/${seq * n}, ${outOfOrder} out of order)` });
    for (const ws of subs) ws.terminate();
    await server.close();
    printTable(rows.slice(-1));
  }
}
console.log();
printTable(rows);
console.log(`\n${rate} records/s of ${recordSize} B in batches every ${TICK_MS} ms for ${seconds} s; subscribers (ws clients) and producer in one process, server in another; same machine.`);
console.log(`results: ${writeResults('gateway-ws-fanout', rows, { rate, seconds, recordSize })}`);
