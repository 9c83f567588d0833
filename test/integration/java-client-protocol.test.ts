// What the Java client (kafka-clients, the reference implementation) does with two protocol features, seen
// from the wire:
//  - fetch sessions (KIP-227): the Java consumer opens a session with a full fetch (id 0, epoch 0), gets a
//    session id back, and follows with incremental fetches in that session at epochs 1, 2, 3, ... that name
//    only the partitions whose position moved; every record still arrives. A small TCP proxy between the
//    client and the broker (the broker advertises the proxy's port) decodes each Fetch request with the
//    project's protocol codec and the start of each Fetch response (error code, session id).
//  - IncrementalAlterConfigs SUBTRACT (and APPEND) on a list config, cleanup.policy, from the Java AdminClient
//    (kafkajs has no incrementalAlterConfigs), with Kafka's semantics: remove the listed items from the
//    current value (the default when there is no override), leave absent items alone, refuse non-list keys.
// test/java is built into its own directory here (test/java/target/java-protocol) so that this file and
// java-client.test.ts can run at the same time.
import { runIn as run } from '../helpers/run.js';
import { buildClientCheck, CLIENT_CHECK_BUILD_TIMEOUT_MS, CLIENT_CHECK_DIR } from '../helpers/client-check.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ApiKey, Fetch, Reader, decodeRequestHeader, responseHeaderVersion } from '../../src/protocol/index.js';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';

const JAVA_DIR = CLIENT_CHECK_DIR;
const BUILD_DIR = join(JAVA_DIR, 'target', 'java-protocol');
const JAR = join(BUILD_DIR, 'client-check-all.jar');
const BUILD_TIMEOUT_MS = CLIENT_CHECK_BUILD_TIMEOUT_MS;

async function java(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; lines: any[]; summary: any; stderr: string }> {
  const r = await run('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', JAR, ...args], { timeoutMs });
  const lines = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const summary = lines.length > 0 && typeof lines[lines.length - 1].summary === 'string' ? lines.pop() : null;
  return { code: r.code, lines, summary, stderr: r.stderr };
}

/** One Fetch exchange as the proxy saw it. */
interface SeenFetch {
  clientId: string | null;
  version: number;
  sessionId: number;
  sessionEpoch: number;
  /** `topic/partition@offset` named in the request. */
  partitions: string[];
  forgotten: string[];
  /** Filled in when the response passes. */
  response?: { errorCode: number; sessionId: number };
}

/** Splits a byte stream into size-prefixed frames. */
function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      onFrame(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

/** A pass-through TCP proxy to `target` that records every Fetch request and the head of its response. */
class FetchRecordingProxy {
  readonly fetches: SeenFetch[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(port: number, targetPort: number): Promise<FetchRecordingProxy> {
    const server = createServer();
    const proxy = new FetchRecordingProxy(server);
    server.on('connection', (client) => proxy.#pipe(client, targetPort));
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(port, '127.0.0.1', () => res());
    });
    return proxy;
  }

  #pipe(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    this.#sockets.add(client).add(upstream);
    const inFlight = new Map<number, SeenFetch>();
    client.on('data', framer((frame) => {
      const r = new Reader(frame);
      const header = decodeRequestHeader(r);
      if (header.apiKey !== ApiKey.Fetch) return;
      const req = Fetch.decodeRequest(r, header.apiVersion);
      const seen: SeenFetch = {
        clientId: header.clientId, version: header.apiVersion, sessionId: req.sessionId, sessionEpoch: req.sessionEpoch,
        partitions: req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p.partition}@${p.fetchOffset}`)),
        forgotten: req.forgottenTopicsData.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p}`)),
      };
      this.fetches.push(seen);
      inFlight.set(header.correlationId, seen);
    }));
    upstream.on('data', framer((frame) => {
      const r = new Reader(frame);
      const correlationId = r.int32();
      const pending = inFlight.get(correlationId);
      if (!pending) return;
      inFlight.delete(correlationId);
      if (responseHeaderVersion(ApiKey.Fetch, pending.version) >= 1) r.taggedFields();
      r.int32(); // throttle_time_ms
      const errorCode = r.int16();
      const sessionId = r.int32();
      pending.response = { errorCode, sessionId };
    }));
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((res) => this.#server.close(() => res()));
  }
}

describe('the Java client and the protocol', () => {
  let broker: BrokerProcess;
  let proxy: FetchRecordingProxy;
  let bootstrap: string;

  before(async () => {
    for (const [cmd, args] of [['java', ['-version']], ['mvn', ['-B', '-v']]] as const) {
      const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
      assert.ok(!r.error && r.status === 0, `${cmd} is needed (apt-get install -y openjdk-17-jdk-headless maven)`);
    }
    await buildClientCheck(BUILD_DIR);
    const proxyPort = await freePort();
    broker = await BrokerProcess.start({ overrides: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxyPort}`, 'num.partitions': 1 } });
    proxy = await FetchRecordingProxy.start(proxyPort, broker.port);
    bootstrap = `127.0.0.1:${proxyPort}`;
  }, { timeout: BUILD_TIMEOUT_MS + 60_000 });
  after(async () => {
    await proxy?.close();
    await broker?.close();
  });

  test('the Java consumer opens a fetch session and continues it with incremental fetches; every record arrives', { timeout: 240_000 }, async () => {
    const topic = 'jv-session';
    // About 2 MB per partition, more than the consumer's max.partition.fetch.bytes (1 MiB): several fetches.
    const n = 9_000;
    const created = await java(['create-topic', bootstrap, topic, '3']);
    assert.equal(created.code, 0, created.stderr);
    const produced = await java(['produce', bootstrap, topic, String(n), '--pad', '400']);
    assert.equal(produced.code, 0, produced.stderr);
    assert.equal(produced.summary.acked, n);
    const counts = [0, 1, 2].map((p) => produced.lines.filter((a: { p: number }) => a.p === p).length);

    const before = proxy.fetches.length;
    // After the last record the consumer keeps polling for 2 s: fetches in the session with nothing to move.
    const consumed = await java(['consume', bootstrap, topic, String(n), '--tail-ms', '2000']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.summary.count, n, 'every record arrived');
    assert.equal(consumed.summary.extra, 0);
    for (let p = 0; p < 3; p++) assert.deepEqual([consumed.summary.partitions[p].count, consumed.summary.partitions[p].last], [counts[p], counts[p]! - 1], `partition ${p}`);
    const seen = new Set(consumed.lines.map((r: { p: number; o: number }) => `${r.p}/${r.o}`));
    assert.equal(seen.size, n, 'no record twice');

    const fetches = proxy.fetches.slice(before).filter((f) => f.clientId === 'gregor-java-consumer');
    assert.ok(fetches.length >= 3, `the consumer sent ${fetches.length} fetches`);
    for (const f of fetches) assert.equal(f.response?.errorCode, 0, `fetch ${JSON.stringify(f)} was answered without a session error`);
    // Opening: a full fetch (id 0, epoch 0) naming all three partitions, answered with a new session id.
    const [open, ...rest] = fetches;
    assert.deepEqual([open!.sessionId, open!.sessionEpoch], [0, 0], 'the first fetch asks for a session');
    assert.deepEqual(open!.partitions.map((p) => p.replace(/@.*/, '')).sort(), [`${topic}/0`, `${topic}/1`, `${topic}/2`]);
    const id = open!.response!.sessionId;
    assert.ok(id > 0, 'the broker created a session');
    // Then incremental fetches in that session, epochs 1, 2, 3, ... without a gap. The consumer's close may
    // end with a final fetch (epoch -1) that closes the session.
    const incremental = rest.filter((f) => f.sessionEpoch !== -1);
    assert.ok(incremental.length >= 2, `${incremental.length} incremental fetches`);
    incremental.forEach((f, i) => {
      assert.equal(f.sessionId, id, `fetch ${i + 1} continues the session`);
      assert.equal(f.sessionEpoch, i + 1, `fetch ${i + 1} carries the next epoch`);
      assert.equal(f.response!.sessionId, id, `fetch ${i + 1} is answered in the session`);
    });
    for (const f of rest.filter((x) => x.sessionEpoch === -1)) assert.equal(f.sessionId, id);
    // Incremental fetches name only partitions whose position moved: once caught up, none at all.
    assert.ok(incremental.some((f) => f.partitions.length === 0 && f.forgotten.length === 0), `incremental fetches named ${incremental.map((f) => f.partitions.length).join(',')} partitions`);
    // Each partition's offsets in the session only move forward, from 0 to the end.
    const last = new Map<string, number>();
    for (const f of [open!, ...incremental]) {
      for (const p of f.partitions) {
        const [tp, off] = p.split('@') as [string, string];
        assert.ok(Number(off) >= (last.get(tp) ?? 0), `${tp} moved back to ${off}`);
        last.set(tp, Number(off));
      }
    }
  });

  test('IncrementalAlterConfigs APPEND and SUBTRACT on cleanup.policy from the Java AdminClient, with Kafka\'s semantics', { timeout: 120_000 }, async () => {
    const topic = 'jv-subtract';
    assert.equal((await java(['create-topic', bootstrap, topic, '1'])).code, 0);
    const alter = async (...ops: string[]) => {
      const r = await java(['alter-configs', bootstrap, topic, ...ops]);
      assert.equal(r.code, 0, r.stderr);
      return r.summary as { error: string | null; configs: Record<string, { value: string | null; source: string }> };
    };
    // No override yet: SUBTRACT of an absent item leaves the default's items ("delete") as the override.
    let s = await alter('SUBTRACT:cleanup.policy=compact');
    assert.equal(s.error, null);
    assert.deepEqual(s.configs['cleanup.policy'], { value: 'delete', source: 'DYNAMIC_TOPIC_CONFIG' });
    s = await alter('APPEND:cleanup.policy=compact');
    assert.deepEqual(s.configs['cleanup.policy'], { value: 'delete,compact', source: 'DYNAMIC_TOPIC_CONFIG' });
    // APPEND of an item already there does not repeat it.
    s = await alter('APPEND:cleanup.policy=compact');
    assert.equal(s.configs['cleanup.policy']!.value, 'delete,compact');
    s = await alter('SUBTRACT:cleanup.policy=delete');
    assert.equal(s.error, null);
    assert.deepEqual(s.configs['cleanup.policy'], { value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG' });
    // SUBTRACT of an item that is not in the list changes nothing.
    s = await alter('SUBTRACT:cleanup.policy=delete');
    assert.deepEqual(s.configs['cleanup.policy'], { value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG' });
    // One request with SET on another key and SUBTRACT: both apply.
    s = await alter('APPEND:cleanup.policy=delete', 'SET:retention.ms=60000');
    assert.equal(s.configs['cleanup.policy']!.value, 'compact,delete');
    assert.deepEqual(s.configs['retention.ms'], { value: '60000', source: 'DYNAMIC_TOPIC_CONFIG' });
    // SUBTRACT (like APPEND) on a key that is not a list is INVALID_CONFIG, and nothing of the request applies.
    s = await alter('SUBTRACT:retention.ms=60000', 'SUBTRACT:cleanup.policy=compact');
    assert.match(s.error ?? '', /^InvalidConfigurationException: .*retention\.ms/);
    assert.equal(s.configs['retention.ms']!.value, '60000');
    assert.equal(s.configs['cleanup.policy']!.value, 'compact,delete');
    // DELETE drops the override: the default comes back.
    s = await alter('DELETE:cleanup.policy');
    assert.deepEqual(s.configs['cleanup.policy'], { value: 'delete', source: 'DEFAULT_CONFIG' });
  });
});
