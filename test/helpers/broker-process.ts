// Starts a real broker process (bin/gregor.js broker) on a free loopback port with its own data dir,
// for integration tests that talk to it over TCP. Bounded waits everywhere. No broker outlives its test
// process: every live one is SIGKILLed when the process exits, however a test failed, and each broker
// kills itself when the test process's end of its stdin closes (src/cli/parent-watch.ts), even after a SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const GREGOR_BIN = join(ROOT, 'bin', 'gregor.js');
// The same preload `gregor dev-cluster` gives its brokers (src/cli/parent-watch.ts).
const PARENT_WATCH = pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'parent-watch.js')).href;

/** Broker processes started here that have not exited yet. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLiveBrokers(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Node's arguments for a broker process with `args` that dies with this process; stdin must be a pipe
 * (spawn stdio[0] = 'pipe').
 */
function brokerArgs(args: string[]): string[] {
  return ['--import', PARENT_WATCH, GREGOR_BIN, ...args];
}

/** Kills `child` when this process exits (normally, by an uncaught error or process.exit) if it still runs. */
function track(child: ChildProcess): ChildProcess {
  if (!exitHookInstalled) {
    process.on('exit', killLiveBrokers);
    exitHookInstalled = true;
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  // A running broker alone does not keep the test process alive: after a failed test left one running, the
  // process ends (and the exit hook kills the broker) instead of waiting for the test timeout.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/**
 * A new temporary directory on a file system whose pages can leave memory (not tmpfs or ramfs), for tests that
 * need cold reads: os.tmpdir(), else /var/tmp, else the repository's ignored data/ dir; undefined if all are
 * memory-backed. The caller removes it.
 */
export function diskTempDir(prefix: string): string | undefined {
  for (const base of [tmpdir(), '/var/tmp', join(ROOT, 'data')]) {
    try {
      mkdirSync(base, { recursive: true });
      const type = statfsSync(base).type;
      if (type !== TMPFS_MAGIC && type !== RAMFS_MAGIC) return mkdtempSync(join(base, prefix));
    } catch {
      /* not usable: try the next */
    }
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface BrokerProcessOptions {
  overrides?: Record<string, string | number | boolean>;
  logDir?: string;
  port?: number;
  /** A server.properties file passed before the overrides. */
  propertiesFile?: string;
  /** Create the data dir (when no logDir is given) with diskTempDir: for tests that read cold data. */
  onDisk?: boolean;
  /** Start the broker under these open-file limits (sh's ulimit -Sn, then -Hn, before exec node; soft <= hard <= this process's hard). */
  nofile?: { soft: number; hard: number };
}

export class BrokerProcess {
  readonly logDir: string;
  readonly port: number;
  readonly overrides: Record<string, string | number | boolean>;
  propertiesFile: string | undefined;
  nofile: { soft: number; hard: number } | undefined;
  #child: ChildProcess | undefined;
  #output = '';
  #ownsDir: boolean;

  private constructor(logDir: string, port: number, overrides: Record<string, string | number | boolean>, ownsDir: boolean) {
    this.logDir = logDir;
    this.port = port;
    this.overrides = overrides;
    this.#ownsDir = ownsDir;
  }

  static async start(opts: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const logDir = opts.logDir ?? (opts.onDisk ? diskTempDir('gregor-it-') : undefined) ?? mkdtempSync(join(tmpdir(), 'gregor-it-'));
    const b = new BrokerProcess(logDir, opts.port ?? (await freePort()), opts.overrides ?? {}, opts.logDir === undefined);
    b.propertiesFile = opts.propertiesFile;
    b.nofile = opts.nofile;
    await b.#spawn();
    return b;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Everything the broker printed (JSON log lines). */
  get output(): string {
    return this.#output;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async #spawn(): Promise<void> {
    const args = ['broker', ...(this.propertiesFile ? [this.propertiesFile] : []), '--override', `listeners=PLAINTEXT://127.0.0.1:${this.port}`, '--override', `log.dirs=${this.logDir}`];
    for (const [k, v] of Object.entries(this.overrides)) args.push('--override', `${k}=${v}`);
    const limits = this.nofile;
    const child = track(limits
      ? spawn('sh', ['-c', `ulimit -Sn ${limits.soft} && ulimit -Hn ${limits.hard} && exec "$0" "$@"`, process.execPath, ...brokerArgs(args)], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, brokerArgs(args), { stdio: ['pipe', 'pipe', 'pipe'] }));
    this.#child = child;
    // A restart must see this process's own start line, not the previous one's.
    const from = this.#output.length;
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        rej(new Error(`broker did not start within 30 s:\n${this.#output}`));
      }, 30_000);
      const onData = (d: Buffer) => {
        this.#output += d.toString();
        if (this.#output.indexOf('"broker started"', from) >= 0) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        rej(new Error(`broker exited (${code ?? sig}) before starting:\n${this.#output}`));
      });
    });
  }

  /** SIGKILL: no flush, no checkpoint — what a crash looks like. */
  async kill9(): Promise<void> {
    await this.#stopWith('SIGKILL');
  }

  /** SIGSTOP: the process keeps its port and its ZooKeeper session until it times out, but answers nothing until resume(). */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Clean stop with SIGTERM; resolves with the exit code. */
  async stop(): Promise<number | null> {
    return this.#stopWith('SIGTERM');
  }

  async restart(): Promise<void> {
    if (this.#child && this.#child.exitCode === null && this.#child.signalCode === null) await this.stop();
    await this.#spawn();
  }

  #stopWith(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((res) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        res(code);
      });
      child.kill(signal);
      if (signal !== 'SIGKILL') child.kill('SIGCONT'); // a paused broker acts on the signal only once it runs
    });
  }

  /** Stops the broker and removes its data dir (if this helper created it). */
  async close(): Promise<void> {
    await this.#stopWith('SIGKILL');
    if (this.#ownsDir) rmSync(this.logDir, { recursive: true, force: true });
  }
}
