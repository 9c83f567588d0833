// Fetch sessions (KIP-227) against a broker process, spoken with our protocol codecs because the session
// rules are protocol edge cases: a full fetch with epoch 0 creates a session, incremental fetches are
// answered only with partitions that have news, wrong epochs and unknown ids get their errors, forgotten
// partitions leave the session, long polls in a session are woken by appends. (The Java consumer in
// java-client.test.ts uses sessions as a real client.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTopics, ErrorCode, Fetch, Produce } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';

const PARTITIONS = 6;

describe('fetch sessions', () => {
  let broker: BrokerProcess;
  let c: RawConnection;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'max.incremental.fetch.session.cache.slots': 2 } });
    c = await RawConnection.open(broker.port);
    const res = await c.request(CreateTopics, 5, { topics: [{ name: 's', numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(res.topics[0]!.errorCode, 0);
    for (let p = 0; p < PARTITIONS; p++) await produce(p, [`p${p}-a`, `p${p}-b`]);
  });
  after(async () => {
    c?.close();
    await broker?.close();
  });

  async function produce(partition: number, values: string[]): Promise<void> {
    const records = await buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })));
    const res = await c.request(Produce, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 's', partitionData: [{ index: partition, records }] }] });
    assert.equal(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  }

  function fetch(sessionId: number, sessionEpoch: number, partitions: Array<[number, number]>, opts: { forgotten?: number[]; maxWaitMs?: number; minBytes?: number; conn?: RawConnection; leaderEpoch?: number } = {}) {
    return (opts.conn ?? c).request(Fetch, 12, {
      replicaId: -1, maxWaitMs: opts.maxWaitMs ?? 0, minBytes: opts.minBytes ?? 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
      topics: partitions.length === 0 ? [] : [{ topic: 's', partitions: partitions.map(([partition, fetchOffset]) => ({ partition, currentLeaderEpoch: opts.leaderEpoch ?? -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 16 })) }],
      forgottenTopicsData: opts.forgotten ? [{ topic: 's', partitions: opts.forgotten }] : [], rackId: '',
    });
  }

  const answered = (res: Fetch.FetchResponse) => res.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex));
  const all = (offset: number) => Array.from({ length: PARTITIONS }, (_, p) => [p, offset] as [number, number]);

  test('sessionless full fetch (epoch -1) answers every partition with session id 0', async () => {
    const res = await fetch(0, -1, all(0));
    assert.equal(res.errorCode, 0);
    assert.equal(res.sessionId, 0);
    assert.deepEqual(answered(res), [0, 1, 2, 3, 4, 5]);
  });

  test('a session: full fetch, then incremental fetches answer only partitions with news', async () => {
    const full = await fetch(0, 0, all(0));
    assert.equal(full.errorCode, 0);
    assert.ok(full.sessionId > 0, 'a session was created');
    assert.deepEqual(answered(full), [0, 1, 2, 3, 4, 5]);
    const id = full.sessionId;
    // The client moves every partition to offset 2 (it consumed both records): nothing new anywhere.
    const inc1 = await fetch(id, 1, all(2));
    assert.equal(inc1.errorCode, 0);
    assert.equal(inc1.sessionId, id);
    assert.deepEqual(answered(inc1), []);
    // An empty incremental fetch with no news either.
    assert.deepEqual(answered(await fetch(id, 2, [])), []);
    // New records in partition 4 only: the next empty incremental fetch answers partition 4 alone.
    await produce(4, ['p4-c']);
    const inc3 = await fetch(id, 3, []);
    assert.deepEqual(answered(inc3), [4]);
    const p4 = inc3.responses[0]!.partitions[0]!;
    assert.equal(p4.highWatermark, 3);
    assert.ok(p4.records!.includes(Buffer.from('p4-c')), 'the new record is in the answer');
    // Once the client caught up (offset 3) and the high watermark is unchanged, partition 4 is quiet again.
    assert.deepEqual(answered(await fetch(id, 4, [[4, 3]])), []);
    // Wrong epoch, unknown session, epoch without a session.
    assert.equal((await fetch(id, 9, [])).errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    assert.equal((await fetch(id ^ 0x5a5a5a, 1, [])).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    assert.equal((await fetch(0, 3, [])).errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    // The session survives a failed request with the right epoch still 5, and on another connection.
    const other = await RawConnection.open(broker.port);
    try {
      await produce(1, ['p1-c']);
      await produce(5, ['p5-c']);
      // Partition 5 forgotten: only partition 1 answers.
      assert.deepEqual(answered(await fetch(id, 5, [], { forgotten: [5], conn: other })), [1]);
      // Epoch -1 closes the session (and is a sessionless full fetch).
      const closing = await fetch(id, -1, [[0, 0]]);
      assert.equal(closing.sessionId, 0);
      assert.deepEqual(answered(closing), [0]);
      assert.equal((await fetch(id, 6, [])).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    } finally {
      other.close();
    }
  });

  test('an incremental long poll is woken by an append to a session partition', async () => {
    const full = await fetch(0, 0, all(100));
    const id = full.sessionId;
    assert.ok(id > 0);
    // Catch every partition up to its end so nothing is new.
    const ends = full.responses[0]!.partitions.map((p) => [p.partitionIndex, p.highWatermark] as [number, number]);
    assert.deepEqual(answered(await fetch(id, 1, ends)), []);
    const started = Date.now();
    const waiting = fetch(id, 2, [], { maxWaitMs: 10_000, minBytes: 1 });
    const other = await RawConnection.open(broker.port);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const records = await buildRecordBatch([{ key: null, value: Buffer.from('wake'), timestamp: Date.now() }]);
      await other.request(Produce, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 's', partitionData: [{ index: 2, records }] }] });
    } finally {
      other.close();
    }
    const res = await waiting;
    assert.deepEqual(answered(res), [2]);
    assert.ok(Date.now() - started < 9_000, 'answered on the append, not at max.wait.ms');
  });

  test('the cache keeps at most max.incremental.fetch.session.cache.slots sessions, evicting the least recently used', async () => {
    const a = (await fetch(0, 0, [[0, 0]])).sessionId;
    const b = (await fetch(0, 0, [[0, 0]])).sessionId;
    assert.equal((await fetch(a, 1, [])).errorCode, 0, 'a is used, so b is now the oldest');
    const cId = (await fetch(0, 0, [[0, 0]])).sessionId;
    assert.ok(cId > 0);
    assert.equal((await fetch(b, 1, [])).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'b was evicted');
    assert.equal((await fetch(a, 2, [])).errorCode, 0);
  });

  test('a fetch with a leader epoch the broker does not have gets UNKNOWN_LEADER_EPOCH; the current epoch reads', async () => {
    const errors = (res: Fetch.FetchResponse) => res.responses.flatMap((t) => t.partitions.map((p) => p.errorCode));
    assert.deepEqual(errors(await fetch(0, -1, [[0, 0]], { leaderEpoch: 7 })), [ErrorCode.UNKNOWN_LEADER_EPOCH]);
    const current = await fetch(0, -1, [[0, 0]], { leaderEpoch: 0 });
    assert.deepEqual(errors(current), [ErrorCode.NONE]);
    assert.ok(current.responses[0]!.partitions[0]!.records!.length > 0, 'records came back');
    // In a session, the epoch of the last request that named the partition counts.
    const full = await fetch(0, 0, [[1, 0]], { leaderEpoch: 0 });
    assert.deepEqual(errors(full), [ErrorCode.NONE]);
    assert.deepEqual(errors(await fetch(full.sessionId, 1, [[1, 2]], { leaderEpoch: 9 })), [ErrorCode.UNKNOWN_LEADER_EPOCH]);
  });
});
