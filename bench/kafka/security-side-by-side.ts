// Gregor beside Apache Kafka 4.x over PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-256): one KRaft node (-Xmx1G)
// and one Gregor broker, both with the three listeners on loopback ports, the same test CA and broker
// certificate (RSA 2048, made with openssl), the same SCRAM user (4096 iterations, created with
// AlterUserScramCredentials on each). Per listener, Kafka's own ProducerPerformance (1 KiB records, acks=all,
// full speed, with a warm-up pass in the same JVM) and ConsumerPerformance run against each broker with a
// client config file, one broker right after the other (which goes first alternates). Then authentication handshakes per second: a small
// TypeScript client (the same code against both) opens connections from --conns workers for --seconds each:
// TLS handshake, ApiVersions, SaslHandshake, SaslAuthenticate client-first and client-final (the proof is
// computed, the server signature checked), close. Per broker: peak RSS (VmHWM). Bounded (a few minutes).
//
//   npm run bench:kafka-security -- [--records 100000] [--seconds 10] [--conns 8] [--only gregor|kafka]
import { parseArgs } from 'node:util';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Admin } from '../../src/client/index.js';
import { ApiVersions, decodeResponseHeader, ErrorCode, encodeRequestHeader, Reader, SaslAuthenticate, SaslHandshake, Scram, Writer } from '../../src/protocol/index.js';
import { freePort, GREGOR_BIN } from '../../test/helpers/broker-process.js';
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js';
import { setScramUser } from '../../test/helpers/secure-broker.js';
import { CLASSPATH, ensureKafkaJars, KAFKA_VERSION, loadAverage, peakRssMb, prepareKraftNode, RESULTS, sleep } from './kafka-jvm.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    conns: { type: 'string', default: '8' },
    only: { type: 'string' },
  },
});
const RECORDS = Number(args.records);
const USER = 'bench';
const PASSWORD = 'bench-secret';
const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_SSL'] as const;
type Protocol = (typeof PROTOCOLS)[number];

interface Broker {
  readonly name: 'kafka' | 'gregor';
  readonly ports: Record<Protocol, number>;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function spawnKept(cmd: string, argv: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => out };
}

async function ports(): Promise<Record<Protocol, number>> {
  return { PLAINTEXT: await freePort(), SSL: await freePort(), SASL_SSL: await freePort() };
}

const listenerList = (p: Record<Protocol, number>) => PROTOCOLS.map((l) => `${l}://127.0.0.1:${p[l]}`).join(',');

async function startKafka(certs: TestCerts): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sec-sbs-'));
  const p = await ports();
  const node = { id: 1, port: p.PLAINTEXT, controllerPort: await freePort() };
  const cmd = prepareKraftNode(dir, node, [node], randomUUID().replace(/-/g, '').slice(0, 22), [
    // Later keys win in a properties file: these replace the PLAINTEXT-only listeners prepareKraftNode writes.
    `listeners=${listenerList(p)},CONTROLLER://127.0.0.1:${node.controllerPort}`, `advertised.listeners=${listenerList(p)}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'ssl.keystore.type=PKCS12', `ssl.keystore.location=${certs.brokerP12}`, `ssl.keystore.password=${certs.password}`, `ssl.key.password=${certs.password}`,
    'sasl.enabled.mechanisms=SCRAM-SHA-256',
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
  ]);
  const k = spawnKept(cmd[0]!, cmd.slice(1));
  return { name: 'kafka', ports: p, child: k.child, output: k.output, stop: () => stop(k.child, dir) };
}

async function startGregor(certs: TestCerts): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-sec-sbs-'));
  const p = await ports();
  const o = (kv: string) => ['--override', kv];
  const g = spawnKept(process.execPath, [GREGOR_BIN, 'broker', ...o(`listeners=${listenerList(p)}`), ...o(`log.dirs=${dir}`), ...o('log.level=warn'), ...o('group.initial.rebalance.delay.ms=0'),
    ...o('listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL'), ...o('ssl.keystore.type=PEM'), ...o(`ssl.keystore.location=${certs.brokerPem}`),
    ...o('sasl.enabled.mechanisms=SCRAM-SHA-256')]);
  return { name: 'gregor', ports: p, child: g.child, output: g.output, stop: () => stop(g.child, dir) };
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  child.kill('SIGTERM');
  await Promise.race([new Promise((r) => child.once('exit', r)), sleep(30_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

/** Waits until the broker takes the SCRAM user (AlterUserScramCredentials on PLAINTEXT) and creates the topics. */
async function prepare(b: Broker): Promise<void> {
  const bootstrap = `127.0.0.1:${b.ports.PLAINTEXT}`;
  for (const deadline = Date.now() + 120_000; ;) {
    if (b.child.exitCode !== null) throw new Error(`${b.name} exited during start:\n${b.output()}`);
    try {
      await setScramUser(bootstrap, USER, PASSWORD, 'SCRAM-SHA-256', 4096);
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${b.name} did not take the SCRAM user: ${(e as Error).message}\n${b.output()}`);
      await sleep(250);
    }
  }
  const admin = new Admin({ bootstrap });
  try {
    await admin.createTopics(PROTOCOLS.map((p) => ({ topic: `sec-${p.toLowerCase()}`, numPartitions: 1, replicationFactor: 1 })));
  } finally {
    await admin.close();
  }
}

function clientConfig(dir: string, protocol: Protocol, certs: TestCerts): string {
  const file = join(dir, `${protocol}.properties`);
  const tls = ['ssl.truststore.type=PEM', `ssl.truststore.location=${certs.caPem}`];
  const lines = protocol === 'PLAINTEXT' ? ['security.protocol=PLAINTEXT']
    : protocol === 'SSL' ? ['security.protocol=SSL', ...tls]
      : ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-256', `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${USER}" password="${PASSWORD}";`, ...tls];
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const TOTAL = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/;

function produce(bootstrap: string, topic: string, config: string): { mbPerSec: number; p99: number } | string {
  const pp = (n: number) => ['--topic', topic, '--num-records', String(n), '--record-size', '1024', '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', '--producer.config', config];
  const r = spawnSync('java', ['-Xmx512m', '-cp', CLASSPATH, 'org.apache.kafka.tools.WarmProducerPerformance', ...pp(Math.round(RECORDS / 4)), '--', ...pp(RECORDS)], { encoding: 'utf8', timeout: 600_000 });
  const at = r.stdout.indexOf('== measured');
  const m = at >= 0 ? TOTAL.exec(r.stdout.slice(at)) : null;
  return m ? { mbPerSec: Number(m[3]), p99: Number(m[8]) } : `failed (exit ${r.status}): ${(r.stderr + r.stdout).slice(-400)}`;
}

function consume(bootstrap: string, topic: string, config: string): number | string {
  const r = spawnSync('java', ['-Xmx512m', '-cp', CLASSPATH, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(RECORDS),
    '--timeout', '30000', '--hide-header', '--consumer.config', config], { encoding: 'utf8', timeout: 180_000 });
  const line = r.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).pop();
  if (r.status !== 0 || !line) return `failed (exit ${r.status}): ${(r.stderr.split('\n').find((l) => /Exception|ERROR/.test(l)) ?? r.stderr.slice(-300)).trim()}`;
  return Number(line.split(',')[3]);
}

// ---- the handshake driver ------------------------------------------------------------------------------

/** One Kafka connection over TLS with request/response framing. */
class Conn {
  readonly #socket: TLSSocket;
  #buf: Buffer = Buffer.alloc(0);
  #waiting: ((frame: Buffer) => void) | null = null;
  #failed: ((e: Error) => void) | null = null;
  #correlation = 0;

  private constructor(socket: TLSSocket) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
      if (this.#buf.length >= 4 && this.#buf.length >= 4 + this.#buf.readInt32BE(0)) {
        const n = this.#buf.readInt32BE(0);
        const frame = this.#buf.subarray(4, 4 + n);
        this.#buf = this.#buf.subarray(4 + n);
        const w = this.#waiting;
        this.#waiting = null;
        w?.(frame);
      }
    });
    const fail = (e: Error) => this.#failed?.(e);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed')));
  }

  static open(port: number, ca: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  async request<T, R>(api: { apiKey: number; encodeRequest(w: Writer, v: number, b: T): void; decodeResponse(r: Reader, v: number): R }, version: number, body: T): Promise<R> {
    const w = new Writer();
    w.int32(0);
    encodeRequestHeader(w, { apiKey: api.apiKey, apiVersion: version, correlationId: this.#correlation++, clientId: 'auth-bench' });
    api.encodeRequest(w, version, body);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    const answer = new Promise<Buffer>((resolve, reject) => {
      this.#waiting = resolve;
      this.#failed = reject;
    });
    this.#socket.write(frame);
    const r = new Reader(await answer);
    decodeResponseHeader(r, api.apiKey, version);
    return api.decodeResponse(r, version);
  }

  close(): void {
    this.#failed = null;
    this.#socket.destroy();
  }
}

const salted = new Map<string, Buffer>();

/** A full SCRAM-SHA-256 login on a new TLS connection (the salted password is cached per salt, as a client would). */
async function login(port: number, ca: string): Promise<void> {
  const c = await Conn.open(port, ca);
  try {
    const v = await c.request(ApiVersions, 3, { clientSoftwareName: 'auth-bench', clientSoftwareVersion: '1' });
    if (v.errorCode !== ErrorCode.NONE) throw new Error(`ApiVersions: ${v.errorCode}`);
    const hs = await c.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
    if (hs.errorCode !== ErrorCode.NONE) throw new Error(`SaslHandshake: ${hs.errorCode}`);
    const first = Scram.formatClientFirst(USER, Scram.newNonce());
    const r1 = await c.request(SaslAuthenticate, 2, { authBytes: Buffer.from(first.message) });
    if (r1.errorCode !== ErrorCode.NONE) throw new Error(`client-first: ${r1.errorMessage}`);
    const serverFirst = r1.authBytes.toString();
    const { nonce, salt, iterations } = Scram.parseServerFirst(serverFirst);
    const key = `${salt.toString('base64')}/${iterations}`;
    let sp = salted.get(key);
    if (!sp) salted.set(key, (sp = Scram.saltedPassword('SCRAM-SHA-256', PASSWORD, salt, iterations)));
    const withoutProof = `c=biws,r=${nonce}`;
    const auth = Scram.authMessage(first.bare, serverFirst, withoutProof);
    const r2 = await c.request(SaslAuthenticate, 2, { authBytes: Buffer.from(`${withoutProof},p=${Scram.clientProof('SCRAM-SHA-256', sp, auth).toString('base64')}`) });
    if (r2.errorCode !== ErrorCode.NONE) throw new Error(`client-final: ${r2.errorMessage}`);
    const expected = Scram.serverSignature('SCRAM-SHA-256', Scram.hmac('SCRAM-SHA-256', sp, 'Server Key'), auth).toString('base64');
    if (r2.authBytes.toString() !== `v=${expected}`) throw new Error('wrong server signature');
  } finally {
    c.close();
  }
}

/** Logins from --conns workers: a third of --seconds unmeasured (both brokers' code paths warm, the JIT's too), then --seconds measured. */
async function handshakesPerSecond(port: number, ca: string): Promise<{ perSec: number; failures: number }> {
  const run = async (ms: number) => {
    const until = performance.now() + ms;
    let done = 0;
    let failures = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: Number(args.conns) }, async () => {
      while (performance.now() < until) {
        try {
          await login(port, ca);
          done++;
        } catch {
          failures++;
        }
      }
    }));
    return { perSec: done / ((performance.now() - start) / 1000), failures };
  };
  await run(Number(args.seconds) * 333);
  return run(Number(args.seconds) * 1000);
}

function md(rows: Array<Record<string, string>>): string {
  const cols = Object.keys(rows[0] ?? {});
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`)].join('\n');
}

// ---- main ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  ensureKafkaJars();
  const certs = makeTestCerts();
  const ca = readFileSync(certs.caPem, 'utf8');
  const loadBefore = loadAverage();
  const names = (args.only ? [args.only] : ['kafka', 'gregor']) as Array<'kafka' | 'gregor'>;
  const brokers: Broker[] = [];
  try {
    for (const n of names) {
      const b = n === 'kafka' ? await startKafka(certs) : await startGregor(certs);
      brokers.push(b);
      await prepare(b);
      console.error(`${n} up: ${listenerList(b.ports)}`);
    }
    const rows: Array<Record<string, string>> = [];
    const cell = (v: number | string, digits = 1) => (typeof v === 'string' ? v : v.toFixed(digits));
    for (const [i, protocol] of PROTOCOLS.entries()) {
      // The first broker alternates, so that a change in the machine's load does not always hit the same one.
      for (const b of i % 2 === 0 ? brokers : [...brokers].reverse()) {
        const bootstrap = `127.0.0.1:${b.ports[protocol]}`;
        const config = clientConfig(certs.dir, protocol, certs);
        const topic = `sec-${protocol.toLowerCase()}`;
        console.error(`${b.name} ${protocol}: produce ...`);
        const p = produce(bootstrap, topic, config);
        console.error(`${b.name} ${protocol}: consume ...`);
        const c = consume(bootstrap, topic, config);
        rows.push({ broker: b.name, listener: protocol, 'produce MB/s': typeof p === 'string' ? p : cell(p.mbPerSec), 'produce p99 ms': typeof p === 'string' ? '' : String(p.p99), 'consume MB/s': cell(c) });
      }
    }
    const auth: Array<Record<string, string>> = [];
    for (const b of brokers) {
      console.error(`${b.name}: SCRAM-SHA-256 logins over TLS for ${args.seconds} s ...`);
      const h = await handshakesPerSecond(b.ports.SASL_SSL, ca);
      auth.push({ broker: b.name, 'logins/s': h.perSec.toFixed(0), failures: String(h.failures), 'peak RSS MB': peakRssMb(b.child.pid).toFixed(0) });
    }
    const loadAfter = loadAverage();
    const header = `Gregor vs Apache Kafka ${KAFKA_VERSION} (one KRaft node, -Xmx1G) over PLAINTEXT, SSL and SASL_SSL/SCRAM-SHA-256: ${RECORDS} records of 1 KiB, acks=all; `
      + `logins: ${args.conns} workers for ${args.seconds} s. Load average before ${loadBefore}, after ${loadAfter}.`;
    console.log(`\n${header}\n`);
    const t1 = md(rows);
    const t2 = md(auth);
    console.log(`${t1}\n\n${t2}`);
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `kafka-security-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
    writeFileSync(file, `${header}\n\n${t1}\n\n${t2}\n`);
    console.log(`\nwritten to ${file}`);
  } finally {
    for (const b of brokers) await b.stop();
    certs.remove();
  }
}

await main();
