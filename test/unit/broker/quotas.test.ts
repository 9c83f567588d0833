// ClientQuotaManager: Kafka's precedence of quota entities, the sampled rate's early window, and the
// throttle time (rate - quota) / quota x window; clients under no quota are not measured; a throttled fetch's
// bytes taken back; controller_mutation_rate's token bucket, strict and permissive (Kafka's
// StrictControllerMutationQuotaTest numbers).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientQuotaManager, IpConnectionRateQuotas, ListenerConnectionRates, SampledRate, ThrottlingQuotaExceededError } from '../../../src/broker/quotas.js';
import { InMemoryCluster } from '../../../src/metadata/index.js';

const who = (principal: string, clientId: string) => ({ ingress: 'kafka' as const, listener: 'PLAINTEXT', clientId, remote: '127.0.0.1', principal });

describe('ClientQuotaManager', () => {
  test('precedence: user+client, user+default client, user, default user+client, ..., client, default client', async () => {
    const store = new InMemoryCluster().store();
    const q = new ClientQuotaManager(store, { samples: 11, sampleMs: 1000 });
    const set = (entity: { user?: string; clientId?: string }, v: number) => store.alterClientQuotas(entity, { producer_byte_rate: v }, []);
    await set({ clientId: '<default>' }, 8);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 8);
    await set({ clientId: 'c' }, 7);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 7);
    await set({ user: '<default>' }, 6);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 6);
    await set({ user: '<default>', clientId: '<default>' }, 5);
    await set({ user: '<default>', clientId: 'c' }, 4);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 4);
    await set({ user: 'alice' }, 3);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 3);
    await set({ user: 'alice', clientId: '<default>' }, 2);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 2);
    await set({ user: 'alice', clientId: 'c' }, 1);
    assert.deepEqual(q.quotaFor('produce', 'alice', 'c'), { quota: 1, userTag: 'alice', clientTag: 'c' });
    assert.equal(q.quotaFor('produce', 'bob', 'c')?.quota, 4);
    assert.equal(q.quotaFor('fetch', 'alice', 'c'), undefined, 'consumer_byte_rate is separate');
    await store.alterClientQuotas({ user: 'alice', clientId: 'c' }, {}, ['producer_byte_rate']);
    assert.equal(q.quotaFor('produce', 'alice', 'c')?.quota, 2, 'a removed value falls back');
  });

  test('throttle time: (rate - quota) / quota x window; under the quota or without one: 0', async () => {
    const store = new InMemoryCluster().store();
    const q = new ClientQuotaManager(store, { samples: 11, sampleMs: 1000 });
    assert.equal(q.record('produce', who('User:ANONYMOUS', 'c'), 1e9, 0), 0, 'no quota');
    await store.alterClientQuotas({ clientId: 'c' }, { producer_byte_rate: 1000 }, []);
    // The first window counts as 10 s (samples - 1): 10,000 bytes fit, 20,000 are 100% over -> 10 s.
    assert.equal(q.record('produce', who('User:ANONYMOUS', 'c'), 10_000, 0), 0);
    assert.equal(q.record('produce', who('User:ANONYMOUS', 'c'), 10_000, 0), 10_000);
    assert.equal(q.metrics(0)[0]!.throttledRequests, 1);
  });

  test('fetch: max bytes of one quota window, and bytes of an empty throttled answer taken back', async () => {
    const store = new InMemoryCluster().store();
    const q = new ClientQuotaManager(store, { samples: 11, sampleMs: 1000 });
    const c = who('User:ANONYMOUS', 'reader');
    assert.equal(q.maxValueInQuotaWindow('fetch', c), Infinity);
    await store.alterClientQuotas({ clientId: 'reader' }, { consumer_byte_rate: 1000 }, []);
    assert.equal(q.maxValueInQuotaWindow('fetch', c), 10_000);
    assert.equal(q.record('fetch', c, 10_000, 0), 0);
    assert.equal(q.record('fetch', c, 10_000, 0), 10_000);
    q.unrecord('fetch', c, 10_000, 0);
    assert.equal(q.throttleTimeMs('fetch', c, 0), 0, 'back within the quota');
    assert.equal(q.metrics(0)[0]!.bytes, 10_000);
  });

  test('controller_mutation_rate: a burst of quota x samples x window; strict refuses below zero, permissive throttles', async () => {
    const store = new InMemoryCluster().store();
    const q = new ClientQuotaManager(store, { samples: 10, sampleMs: 1000 });
    const c = who('User:ANONYMOUS', 'admin');
    assert.equal(q.mutationQuota(c, true), null, 'no quota');
    await store.alterClientQuotas({ clientId: 'admin' }, { controller_mutation_rate: 10 }, []);
    const strict = q.mutationQuota(c, true)!;
    strict.record(90, 0); // 100 -> 10
    strict.record(90, 0); // accepted: the bucket was not below zero; -> -80
    assert.equal(strict.throttleTimeMs, 0);
    assert.throws(() => strict.record(1, 0), (e: unknown) => e instanceof ThrottlingQuotaExceededError && e.throttleTimeMs === 8000);
    assert.throws(() => q.mutationQuota(c, true)!.record(1, 4000), (e: unknown) => e instanceof ThrottlingQuotaExceededError && e.throttleTimeMs === 4000);
    q.mutationQuota(c, true)!.record(1, 8000); // refilled to 0: accepted
    const permissive = q.mutationQuota(c, false)!;
    permissive.record(50, 8000); // never refused; -51 -> 5.1 s
    assert.equal(permissive.throttleTimeMs, 5100);
  });

  test('the sampled rate forgets samples older than the window', () => {
    const r = new SampledRate({ samples: 2, sampleMs: 1000 });
    r.record(1000, 0);
    assert.equal(r.rate(0), 1000);
    r.record(1000, 1000);
    assert.equal(r.rate(1500), 2000 / 1.5);
    assert.equal(r.rate(5000), 0);
  });
});

describe('IpConnectionRateQuotas (KIP-612)', () => {
  test('an IP\'s own connection_creation_rate, else the ip default, else none; user and client quotas do not count', async () => {
    const store = new InMemoryCluster().store();
    const q = new IpConnectionRateQuotas(store, { samples: 2, sampleMs: 1000 });
    await store.alterClientQuotas({ clientId: '<default>' }, { producer_byte_rate: 1 }, []);
    assert.equal(q.quotaFor('10.0.0.1'), undefined);
    assert.equal(q.recordConnection('10.0.0.1', 0), 0);
    await store.alterClientQuotas({ ip: '<default>' }, { connection_creation_rate: 10 }, []);
    await store.alterClientQuotas({ ip: '10.0.0.2' }, { connection_creation_rate: 2 }, []);
    assert.equal(q.quotaFor('10.0.0.1'), 10);
    assert.equal(q.quotaFor('10.0.0.2'), 2);
    const c = new ClientQuotaManager(store, { samples: 2, sampleMs: 1000 });
    assert.equal(c.quotaFor('produce', 'u', 'x')?.quota, 1, 'ip entities leave the client quotas as they are');
  });

  test('connections over the rate are refused with (rate - quota) / quota x window and not counted; other IPs are not affected', async () => {
    const store = new InMemoryCluster().store();
    const q = new IpConnectionRateQuotas(store, { samples: 2, sampleMs: 1000 });
    await store.alterClientQuotas({ ip: '10.0.0.2' }, { connection_creation_rate: 2 }, []);
    // Early window: one full sample (1 s) plus the time since the first. Two connections are within 2/s; a
    // third at 200 ms makes it 3 / 1.2 s = 2.5/s: held (2.5 - 2) / 2 x 1200 ms = 300 ms.
    assert.equal(q.recordConnection('10.0.0.2', 0), 0);
    assert.equal(q.recordConnection('10.0.0.2', 100), 0);
    assert.equal(q.recordConnection('10.0.0.2', 200), 300);
    assert.equal(q.recordConnection('10.0.0.2', 300), 200, 'the refused one was not counted: 3 / 1.3 s');
    assert.equal(q.throttledConnections, 2);
    for (let i = 0; i < 10; i++) assert.equal(q.recordConnection('10.0.0.3', 300), 0, 'no quota on another IP');
    // Two samples later the old connections have left the window.
    assert.equal(q.recordConnection('10.0.0.2', 3000), 0);
    await store.alterClientQuotas({ ip: '10.0.0.2' }, {}, ['connection_creation_rate']);
    for (let i = 0; i < 10; i++) assert.equal(q.recordConnection('10.0.0.2', 3001), 0, 'a removed quota lifts the limit');
  });
});

describe('ListenerConnectionRates (max.connection.creation.rate)', () => {
  test('the broker-wide rate covers every listener but the inter-broker one; a listener\'s own rate covers it alone', () => {
    const cfg = { samples: 2, sampleMs: 1000 };
    const none = new ListenerConnectionRates(cfg, ListenerConnectionRates.UNLIMITED, new Map([['CLIENT', ListenerConnectionRates.UNLIMITED]]), 'BROKER');
    assert.equal(none.active, false);
    const r = new ListenerConnectionRates(cfg, 2, new Map([['BROKER', ListenerConnectionRates.UNLIMITED], ['OTHER', 1]]), 'BROKER');
    assert.equal(r.active, true);
    for (let i = 0; i < 10; i++) assert.equal(r.recordAccept('BROKER', 0), 0, 'the inter-broker listener is not under the broker-wide rate');
    assert.equal(r.recordAccept('CLIENT', 0), 0);
    assert.equal(r.recordAccept('CLIENT', 100), 0);
    // 3 connections over 1.2 s at 2/s: wait (2.5 - 2) / 2 x 1200 ms; the connection itself still counts.
    assert.equal(r.recordAccept('CLIENT', 200), 300);
    // OTHER's own 1/s is not reached by its first connection, but the broker-wide rate counts CLIENT's too: 4 / 1.2 s.
    assert.equal(r.recordAccept('OTHER', 200), 800);
    // The second: its own rate 2 / 1.3 s waits 700 ms, the broker's 5 / 1.3 s 1200 ms: the longer wait.
    assert.equal(r.recordAccept('OTHER', 300), 1200);
    const own = new ListenerConnectionRates(cfg, ListenerConnectionRates.UNLIMITED, new Map([['BROKER', 1]]), 'BROKER');
    assert.equal(own.recordAccept('BROKER', 0), 0);
    assert.equal(own.recordAccept('BROKER', 0), 1000, 'a listener\'s own rate applies to the inter-broker listener too');
  });

  test('reconfigure (max.connection.creation.rate changed at run time): a lowered rate applies to the next accept, with the samples kept; unlimited stops it', () => {
    const cfg = { samples: 2, sampleMs: 1000 };
    const r = new ListenerConnectionRates(cfg, ListenerConnectionRates.UNLIMITED, new Map([['CLIENT', ListenerConnectionRates.UNLIMITED]]), 'BROKER');
    assert.equal(r.active, false);
    r.reconfigure(100, new Map([['CLIENT', ListenerConnectionRates.UNLIMITED]]));
    assert.equal(r.active, true);
    for (let i = 0; i < 3; i++) assert.equal(r.recordAccept('CLIENT', 0), 0, 'within 100/s');
    // Lowered to 2/s: the 3 accepts already measured count, so the 4th (4 over 1.2 s) waits (3.33 - 2) / 2 x 1200 ms.
    r.reconfigure(2, new Map([['CLIENT', ListenerConnectionRates.UNLIMITED]]));
    assert.equal(r.recordAccept('CLIENT', 200), 800);
    // A listener's own rate added, then everything lifted.
    r.reconfigure(ListenerConnectionRates.UNLIMITED, new Map([['CLIENT', 1]]));
    assert.equal(r.active, true);
    assert.equal(r.recordAccept('CLIENT', 300), 0, 'the first under a new rate');
    assert.ok(r.recordAccept('CLIENT', 300) > 0, 'the listener\'s own 1/s');
    r.reconfigure(ListenerConnectionRates.UNLIMITED, new Map([['CLIENT', ListenerConnectionRates.UNLIMITED]]));
    assert.equal(r.active, false);
    for (let i = 0; i < 10; i++) assert.equal(r.recordAccept('CLIENT', 300), 0);
  });
});
