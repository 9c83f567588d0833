// A test process that starts a broker and then ends badly without closing it (argv[2]: `fail` — a failing
// node:test test, `throw` — an uncaught error, `exit` — process.exit(3), `hang` — waits to be SIGKILLed).
// It prints the broker's pid and data dir, then ends when a line arrives on stdin. Used by
// broker-process-cleanup.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess } from './broker-process.js';

const how = process.argv[2];

async function start(): Promise<void> {
  const b = await BrokerProcess.start();
  process.stdout.write(`${JSON.stringify({ pid: b.pid, logDir: b.logDir })}\n`);
  await new Promise((res) => process.stdin.once('data', res));
  process.stdin.pause();
}

if (how === 'fail') {
  test('a test that fails with its broker still running', async () => {
    await start();
    assert.fail('failing on purpose');
  });
} else {
  await start();
  if (how === 'throw') throw new Error('an uncaught error, on purpose');
  if (how === 'exit') process.exit(3);
  setInterval(() => undefined, 1000); // `hang`: until the parent kills this process
}
