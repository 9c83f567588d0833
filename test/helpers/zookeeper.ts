// A real ZooKeeper 3.8 for tests, from Debian's `zookeeper` package: one standalone server on a free loopback
// port with a temporary data dir, which a test can stop (SIGTERM), kill (SIGKILL), pause (SIGSTOP/SIGCONT)
// and restart on the same port and data. Every server still running when the process exits is killed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './broker-process.js';

/** The server jar; its manifest names the other jars of the package (netty, jute, slf4j-api...). */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** slf4j's no-op binding keeps the server's log off the test output. */
const SLF4J_BINDING = '/usr/share/java/slf4j-nop.jar';
const MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export interface ZooKeeperOptions {
  /** ZooKeeper's tick; session timeouts are bounded to [2, 20] ticks unless set below. */
  tickTimeMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
}

export class ZooKeeperServer {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async start(opts: ZooKeeperOptions = {}): Promise<ZooKeeperServer> {
    if (!existsSync(ZOOKEEPER_JAR)) throw new Error(`${ZOOKEEPER_JAR} is missing: apt-get install zookeeper`);
    const dir = mkdtempSync(join(tmpdir(), 'gregor-zk-'));
    const zk = new ZooKeeperServer(await freePort(), dir);
    const tick = opts.tickTimeMs ?? 500;
    writeFileSync(join(dir, 'zoo.cfg'), [
      `tickTime=${tick}`,
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${zk.port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=*',
      `minSessionTimeout=${opts.minSessionTimeoutMs ?? 2 * tick}`,
      `maxSessionTimeout=${opts.maxSessionTimeoutMs ?? 60_000}`,
      '',
    ].join('\n'));
    await zk.#spawn();
    return zk;
  }

  /** host:port for `zookeeper.connect`, with `chroot` appended when given. */
  connectString(chroot = ''): string {
    return `127.0.0.1:${this.port}${chroot}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** SIGTERM and wait for the exit. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** SIGSTOP: the server keeps its port but answers nothing until resume(). */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Starts the server again on the same port and data dir (after stop() or kill()). */
  async restart(): Promise<void> {
    if (this.#child) await this.kill();
    await this.#spawn();
  }

  /** Kills the server and removes its data. */
  async close(): Promise<void> {
    if (this.#child) await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Runs ZooKeeper's own command-line client (ZooKeeperMain) once and resolves what it printed. Asynchronous,
   * so that ZooKeeper clients in the test process keep their sessions alive meanwhile.
   */
  cli(...command: string[]): Promise<string> {
    return new Promise((res, rej) => {
      execFile('java', ['-cp', `${ZOOKEEPER_JAR}:${SLF4J_BINDING}`, 'org.apache.zookeeper.ZooKeeperMain', '-server', this.connectString(), ...command], { encoding: 'utf8', timeout: 60_000 }, (e, stdout, stderr) => {
        if (e) rej(new Error(`zkCli ${command.join(' ')} failed (${e.code ?? e.signal}): ${stderr}`));
        else res(stdout);
      });
    });
  }

  async #spawn(): Promise<void> {
    const child = spawn('java', ['-Xmx256m', '-cp', `${ZOOKEEPER_JAR}:${SLF4J_BINDING}`, MAIN, join(this.dir, 'zoo.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.#child = child;
    const deadline = Date.now() + 30_000;
    while (!(await this.#ruok())) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`ZooKeeper exited at start (${child.exitCode ?? child.signalCode}): ${stderr}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`ZooKeeper did not answer ruok on port ${this.port} within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT'); // a paused server would not act on SIGTERM
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** ZooKeeper's four-letter `ruok`: true when the server answers `imok`. */
  #ruok(): Promise<boolean> {
    return new Promise((res) => {
      const s = connect(this.port, '127.0.0.1');
      let reply = '';
      s.setTimeout(1000, () => s.destroy());
      s.on('connect', () => s.write('ruok'));
      s.on('data', (d) => (reply += d.toString()));
      s.on('close', () => res(reply === 'imok'));
      s.on('error', () => res(false));
    });
  }
}
