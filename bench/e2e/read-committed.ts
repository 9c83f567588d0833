// read_committed vs read_uncommitted fetch throughput over TCP. Fills one partition with transactions
// (hand-built transactional Produce requests, one batch of --txn-records records per transaction, then a
// COMMIT marker through WriteTxnMarkers; every --abort-every-th transaction is ABORTed instead), then reads
// the whole partition with bare Fetch requests at isolation_level 0 and 1 in turn (--rounds each), walking
// batch headers only, so the broker's fetch path is what is measured: read_committed adds the last stable
// offset bound and the aborted-transaction lookup in the .txnindex files for every answer.
// Correctness first: both isolation levels must read every batch up to the log end, and read_committed must
// list exactly the aborted transactions.
//
//   npm run build && npm run bench:read-committed -- --records 1000000 --record-size 100 --txn-records 1000 --abort-every 10
import { parseArgs } from 'node:util';
import { buildRecordBatch, ErrorCode, Produce, WriteTxnMarkers } from '../../src/protocol/index.js';
import { Admin } from '../../src/client/index.js';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { RawConnection } from '../../test/helpers/raw-client.js';
import { RawFetcher } from './raw-fetcher.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    'record-size': { type: 'string', default: '100' },
    'txn-records': { type: 'string', default: '1000' },
    'abort-every': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'fetch-max-bytes': { type: 'string', default: String(50 << 20) },
    'partition-max-bytes': { type: 'string', default: String(1 << 20) },
  },
});
const records = Number(args.records);
const recordSize = Number(args['record-size']);
const txnRecords = Number(args['txn-records']);
const abortEvery = Number(args['abort-every']);
const rounds = Number(args.rounds);
const topic = 'read-committed-bench';

// Hand-built transactions (no transaction coordinator involved): the broker takes their partitions on trust.
const broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'transaction.partition.verification.enable': false } });
try {
  const admin = new Admin({ bootstrap: broker.bootstrap });
  await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
  await admin.close();

  // Fill: transactions of txnRecords records each, by a few producers taking turns.
  const raw = await RawConnection.open(broker.port);
  const payload = Buffer.alloc(recordSize, 97);
  const sequences = new Map<number, number>();
  let aborted = 0;
  const fillStart = performance.now();
  for (let t = 0; t * txnRecords < records; t++) {
    const producerId = 5000 + (t % 4);
    const n = Math.min(txnRecords, records - t * txnRecords);
    const seq = sequences.get(producerId) ?? 0;
    const batch = await buildRecordBatch(Array.from({ length: n }, () => ({ key: null, value: payload, timestamp: Date.now() })), { producerId, producerEpoch: 0, baseSequence: seq, transactional: true });
    const res = await raw.request(Produce, 9, { transactionalId: `bench-${producerId}`, acks: 1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    const code = res.responses[0]!.partitionResponses[0]!.errorCode;
    if (code !== ErrorCode.NONE) throw new Error(`produce failed with error ${code}`);
    sequences.set(producerId, seq + n);
    const commit = abortEvery <= 0 || (t + 1) % abortEvery !== 0;
    if (!commit) aborted++;
    const m = await raw.request(WriteTxnMarkers, 1, { markers: [{ producerId, producerEpoch: 0, transactionResult: commit, coordinatorEpoch: 0, transactionVersion: 0, topics: [{ name: topic, partitionIndexes: [0] }] }] });
    const mc = m.markers[0]!.topics[0]!.partitions[0]!.errorCode;
    if (mc !== ErrorCode.NONE) throw new Error(`marker failed with error ${mc}`);
  }
  raw.close();
  process.stderr.write(`filled ${records} records in ${Math.ceil(records / txnRecords)} transactions (${aborted} aborted) in ${((performance.now() - fillStart) / 1000).toFixed(1)} s\n`);

  const fetcher = await RawFetcher.open('127.0.0.1', broker.port);
  const scan = async (isolationLevel: 0 | 1) => {
    const offsets = [0];
    let batches = 0;
    let bytes = 0;
    let recordsRead = 0;
    let fetches = 0;
    const abortedSeen = new Set<string>();
    let end = -1;
    const start = performance.now();
    for (;;) {
      const res = await fetcher.fetch(topic, offsets, Number(args['fetch-max-bytes']), Number(args['partition-max-bytes']), isolationLevel);
      fetches++;
      const p = res.responses[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      end = isolationLevel === 1 ? p.lastStableOffset : p.highWatermark;
      for (const a of p.abortedTransactions ?? []) abortedSeen.add(`${a.producerId}:${a.firstOffset}`);
      const recs = p.records;
      if (recs) {
        for (let at = 0; at + 61 <= recs.length;) {
          const size = 12 + recs.readInt32BE(at + 8);
          if (at + size > recs.length) break;
          recordsRead += recs.readInt32BE(at + 57);
          bytes += size;
          batches++;
          offsets[0] = Number(recs.readBigInt64BE(at)) + recs.readInt32BE(at + 23) + 1;
          at += size;
        }
      }
      if (offsets[0]! >= end) break;
    }
    const s = (performance.now() - start) / 1000;
    return { isolationLevel, s, batches, bytes, recordsRead, fetches, aborted: abortedSeen.size, end };
  };

  const rows: Array<Record<string, string | number>> = [];
  const expectedBatches = Math.ceil(records / txnRecords) * 2; // data + marker per transaction
  for (let r = 0; r < rounds; r++) {
    for (const level of [0, 1] as const) {
      const x = await scan(level);
      // Correctness before timing: every batch (markers included) read, and exactly the aborted transactions listed.
      if (x.batches !== expectedBatches) throw new Error(`isolation ${level}: read ${x.batches} batches, expected ${expectedBatches}`);
      if (level === 1 && x.aborted !== aborted) throw new Error(`read_committed listed ${x.aborted} aborted transactions, expected ${aborted}`);
      if (level === 0 && x.aborted !== 0) throw new Error('read_uncommitted got aborted transactions');
      rows.push({
        round: r + 1, isolation: level === 1 ? 'read_committed' : 'read_uncommitted', records: x.recordsRead, fetches: x.fetches,
        'aborted listed': x.aborted, 'records/s': Math.round(x.recordsRead / x.s), 'MB/s': x.bytes / x.s / 1e6, ms: Math.round(x.s * 1000),
      });
    }
  }
  fetcher.close();
  printTable(rows);
  const best = (iso: string) => Math.max(...rows.filter((r) => r.isolation === iso).map((r) => Number(r['MB/s'])));
  console.log(`best of ${rounds}: read_uncommitted ${best('read_uncommitted').toFixed(1)} MB/s, read_committed ${best('read_committed').toFixed(1)} MB/s`);
  const file = writeResults('read-committed', rows, { records, recordSize, txnRecords, abortEvery });
  console.log(`results: ${file}`);
} finally {
  await broker.close();
}
