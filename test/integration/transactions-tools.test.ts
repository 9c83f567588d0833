// Apache Kafka's own kafka-transactions tool (TransactionsCommand, kafka-tools 4.x from Maven Central) and
// `gregor transactions` against a broker process with a hanging transaction (a producer that stopped without
// ending it): --list and --describe show it Ongoing with its partition, --describe-producers shows the open
// transaction's first offset, and --abort writes the ABORT marker, after which read_committed readers move past.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { run, type RunResult } from '../helpers/run.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { KAFKA_TOOL, KAFKA_TOOLS_RESOLVE_TIMEOUT_MS, kafkaToolsClasspath, runKafkaTool } from '../helpers/kafka-tools.js';
import { waitFor } from '../helpers/wait.js';

describe('kafka-transactions against gregor', () => {
  let broker: BrokerProcess;
  let hanging: Producer;

  before(async () => {
    await kafkaToolsClasspath();
    broker = await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4 } });
    const kafka = kafkaClient(broker.bootstrap, 'tools-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'hang', numPartitions: 1 }] });
    await admin.disconnect();
    hanging = kafka.producer({ transactionalId: 'hanging-id', transactionTimeout: 600_000, maxInFlightRequests: 1, idempotent: true });
    await hanging.connect();
    const t = await hanging.transaction();
    await t.send({ topic: 'hang', messages: [{ value: 'stuck-1' }, { value: 'stuck-2' }] });
  }, { timeout: KAFKA_TOOLS_RESOLVE_TIMEOUT_MS + 60_000 });
  after(async () => {
    await hanging?.disconnect().catch(() => undefined);
    await broker?.close();
  });

  const tool = async (...args: string[]) => {
    const r = await runKafkaTool(KAFKA_TOOL.transactions, ['--bootstrap-server', broker.bootstrap, ...args]);
    assert.equal(r.code, 0, `kafka-transactions ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s+/));

  const gregor = async (...args: string[]): Promise<RunResult> => run(process.execPath, [GREGOR_BIN, 'transactions', '--bootstrap-server', broker.bootstrap, ...args], undefined, 60_000);

  test('gregor transactions --list, --describe and --describe-producers show the hanging transaction; bad usage exits 2', async () => {
    const list = await gregor('--list');
    assert.equal(list.code, 0, list.stderr);
    const listed = rows(list.stdout);
    assert.deepEqual(listed[0], ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
    assert.deepEqual(listed.find((r) => r[0] === 'hanging-id')?.slice(1).filter((_, i) => i !== 1), ['0', 'Ongoing']);
    const desc = await gregor('--describe', '--transactional-id', 'hanging-id');
    assert.equal(desc.code, 0, desc.stderr);
    const [head, row] = rows(desc.stdout);
    assert.equal(row![head!.indexOf('TransactionState')], 'Ongoing');
    assert.equal(row![head!.indexOf('TopicPartitions')], 'hang-0');
    const producers = await gregor('--describe-producers', '--topic', 'hang', '--partition', '0');
    assert.equal(producers.code, 0, producers.stderr);
    const [ph, ...prows] = rows(producers.stdout);
    assert.ok(prows.some((r) => r[ph!.indexOf('CurrentTransactionStartOffset')] === '0'), producers.stdout);
    const missing = await gregor('--describe', '--transactional-id', 'nobody');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /TRANSACTIONAL_ID_NOT_FOUND|transactional id/i);
    assert.equal((await gregor('--abort', '--topic', 'hang')).code, 2);
    assert.equal((await gregor()).code, 2);
  });

  test('gregor transactions --abort ends a hanging transaction found by its start offset', async () => {
    const kafka = kafkaClient(broker.bootstrap, 'tools-test-2');
    const stuck = kafka.producer({ transactionalId: 'hanging-2', transactionTimeout: 600_000, maxInFlightRequests: 1, idempotent: true });
    await stuck.connect();
    try {
      const t = await stuck.transaction();
      await t.send({ topic: 'hang-2', messages: [{ value: 'stuck' }] });
      const abort = await gregor('--abort', '--topic', 'hang-2', '--partition', '0', '--start-offset', '0');
      assert.equal(abort.code, 0, abort.stderr);
      assert.match(abort.stdout, /Aborted the transaction of producer \d+/);
      const producers = await gregor('--describe-producers', '--topic', 'hang-2', '--partition', '0');
      const [ph, ...prows] = rows(producers.stdout);
      assert.ok(prows.length > 0 && prows.every((r) => r[ph!.indexOf('CurrentTransactionStartOffset')] === 'None'), producers.stdout);
      assert.equal((await gregor('--abort', '--topic', 'hang-2', '--partition', '0', '--start-offset', '0')).code, 1, 'nothing left to abort');
    } finally {
      await stuck.disconnect().catch(() => undefined);
    }
  });

  test('--list and --describe show the hanging transaction with its partition', async () => {
    const list = rows(await tool('list'));
    assert.deepEqual(list[0], ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
    const row = list.find((r) => r[0] === 'hanging-id');
    assert.ok(row, `hanging-id listed:\n${list.join('\n')}`);
    assert.equal(row[3], 'Ongoing');
    const desc = await tool('describe', '--transactional-id', 'hanging-id');
    assert.match(desc, /hanging-id/);
    assert.match(desc, /Ongoing/);
    assert.match(desc, /hang-0/);
  });

  test('--describe-producers shows the open transaction; --abort ends it and read_committed readers move past', async () => {
    const producers = rows(await tool('describe-producers', '--topic', 'hang', '--partition', '0'));
    const header = producers[0]!;
    const started = header.indexOf('CurrentTransactionStartOffset');
    assert.ok(started >= 0, `columns: ${header}`);
    const open = producers.slice(1).find((r) => r[started] === '0');
    assert.ok(open, `a producer with a transaction open at offset 0:\n${producers.join('\n')}`);
    await tool('abort', '--topic', 'hang', '--partition', '0', '--start-offset', '0');
    await waitFor('no open transaction in hang-0', async () => {
      const after_ = rows(await tool('describe-producers', '--topic', 'hang', '--partition', '0'));
      return after_.slice(1).every((r) => r[started] === '-1' || r[started] === 'None');
    }, 30_000);
    // The records are aborted: a committed record after them is what a read_committed reader gets.
    const kafka = kafkaClient(broker.bootstrap, 'tools-reader');
    const p = kafka.producer({ transactionalId: 'after-abort', maxInFlightRequests: 1, idempotent: true });
    await p.connect();
    const t = await p.transaction();
    await t.send({ topic: 'hang', messages: [{ value: 'fine' }] });
    await t.commit();
    await p.disconnect();
    const consumer = kafka.consumer({ groupId: 'tools-reader', maxWaitTimeInMs: 200 });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'hang', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
      } });
      await waitFor('the committed record', () => values.includes('fine'), 60_000);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(values, ['fine']);
  });
});
