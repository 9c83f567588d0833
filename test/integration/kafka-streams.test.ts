// Apache Kafka Streams (kafka-streams 4.x, from Maven Central) runs a stateful application against a Gregor
// broker: test/java/streams/WordCount.java re-keys words (a repartition topic) and counts them in a state
// store (a changelog topic), writing every new count to an output topic. Checked: Streams creates its
// internal topics with the configs it asks for (the changelog compacted), reaches RUNNING, the counts it
// writes converge on the exact counts of the words produced (at_least_once, no failure), keep counting new
// input, and the application closes cleanly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { KAFKA_TOOLS_RESOLVE_TIMEOUT_MS } from '../helpers/kafka-tools.js';
import { awaitCounts, WordCountApp, wordCountClasspath, wordLines } from '../helpers/kafka-streams.js';
import { waitFor } from '../helpers/wait.js';

const { ConfigResourceTypes } = kafkajs;
describe('Kafka Streams (kafka-streams 4.x) word count', () => {
  let broker: BrokerProcess;
  let stateDir: string;
  const apps: WordCountApp[] = [];

  before(async () => {
    await wordCountClasspath();
    broker = await BrokerProcess.start({ overrides: { 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0 } });
    stateDir = mkdtempSync(join(tmpdir(), 'gregor-streams-state-'));
  }, { timeout: KAFKA_TOOLS_RESOLVE_TIMEOUT_MS + 120_000 });
  after(async () => {
    for (const a of apps) await a.kill9();
    await broker?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('at_least_once: internal topics, RUNNING, exact counts, more input, clean close', { timeout: 300_000 }, async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'wc-in', numPartitions: 2 }, { topic: 'wc-out', numPartitions: 2 }] });
      const producer = kafka.producer();
      await producer.connect();
      const expected = new Map<string, number>();
      const send = (lines: string[]) => producer.send({ topic: 'wc-in', messages: lines.map((value, i) => ({ key: `line-${i}`, value })) });
      await send(wordLines(0, 300, expected));

      const app = await WordCountApp.start({ bootstrap: broker.bootstrap, applicationId: 'wc-alo', input: 'wc-in', output: 'wc-out', guarantee: 'at_least_once', stateDir, replicationFactor: 1 });
      apps.push(app);
      await waitFor('Streams to reach RUNNING', () => {
        assert.ok(!app.exited, `Streams exited:\n${app.output}`);
        return app.states.includes('RUNNING');
      }, 120_000).catch((e: Error) => assert.fail(`${e.message}\n${app.output}`));
      await awaitCounts(kafka, 'wc-out', expected, 120_000);

      // Its internal topics exist, with what Streams asked for: the changelog compacted.
      const topics = await admin.listTopics();
      assert.ok(topics.includes('wc-alo-words-repartition'), `repartition topic in ${topics.join(', ')}`);
      assert.ok(topics.includes('wc-alo-counts-changelog'), `changelog topic in ${topics.join(', ')}`);
      const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'wc-alo-counts-changelog', configNames: ['cleanup.policy'] }] });
      assert.equal(cfg.resources[0]!.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue, 'compact');

      await send(wordLines(300, 200, expected));
      await awaitCounts(kafka, 'wc-out', expected, 120_000);
      await producer.disconnect();

      const exit = await app.stop();
      assert.ok(app.states.includes('NOT_RUNNING'), `closed through KafkaStreams.close (states ${app.states.join(' > ')}), exit ${exit}\n${app.output}`);
      assert.doesNotMatch(app.output, /uncaught:/);
    } finally {
      await admin.disconnect();
    }
  });
});
