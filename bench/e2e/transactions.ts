// Produce throughput with kafkajs against one broker process: idempotence off, idempotence on, and
// transactional producers committing 10, 100 and 1,000 records per transaction (one send per transaction,
// then EndTxn, whose markers the coordinator writes). The idempotent modes send 100 records per request.
// Correctness first: after each mode the partition holds exactly the records sent (plus one COMMIT marker per
// transaction) and nothing is left open (the read_committed end offset is the log end).
//
//   npm run build && npm run bench:transactions -- --records 20000 --record-size 100
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess } from '../../test/helpers/broker-process.js';
import { Connection } from '../../src/client/index.js';
import { ListOffsets } from '../../src/protocol/index.js';
import { printTable, writeResults } from '../report.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    'record-size': { type: 'string', default: '100' },
  },
});
const records = Number(args.records);
const recordSize = Number(args['record-size']);
const value = Buffer.alloc(recordSize, 'x');

const broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4 } });
try {
  const kafka = new Kafka({ clientId: 'bench-transactions', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const conn = await Connection.connect({ host: '127.0.0.1', port: broker.port });
  const rows: Array<Record<string, string | number>> = [];
  const modes: Array<{ name: string; idempotent: boolean; txnRecords: number }> = [
    { name: 'idempotence off', idempotent: false, txnRecords: 0 },
    { name: 'idempotence on', idempotent: true, txnRecords: 0 },
    { name: 'transactional, 10 per txn', idempotent: true, txnRecords: 10 },
    { name: 'transactional, 100 per txn', idempotent: true, txnRecords: 100 },
    { name: 'transactional, 1000 per txn', idempotent: true, txnRecords: 1000 },
  ];
  for (const [i, mode] of modes.entries()) {
    const topic = `txn-bench-${i}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer({ idempotent: mode.idempotent, maxInFlightRequests: mode.idempotent ? 1 : undefined, transactionalId: mode.txnRecords > 0 ? `bench-${i}` : undefined, allowAutoTopicCreation: false });
    await producer.connect();
    const per = mode.txnRecords > 0 ? mode.txnRecords : 100;
    const messages = Array.from({ length: per }, () => ({ value }));
    const started = performance.now();
    for (let sent = 0; sent < records; sent += per) {
      if (mode.txnRecords > 0) {
        const t = await producer.transaction();
        await t.send({ topic, messages });
        await t.commit();
      } else {
        await producer.send({ topic, acks: -1, messages });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await producer.disconnect();
    const transactions = mode.txnRecords > 0 ? Math.ceil(records / per) : 0;
    const end = await admin.fetchTopicOffsets(topic);
    // The read_committed end offset (ListOffsets latest with isolation_level 1) is the last stable offset.
    const lso = await conn.send(ListOffsets, { replicaId: -1, isolationLevel: 1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
    const committedEnd = lso.topics[0]!.partitions[0]!.offset;
    const high = Number(end[0]!.high);
    if (high !== records + transactions) throw new Error(`${mode.name}: log end ${high}, expected ${records} records and ${transactions} markers`);
    if (committedEnd !== high) throw new Error(`${mode.name}: a transaction is still open`);
    rows.push({ mode: mode.name, records, 'records/s': Math.round(records / seconds), 'MB/s': (records * recordSize) / seconds / 1e6, transactions, 'txn/s': Math.round(transactions / seconds) });
  }
  await admin.disconnect();
  conn.close();
  printTable(rows);
  const file = writeResults('transactions', rows, { records, recordSize });
  console.log(`results: ${file}`);
} finally {
  await broker.close();
}
