import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { SocketServer, responseChannel, type FrameHandler, type ResponseEvent } from '../../../src/network/index.js';

const quiet = { warn() {}, debug() {} };

function frame(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(4, 0);
  b.writeInt32BE(n, 4);
  return b;
}

async function withServer(handler: FrameHandler, opts: Partial<{ maxFrameBytes: number; maxInflightRequests: number }>, fn: (port: number) => Promise<void>) {
  const server = new SocketServer({ host: '127.0.0.1', port: 0, maxFrameBytes: opts.maxFrameBytes ?? 1024, maxInflightRequests: opts.maxInflightRequests ?? 100, idleMs: 0, maxQueuedBytes: 1 << 20 }, handler, quiet);
  const port = await server.listen();
  try {
    await fn(port);
  } finally {
    await server.close();
  }
}

function collect(port: number, send: Buffer, expectFrames: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const got: number[] = [];
    const t = setTimeout(() => reject(new Error(`got ${got.length} frames`)), 5000);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        got.push(buf.readInt32BE(4));
        buf = buf.subarray(8);
      }
      if (got.length === expectFrames) {
        clearTimeout(t);
        s.destroy();
        resolve(got);
      }
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve(got);
    });
    // Write byte by byte in two halves to exercise reassembly across chunks.
    s.write(send.subarray(0, 3));
    setTimeout(() => s.write(send.subarray(3)), 20);
  });
}

test('responses leave in request order even when later requests finish first', async () => {
  const handler: FrameHandler = {
    handleFrame(f) {
      const n = f.readInt32BE(0);
      const out = Buffer.alloc(4);
      out.writeInt32BE(n);
      // Earlier requests take longer.
      return new Promise((res) => setTimeout(() => res([out]), (10 - n) * 15));
    },
  };
  await withServer(handler, {}, async (port) => {
    const got = await collect(port, Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(i))), 10);
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

test('a request without a response keeps the order of the others', async () => {
  const handler: FrameHandler = {
    handleFrame(f) {
      const n = f.readInt32BE(0);
      if (n % 2 === 1) return null;
      const out = Buffer.alloc(4);
      out.writeInt32BE(n);
      return [out];
    },
  };
  await withServer(handler, {}, async (port) => {
    assert.deepEqual(await collect(port, Buffer.concat([0, 1, 2, 3, 4].map(frame)), 3), [0, 2, 4]);
  });
});

test('an oversized frame closes the connection without calling the handler', async () => {
  let calls = 0;
  const handler: FrameHandler = { handleFrame: () => { calls++; return null; } };
  await withServer(handler, { maxFrameBytes: 16 }, async (port) => {
    const big = Buffer.alloc(4 + 100);
    big.writeInt32BE(100);
    const got = await collect(port, big, 1);
    assert.deepEqual(got, []);
    assert.equal(calls, 0);
  });
});

test('a handler that throws closes that connection only', async () => {
  const handler: FrameHandler = {
    handleFrame(f) {
      if (f.readInt32BE(0) === 1) throw new Error('bad');
      const out = Buffer.alloc(4);
      out.writeInt32BE(f.readInt32BE(0));
      return [out];
    },
  };
  await withServer(handler, {}, async (port) => {
    assert.deepEqual(await collect(port, Buffer.concat([frame(0), frame(1), frame(2)]), 3), [0]);
    assert.deepEqual(await collect(port, frame(5), 1), [5]);
  });
});

test('responseChannel reports where each request spent its time, in order', async () => {
  const events: ResponseEvent[] = [];
  const sub = (e: unknown) => events.push(e as ResponseEvent);
  responseChannel.subscribe(sub);
  try {
    const handler: FrameHandler = {
      handleFrame(f) {
        const n = f.readInt32BE(0);
        const out = Buffer.alloc(4);
        out.writeInt32BE(n);
        // The first request finishes last: the second waits for it before it is written.
        return new Promise((res) => setTimeout(() => res([out]), n === 0 ? 40 : 0));
      },
    };
    await withServer(handler, {}, async (port) => {
      assert.deepEqual(await collect(port, Buffer.concat([frame(0), frame(1)]), 2), [0, 1]);
    });
  } finally {
    responseChannel.unsubscribe(sub);
  }
  assert.equal(events.length, 2);
  for (const e of events) {
    assert.equal(e.requestBytes, 4);
    assert.ok(e.receivedAt > 0 && e.receivedAt <= e.dispatchedAt && e.dispatchedAt <= e.doneAt && e.doneAt <= e.writtenAt && e.writtenAt === e.sentAt, JSON.stringify(e));
  }
  // The second was ready long before the first and waited for it (responses leave in request order).
  assert.ok(events[1]!.writtenAt - events[1]!.doneAt >= 20, JSON.stringify(events[1]));
  assert.ok(events[0]!.writtenAt - events[0]!.dispatchedAt >= 30, JSON.stringify(events[0]));
});
