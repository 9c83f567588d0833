// DescriptorWatch: the broker's descriptors against its open-file limit, and the error it logs near the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescriptorWatch } from '../../../src/broker/descriptors.js';

test('DescriptorWatch logs an error that says to raise the open-file limit when the descriptors near it, at most once per quiet period', () => {
  assert.ok(DescriptorWatch.supported(), 'Linux /proc/self/fd is readable');
  const open = DescriptorWatch.count()!;
  assert.ok(open > 0);
  const logged: Array<{ obj: object; msg: string }> = [];
  const log = { error: (obj: object, msg: string) => logged.push({ obj, msg }) };
  // Far from its limit: nothing.
  const far = new DescriptorWatch(-1, log);
  const roomy = new DescriptorWatch(open * 100, log, { intervalMs: 3_600_000 });
  assert.equal(roomy.check(), false);
  assert.equal(logged.length, 0);
  // At its limit (as many open as allowed): an error, then quiet for quietMs.
  const full = new DescriptorWatch(open, log, { intervalMs: 3_600_000, quietMs: 60_000 });
  assert.equal(full.check(1_000_000), true);
  assert.equal(full.check(1_030_000), true);
  assert.equal(logged.length, 1, 'once per quiet period');
  assert.match(logged[0]!.msg, /out of file descriptors.*ulimit -n.*LimitNOFILE=/);
  assert.equal(full.check(1_061_000), true);
  assert.equal(logged.length, 2);
  for (const w of [far, roomy, full]) w.close();
});
