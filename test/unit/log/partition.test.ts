// Partition appends: group commit on worker threads (append.pool) against inline appends, in-process.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partition } from '../../../src/log/index.js';
import { buildRecordBatch } from '../../../src/client/record-batch.js';

const dir = mkdtempSync(join(tmpdir(), 'gregor-partition-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const config = { segmentBytes: 1 << 30, segmentMs: 0, indexIntervalBytes: 4096, flushIntervalMessages: 0, maxMessageBytes: 1 << 20, recoveryPoint: 0 };
const batch = (n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.alloc(100, 97 + (i % 26)), timestamp: Date.now() })));

describe('Partition.append', () => {
  test('pool: appends queued behind the one in flight are coalesced into one native call, offsets in call order', async () => {
    const p = new Partition('t', 0, join(dir, 'pool'), config, false, { type: -1 }, { mode: 'pool', poolMinBytes: 0 });
    const batches = await Promise.all(Array.from({ length: 10 }, (_, i) => batch(i + 1)));
    const bad = Buffer.from(batches[5]!);
    bad[bad.length - 1]! ^= 0xff;
    batches[5] = bad;
    const results = await Promise.allSettled(batches.map((b) => p.append(b)));
    assert.equal(p.nativeAppendCalls, 2, 'the first append alone, then the nine queued behind it in one call');
    let next = 0;
    results.forEach((r, i) => {
      if (i === 5) {
        assert.equal(r.status, 'rejected');
        assert.equal(((r as PromiseRejectedResult).reason as { code: string }).code, 'CORRUPT_MESSAGE');
        return;
      }
      assert.equal(r.status, 'fulfilled');
      assert.equal((r as PromiseFulfilledResult<{ baseOffset: number }>).value.baseOffset, next);
      next += i + 1;
    });
    assert.equal(p.logEndOffset, next);
    p.close();
  });

  test('inline: one native call per append, completed before append returns', async () => {
    const p = new Partition('t', 0, join(dir, 'inline'), config, false);
    const pending = [p.append(await batch(3)), p.append(await batch(2))];
    assert.equal(p.nativeAppendCalls, 2);
    assert.equal(p.logEndOffset, 5, 'inline appends are done synchronously');
    assert.deepEqual((await Promise.all(pending)).map((r) => r.baseOffset), [0, 3]);
    p.close();
  });

  test('pool: appends below poolMinBytes stay inline', async () => {
    const p = new Partition('t', 0, join(dir, 'small'), config, false, { type: -1 }, { mode: 'pool', poolMinBytes: 1 << 20 });
    const r = p.append(await batch(1));
    assert.equal(p.logEndOffset, 1);
    assert.equal((await r).baseOffset, 0);
    p.close();
  });
});
