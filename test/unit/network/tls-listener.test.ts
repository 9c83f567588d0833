// A TLS listener: the client certificate's subject becomes the principal through the listener's mapping;
// responses with file ranges (external parts) are written through TLS in bounded chunks, in order with
// the responses around them (no sendfile on a TLS socket).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { ConnectionQuotas, SocketServer, subjectDn, type ListenerOptions, type ExternalPart, type ExternalTransport, type FrameHandler, type ResponsePart } from '../../../src/network/index.js';
import { makeTestCerts, type TestCerts } from '../../helpers/certs.js';

const quiet = { warn() {}, debug() {} };
let certs: TestCerts;
before(() => {
  certs = makeTestCerts();
});
after(() => certs?.remove());

/** External parts standing for `size` bytes of a pattern; the transport reads them from memory. */
interface FakeRange extends ExternalPart { readonly seed: number; readonly skip: number }
const pattern = (seed: number, at: number) => (seed * 31 + at * 7) & 0xff;
const transport: ExternalTransport & { reads: number[] } = {
  reads: [],
  writeParts: () => Promise.reject(new Error('sendfile must not be used on a TLS socket')),
  abortWrites() {},
  readExternal(part, offset = 0, length?: number) {
    const p = part as FakeRange;
    const n = length ?? p.byteLength - offset;
    transport.reads.push(n);
    return Buffer.from(Array.from({ length: n }, (_, i) => pattern(p.seed, p.skip + offset + i)));
  },
  skipExternal(part, bytes) {
    const p = part as FakeRange;
    return { external: true, byteLength: p.byteLength - bytes, seed: p.seed, skip: p.skip + bytes } as FakeRange;
  },
};

async function withTlsServer(handler: FrameHandler, fn: (port: number) => Promise<void>, quotas?: ConnectionQuotas, acceptRate?: ListenerOptions['acceptRate']): Promise<void> {
  const server = new SocketServer({
    ...(quotas ? { quotas } : {}),
    ...(acceptRate ? { acceptRate } : {}),
    host: '127.0.0.1', port: 0, maxFrameBytes: 1 << 20, maxInflightRequests: 100, idleMs: 0, maxQueuedBytes: 1 << 24,
    security: { listenerName: 'MTLS', securityProtocol: 'SSL', saslRequired: false, maxPreAuthFrameBytes: 1 << 20 },
    tls: { key: readFileSync(certs.brokerKey), cert: readFileSync(certs.brokerCert), ca: [readFileSync(certs.caPem)], requestCert: true, rejectUnauthorized: true },
    tlsPrincipal: (dn) => `User:${/^CN=([^,]+)/.exec(dn)?.[1] ?? dn}`,
  }, handler, quiet, transport);
  const port = await server.listen();
  try {
    await fn(port);
  } finally {
    await server.close();
  }
}

function tlsClient(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca: [readFileSync(certs.caPem)], key: readFileSync(certs.clientKey), cert: readFileSync(certs.clientCert), servername: 'localhost' }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Reads `count` size-prefixed frames. */
function readFrames(s: TLSSocket, count: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const out: Buffer[] = [];
    const t = setTimeout(() => reject(new Error(`got ${out.length} of ${count} frames`)), 20_000);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        out.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
        buf = buf.subarray(4 + buf.readInt32BE(0));
      }
      if (out.length === count) {
        clearTimeout(t);
        resolve(out);
      }
    });
  });
}

test('the RFC 2253 subject of a certificate, most specific first', () => {
  const pem = readFileSync(certs.clientCert, 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  assert.equal(subjectDn(der), 'CN=alice,OU=Clients,O=Gregor,C=DE');
});

test('a verified client certificate names the principal of an SSL connection', async () => {
  const handler: FrameHandler = { handleFrame: (_frame, conn) => [Buffer.from(conn.principal)] };
  await withTlsServer(handler, async (port) => {
    const s = await tlsClient(port);
    try {
      const frames = readFrames(s, 1);
      s.write(Buffer.from([0, 0, 0, 2, 0, 1]));
      assert.equal((await frames)[0]!.toString(), 'User:alice');
    } finally {
      s.destroy();
    }
  });
});

test('file ranges over TLS: read in chunks of at most 256 KiB, in order between in-memory responses', async () => {
  const size = 3 * 1024 * 1024 + 12345;
  const handler: FrameHandler = {
    handleFrame(frame) {
      const n = frame.readInt16BE(0);
      if (n !== 2) return [Buffer.from(`small-${n}`)];
      const parts: ResponsePart[] = [Buffer.from('head'), { external: true, byteLength: size, seed: 3, skip: 0 } as FakeRange, Buffer.from('tail')];
      return new Promise((r) => setTimeout(() => r(parts), 20));
    },
  };
  await withTlsServer(handler, async (port) => {
    const s = await tlsClient(port);
    try {
      transport.reads.length = 0;
      const frames = readFrames(s, 3);
      for (const n of [1, 2, 3]) s.write(Buffer.from([0, 0, 0, 2, 0, n]));
      const [a, big, c] = await frames;
      assert.equal(a!.toString(), 'small-1');
      assert.equal(c!.toString(), 'small-3');
      assert.equal(big!.length, 8 + size);
      assert.equal(big!.subarray(0, 4).toString(), 'head');
      assert.equal(big!.subarray(4 + size).toString(), 'tail');
      for (let i = 0; i < size; i += 4099) assert.equal(big![4 + i], pattern(3, i), `byte ${i}`);
      assert.ok(transport.reads.length >= Math.ceil(size / (256 * 1024)), 'read in chunks');
      assert.ok(Math.max(...transport.reads) <= 256 * 1024, 'no chunk above 256 KiB');
    } finally {
      s.destroy();
    }
  });
});

test('connection quotas: max.connections over all addresses, max.connections.per.ip with overrides', async () => {
  const { ConnectionQuotas, parseIpOverrides } = await import('../../../src/network/index.js');
  const overrides = parseIpOverrides('10.0.0.1:1, ::1:5');
  assert.deepEqual([...overrides], [['10.0.0.1', 1], ['::1', 5]]);
  const q = new ConnectionQuotas(4, 2, overrides);
  assert.ok(q.tryAcquire('10.0.0.1'));
  assert.ok(!q.tryAcquire('10.0.0.1'), 'the override of 1');
  assert.ok(q.tryAcquire('10.0.0.2') && q.tryAcquire('10.0.0.2'));
  assert.ok(!q.tryAcquire('10.0.0.2'), 'max.connections.per.ip');
  assert.ok(q.tryAcquire('10.0.0.3'));
  assert.ok(!q.tryAcquire('10.0.0.4'), 'max.connections');
  q.release('10.0.0.2');
  assert.ok(q.tryAcquire('10.0.0.4'));
  // Lowered at run time below what 10.0.0.2 holds: nothing is released, nothing new is counted; overrides replaced.
  q.reconfigure(10, 0, new Map([['10.0.0.5', 1]]));
  assert.ok(!q.tryAcquire('10.0.0.2') && !q.tryAcquire('10.0.0.1'), 'per ip 0, and 10.0.0.1 lost its override');
  assert.ok(q.tryAcquire('10.0.0.5') && !q.tryAcquire('10.0.0.5'), 'the new override of 1');
  q.reconfigure(10, 3, new Map());
  assert.ok(q.tryAcquire('10.0.0.2') && q.tryAcquire('10.0.0.2') && !q.tryAcquire('10.0.0.2'), '10.0.0.2 holds 1, raised to 3: two more');
});

test('an IP over its connection_creation_rate is held and closed unserved on a TLS listener, even if its handshake completes', async () => {
  const handler: FrameHandler = { handleFrame: (_frame, conn) => [Buffer.from(conn.principal)] };
  const held: string[] = [];
  const quotas = new ConnectionQuotas(100, 100, new Map(), { recordConnection: (ip) => (ip === '127.0.0.2' ? (held.push(ip), 300) : 0) });
  await withTlsServer(handler, async (port) => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
      const s = connect({ socket, ca: [readFileSync(certs.caPem)], key: readFileSync(certs.clientKey), cert: readFileSync(certs.clientCert), servername: 'localhost' });
      s.on('secureConnect', () => s.write(Buffer.from([0, 0, 0, 2, 0, 1])));
      s.on('data', () => resolve('served'));
      s.on('error', () => resolve('closed'));
      s.on('close', () => resolve('closed'));
    });
    assert.equal(outcome, 'closed');
    assert.deepEqual(held, ['127.0.0.2']);
    const s = await tlsClient(port);
    try {
      const frames = readFrames(s, 1);
      s.write(Buffer.from([0, 0, 0, 2, 0, 1]));
      assert.equal((await frames)[0]!.toString(), 'User:alice', 'another address is served');
    } finally {
      s.destroy();
    }
  }, quotas);
});

test('max.connection.creation.rate on a TLS listener: a connection whose handshake ends while the listener waits is served after the wait', async () => {
  const handler: FrameHandler = { handleFrame: (_frame, conn) => [Buffer.from(conn.principal)] };
  const calls: string[] = [];
  // The first connection makes the listener wait 1.5 s (longer than a handshake), the others none.
  const acceptRate = { active: true, recordAccept: (listener: string) => (calls.push(listener), calls.length === 1 ? 1500 : 0) };
  await withTlsServer(handler, async (port) => {
    const clients = await Promise.all([tlsClient(port), tlsClient(port)]);
    try {
      const answers = await Promise.all(clients.map(async (s) => {
        const frames = readFrames(s, 1);
        s.write(Buffer.from([0, 0, 0, 2, 0, 1]));
        return (await frames)[0]!.toString();
      }));
      assert.deepEqual(answers, ['User:alice', 'User:alice']);
      assert.deepEqual(calls, ['MTLS', 'MTLS'], 'both counted, in turn');
    } finally {
      for (const s of clients) s.destroy();
    }
  }, undefined, acceptRate);
});
