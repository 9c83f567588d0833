// A standalone ZooKeeper for development, from Debian's `zookeeper` package (3.8): the server class run with
// the package's jars (zookeeper.jar's manifest names the rest: jute, netty, slf4j-api...), a zoo.cfg written
// into its data dir, loopback only, its log (slf4j-simple) appended to <dir>/zookeeper.log. Ready once it
// answers the four-letter word `ruok` with `imok`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LineTail } from './line-tail.js';

export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const SLF4J_BINDINGS = ['/usr/share/java/slf4j-simple.jar', '/usr/share/java/slf4j-nop.jar'];
const MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';
export const INSTALL_HINT = 'install Debian\'s package: apt-get install zookeeper (it brings a Java runtime)';

/** The classpath of Debian's ZooKeeper server: its jar (whose manifest names its dependencies) and a logging binding. */
export function zooKeeperClasspath(): string {
  const binding = SLF4J_BINDINGS.find((j) => existsSync(j));
  return [ZOOKEEPER_JAR, ...(binding ? [binding] : [])].join(':');
}

/** The Java command line that runs ZooKeeper with `zoo.cfg`, for humans (README, errors). */
export function zooKeeperCommandLine(zooCfg: string): string {
  return `java -cp ${zooKeeperClasspath()} ${MAIN} ${zooCfg}`;
}

export interface DevZooKeeper {
  readonly port: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** The last lines it logged. */
  readonly tail: LineTail;
  /** SIGTERM, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts ZooKeeper on 127.0.0.1:`port` with its data in `dir`; resolves once it answers `ruok`. */
export async function startDevZooKeeper(port: number, dir: string, timeoutMs = 30_000): Promise<DevZooKeeper> {
  if (!existsSync(ZOOKEEPER_JAR)) throw new Error(`ZooKeeper is not installed (${ZOOKEEPER_JAR} is missing): ${INSTALL_HINT}`);
  mkdirSync(dir, { recursive: true });
  const zooCfg = join(dir, 'zoo.cfg');
  writeFileSync(zooCfg, [
    '# written by gregor dev-cluster',
    'tickTime=2000',
    `dataDir=${dir}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,srvr,stat,mntr',
    '',
  ].join('\n'));
  const logFile = join(dir, 'zookeeper.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const tail = new LineTail();
  const child = spawn('java', ['-Xmx256m', '-Dorg.slf4j.simpleLogger.showDateTime=true', '-cp', zooKeeperClasspath(), MAIN, zooCfg], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only dev-cluster, which stops ZooKeeper last.
    detached: true,
  });
  for (const s of [child.stdout!, child.stderr!]) {
    s.on('data', (d: Buffer) => {
      log.write(d);
      tail.push(d);
    });
  }
  child.once('exit', () => log.end());
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (e) => (spawnError = e));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const zk: DevZooKeeper = {
    port,
    child,
    logFile,
    tail,
    async stop(graceMs = 10_000) {
      if (child.pid === undefined || gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ruok(port)) return zk;
    if (spawnError) {
      throw new Error(spawnError.code === 'ENOENT' ? `java was not found on PATH: ${INSTALL_HINT}` : `ZooKeeper did not start: ${spawnError.message}`);
    }
    if (gone()) throw new Error(`ZooKeeper exited at start (${child.exitCode ?? child.signalCode}); its last lines (${logFile}):\n${tail.text()}`);
    if (Date.now() > deadline) {
      await zk.stop(0);
      throw new Error(`ZooKeeper did not answer on 127.0.0.1:${port} within ${timeoutMs / 1000} s; its last lines (${logFile}):\n${tail.text()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** ZooKeeper's four-letter `ruok`: true when the server answers `imok`. */
function ruok(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    let reply = '';
    s.setTimeout(1000, () => s.destroy());
    s.on('connect', () => s.write('ruok'));
    s.on('data', (d) => (reply += d.toString()));
    s.on('close', () => res(reply === 'imok'));
    s.on('error', () => res(false));
  });
}
