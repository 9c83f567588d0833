// node-zookeeper-client's connection under the guard of src/metadata/zookeeper/connection-guard.ts, against
// a real ZooKeeper 3.8: a connect given up before ZooKeeper answered (which made the unguarded client read
// the ConnectResponse as a reply and throw "Unknown code: <number>" out of a socket handler), and a reply
// that cannot be read (dropped with its connection, the request failed as a connection loss, the session kept).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { guardClient, shutClient } from '../../src/metadata/zookeeper/connection-guard.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/wait.js';

interface Manager {
  state: number;
  socket?: { connecting: boolean };
  pendingQueue: Array<{ request: { header: { xid: number } } }>;
  onSocketData(buffer: Buffer): void;
}
const manager = (c: Client) => (c as unknown as { connectionManager: Manager }).connectionManager;
const CLOSED = -2;

describe('ZooKeeper connection guard', () => {
  let zk: ZooKeeperServer;
  before(async () => {
    zk = await ZooKeeperServer.start();
  });
  after(async () => {
    await zk.close();
  });

  test('a connect given up before ZooKeeper answered ends the client without a misread reply', async () => {
    const reports: string[] = [];
    const clients: Client[] = [];
    for (let i = 0; i < 20; i++) {
      const c = zookeeper.createClient(zk.connectString(), { sessionTimeout: 4000, retries: 0 });
      guardClient(c, (m) => reports.push(m));
      clients.push(c);
      c.connect();
      const cm = manager(c);
      // Shut once the socket is connected and the ConnectRequest written, before the ConnectResponse is read.
      await waitFor('socket connected', () => cm.socket !== undefined && !cm.socket.connecting, 5000, 1);
      shutClient(c);
    }
    await waitFor('every client closed', () => clients.every((c) => manager(c).state === CLOSED), 10_000);
    assert.deepEqual(reports, []);
  });

  test('a reply that cannot be read drops the connection, fails the request as a connection loss, keeps the session', async () => {
    const reports: string[] = [];
    const c = zookeeper.createClient(zk.connectString(), { sessionTimeout: 4000, retries: 0 });
    guardClient(c, (m) => reports.push(m));
    try {
      await new Promise<void>((r) => {
        c.once('connected', () => r());
        c.connect();
      });
      const session = c.getSessionId().toString('hex');
      const cm = manager(c);
      const failed = new Promise<unknown>((r) => c.getData('/', (e) => r(e)));
      // The reply to that request, as the client would read it out of frame: its xid, any zxid, and four
      // bytes of something else as the error code.
      const frame = Buffer.alloc(20);
      frame.writeInt32BE(16, 0);
      frame.writeInt32BE(cm.pendingQueue.at(-1)!.request.header.xid, 4);
      frame.writeInt32BE(267321344, 16);
      const reconnected = new Promise<void>((r) => c.once('connected', () => r()));
      cm.onSocketData(frame);
      const e = (await failed) as { getCode?: () => number };
      assert.equal(e?.getCode?.(), zookeeper.Exception.CONNECTION_LOSS);
      assert.equal(reports.length, 1);
      assert.match(reports[0], /Unknown code: 267321344; 20 bytes/);
      await reconnected;
      assert.equal(c.getSessionId().toString('hex'), session);
      const stat = await new Promise<unknown>((res, rej) => c.exists('/', (err, s) => (err ? rej(err) : res(s))));
      assert.ok(stat);
    } finally {
      shutClient(c);
    }
  });
});
