// Connection limits changed at run time (Kafka's dynamic DynamicConnectionQuota configs) against a real broker
// process: Apache Kafka's kafka-configs (and gregor configs) set max.connections.per.ip on the cluster default
// and on the broker itself; connections past the new limit from one address are closed while the ones already
// open keep being answered, even when the limit drops below them; deleting the config serves new ones again.
// max.connections.per.ip.overrides replaces the per-address exceptions; max.connection.creation.rate makes the
// client listener (not the inter-broker one) wait between accepts. DescribeConfigs shows the dynamic sources
// with read_only=false; bad values get INVALID_CONFIG. In a two-broker cluster both apply a change to the
// default, and only the named broker its own. The test connections come from 127.0.0.2 and 127.0.0.3
// (loopback aliases) so the tools, which connect from 127.0.0.1 (a static override lets it in), stay out of the counts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess, GREGOR_BIN, freePort } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/wait.js';
import { http } from './gateway-helpers.js';
import { run } from '../helpers/run.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { Probe, allStillServed, closeAll, openMany } from '../helpers/probe.js';
import { startCluster, type EmbeddedCluster } from '../../src/index.js';

describe('connection limits changed at run time (dynamic broker configs)', () => {
  let broker: BrokerProcess;
  let internalPort: number;
  let metricsUrl: string;

  before(async () => {
    const [port, gw] = [await freePort(), await freePort()];
    internalPort = await freePort();
    metricsUrl = `http://127.0.0.1:${gw}/metrics`;
    // A client listener and an inter-broker one, so that max.connection.creation.rate has a listener to limit.
    broker = await BrokerProcess.start({ port, overrides: {
      listeners: `PLAINTEXT://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT', 'inter.broker.listener.name': 'INTERNAL',
      // The tools and kafkajs connect from 127.0.0.1: never limited (a dynamic overrides value replaces this one).
      'max.connections.per.ip.overrides': '127.0.0.1:1000',
      'quota.window.num': 2, 'quota.window.size.seconds': 1, 'gateway.listeners': `HTTP://127.0.0.1:${gw}`,
    } });
    await waitFor('gateway started', () => broker.output.includes('"gateway started"'), 30_000);
  });
  after(async () => {
    await broker?.close();
  });

  const kafkaConfigs = (args: string[]) => runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--entity-type', 'brokers', ...args]);
  const gregor = (args: string[]) => run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'brokers', ...args], undefined, 60_000);

  test('kafka-configs --entity-default max.connections.per.ip: past it new connections are closed, open ones (even over a lowered limit) are served; --delete-config lifts it', async () => {
    // Four open before any limit.
    const before = await openMany(broker.port, '127.0.0.2', 4);
    assert.equal(before.served.length, 4);
    let r = await kafkaConfigs(['--entity-default', '--alter', '--add-config', 'max.connections.per.ip=2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Below what 127.0.0.2 holds: nothing is dropped, nothing new is let in.
    const over = await openMany(broker.port, '127.0.0.2', 2);
    assert.deepEqual([over.served.length, over.closed], [0, 2], 'new connections past the lowered limit are closed');
    assert.ok(await allStillServed(before.served), 'the connections already open keep being answered');
    // Another address gets its own 2.
    const other = await openMany(broker.port, '127.0.0.3', 3);
    assert.deepEqual([other.served.length, other.closed], [2, 1], 'the third connection from 127.0.0.3 is closed');
    assert.ok(await allStillServed(other.served));
    // Two of 127.0.0.2's close: it is at the limit, still refused; one more closes and one gets in.
    closeAll(before.served.splice(0, 2));
    assert.equal((await Probe.open(broker.port, '127.0.0.2')).result, 'closed');
    closeAll(before.served.splice(0, 1));
    // The broker counts the close when it sees it: retry until it has.
    const again = await waitFor('a new connection served below the limit', async () => {
      const p = await Probe.open(broker.port, '127.0.0.2');
      return p.result === 'served' ? p : (p.probe.close(), undefined);
    }, 20_000, 200);
    r = await kafkaConfigs(['--entity-default', '--alter', '--delete-config', 'max.connections.per.ip']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lifted = await openMany(broker.port, '127.0.0.2', 5);
    assert.deepEqual([lifted.served.length, lifted.closed], [5, 0], 'with the limit deleted new connections are served');
    closeAll([...before.served, ...other.served, again.probe, ...lifted.served]);
  });

  test('--entity-name <id> sets this broker\'s own limit over the default; DescribeConfigs shows both sources, read_only=false', async () => {
    let r = await kafkaConfigs(['--entity-default', '--alter', '--add-config', 'max.connections.per.ip=5']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await kafkaConfigs(['--entity-name', '0', '--alter', '--add-config', 'max.connections.per.ip=1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const d = await kafkaConfigs(['--entity-name', '0', '--describe', '--all']);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    assert.match(d.stdout, /max\.connections\.per\.ip=1 sensitive=false synonyms=\{DYNAMIC_BROKER_CONFIG:max\.connections\.per\.ip=1/);
    const dd = await kafkaConfigs(['--entity-default', '--describe']);
    assert.equal(dd.code, 0, dd.stdout + dd.stderr);
    assert.match(dd.stdout, /max\.connections\.per\.ip=5 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:max\.connections\.per\.ip=5/);
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: '0', configNames: ['max.connections', 'max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connection.creation.rate'] }] });
      const entries = new Map(res.resources[0]!.configEntries.map((e) => [e.configName, e]));
      assert.equal(entries.get('max.connections.per.ip')?.configValue, '1');
      assert.equal(entries.get('max.connections.per.ip')?.configSource, 2, 'DYNAMIC_BROKER_CONFIG');
      for (const name of ['max.connections', 'max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connection.creation.rate']) {
        assert.equal(entries.get(name)?.readOnly, false, `${name} is dynamic`);
      }
    } finally {
      await admin.disconnect();
    }
    const own = await openMany(broker.port, '127.0.0.2', 3);
    assert.deepEqual([own.served.length, own.closed], [1, 2], 'the broker\'s own limit of 1 wins over the default of 5');
    r = await kafkaConfigs(['--entity-name', '0', '--alter', '--delete-config', 'max.connections.per.ip']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const dflt = await openMany(broker.port, '127.0.0.2', 5);
    assert.deepEqual([dflt.served.length, dflt.closed], [4, 1], 'back to the default of 5 (one already open)');
    r = await kafkaConfigs(['--entity-default', '--alter', '--delete-config', 'max.connections.per.ip']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    closeAll([...own.served, ...dflt.served]);
  });

  test('max.connections.per.ip.overrides set at run time lets one address past the limit; a new value replaces the whole map', async () => {
    // 127.0.0.1 (the tools) keeps room of its own.
    let r = await gregor(['--entity-default', '--alter', '--add-config', 'max.connections.per.ip.overrides=[127.0.0.1:100,127.0.0.2:3],max.connections.per.ip=1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const d = await gregor(['--entity-default', '--describe']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /max\.connections\.per\.ip\.overrides=127\.0\.0\.1:100,127\.0\.0\.2:3 DYNAMIC_DEFAULT_BROKER_CONFIG/);
    const a = await openMany(broker.port, '127.0.0.2', 4);
    const b = await openMany(broker.port, '127.0.0.3', 2);
    assert.deepEqual([a.served.length, a.closed], [3, 1], '127.0.0.2 gets its override of 3');
    assert.deepEqual([b.served.length, b.closed], [1, 1], '127.0.0.3 gets the limit of 1');
    r = await gregor(['--entity-default', '--alter', '--add-config', 'max.connections.per.ip.overrides=[127.0.0.1:100,127.0.0.3:2]']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const a2 = await openMany(broker.port, '127.0.0.2', 1);
    const b2 = await openMany(broker.port, '127.0.0.3', 2);
    assert.deepEqual([a2.served.length, b2.served.length], [0, 1], '127.0.0.2 lost its override, 127.0.0.3 got one of 2');
    assert.ok(await allStillServed([...a.served, ...b.served, ...b2.served]), 'every open connection is still served');
    r = await gregor(['--entity-default', '--alter', '--delete-config', 'max.connections.per.ip,max.connections.per.ip.overrides']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    closeAll([...a.served, ...b.served, ...b2.served]);
  });

  test('max.connection.creation.rate lowered at run time makes the client listener wait between accepts; the inter-broker listener is exempt; a listener\'s own rate set at run time covers it', async () => {
    const waits = async (listener: string) => {
      const m = await http('GET', metricsUrl);
      const line = new RegExp(`^gregor_connection_accept_throttled_total\\{listener="${listener}"\\} (\\d+)$`, 'm').exec(m.text);
      return Number(line?.[1] ?? 0);
    };
    const burst = async (port: number, n: number) => {
      const results = await Promise.all(Array.from({ length: n }, () => Probe.open(port, '127.0.0.2')));
      closeAll(results.map((r) => r.probe));
      return results.filter((r) => r.result === 'served').length;
    };
    assert.equal(await burst(broker.port, 10), 10);
    assert.equal(await waits('PLAINTEXT'), 0, 'no waits before the rate is set');
    let r = await kafkaConfigs(['--entity-default', '--alter', '--add-config', 'max.connection.creation.rate=2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const started = Date.now();
    assert.equal(await burst(broker.port, 10), 10, 'a burst is served in full, only later');
    const took = Date.now() - started;
    const waited = await waits('PLAINTEXT');
    assert.ok(waited >= 1, `the client listener waited (${waited})`);
    // 10 connections at 2 a second over a 2 s window: several seconds; a loaded machine only makes it longer.
    assert.ok(took >= 1500, `the burst took ${took} ms`);
    assert.equal(await burst(internalPort, 10), 10);
    assert.equal(await waits('INTERNAL'), 0, 'the inter-broker listener does not wait');
    r = await kafkaConfigs(['--entity-default', '--alter', '--delete-config', 'max.connection.creation.rate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // The tool's own connections came in under the rate and may have waited too: count from here.
    const settled = await waits('PLAINTEXT');
    assert.ok(settled >= waited);
    assert.equal(await burst(broker.port, 10), 10);
    assert.equal(await waits('PLAINTEXT'), settled, 'with the rate deleted the listener no longer waits');
    // A listener's own rate covers that listener, the inter-broker one too.
    r = await kafkaConfigs(['--entity-name', '0', '--alter', '--add-config', 'listener.name.internal.max.connection.creation.rate=2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await burst(internalPort, 10), 10);
    assert.ok(await waits('INTERNAL') >= 1, 'listener.name.internal.max.connection.creation.rate made INTERNAL wait');
    assert.equal(await burst(broker.port, 10), 10);
    assert.equal(await waits('PLAINTEXT'), settled, 'PLAINTEXT is not under INTERNAL\'s rate');
    r = await kafkaConfigs(['--entity-name', '0', '--alter', '--delete-config', 'listener.name.internal.max.connection.creation.rate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('bad values are refused with INVALID_CONFIG', async () => {
    const cases: Array<[string, RegExp]> = [
      ['max.connections.per.ip=-1', /max\.connections\.per\.ip/],
      ['max.connections=abc', /max\.connections/],
      ['max.connection.creation.rate=-5', /max\.connection\.creation\.rate/],
    ];
    for (const [config, message] of cases) {
      const r = await kafkaConfigs(['--entity-default', '--alter', '--add-config', config]);
      assert.notEqual(r.code, 0, config);
      assert.match(r.stdout + r.stderr, /InvalidConfigurationException/, config);
      assert.match(r.stdout + r.stderr, message, config);
    }
    let g = await gregor(['--entity-name', '0', '--alter', '--add-config', 'max.connections.per.ip.overrides=[127.0.0.2:many]']);
    assert.notEqual(g.code, 0);
    assert.match(g.stdout + g.stderr, /INVALID_CONFIG|Invalid value/);
    // Zero needs overrides: an empty overrides value (replacing the static one) with zero is refused, as Kafka.
    g = await gregor(['--entity-name', '0', '--alter', '--add-config', 'max.connections.per.ip=0,max.connections.per.ip.overrides=']);
    assert.notEqual(g.code, 0, g.stdout + g.stderr);
    assert.match(g.stdout + g.stderr, /max\.connections\.per\.ip can be set to zero only if max\.connections\.per\.ip\.overrides property is set/);
    // Zero is fine with overrides (a broker open to listed addresses only).
    const ok = await kafkaConfigs(['--entity-name', '0', '--alter', '--add-config', 'max.connections.per.ip=0,max.connections.per.ip.overrides=[127.0.0.1:100]']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((await Probe.open(broker.port, '127.0.0.2')).result, 'closed');
    const r = await kafkaConfigs(['--entity-name', '0', '--alter', '--delete-config', 'max.connections.per.ip,max.connections.per.ip.overrides']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const served = await Probe.open(broker.port, '127.0.0.2');
    assert.equal(served.result, 'served');
    served.probe.close();
  });
});

describe('connection limits in a cluster', () => {
  let cluster: EmbeddedCluster;

  before(async () => {
    // In-process brokers coordinated in memory; the tools (127.0.0.1) are never limited.
    cluster = await startCluster({ brokers: 2, config: { 'max.connections.per.ip.overrides': '127.0.0.1:1000' } });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('every broker applies a change to the default; a change for one broker (kafka-configs routes it there) applies on that broker only', async () => {
    const [b0, b1] = cluster.brokers;
    const tool = (args: string[]) => runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', `127.0.0.1:${b0!.port}`, '--entity-type', 'brokers', ...args]);
    let r = await tool(['--entity-default', '--alter', '--add-config', 'max.connections.per.ip=2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Broker 1 learns of the change from the cluster metadata.
    const onB1 = await waitFor('the default applied on broker 1', async () => {
      const o = await openMany(b1!.port, '127.0.0.2', 3);
      if (o.closed === 1) return o;
      closeAll(o.served);
      return undefined;
    }, 30_000, 500);
    assert.equal(onB1.served.length, 2);
    r = await tool(['--entity-name', '1', '--alter', '--add-config', 'max.connections.per.ip=3']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const more = await waitFor('broker 1\'s own limit applied', async () => {
      const p = await Probe.open(b1!.port, '127.0.0.2');
      return p.result === 'served' ? p : (p.probe.close(), undefined);
    }, 30_000, 500);
    assert.equal((await Probe.open(b1!.port, '127.0.0.2')).result, 'closed', 'broker 1: 3 and no more');
    const on0 = await openMany(b0!.port, '127.0.0.2', 3);
    assert.deepEqual([on0.served.length, on0.closed], [2, 1], 'broker 0 keeps the default of 2');
    closeAll([...onB1.served, more.probe, ...on0.served]);
  });
});
