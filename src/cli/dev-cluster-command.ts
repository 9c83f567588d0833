// `gregor dev-cluster [--brokers N]`: a local cluster for development — ZooKeeper from Debian's package plus
// N broker processes (`gregor broker` with broker.id i on port base+i, data in <data>/broker-i), in the
// foreground. Progress and the bootstrap list go to stdout; each child's own log goes to a file under the
// data dir. Ctrl-C or SIGTERM stops the brokers one by one (SIGTERM: controlled shutdown), then ZooKeeper.
// A child that dies later is reported and the others keep running.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { collectKeyValue, intOption, type SetExit } from './args.js';
import { startDevZooKeeper, type DevZooKeeper } from './dev-zookeeper.js';
import { LineTail } from './line-tail.js';

const GREGOR_BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'gregor.js');
const PARENT_WATCH = pathToFileURL(join(import.meta.dirname, 'parent-watch.js')).href;
/** Keys dev-cluster sets per broker; an --override may not change them. */
const OWN_KEYS = ['broker.id', 'node.id', 'listeners', 'log.dirs', 'log.dir', 'zookeeper.connect'];
/** A broker may wait for its previous ZooKeeper registration to expire (zookeeper.session.timeout.ms, 18 s). */
const BROKER_START_TIMEOUT_MS = 90_000;
const BROKER_STOP_TIMEOUT_MS = 60_000;

interface DevClusterOptions {
  brokers: number;
  zookeeperPort: number;
  basePort: number;
  data: string;
  override: Record<string, string>;
}

interface BrokerChild {
  id: number;
  port: number;
  dir: string;
  logFile: string;
  child: ChildProcess;
  tail: LineTail;
  exited: Promise<void>;
  stopping: boolean;
}

export function devClusterCommand(setExit: SetExit): Command {
  return new Command('dev-cluster')
    .description('start ZooKeeper (Debian package) and N brokers on loopback ports for development, in the foreground')
    .option('--brokers <n>', 'number of brokers (ids 0..n-1)', intOption('a number of brokers', 1, 100), 3)
    .option('--zookeeper-port <port>', 'ZooKeeper client port (0: a free port)', intOption('a port', 0, 65535), 2181)
    .option('--base-port <port>', 'broker i listens on base-port + i', intOption('a port', 1, 65535), 9092)
    .option('--data <dir>', 'data directory: <dir>/zookeeper, <dir>/broker-<i>', './data')
    .option('--override <key=value>', 'a broker config for every broker (repeatable)', collectKeyValue, {})
    .action(async (opts: DevClusterOptions) => setExit(await runDevCluster(opts)));
}

async function runDevCluster(opts: DevClusterOptions): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (line: string) => {
    process.stderr.write(`gregor dev-cluster: ${line}\n`);
    return 1;
  };
  const own = Object.keys(opts.override).filter((k) => OWN_KEYS.includes(k));
  if (own.length) return fail(`${own.join(', ')} cannot be overridden: dev-cluster sets ${OWN_KEYS.join(', ')} for each broker`);
  if (opts.basePort + opts.brokers - 1 > 65535) return fail(`--base-port ${opts.basePort} leaves no room for ${opts.brokers} brokers (the last port would be ${opts.basePort + opts.brokers - 1})`);

  // Every port is checked before anything starts, so the error names the one in the way.
  const wanted: Array<[number, string, string]> = [];
  if (opts.zookeeperPort !== 0) wanted.push([opts.zookeeperPort, 'zookeeper', 'stop the ZooKeeper already running there, or pass --zookeeper-port 0 for a free port']);
  for (let i = 0; i < opts.brokers; i++) wanted.push([opts.basePort + i, `broker ${i}`, 'stop what listens there, or pass another --base-port']);
  for (const [port, who, hint] of wanted) {
    const err = await portProblem(port);
    if (err) return fail(`port ${port} (${who}) is ${err === 'EADDRINUSE' ? 'in use' : `not usable (${err})`}: ${hint}`);
  }

  const data = resolve(opts.data);
  const shown = (p: string) => relative(process.cwd(), p) || '.';
  mkdirSync(data, { recursive: true });
  const zkPort = opts.zookeeperPort || (await freePort());
  const zkDir = join(data, 'zookeeper');
  let zk: DevZooKeeper;
  try {
    zk = await startDevZooKeeper(zkPort, zkDir);
  } catch (e) {
    return fail((e as Error).message);
  }
  say(`zookeeper 127.0.0.1:${zkPort} ready (data ${shown(zkDir)}, log ${shown(zk.logFile)})`);

  const brokers: BrokerChild[] = [];
  // Should dev-cluster itself fail, nothing it started stays behind (brokers also follow their stdin).
  const killAll = () => {
    for (const b of brokers) b.child.kill('SIGKILL');
    zk.child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  let shuttingDown = false;
  let stopAll: ((why: string) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      say(`${signal} again: killing everything`);
      killAll();
    } else if (stopAll) {
      stopAll(signal);
    } else {
      // Still starting: the brokers that are starting are stopped, which fails the start below.
      shuttingDown = true;
      say(`${signal}: stopping what started`);
      for (const b of brokers) b.child.kill('SIGTERM');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const finish = async (code: number) => {
    await zk.stop();
    say('zookeeper stopped');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killAll);
    return code;
  };

  zk.child.on('exit', (code, signal) => {
    if (shuttingDown) return;
    process.stderr.write(`gregor dev-cluster: zookeeper exited (${code ?? signal}); the brokers keep serving but cannot change cluster metadata until it is back. Its last lines (${shown(zk.logFile)}):\n${zk.tail.text()}\n`);
  });

  const connect = `127.0.0.1:${zkPort}/gregor`;
  const started = await Promise.allSettled(Array.from({ length: opts.brokers }, async (_, id) => {
    const b = launchBroker(id, opts.basePort + id, join(data, `broker-${id}`), connect, opts.override);
    brokers.push(b);
    await waitForStart(b);
    say(`broker ${id} 127.0.0.1:${b.port} started (data ${shown(b.dir)}, log ${shown(b.logFile)})`);
  }));
  const failed = started.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failed.length || shuttingDown) {
    for (const m of failed) process.stderr.write(`gregor dev-cluster: ${m}\n`);
    shuttingDown = true;
    for (const b of brokers) await stopBroker(b, 'SIGTERM');
    return finish(1);
  }
  brokers.sort((a, b) => a.id - b.id);

  const bootstrap = brokers.map((b) => `127.0.0.1:${b.port}`).join(',');
  say(`bootstrap servers: ${bootstrap}`);
  say(`  kcat -b ${bootstrap} -L`);
  say(`  new Kafka({ brokers: [${brokers.map((b) => `'127.0.0.1:${b.port}'`).join(', ')}] })   // kafkajs`);
  say(`  gregor topics --bootstrap-server ${bootstrap} --create --topic events --partitions 3 --replication-factor ${Math.min(3, opts.brokers)}`);
  say(`  zookeeper.connect=${connect}`);
  say('Ctrl-C stops the cluster.');

  return new Promise<number>((res) => {
    let code = 0;
    stopAll = (why: string) => {
      shuttingDown = true;
      say(`stopping (${why}): brokers one at a time (controlled shutdown), then zookeeper; Ctrl-C again kills at once`);
      void (async () => {
        for (const b of [...brokers].reverse()) {
          const end = await stopBroker(b, 'SIGTERM');
          if (end !== undefined) say(`broker ${b.id} stopped${end === 0 ? '' : ` (${end})`}`);
        }
        res(await finish(code));
      })();
    };
    for (const b of brokers) {
      b.child.on('close', (exitCode, signal) => {
        if (b.stopping || shuttingDown) return;
        process.stderr.write(`gregor dev-cluster: broker ${b.id} exited (${exitCode ?? signal}); the others keep running. Its last lines (${shown(b.logFile)}):\n${b.tail.text()}\n`);
        if (brokers.every((x) => x.child.exitCode !== null || x.child.signalCode !== null)) {
          code = 1;
          stopAll!('every broker exited');
        }
      });
    }
  });
}

function launchBroker(id: number, port: number, dir: string, zookeeperConnect: string, overrides: Record<string, string>): BrokerChild {
  mkdirSync(dir, { recursive: true });
  const logFile = `${dir}.log`;
  const log = createWriteStream(logFile, { flags: 'a' });
  const args = ['--import', PARENT_WATCH, GREGOR_BIN, 'broker',
    '--override', `broker.id=${id}`, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`,
    '--override', `log.dirs=${dir}`, '--override', `zookeeper.connect=${zookeeperConnect}`];
  for (const [k, v] of Object.entries(overrides)) args.push('--override', `${k}=${v}`);
  // Its own process group, so a Ctrl-C in the terminal reaches only dev-cluster, which stops brokers in order;
  // stdin is a pipe that parent-watch follows, so a broker never outlives dev-cluster.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const tail = new LineTail();
  for (const s of [child.stdout!, child.stderr!]) {
    s.on('data', (d: Buffer) => {
      log.write(d);
      tail.push(d);
    });
  }
  const exited = new Promise<void>((res) => child.once('exit', () => {
    log.end();
    res();
  }));
  return { id, port, dir, logFile, child, tail, exited, stopping: false };
}

/** Resolves when the broker logged its start line; rejects with its last lines if it exits or takes too long. */
function waitForStart(b: BrokerChild): Promise<void> {
  return new Promise((res, rej) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen = (seen + d.toString()).slice(-4096);
      if (seen.includes('"broker started"')) done();
    };
    const onClose = (code: number | null, signal: string | null) => {
      done(new Error(`broker ${b.id} exited (${code ?? signal}) while starting; its last lines (${b.logFile}):\n${b.tail.text()}`));
    };
    const timer = setTimeout(() => {
      b.child.kill('SIGKILL');
      done(new Error(`broker ${b.id} did not start within ${BROKER_START_TIMEOUT_MS / 1000} s; its last lines (${b.logFile}):\n${b.tail.text()}`));
    }, BROKER_START_TIMEOUT_MS);
    const done = (err?: Error) => {
      clearTimeout(timer);
      b.child.stdout!.off('data', onData);
      b.child.off('close', onClose);
      if (err) rej(err);
      else res();
    };
    b.child.stdout!.on('data', onData);
    b.child.once('close', onClose);
  });
}

/**
 * Signals the broker and waits for its exit (SIGKILL after a bound): its exit code or signal, or undefined if it
 * had exited before.
 */
async function stopBroker(b: BrokerChild, signal: NodeJS.Signals): Promise<number | string | undefined> {
  b.stopping = true;
  if (b.child.exitCode !== null || b.child.signalCode !== null) return undefined;
  b.child.kill(signal);
  const timer = setTimeout(() => b.child.kill('SIGKILL'), BROKER_STOP_TIMEOUT_MS);
  await b.exited;
  clearTimeout(timer);
  return b.child.exitCode ?? b.child.signalCode ?? undefined;
}

/** The error code of listening on 127.0.0.1:port (EADDRINUSE...), or undefined when the port is free. */
function portProblem(port: number): Promise<string | undefined> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? e.message));
    s.listen(port, '127.0.0.1', () => s.close(() => res(undefined)));
  });
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}
