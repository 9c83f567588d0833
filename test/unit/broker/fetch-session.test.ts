// Fetch sessions (KIP-227) as src/broker/fetch-session.ts resolves them, case by case, without a broker:
// the (session id, epoch) table at the top of that file, incremental adds/updates/forgotten partitions,
// the two session errors, epoch wrap-around and the slot cache (LRU eviction, 0 slots = no sessions).
//
// Checked against Kafka's FetchManager.newContext / FetchSessionCache (server module). Where Gregor differs
// on purpose or by simplification, the case says so (search "Kafka:"):
//  - (id 0, epoch N>0): Kafka looks session 0 up and answers FETCH_SESSION_ID_NOT_FOUND; Gregor answers
//    INVALID_FETCH_SESSION_EPOCH (the client handles both the same way: it restarts with a full fetch).
//  - An incremental fetch that forgets every partition: Kafka closes the session and answers sessionless;
//    Gregor keeps the empty session open (the next incremental fetch may add partitions again).
//  - A full cache: Kafka evicts only a stale session (unused for 2 minutes) or a smaller, less privileged
//    one, else answers without a session; Gregor always evicts the least recently used session.
//  - Follower fetches (replica id >= 0) get sessions like consumers' (Kafka: privileged ones, evicted last).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, type Fetch } from '../../../src/protocol/index.js';
import { FetchSessionCache, FINAL_EPOCH, INITIAL_EPOCH, resolveSession, type SessionResolution } from '../../../src/broker/fetch-session.js';

type Parts = Record<string, Array<[partition: number, fetchOffset: number]>>;

function request(sessionId: number, sessionEpoch: number, parts: Parts = {}, forgotten: Record<string, number[]> = {}, replicaId = -1): Fetch.FetchRequest {
  return {
    replicaId, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch, rackId: '',
    topics: Object.entries(parts).map(([topic, ps]) => ({
      topic,
      partitions: ps.map(([partition, fetchOffset]) => ({ partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1024 })),
    })),
    forgottenTopicsData: Object.entries(forgotten).map(([topic, partitions]) => ({ topic, partitions })),
  };
}

/** `topic/partition@offset` of each partition to read, in answer order. */
function listed(r: SessionResolution): string[] {
  assert.notEqual(r.kind, 'error', `expected partitions, got ${JSON.stringify(r)}`);
  if (r.kind === 'error') return [];
  return r.partitions.map((p) => `${p.topic}/${p.partition}@${p.fetchOffset}`);
}

function errorOf(r: SessionResolution): number | undefined {
  return r.kind === 'error' ? r.errorCode : undefined;
}

/** A cache with one session holding a/0 and a/1 at offset 0; returns its id (next epoch 1). */
function withSession(cache = new FetchSessionCache()): { cache: FetchSessionCache; id: number } {
  const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[0, 0], [1, 0]] }), 0);
  assert.equal(r.kind, 'full');
  assert.ok(r.session);
  return { cache, id: r.session.id };
}

describe('fetch sessions: the (session id, epoch) table', () => {
  it('(0, -1) is a sessionless full fetch: no session is created', () => {
    const cache = new FetchSessionCache();
    const r = resolveSession(cache, request(0, FINAL_EPOCH, { a: [[0, 5]] }), 0);
    assert.equal(r.kind, 'full');
    assert.equal(r.session, null);
    assert.deepEqual(listed(r), ['a/0@5']);
    assert.equal(cache.size, 0);
  });

  it('(0, 0) is a full fetch that creates a session with a positive id, expecting epoch 1 next', () => {
    const cache = new FetchSessionCache();
    const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[0, 5], [1, 7]], b: [[0, 0]] }), 42);
    assert.equal(r.kind, 'full');
    assert.ok(r.session);
    assert.ok(r.session.id > 0 && r.session.id <= 0x7fffffff);
    assert.equal(r.session.nextEpoch, 1);
    assert.equal(r.session.lastUsedMs, 42);
    assert.deepEqual(listed(r), ['a/0@5', 'a/1@7', 'b/0@0'], 'request order');
    assert.equal(cache.size, 1);
    assert.equal(cache.get(r.session.id), r.session);
  });

  it('(X, 0) closes session X and creates a new one', () => {
    const { cache, id } = withSession();
    const r = resolveSession(cache, request(id, INITIAL_EPOCH, { c: [[0, 3]] }), 1);
    assert.ok(r.kind === 'full' && r.session);
    assert.notEqual(r.session.id, id);
    assert.equal(cache.get(id), undefined, 'the old session is gone');
    assert.equal(cache.size, 1);
    assert.deepEqual(listed(r), ['c/0@3']);
  });

  it('(X, -1) closes session X and fetches sessionless', () => {
    const { cache, id } = withSession();
    const r = resolveSession(cache, request(id, FINAL_EPOCH, { a: [[0, 9]] }), 1);
    assert.ok(r.kind === 'full');
    assert.equal(r.session, null);
    assert.deepEqual(listed(r), ['a/0@9']);
    assert.equal(cache.size, 0);
  });

  it('(unknown X, 0) and (unknown X, -1) are full fetches, not errors (Kafka: a full fetch closes X only if it exists)', () => {
    const cache = new FetchSessionCache();
    assert.equal(resolveSession(cache, request(12345, INITIAL_EPOCH, { a: [[0, 0]] }), 0).kind, 'full');
    assert.equal(resolveSession(cache, request(12345, FINAL_EPOCH, { a: [[0, 0]] }), 0).kind, 'full');
  });

  it('(X, N) with the expected epoch is incremental; epochs then advance one by one', () => {
    const { cache, id } = withSession();
    for (let epoch = 1; epoch <= 5; epoch++) {
      const r = resolveSession(cache, request(id, epoch), epoch * 10);
      assert.equal(r.kind, 'incremental', `epoch ${epoch}`);
      assert.ok(r.kind === 'incremental' && r.session);
      assert.equal(r.session.id, id);
      assert.equal(r.session.nextEpoch, epoch + 1);
      assert.equal(r.session.lastUsedMs, epoch * 10);
      assert.deepEqual(listed(r), ['a/0@0', 'a/1@0'], 'an empty incremental fetch reads every partition of the session');
    }
  });

  const errors: Array<[string, (id: number) => Fetch.FetchRequest, number]> = [
    ['(X, wrong epoch 2 when 1 is expected)', (id) => request(id, 2), ErrorCode.INVALID_FETCH_SESSION_EPOCH],
    ['(X, epoch 7, ahead of the expected 1)', (id) => request(id, 7), ErrorCode.INVALID_FETCH_SESSION_EPOCH],
    ['(X, epoch -2)', (id) => request(id, -2), ErrorCode.INVALID_FETCH_SESSION_EPOCH],
    ['(unknown session, epoch 1)', (id) => request(id + 1 > 0x7fffffff ? 1 : id + 1, 1), ErrorCode.FETCH_SESSION_ID_NOT_FOUND],
    // Kafka: FETCH_SESSION_ID_NOT_FOUND (it looks session 0 up).
    ['(0, epoch 1)', () => request(0, 1), ErrorCode.INVALID_FETCH_SESSION_EPOCH],
  ];
  for (const [name, make, code] of errors) {
    it(`${name} -> error ${code}, and the session is left as it was`, () => {
      const { cache, id } = withSession();
      const r = resolveSession(cache, make(id), 1);
      assert.equal(errorOf(r), code);
      const s = cache.get(id);
      assert.ok(s, 'an error does not close the session');
      assert.equal(s.nextEpoch, 1, 'an error does not advance the epoch');
      assert.equal(resolveSession(cache, request(id, 1), 2).kind, 'incremental', 'the right epoch still works');
    });
  }

  it('a request that failed with the wrong epoch can be retried with the right one; replaying an old epoch fails', () => {
    const { cache, id } = withSession();
    assert.equal(resolveSession(cache, request(id, 1), 1).kind, 'incremental');
    assert.equal(errorOf(resolveSession(cache, request(id, 1), 2)), ErrorCode.INVALID_FETCH_SESSION_EPOCH, 'epoch 1 again (a duplicate)');
    assert.equal(resolveSession(cache, request(id, 2), 3).kind, 'incremental');
  });

  it('the epoch after 2^31-1 is 1 (Kafka FetchMetadata.nextEpoch), never 0 or negative', () => {
    const { cache, id } = withSession();
    cache.get(id)!.nextEpoch = 0x7fffffff;
    assert.equal(resolveSession(cache, request(id, 0x7fffffff), 1).kind, 'incremental');
    assert.equal(cache.get(id)!.nextEpoch, 1);
    assert.equal(resolveSession(cache, request(id, 1), 2).kind, 'incremental');
  });

  it('follower fetches (replica id >= 0) with epoch 0 get a session too, as Kafka\'s followers do (KIP-227)', () => {
    const cache = new FetchSessionCache();
    const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[0, 0]] }, {}, 1), 0);
    assert.ok(r.kind === 'full');
    assert.ok(r.session);
    assert.equal(cache.size, 1);
    const next = resolveSession(cache, request(r.session.id, 1, { a: [[0, 5]] }, {}, 1), 1);
    assert.ok(next.kind === 'incremental');
    assert.deepEqual(next.partitions.map((p) => p.fetchOffset), [5]);
  });
});

describe('fetch sessions: incremental changes', () => {
  it('a partition named again updates its fetch offset and max bytes in place (answer order unchanged)', () => {
    const { cache, id } = withSession();
    const req = request(id, 1, { a: [[1, 40]] });
    req.topics[0]!.partitions[0]!.partitionMaxBytes = 77;
    const r = resolveSession(cache, req, 1);
    assert.deepEqual(listed(r), ['a/0@0', 'a/1@40']);
    assert.equal(r.kind === 'incremental' && r.partitions[1]!.partitionMaxBytes, 77);
  });

  it('a new partition is added at the end, remembered for later incremental fetches', () => {
    const { cache, id } = withSession();
    assert.deepEqual(listed(resolveSession(cache, request(id, 1, { b: [[0, 3]] }), 1)), ['a/0@0', 'a/1@0', 'b/0@3']);
    assert.deepEqual(listed(resolveSession(cache, request(id, 2), 2)), ['a/0@0', 'a/1@0', 'b/0@3']);
  });

  it('forgotten partitions leave the session; unknown forgotten ones are ignored', () => {
    const { cache, id } = withSession();
    assert.deepEqual(listed(resolveSession(cache, request(id, 1, {}, { a: [0], zz: [9] }), 1)), ['a/1@0']);
    assert.deepEqual(listed(resolveSession(cache, request(id, 2), 2)), ['a/1@0']);
  });

  it('forget and re-add in one request: forgotten first, then added (at the end, with the new offset)', () => {
    const { cache, id } = withSession();
    assert.deepEqual(listed(resolveSession(cache, request(id, 1, { a: [[0, 8]] }, { a: [0] }), 1)), ['a/1@0', 'a/0@8']);
  });

  it('what a partition was last told (high watermark, log start) survives updates of its offset', () => {
    const { cache, id } = withSession();
    const s = cache.get(id)!;
    const p = [...s.partitions.values()][0]!;
    p.lastHighWatermark = 10;
    p.lastLogStartOffset = 2;
    const r = resolveSession(cache, request(id, 1, { a: [[0, 10]] }), 1);
    assert.ok(r.kind === 'incremental');
    assert.deepEqual([r.partitions[0]!.fetchOffset, r.partitions[0]!.lastHighWatermark, r.partitions[0]!.lastLogStartOffset], [10, 10, 2]);
  });

  it('forgetting every partition keeps the (empty) session open (Kafka: closes it and answers sessionless)', () => {
    const { cache, id } = withSession();
    assert.deepEqual(listed(resolveSession(cache, request(id, 1, {}, { a: [0, 1] }), 1)), []);
    assert.equal(cache.size, 1);
    assert.deepEqual(listed(resolveSession(cache, request(id, 2, { a: [[0, 1]] }), 2)), ['a/0@1']);
  });

  it('a full fetch starts from the request alone: nothing of the closed session carries over', () => {
    const { cache, id } = withSession();
    resolveSession(cache, request(id, 1, { b: [[0, 0]] }), 1);
    const r = resolveSession(cache, request(id, INITIAL_EPOCH, { c: [[0, 0]] }), 2);
    assert.ok(r.kind === 'full' && r.session);
    assert.deepEqual(listed(resolveSession(cache, request(r.session.id, 1), 3)), ['c/0@0']);
  });
});

describe('fetch sessions: the slot cache (max.incremental.fetch.session.cache.slots)', () => {
  it('holds at most maxSlots sessions and evicts the least recently used one', () => {
    const cache = new FetchSessionCache(3);
    const ids = [0, 1, 2].map((i) => {
      const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[i, 0]] }), i);
      assert.ok(r.kind === 'full' && r.session);
      return r.session.id;
    });
    assert.equal(cache.size, 3);
    // Use the oldest one: now ids[1] is the least recently used.
    assert.equal(resolveSession(cache, request(ids[0]!, 1), 10).kind, 'incremental');
    const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[3, 0]] }), 11);
    assert.ok(r.kind === 'full' && r.session);
    assert.equal(cache.size, 3);
    assert.equal(errorOf(resolveSession(cache, request(ids[1]!, 1), 12)), ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'the evicted session is unknown');
    assert.equal(resolveSession(cache, request(ids[0]!, 2), 13).kind, 'incremental');
    assert.equal(resolveSession(cache, request(ids[2]!, 1), 14).kind, 'incremental');
    assert.equal(resolveSession(cache, request(r.session.id, 1), 15).kind, 'incremental');
  });

  it('an error lookup (wrong epoch) also counts as a use', () => {
    const cache = new FetchSessionCache(2);
    const a = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[0, 0]] }), 0);
    const b = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[1, 0]] }), 1);
    assert.ok(a.kind === 'full' && a.session && b.kind === 'full' && b.session);
    assert.equal(errorOf(resolveSession(cache, request(a.session.id, 9), 2)), ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[2, 0]] }), 3);
    assert.ok(cache.get(a.session.id), 'a was touched last, so b went');
    assert.equal(cache.get(b.session.id), undefined);
  });

  it('0 slots disables sessions: epoch 0 fetches are answered sessionless, incremental ones are unknown', () => {
    const cache = new FetchSessionCache(0);
    const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[0, 0]] }), 0);
    assert.ok(r.kind === 'full');
    assert.equal(r.session, null);
    assert.deepEqual(listed(r), ['a/0@0']);
    assert.equal(cache.size, 0);
    assert.equal(errorOf(resolveSession(cache, request(1, 1), 1)), ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('session ids are unique among live sessions', () => {
    const cache = new FetchSessionCache(500);
    const ids = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const r = resolveSession(cache, request(0, INITIAL_EPOCH, { a: [[0, 0]] }), i);
      assert.ok(r.kind === 'full' && r.session);
      ids.add(r.session.id);
    }
    assert.equal(ids.size, 500);
    assert.equal(cache.size, 500);
  });
});
