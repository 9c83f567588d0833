// Fetch throughput over PLAINTEXT (sendfile from the segment file to the socket) against SSL and SASL_SSL
// (file ranges read in 256 KiB chunks and written through Node's TLS socket), with kcat (librdkafka) as the
// consumer, on one broker process with every listener; plus authentication handshakes per second
// (gregor's client: PLAIN and SCRAM-SHA-256/512 over SASL_SSL, a new TLS connection each).
//   node dist/bench/e2e/tls-fetch.js [--mb 128] [--runs 3] [--handshakes 200]
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { Connection } from '../../src/client/index.js';
import { kcat } from '../../test/helpers/kcat.js';
import { startSecureBroker } from '../../test/helpers/secure-broker.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({ options: { mb: { type: 'string', default: '128' }, runs: { type: 'string', default: '3' }, handshakes: { type: 'string', default: '200' } } });
const mb = Number(args.mb);
const runs = Number(args.runs);
const RECORD = 1024;
const records = Math.floor((mb * 1024 * 1024) / RECORD);

const sb = await startSecureBroker({ 'log.segment.bytes': 256 << 20 });
try {
  const line = 'x'.repeat(RECORD - 1);
  const chunk = Array.from({ length: 10_000 }, () => line).join('\n') + '\n';
  for (let sent = 0; sent < records; sent += 10_000) {
    const p = await kcat(['-b', sb.addr('PLAINTEXT'), '-P', '-t', 'tls-bench', '-X', 'linger.ms=50', '-X', 'batch.size=1000000'], chunk, 300_000);
    if (p.code !== 0) throw new Error(p.stderr);
  }
  const total = Math.ceil(records / 10_000) * 10_000;
  const tls = ['-X', `ssl.ca.location=${sb.certs.caPem}`];
  const variants: Array<[string, string[]]> = [
    ['PLAINTEXT', ['-b', sb.addr('PLAINTEXT')]],
    ['SSL', ['-b', sb.addr('SSL'), '-X', 'security.protocol=SSL', ...tls]],
    ['SASL_SSL (SCRAM-SHA-512)', ['-b', sb.addr('SASL_SSL'), '-X', 'security.protocol=SASL_SSL', ...tls, '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=bob', '-X', 'sasl.password=bob-secret']],
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const [name, a] of variants) {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const c = await kcat([...a, '-C', '-t', 'tls-bench', '-o', 'beginning', '-e', '-q', '-f', '%o\n', '-X', 'fetch.max.bytes=52428800', '-X', 'max.partition.fetch.bytes=10485760'], undefined, 600_000);
      const ms = performance.now() - t;
      const n = c.stdout.split('\n').filter((l) => l !== '').length;
      if (c.code !== 0 || n !== total) throw new Error(`${name}: read ${n} of ${total}: ${c.stderr}`);
      times.push(ms);
    }
    const best = Math.min(...times);
    rows.push({ listener: name, records: total, MB: (total * RECORD) / 1048576, 'best s': best / 1000, 'MB/s (best)': (total * RECORD) / 1048576 / (best / 1000), 'MB/s (median)': (total * RECORD) / 1048576 / ([...times].sort((x, y) => x - y)[Math.floor(times.length / 2)]! / 1000) });
  }
  const ca = readFileSync(sb.certs.caPem, 'utf8');
  const n = Number(args.handshakes);
  for (const [mechanism, username, password] of [['PLAIN', 'alice', 'alice-secret'], ['SCRAM-SHA-256', 'bob', 'bob-secret'], ['SCRAM-SHA-512', 'bob', 'bob-secret']] as const) {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const c = await Connection.connect({ host: '127.0.0.1', port: sb.ports.SASL_SSL, tls: { ca: [ca], servername: 'localhost' }, sasl: { mechanism, username, password } });
      c.close();
    }
    const s = (performance.now() - t) / 1000;
    rows.push({ listener: `SASL_SSL handshakes ${mechanism}${mechanism === 'PLAIN' ? '' : ' (4096 iterations)'}`, records: n, MB: 0, 'best s': s, 'MB/s (best)': 0, 'MB/s (median)': n / s });
  }
  printTable(rows);
  process.stdout.write('(handshake rows: the last column is connections + TLS + SASL per second, one at a time)\n');
  writeResults('tls-fetch', rows, { mb, runs });
} finally {
  await sb.close();
}
