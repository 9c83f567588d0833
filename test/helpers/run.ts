// Runs a command with bounded time, feeding stdin and collecting stdout/stderr.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string | Buffer, timeoutMs = 120_000): Promise<RunResult> {
  return spawnBounded(cmd, args, { input: input ?? '', timeoutMs });
}

/** Runs a command in `cwd` with no input (builds, Java tools), killed after `timeoutMs`. */
export function runIn(cmd: string, args: string[], opts: { cwd?: string; timeoutMs: number }): Promise<RunResult> {
  return spawnBounded(cmd, args, { cwd: opts.cwd, timeoutMs: opts.timeoutMs });
}

function spawnBounded(cmd: string, args: string[], opts: { cwd?: string; input?: string | Buffer; timeoutMs: number }): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms; stderr:\n${Buffer.concat(err).toString().slice(-4000)}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}
