// Apache Kafka Streams (kafka-streams 4.x) with processing.guarantee=exactly_once_v2 against a Gregor broker:
// test/java/streams/WordCount.java (a repartition topic and a changelog, every count written to an output
// topic) is killed with SIGKILL in the middle of its work, twice, and restarted each time. Its transactions
// (one producer per thread, the consumer offsets committed in the transaction, the restarted instance fencing
// the dead one) leave the output exact: a read_committed reader sees every word counted exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { KAFKA_TOOLS_RESOLVE_TIMEOUT_MS } from '../helpers/kafka-tools.js';
import { awaitCounts, WordCountApp, wordCountClasspath, wordLines } from '../helpers/kafka-streams.js';
import { waitFor } from '../helpers/wait.js';

describe('Kafka Streams exactly_once_v2 word count', () => {
  let broker: BrokerProcess;
  let stateDir: string;
  const apps: WordCountApp[] = [];

  before(async () => {
    await wordCountClasspath();
    broker = await BrokerProcess.start({ overrides: {
      'offsets.topic.num.partitions': 2, 'transaction.state.log.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0,
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000,
    } });
    stateDir = mkdtempSync(join(tmpdir(), 'gregor-streams-eos-'));
  }, { timeout: KAFKA_TOOLS_RESOLVE_TIMEOUT_MS + 120_000 });
  after(async () => {
    for (const a of apps) await a.kill9();
    await broker?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('SIGKILLed twice mid-work and restarted, the committed counts are exact', { timeout: 420_000 }, async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'eos-in', numPartitions: 2 }, { topic: 'eos-out', numPartitions: 2 }] });
      const expected = new Map<string, number>();
      let line = 0;
      const send = async (n: number) => {
        const lines = wordLines(line, n, expected);
        await producer.send({ topic: 'eos-in', messages: lines.map((value, i) => ({ key: `line-${line + i}`, value })) });
        line += n;
      };
      const start = async () => {
        const app = await WordCountApp.start({ bootstrap: broker.bootstrap, applicationId: 'wc-eos', input: 'eos-in', output: 'eos-out', guarantee: 'exactly_once_v2', stateDir, replicationFactor: 1 });
        apps.push(app);
        await waitFor('Streams to reach RUNNING', () => {
          assert.ok(!app.exited, `Streams exited:\n${app.output}`);
          return app.states.includes('RUNNING');
        }, 120_000).catch((e: Error) => assert.fail(`${e.message}\n${app.output}`));
        return app;
      };
      await send(300);
      let app = await start();
      for (let round = 0; round < 2; round++) {
        // Feed it while it works, then kill it once some of that work is committed (and some is not).
        const feeding = (async () => {
          for (let i = 0; i < 10; i++) await send(20);
        })();
        await waitFor('some committed output', async () => {
          const offsets = await admin.fetchTopicOffsets('eos-out');
          return offsets.some((o) => Number(o.high) > 0);
        }, 120_000);
        await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 800)));
        await app.kill9();
        await feeding;
        app = await start();
      }
      await send(100);
      await awaitCounts(kafka, 'eos-out', expected, 180_000);
      // (A clean close is the at_least_once test's subject; here only the counts are.)
      await app.stop();
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
