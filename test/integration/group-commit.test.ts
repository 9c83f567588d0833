// Appends on worker threads with group commit (append.pool=true), against the inline mode: requests
// pipelined on one connection and sent from several connections at once to one partition get dense offsets
// in the order the broker took them, a bad batch in a coalesced group fails alone, and answers keep their
// order. kcat then reads back every record. Large produces from kcat reach the compute pool's workers in
// shared memory (the frames the connection assembled), seen through /metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTopics, ErrorCode, Produce, Reader, decodeResponseHeader } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { http, startGatewayBroker, type GatewayBroker } from './gateway-helpers.js';

for (const mode of [{ pool: true, label: 'worker pool, group commit' }, { pool: false, label: 'inline' }]) {
  describe(`appends, ${mode.label}`, () => {
    let broker: BrokerProcess;

    before(async () => {
      broker = await BrokerProcess.start({ overrides: { 'append.pool': mode.pool, 'append.pool.min.bytes': 1024 } });
      const c = await RawConnection.open(broker.port);
      const res = await c.request(CreateTopics, 5, { topics: [{ name: 'gc', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      assert.equal(res.topics[0]!.errorCode, 0);
      c.close();
    });
    after(async () => {
      await broker?.close();
    });

    const batch = (tag: string, n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`${tag}-${i}-`.padEnd(200, 'v')), timestamp: Date.now() })));
    const produceBody = (records: Buffer) => ({ transactionalId: null, acks: -1 as const, timeoutMs: 5000, topicData: [{ name: 'gc', partitionData: [{ index: 0, records }] }] });

    test('pipelined and concurrent produces get dense offsets; a corrupt batch fails alone', async () => {
      const conns = await Promise.all([0, 1, 2].map(() => RawConnection.open(broker.port)));
      try {
        const sent: Array<{ conn: number; id: number; tag: string; n: number; bad: boolean }> = [];
        for (let round = 0; round < 10; round++) {
          for (let ci = 0; ci < conns.length; ci++) {
            const tag = `c${ci}r${round}`;
            const n = 20 + round;
            const records = await batch(tag, n);
            const bad = ci === 1 && round === 4;
            if (bad) records[records.length - 1] ^= 0xff; // CRC no longer matches
            sent.push({ conn: ci, id: conns[ci]!.send(Produce, 8, produceBody(records)), tag, n, bad });
          }
        }
        const answers = new Map<string, { errorCode: number; baseOffset: number }>();
        for (let ci = 0; ci < conns.length; ci++) {
          for (const s of sent.filter((x) => x.conn === ci)) {
            const frame = await conns[ci]!.readFrame();
            assert.ok(frame);
            const r = new Reader(frame);
            const header = decodeResponseHeader(r, Produce.apiKey, 8);
            assert.equal(header.correlationId, s.id, 'answers in request order on each connection');
            const p = Produce.decodeResponse(r, 8).responses[0]!.partitionResponses[0]!;
            answers.set(s.tag, { errorCode: p.errorCode, baseOffset: p.baseOffset });
          }
        }
        const good = sent.filter((s) => !s.bad).map((s) => ({ ...s, ...answers.get(s.tag)! }));
        for (const s of sent.filter((x) => x.bad)) assert.equal(answers.get(s.tag)!.errorCode, ErrorCode.CORRUPT_MESSAGE);
        for (const g of good) assert.equal(g.errorCode, 0, g.tag);
        // Offsets: the good batches tile [0, total) without gaps or overlaps.
        good.sort((a, b) => a.baseOffset - b.baseOffset);
        let next = 0;
        for (const g of good) {
          assert.equal(g.baseOffset, next, `${g.tag} starts where the previous batch ended`);
          next += g.n;
        }
        // Within one connection, later requests got later offsets.
        for (let ci = 0; ci < conns.length; ci++) {
          const mine = sent.filter((s) => s.conn === ci && !s.bad).map((s) => answers.get(s.tag)!.baseOffset);
          assert.deepEqual(mine, [...mine].sort((a, b) => a - b));
        }
        const c = await kcat(['-b', broker.bootstrap, '-C', '-t', 'gc', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
        assert.equal(c.code, 0, c.stderr);
        const records = parseRecords(c.stdout);
        assert.equal(records.length, next);
        for (const g of good) {
          for (let i = 0; i < g.n; i++) assert.ok(records[g.baseOffset + i]!.value.startsWith(`${g.tag}-${i}-`), `${g.tag} record ${i}`);
        }
      } finally {
        for (const c of conns) c.close();
      }
    });
  });
}

describe('large produces from kcat on the compute worker pool', () => {
  let gw: GatewayBroker;
  before(async () => {
    gw = await startGatewayBroker({ 'append.pool.min.bytes': 65536 });
  });
  after(async () => {
    await gw?.broker.close();
  });

  const metric = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(series + ' '))?.split(' ')[1] ?? NaN);

  test('batches of about 1 MB go to a worker without a copy and read back whole', async () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `${i}:`.padEnd(1000, String.fromCharCode(97 + (i % 26))));
    const p = await kcat(['-b', gw.broker.bootstrap, '-P', '-t', 'big', '-p', '0', '-X', 'linger.ms=200', '-X', 'batch.num.messages=10000', '-X', 'batch.size=1000000'], lines.join('\n') + '\n');
    assert.equal(p.code, 0, p.stderr);
    const c = await kcat(['-b', gw.broker.bootstrap, '-C', '-t', 'big', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
    assert.equal(c.code, 0, c.stderr);
    const records = parseRecords(c.stdout);
    assert.equal(records.length, lines.length);
    records.forEach((r, i) => {
      assert.equal(r.offset, i);
      assert.equal(r.value, lines[i]);
    });
    const m = (await http('GET', `${gw.http}/metrics`)).text;
    const completed = metric(m, 'gregor_worker_pool_tasks_completed_total{pool="compute"}');
    const shared = metric(m, 'gregor_worker_pool_shared_bytes_total{pool="compute"}');
    const copied = metric(m, 'gregor_worker_pool_copied_bytes_total{pool="compute"}');
    assert.ok(completed >= 1, `compute tasks completed: ${completed}`);
    assert.ok(shared >= 1_000_000, `bytes shared with workers: ${shared}`);
    assert.ok(shared > copied, `shared ${shared} vs copied ${copied}`);
    assert.ok(metric(m, 'gregor_worker_pool_threads{pool="compute"}') >= 1);
  });
});
