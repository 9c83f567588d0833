// The broker is killed with SIGKILL in the middle of transactions, six times: after a commit returned,
// while a commit is in flight, and while records are being sent (each twice). After each restart the coordinator finishes
// what it had prepared and a producer with the same transactional id fences what was left open. At the end a
// read_committed reader sees every transaction whole or not at all, and every transaction whose commit was
// acknowledged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';

const ROUNDS = 6;

describe('SIGKILL of the broker mid-transaction', () => {
  let broker: BrokerProcess;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': 2, 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0 } });
  });
  after(async () => {
    await broker?.close();
  });

  test(`${ROUNDS} kills: every transaction is committed or aborted whole; acknowledged commits are all there`, { timeout: 300_000 }, async () => {
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kill-tx', numPartitions: 2 }] });
    await admin.disconnect();
    const acknowledged = new Set<number>();
    for (let round = 0; round < ROUNDS; round++) {
      const kafka = kafkaClient(broker.bootstrap, `kill-${round}`);
      const producer = kafka.producer({ transactionalId: 'killer', maxInFlightRequests: 1, idempotent: true, retry: { retries: 2, initialRetryTime: 100 } });
      await producer.connect();
      const t = await producer.transaction();
      await t.send({ topic: 'kill-tx', messages: [{ partition: 0, value: `${round}-a` }, { partition: 0, value: `${round}-b` }, { partition: 1, value: `${round}-c` }] });
      const when = round % 3;
      if (when === 0) {
        await t.commit();
        acknowledged.add(round);
        await broker.kill9();
      } else if (when === 1) {
        const committing = t.commit().then(() => acknowledged.add(round), () => undefined);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20)));
        await broker.kill9();
        await committing;
      } else {
        const sending = t.send({ topic: 'kill-tx', messages: [{ partition: 1, value: `${round}-d` }] }).catch(() => undefined);
        await broker.kill9();
        await sending;
      }
      await producer.disconnect().catch(() => undefined);
      await broker.restart();
    }
    // A new producer with the id fences whatever the last round left open, then commits a final record.
    const kafka = kafkaClient(broker.bootstrap, 'kill-final');
    const producer = kafka.producer({ transactionalId: 'killer', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const t = await producer.transaction();
    await t.send({ topic: 'kill-tx', messages: [{ partition: 0, value: 'final-0' }, { partition: 1, value: 'final-1' }] });
    await t.commit();
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'kill-reader', maxWaitTimeInMs: 200 });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'kill-tx', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
      } });
      await waitFor('both final records', () => values.includes('final-0') && values.includes('final-1'), 120_000);
    } finally {
      await consumer.disconnect();
    }
    assert.equal(new Set(values).size, values.length, `no record twice: ${values}`);
    for (let round = 0; round < ROUNDS; round++) {
      const seen = values.filter((v) => v.startsWith(`${round}-`)).sort();
      const whole = round % 3 === 2 ? [[], [`${round}-a`, `${round}-b`, `${round}-c`, `${round}-d`], [`${round}-a`, `${round}-b`, `${round}-c`]] : [[], [`${round}-a`, `${round}-b`, `${round}-c`]];
      assert.ok(whole.some((w) => JSON.stringify(w) === JSON.stringify(seen)), `round ${round} seen partly: ${seen}`);
      if (acknowledged.has(round)) assert.equal(seen.length, 3, `round ${round}'s acknowledged commit is missing: ${seen}`);
    }
  });
});
