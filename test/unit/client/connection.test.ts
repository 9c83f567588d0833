// Connection against a scripted fake broker: version negotiation, pipelined
// requests matched by correlation id (even when answered out of order), frames
// split across TCP reads, timeouts, and bootstrap parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ApiVersions, Metadata, Reader, Writer, decodeRequestHeader, encodeResponseHeader, supportedApis, type RequestHeader } from '../../../src/protocol/index.js';
import { Connection } from '../../../src/client/connection.js';
import { parseBootstrap } from '../../../src/client/cluster.js';
import { KafkaClientError } from '../../../src/client/errors.js';

type Handler = (header: RequestHeader, body: Reader, reply: (frame: Buffer) => void) => void;

function frame(header: RequestHeader, encode: (w: Writer) => void): Buffer {
  const w = new Writer();
  w.int32(0);
  encodeResponseHeader(w, header.apiKey, header.apiVersion, header.correlationId);
  encode(w);
  const b = w.toBuffer();
  b.writeInt32BE(b.length - 4, 0);
  return b;
}

function apiVersionsAnswer(header: RequestHeader, apis = supportedApis()): Buffer {
  return frame(header, (w) =>
    ApiVersions.encodeResponse(w, header.apiVersion, { errorCode: 0, apiKeys: apis, throttleTimeMs: 0 }),
  );
}

async function fakeBroker(onRequest: Handler): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const size = buf.readInt32BE(0);
        const r = new Reader(buf.subarray(4, 4 + size));
        buf = buf.subarray(4 + size);
        const header = decodeRequestHeader(r);
        if (header.apiKey === ApiVersions.apiKey) socket.write(apiVersionsAnswer(header));
        else onRequest(header, r, (f) => socket.write(f));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function metadataAnswer(header: RequestHeader, clusterId: string): Buffer {
  return frame(header, (w) =>
    Metadata.encodeResponse(w, header.apiVersion, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: 1, rack: null }],
      clusterId,
      controllerId: 0,
      topics: [],
      clusterAuthorizedOperations: -2147483648,
    }),
  );
}

const metadataRequest = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

test('negotiates the highest common version and matches pipelined answers by correlation id', async () => {
  const held: Array<{ header: RequestHeader; reply: (f: Buffer) => void }> = [];
  const broker = await fakeBroker((header, _body, reply) => {
    held.push({ header, reply });
    if (held.length === 3) {
      // Answer in reverse order, one byte at a time for the first answer.
      for (const h of held.reverse()) {
        const f = metadataAnswer(h.header, `c${h.header.correlationId}`);
        if (h === held[0]) for (const byte of f) h.reply(Buffer.from([byte]));
        else h.reply(f);
      }
    }
  });
  const conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
  try {
    assert.equal(conn.versionFor(Metadata), Metadata.maxVersion);
    const answers = await Promise.all([0, 1, 2].map(() => conn.send(Metadata, metadataRequest)));
    const ids = answers.map((a) => Number(a.clusterId!.slice(1)));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'each answer went to its own request');
    assert.equal(new Set(ids).size, 3);
  } finally {
    conn.close();
    await broker.close();
  }
});

test('a request that outlives its timeout fails with ERR_CLIENT_TIMEOUT and closes the connection', async () => {
  const broker = await fakeBroker(() => undefined);
  const conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
  try {
    await assert.rejects(conn.send(Metadata, metadataRequest, { timeoutMs: 100 }), (e: unknown) => e instanceof KafkaClientError && e.code === 'ERR_CLIENT_TIMEOUT');
    assert.equal(conn.closed, true);
    await assert.rejects(conn.send(Metadata, metadataRequest), (e: unknown) => e instanceof KafkaClientError);
  } finally {
    await broker.close();
  }
});

test('connection refused is a KafkaClientError with code ERR_CLIENT_CONNECTION', async () => {
  const broker = await fakeBroker(() => undefined);
  const port = broker.port;
  await broker.close();
  await assert.rejects(Connection.connect({ host: '127.0.0.1', port }), (e: unknown) => e instanceof KafkaClientError && e.code === 'ERR_CLIENT_CONNECTION');
});

test('parseBootstrap accepts host:port lists and rejects bad ones', () => {
  assert.deepEqual(parseBootstrap('a:1, b:9092'), [
    { host: 'a', port: 1 },
    { host: 'b', port: 9092 },
  ]);
  assert.deepEqual(parseBootstrap(['[::1]:9092']), [{ host: '::1', port: 9092 }]);
  for (const bad of ['', 'nohost', 'h:0', 'h:70000', 'h:x']) {
    assert.throws(() => parseBootstrap(bad), (e: unknown) => e instanceof KafkaClientError && e.code === 'ERR_CLIENT_INVALID_ARGUMENT', bad);
  }
});
