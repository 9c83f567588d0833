// Recycled shared memory for buffers used in place by worker threads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedMemory } from '../../../src/hotpath/index.js';

describe('SharedMemory', () => {
  test('hands out exact-size views of shared blocks and reuses released blocks of the same size class', () => {
    const m = new SharedMemory(1 << 20);
    const a = m.take(100_000);
    assert.equal(a.length, 100_000);
    assert.ok(a.buffer instanceof SharedArrayBuffer);
    assert.equal(a.buffer.byteLength, 128 * 1024, 'power-of-two size class');
    const block = a.buffer;
    m.release(a.subarray(10));
    const b = m.take(70_000);
    assert.equal(b.buffer, block, 'the released block is handed out again');
    assert.deepEqual(m.stats(), { retainedBytes: 0, allocated: 1, reused: 1 });
    const c = m.take(70_000);
    assert.notEqual(c.buffer, block, 'a block in use is never handed out twice');
  });

  test('a double release or foreign memory is ignored, and at most maxRetainedBytes are kept', () => {
    const m = new SharedMemory(256 * 1024);
    const a = m.take(200_000);
    const b = m.take(200_000);
    m.release(a);
    m.release(a);
    m.release(Buffer.alloc(10));
    m.release(new Uint8Array(new SharedArrayBuffer(64 * 1024)));
    assert.equal(m.stats().retainedBytes, 256 * 1024);
    m.release(b);
    assert.equal(m.stats().retainedBytes, 256 * 1024, 'over the cap: left to the GC');
    const x = m.take(200_000);
    const y = m.take(200_000);
    assert.notEqual(x.buffer, y.buffer);
  });
});
