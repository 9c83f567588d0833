// The gateway's listings under ACLs (StandardAuthorizer, allow.everyone.if.no.acl.found=false, HTTP Basic):
// topics, topic details and consumer groups with lag are read as the request's principal, so a super user
// sees every topic's offsets and every group's lag, and a user sees only the topics and groups it may
// describe (a topic it may not is 403 TOPIC_AUTHORIZATION_FAILED, whether it exists or not).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/wait.js';
import { LocalMetadataStore } from '../../src/metadata/index.js';

const USERS = { admin: 'admin-secret', alice: 'alice-secret' } as const;
type User = keyof typeof USERS;

describe('gateway listings under ACLs', () => {
  let dir: string;
  let broker: BrokerProcess;
  let base: string;

  const auth = (u: User) => `Basic ${Buffer.from(`${u}:${USERS[u]}`).toString('base64')}`;
  const call = async (u: User, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(30_000),
      headers: { authorization: auth(u), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // the console's HTML
    }
    return { status: res.status, body: parsed, text };
  };

  /** A WebSocket group member of `group` on `topic` that commits `offset` for partition 0, then leaves. */
  async function commitAsGroup(u: User, group: string, topic: string, offset: number): Promise<void> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { authorization: auth(u) } });
    const seen: any[] = [];
    ws.on('message', (d: Buffer, isBinary: boolean) => {
      if (!isBinary) seen.push(JSON.parse(d.toString()));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ type: 'subscribe', group, topics: [topic], reset: 'earliest', credit: 0 }));
      await waitFor(`${group} assigned`, () => seen.some((m) => m.type === 'assigned') || undefined, 30_000);
      ws.send(JSON.stringify({ type: 'ack', offsets: [{ topic, partition: 0, offset }] }));
      await waitFor(`${group} committed`, () => seen.find((m) => m.type === 'committed') ?? undefined, 30_000);
      const committed = seen.find((m) => m.type === 'committed');
      assert.deepEqual(committed.offsets, [{ topic, partition: 0, error_code: 0 }], JSON.stringify(seen));
    } finally {
      ws.terminate();
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-gw-acl-'));
    const store = new LocalMetadataStore(dir);
    await store.updateAcls({ resourceType: 'Topic', patternType: 'LITERAL', name: 'public-t' }, () => [
      { principal: 'User:alice', permissionType: 'Allow', operation: 'Describe', host: '*' },
      { principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' },
    ]);
    await store.updateAcls({ resourceType: 'Group', patternType: 'LITERAL', name: 'g-public' }, () => [
      { principal: 'User:alice', permissionType: 'Allow', operation: 'Describe', host: '*' },
    ]);
    await store.close();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required ${Object.entries(USERS).map(([u, p]) => `user_${u}="${p}"`).join(' ')};`;
    broker = await BrokerProcess.start({ logDir: dir, overrides: {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': false, 'super.users': 'User:admin',
      'gateway.listeners': `HTTP://127.0.0.1:${port}`, 'gateway.authentication': 'basic', 'listener.name.http.plain.sasl.jaas.config': jaas,
      'num.partitions': 1, 'offsets.topic.num.partitions': 1, 'offsets.topic.replication.factor': 1, 'group.initial.rebalance.delay.ms': 0,
    } });
    await waitFor('gateway started', () => broker.output.includes('"gateway started"') || undefined, 30_000);
  });
  after(async () => {
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a super user sees every topic\'s offsets and every group\'s lag; a user only what it may describe', async () => {
    for (const t of ['public-t', 'secret-t']) {
      assert.equal((await call('admin', 'POST', '/topics', { name: t, partitions: 1 })).status, 201);
      const p = await call('admin', 'POST', `/topics/${t}/partitions/0`, { records: [{ value: 'a' }, { value: 'b' }] });
      assert.equal(p.status, 200, p.text);
    }
    await commitAsGroup('admin', 'g-public', 'public-t', 1);
    await commitAsGroup('admin', 'g-secret', 'secret-t', 1);

    const adminTopics = await call('admin', 'GET', '/topics?details=true');
    assert.equal(adminTopics.status, 200, adminTopics.text);
    for (const t of ['public-t', 'secret-t']) {
      const d = adminTopics.body.find((x: any) => x.name === t);
      assert.ok(d, `${t} listed for the super user`);
      assert.equal(d.partitions.length, 1, `${t}'s partitions shown to the super user`);
      assert.equal(d.partitions[0].high_watermark, 2);
    }
    const adminGroups = await call('admin', 'GET', '/groups');
    assert.deepEqual(adminGroups.body.map((g: any) => [g.group_id, g.partitions.map((p: any) => [p.topic, p.committed, p.high_watermark, p.lag])]),
      [['g-public', [['public-t', 1, 2, 1]]], ['g-secret', [['secret-t', 1, 2, 1]]]]);

    const aliceTopics = await call('alice', 'GET', '/topics');
    assert.deepEqual(aliceTopics.body, ['public-t'], 'only the topics alice may describe');
    const aliceDetails = await call('alice', 'GET', '/topics?details=true');
    assert.deepEqual(aliceDetails.body.map((d: any) => [d.name, d.partitions.map((p: any) => p.high_watermark)]), [['public-t', [2]]]);
    for (const t of ['secret-t', 'no-such-topic']) {
      const denied = await call('alice', 'GET', `/topics/${t}`);
      assert.equal(denied.status, 403, `${t}: ${denied.text}`);
      assert.equal(denied.body.error, 'TOPIC_AUTHORIZATION_FAILED');
    }
    assert.equal((await call('alice', 'GET', '/topics/public-t')).status, 200);
    const aliceGroups = await call('alice', 'GET', '/groups');
    assert.deepEqual(aliceGroups.body.map((g: any) => [g.group_id, g.partitions.map((p: any) => [p.topic, p.lag])]), [['g-public', [['public-t', 1]]]]);
    assert.equal((await call('alice', 'GET', '/')).status, 200, 'the console loads');

    // /metrics names every topic and group: the super user (it may describe the cluster) reads gauges for
    // all of them, whatever ANONYMOUS may describe; alice, who may not describe the cluster, gets 403.
    const metrics = await call('admin', 'GET', '/metrics');
    assert.equal(metrics.status, 200, metrics.text);
    for (const t of ['public-t', 'secret-t']) assert.match(metrics.text, new RegExp(`kafka_log_log_logendoffset\\{topic="${t}",partition="0"\\} 2`), `${t}'s log end offset in /metrics`);
    assert.match(metrics.text, /group="g-secret"[^\n]*\} 1/, 'g-secret\'s lag in /metrics');
    const aliceMetrics = await call('alice', 'GET', '/metrics');
    assert.equal(aliceMetrics.status, 403, aliceMetrics.text);
    assert.equal(aliceMetrics.body.error, 'CLUSTER_AUTHORIZATION_FAILED');
  });
});
