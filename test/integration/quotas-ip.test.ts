// IP connection-rate quotas (KIP-612) against a real broker process: Apache Kafka's kafka-configs sets and
// describes connection_creation_rate on an ip entity (AlterClientQuotas, DescribeClientQuotas); a burst of
// connections from that address (127.0.0.2) gets only about the quota's worth served, the rest held and closed
// unanswered, while a burst from 127.0.0.1 at the same time is served in full; removing the quota lifts it.
// The ip default applies to addresses without their own quota (gregor configs --entity-default). Bad inputs
// (not an IP, a key that is not connection_creation_rate, ip with user) get INVALID_REQUEST with Kafka's
// messages. /metrics counts the throttled connections. listener.name.<l>.max.connection.creation.rate makes
// the listener wait between accepts: a burst is served in full, with waits counted on /metrics. The quota window
// is 2 samples of 1 s so the rate tests stay short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { BrokerProcess, GREGOR_BIN, freePort } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/wait.js';
import { http } from './gateway-helpers.js';
import { run } from '../helpers/run.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { RawConnection } from '../helpers/raw-client.js';
import { AlterClientQuotas, DescribeClientQuotas, ErrorCode } from '../../src/protocol/index.js';

/** A v0 ApiVersions request frame (header v1: api key, version, correlation id, client id; empty body). */
function apiVersionsFrame(): Buffer {
  const clientId = Buffer.from('ipq-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(1, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Connects from `localAddress`, sends ApiVersions: 'served' when an answer comes, 'closed' when closed without one. */
function probe(port: number, localAddress: string): Promise<'served' | 'closed' | 'stuck'> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress });
    const done = (r: 'served' | 'closed' | 'stuck') => {
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    // A held connection is closed within the quota window (2 s here); far longer means it was never closed.
    const timer = setTimeout(() => done('stuck'), 20_000);
    s.on('connect', () => s.write(apiVersionsFrame()));
    s.on('data', () => done('served'));
    s.on('close', () => done('closed'));
    s.on('error', () => done('closed'));
  });
}

async function burst(port: number, localAddress: string, n: number): Promise<{ served: number; closed: number; stuck: number }> {
  const results = await Promise.all(Array.from({ length: n }, () => probe(port, localAddress)));
  return { served: results.filter((r) => r === 'served').length, closed: results.filter((r) => r === 'closed').length, stuck: results.filter((r) => r === 'stuck').length };
}

describe('IP connection-rate quotas (KIP-612)', () => {
  let broker: BrokerProcess;
  let metricsUrl: string;

  before(async () => {
    const gw = await freePort();
    metricsUrl = `http://127.0.0.1:${gw}/metrics`;
    broker = await BrokerProcess.start({ overrides: { 'quota.window.num': 2, 'quota.window.size.seconds': 1, 'gateway.listeners': `HTTP://127.0.0.1:${gw}` } });
    await waitFor('gateway started', () => broker.output.includes('"gateway started"'), 30_000);
  });
  after(async () => {
    await broker?.close();
  });

  const gregor = (args: string[]) => run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, ...args], undefined, 60_000);

  test('kafka-configs sets connection_creation_rate on an IP and describes it; gregor configs describes it too', async () => {
    const r = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'ips', '--entity-name', '127.0.0.2', '--add-config', 'connection_creation_rate=2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const k = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--describe', '--entity-type', 'ips', '--entity-name', '127.0.0.2']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /127\.0\.0\.2.*connection_creation_rate=2/);
    const all = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--describe', '--entity-type', 'ips']);
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.match(all.stdout, /127\.0\.0\.2.*connection_creation_rate=2/);
    const d = await gregor(['--entity-type', 'ips', '--entity-name', '127.0.0.2', '--describe']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /Quota configs for ip '127\.0\.0\.2' are connection_creation_rate=2\.0/);
  });

  test('a burst from the limited IP gets about its quota served, the rest closed unanswered; another IP is served every time', async () => {
    const [limited, free] = await Promise.all([burst(broker.port, '127.0.0.2', 20), burst(broker.port, '127.0.0.1', 20)]);
    assert.equal(free.served, 20, `127.0.0.1: ${JSON.stringify(free)}`);
    assert.equal(limited.stuck, 0, `127.0.0.2: ${JSON.stringify(limited)}`);
    // 2 per second over a window of at most 2 s: a handful, far from 20.
    assert.ok(limited.served >= 1 && limited.served <= 6, `127.0.0.2: ${JSON.stringify(limited)}`);
    assert.equal(limited.closed, 20 - limited.served);
    const m = await http('GET', metricsUrl);
    assert.match(m.text, new RegExp(`^gregor_ip_connections_throttled_total ${limited.closed}$`, 'm'), 'every refused connection is counted on /metrics');
  });

  test('removing the quota (gregor configs --delete-config) serves every connection again', async () => {
    const r = await gregor(['--entity-type', 'ips', '--entity-name', '127.0.0.2', '--alter', '--delete-config', 'connection_creation_rate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Completed updating config for ip '127\.0\.0\.2'/);
    const again = await burst(broker.port, '127.0.0.2', 20);
    assert.equal(again.served, 20, JSON.stringify(again));
  });

  test('the ip default limits addresses without their own quota; an address\'s own quota wins', async () => {
    // 127.0.0.1 (the tools' address) gets a generous quota of its own; everyone else the default of 2/s.
    let r = await gregor(['--entity-type', 'ips', '--entity-name', '127.0.0.1', '--alter', '--add-config', 'connection_creation_rate=1000']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await gregor(['--entity-type', 'ips', '--entity-default', '--alter', '--add-config', 'connection_creation_rate=2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const k = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--describe', '--entity-type', 'ips', '--entity-default']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /connection_creation_rate=2/);
    const [limited, own] = await Promise.all([burst(broker.port, '127.0.0.2', 20), burst(broker.port, '127.0.0.1', 20)]);
    assert.equal(own.served, 20, `127.0.0.1: ${JSON.stringify(own)}`);
    assert.ok(limited.served >= 1 && limited.served <= 6, `127.0.0.2: ${JSON.stringify(limited)}`);
    assert.equal(limited.closed + limited.served, 20, `127.0.0.2: ${JSON.stringify(limited)}`);
    const all = await gregor(['--entity-type', 'ips', '--describe']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /Quota configs for ip '127\.0\.0\.1' are connection_creation_rate=1000\.0/);
    assert.match(all.stdout, /Quota configs for the default ip are connection_creation_rate=2\.0/);
    r = await gregor(['--entity-type', 'ips', '--entity-default', '--alter', '--delete-config', 'connection_creation_rate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await gregor(['--entity-type', 'ips', '--entity-name', '127.0.0.1', '--alter', '--delete-config', 'connection_creation_rate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('bad inputs: not an IP, a key other than connection_creation_rate, ip with user: INVALID_REQUEST with Kafka\'s messages', async () => {
    const conn = await RawConnection.open(broker.port);
    try {
      const alter = async (entity: Array<{ entityType: string; entityName: string | null }>, key: string, value: number) => {
        const res = await conn.request(AlterClientQuotas, 1, { entries: [{ entity, ops: [{ key, value, remove: false }] }], validateOnly: false });
        return res.entries[0]!;
      };
      let e = await alter([{ entityType: 'ip', entityName: 'not an ip' }], 'connection_creation_rate', 5);
      assert.deepEqual([e.errorCode, e.errorMessage], [ErrorCode.INVALID_REQUEST, 'not an ip is not a valid IP or resolvable host.']);
      e = await alter([{ entityType: 'ip', entityName: '127.0.0.9' }], 'producer_byte_rate', 5);
      assert.equal(e.errorCode, ErrorCode.INVALID_REQUEST);
      assert.match(e.errorMessage ?? '', /Invalid configuration key producer_byte_rate/);
      e = await alter([{ entityType: 'user', entityName: 'alice' }], 'connection_creation_rate', 5);
      assert.equal(e.errorCode, ErrorCode.INVALID_REQUEST, 'connection_creation_rate is not a user quota');
      e = await alter([{ entityType: 'ip', entityName: '127.0.0.9' }, { entityType: 'user', entityName: 'alice' }], 'connection_creation_rate', 5);
      assert.deepEqual([e.errorCode, e.errorMessage], [ErrorCode.INVALID_REQUEST, 'Invalid quota entity combination, IP entity should not be combined with User or ClientId']);
      e = await alter([{ entityType: 'ip', entityName: '127.0.0.9' }], 'connection_creation_rate', 2.5);
      assert.equal(e.errorCode, ErrorCode.INVALID_REQUEST, 'connection_creation_rate is an int');
      e = await alter([{ entityType: 'ip', entityName: '::1' }], 'connection_creation_rate', 7);
      assert.equal(e.errorCode, ErrorCode.NONE, 'an IPv6 address is an IP');
      const d = await conn.request(DescribeClientQuotas, 1, { components: [{ entityType: 'ip', matchType: 0, match: '::1' }], strict: true });
      assert.equal(d.errorCode, ErrorCode.NONE);
      assert.deepEqual(d.entries?.map((x) => [x.entity, x.values]), [[[{ entityType: 'ip', entityName: '::1' }], [{ key: 'connection_creation_rate', value: 7 }]]]);
      const none = await conn.request(DescribeClientQuotas, 1, { components: [{ entityType: 'ip', matchType: 0, match: '127.0.0.9' }], strict: true });
      assert.deepEqual(none.entries, [], 'nothing was stored for the refused entries');
    } finally {
      conn.close();
    }
    const k = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'ips', '--entity-name', '127.0.0.1', '--add-config', 'producer_byte_rate=5']);
    assert.notEqual(k.code, 0, k.stdout);
    const g = await gregor(['--entity-type', 'ips', '--entity-name', 'nope', '--alter', '--add-config', 'connection_creation_rate=5']);
    assert.equal(g.code, 2);
    assert.match(g.stderr, /must be a valid IP address/);
    const g2 = await gregor(['--entity-type', 'ips', '--entity-name', '127.0.0.1', '--alter', '--add-config', 'consumer_byte_rate=5']);
    assert.equal(g2.code, 2);
    assert.match(g2.stderr, /not a quota config of ips/);
  });
});

describe('max.connection.creation.rate (KIP-612) per listener', () => {
  let broker: BrokerProcess;
  let metricsUrl: string;

  before(async () => {
    const gw = await freePort();
    metricsUrl = `http://127.0.0.1:${gw}/metrics`;
    broker = await BrokerProcess.start({ overrides: { 'quota.window.num': 2, 'quota.window.size.seconds': 1, 'listener.name.plaintext.max.connection.creation.rate': 2, 'gateway.listeners': `HTTP://127.0.0.1:${gw}` } });
    await waitFor('gateway started', () => broker.output.includes('"gateway started"'), 30_000);
  });
  after(async () => {
    await broker?.close();
  });

  test('a burst over the listener\'s rate is served in full, the listener waiting between accepts instead of closing', async () => {
    const first = await http('GET', metricsUrl);
    const waits = (text: string) => Number(/^gregor_connection_accept_throttled_total\{listener="PLAINTEXT"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
    const start = waits(first.text);
    const b = await burst(broker.port, '127.0.0.1', 8);
    assert.deepEqual(b, { served: 8, closed: 0, stuck: 0 });
    const after = waits((await http('GET', metricsUrl)).text);
    assert.ok(after - start >= 3, `listener waits ${start} -> ${after}: 8 connections at 2/s over a 1 s early window`);
  });
});
