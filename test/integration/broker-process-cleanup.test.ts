// The test helpers leave no broker running when a test process ends badly: a failing test, an uncaught error,
// process.exit, or a SIGKILL of the test process itself (the runner killed).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const CHILD = join(import.meta.dirname, '..', 'helpers', 'abandoned-broker.js');

/** True while `pid` is a process that has not exited (a zombie waiting for its reaper counts as exited). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function abandon(how: string): Promise<{ pid: number; gone: boolean; code: number | null; signal: NodeJS.Signals | null }> {
  // A test process of its own, not a subtest reporting to this runner.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [CHILD, how], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((res) => child.once('exit', (code, signal) => res([code, signal])));
  const first = await new Promise<{ pid: number; logDir: string }>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`no broker pid within 30 s: ${out}${err}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /\{"pid":\d+,"logDir":"[^"]*"\}/.exec(out);
      if (line) {
        clearTimeout(timer);
        res(JSON.parse(line[0]));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      rej(new Error(`exited before starting a broker: ${out}${err}`));
    });
  });
  try {
    assert.ok(running(first.pid), 'the broker runs while its test process does');
    child.stdin.end('go\n');
    if (how === 'hang') child.kill('SIGKILL');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    for (let i = 0; i < 100 && running(first.pid); i++) await new Promise((r) => setTimeout(r, 50));
    return { pid: first.pid, gone: !running(first.pid), code, signal };
  } finally {
    if (running(first.pid)) process.kill(first.pid, 'SIGKILL'); // only after `gone` was taken
    rmSync(first.logDir, { recursive: true, force: true });
  }
}

describe('no broker outlives its test process', () => {
  for (const [how, ended] of [['fail', 'a failing test'], ['throw', 'an uncaught error'], ['exit', 'process.exit(3)'], ['hang', 'SIGKILL of the test process']] as const) {
    test(`after ${ended}`, async () => {
      const r = await abandon(how);
      if (how === 'hang') assert.equal(r.signal, 'SIGKILL');
      else assert.notEqual(r.code, 0, 'the test process ended badly');
      assert.ok(r.gone, `broker ${r.pid} is gone`);
    });
  }
});
