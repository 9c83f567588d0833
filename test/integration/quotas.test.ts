// Client quotas against a real broker process: producer_byte_rate set on a client id with Apache Kafka's
// kafka-configs tool (AlterClientQuotas) holds a kafkajs producer near the quota over a bounded run, its
// responses carry throttle_time_ms (kafkajs reports client-side throttling, KIP-219), /metrics shows it; a
// producer with another client id beside it is not slowed; removing the quota with `gregor configs` lifts it.
// request_percentage throttles a client by the event-loop time its requests take; consumer_byte_rate on the
// default client id throttles a kcat consumer; a throttled fetch is answered empty (KIP-219) and the Java
// consumer still reads every record exactly once at about the quota. controller_mutation_rate (KIP-599) refuses
// topic and partition creation and deletion past its burst with THROTTLING_QUOTA_EXCEEDED. The quota window is 4 samples of 1 s (quota.window.num,
// quota.window.size.seconds) so the run stays short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { BrokerProcess, GREGOR_BIN, freePort } from '../helpers/broker-process.js';
import { run } from '../helpers/run.js';
import { kcat } from '../helpers/kcat.js';
import { waitFor } from '../helpers/wait.js';
import { KAFKA_TOOL, runKafkaTool } from '../helpers/kafka-tools.js';
import { http } from './gateway-helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreatePartitions, CreateTopics, DeleteTopics, ErrorCode } from '../../src/protocol/index.js';
import { RawConnection } from '../helpers/raw-client.js';

const QUOTA = 64 * 1024; // bytes per second
const VALUE = 'x'.repeat(1024);

describe('client quotas', () => {
  let broker: BrokerProcess;
  let metricsUrl: string;

  before(async () => {
    const gw = await freePort();
    metricsUrl = `http://127.0.0.1:${gw}/metrics`;
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': 1, 'quota.window.num': 4, 'quota.window.size.seconds': 1, 'gateway.listeners': `HTTP://127.0.0.1:${gw}` } });
    await waitFor('gateway started', () => broker.output.includes('"gateway started"'), 30_000);
  });
  after(async () => {
    await broker?.close();
  });

  /** A kafkajs producer with `clientId` that counts the client-side throttles kafkajs reports. */
  function producerFor(clientId: string): { producer: Producer; throttles: number[] } {
    const throttles: number[] = [];
    const kafka = new Kafka({
      clientId, brokers: [broker.bootstrap], logLevel: logLevel.DEBUG, retry: { retries: 5, initialRetryTime: 100 },
      logCreator: () => ({ log }) => {
        const m = /Client side throttling in effect for (\d+)ms/.exec(log.message);
        if (m) throttles.push(Number(m[1]));
      },
    });
    return { producer: kafka.producer({ allowAutoTopicCreation: true }), throttles };
  }

  /** Sends 16 KiB batches for `ms` and answers the bytes per second acknowledged from `warmupMs` on. */
  async function produceFor(producer: Producer, topic: string, ms: number, warmupMs: number): Promise<number> {
    const start = Date.now();
    let measuredFrom = 0;
    let bytes = 0;
    const batch = Array.from({ length: 16 }, () => ({ value: VALUE }));
    while (Date.now() - start < ms) {
      await producer.send({ topic, acks: 1, messages: batch });
      if (Date.now() - start < warmupMs) continue;
      if (measuredFrom === 0) measuredFrom = Date.now();
      else bytes += 16 * VALUE.length;
    }
    return bytes / ((Date.now() - measuredFrom) / 1000);
  }

  test('kafka-configs sets producer_byte_rate on a client id; gregor configs describes it', async () => {
    const r = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', 'limited', '--add-config', `producer_byte_rate=${QUOTA}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const d = await run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'clients', '--entity-name', 'limited', '--describe'], undefined, 60_000);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`Quota configs for client-id 'limited' are producer_byte_rate=${QUOTA}\\.0`));
    const k = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--describe', '--entity-type', 'clients', '--entity-name', 'limited']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /producer_byte_rate=65536/);
  });

  test('a producer over its quota is held near it with throttle_time_ms; another client id beside it is not slowed', async () => {
    const limited = producerFor('limited');
    const free = producerFor('free');
    await limited.producer.connect();
    await free.producer.connect();
    try {
      const [limitedRate, freeRate] = await Promise.all([produceFor(limited.producer, 'q-limited', 14_000, 5_000), produceFor(free.producer, 'q-free', 6_000, 1_000)]);
      console.log(`# producer_byte_rate=${QUOTA}: limited client ${Math.round(limitedRate)} B/s, unlimited client ${Math.round(freeRate)} B/s, ${limited.throttles.length} throttled responses (max ${Math.max(0, ...limited.throttles)} ms)`);
      assert.ok(limited.throttles.length > 0 && limited.throttles.every((t) => t > 0), 'throttle_time_ms reported');
      assert.ok(limitedRate < QUOTA * 1.5, `limited rate ${limitedRate} B/s should be near ${QUOTA}`);
      assert.ok(limitedRate > QUOTA * 0.4, `limited rate ${limitedRate} B/s should be near ${QUOTA}`);
      assert.equal(free.throttles.length, 0, 'the unlimited client was never throttled');
      assert.ok(freeRate > QUOTA * 3, `unlimited rate ${freeRate} B/s`);
    } finally {
      await limited.producer.disconnect();
      await free.producer.disconnect();
    }
    const m = await http('GET', metricsUrl);
    assert.equal(m.status, 200);
    const line = m.text.split('\n').find((l) => l.startsWith('kafka_server_quota_throttle_time_ms_total{type="Produce",user="",client_id="limited"}'));
    assert.ok(line && Number(line.split(' ').pop()) > 0, `metrics line: ${line}`);
    assert.match(m.text, new RegExp(`kafka_server_quota_limit_bytes_per_second\\{type="Produce",user="",client_id="limited"\\} ${QUOTA}`));
  });

  test('request_percentage set with gregor configs throttles a busy client (event-loop time per second); removing it lifts it', async () => {
    const set = await run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'clients', '--entity-name', 'busy', '--alter', '--add-config', 'request_percentage=0.01'], undefined, 60_000);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const busy = producerFor('busy');
    await busy.producer.connect();
    try {
      await produceFor(busy.producer, 'q-busy', 4_000, 0);
      assert.ok(busy.throttles.length > 0, 'throttle_time_ms reported for request time');
    } finally {
      await busy.producer.disconnect();
    }
    const m = await http('GET', metricsUrl);
    assert.match(m.text, /kafka_server_quota_throttled_requests_total\{type="Request",user="",client_id="busy"\} [1-9]/);
    const del = await run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'clients', '--entity-name', 'busy', '--alter', '--delete-config', 'request_percentage'], undefined, 60_000);
    assert.equal(del.code, 0, del.stdout + del.stderr);
  });

  test('consumer_byte_rate on the default client id throttles a kcat consumer once its first window of allowance is read', async () => {
    // 1 MiB in the topic; the first window counts as 3 s, so about 3 x quota is read before throttling starts.
    const fill = producerFor('filler');
    await fill.producer.connect();
    try {
      for (let i = 0; i < 64; i++) await fill.producer.send({ topic: 'q-read', acks: 1, messages: Array.from({ length: 16 }, () => ({ value: VALUE })) });
    } finally {
      await fill.producer.disconnect();
    }
    const set = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'clients', '--entity-default', '--add-config', `consumer_byte_rate=${4 * QUOTA}`]);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    try {
      const start = Date.now();
      const r = await kcat(['-b', broker.bootstrap, '-X', 'client.id=reader', '-C', '-t', 'q-read', '-o', 'beginning', '-e', '-q', '-f', '%S\n'], undefined, 120_000);
      const seconds = (Date.now() - start) / 1000;
      assert.equal(r.code, 0, r.stderr);
      const bytes = r.stdout.trim().split('\n').reduce((n, l) => n + Number(l), 0);
      assert.equal(bytes, 64 * 16 * VALUE.length);
      const rate = bytes / seconds;
      console.log(`# consumer_byte_rate=${4 * QUOTA}: kcat read ${bytes} bytes in ${seconds.toFixed(1)} s (${Math.round(rate)} B/s overall, the first ~3 s of quota allowed at once)`);
      // Unthrottled this takes well under a second; (1 MiB - 3 x 256 KiB) / 256 KiB/s is 1 s more at least.
      assert.ok(seconds >= 1, `read in ${seconds} s`);
      const m = await http('GET', metricsUrl);
      assert.match(m.text, /kafka_server_quota_throttled_requests_total\{type="Fetch",user="",client_id="reader"\} [1-9]/);
    } finally {
      const del = await run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'clients', '--entity-default', '--alter', '--delete-config', 'consumer_byte_rate'], undefined, 60_000);
      assert.equal(del.code, 0, del.stdout + del.stderr);
    }
  });

  test('a throttled fetch is answered empty (KIP-219): the Java consumer reads every record once, at about consumer_byte_rate', async () => {
    // 2 MiB of numbered records; the quota caps a response at quota x (4 - 1) s of bytes, so the Java
    // consumer (fetch sessions) needs many fetches, and those over the quota come back empty and uncounted.
    const count = 2048;
    const fill = producerFor('filler');
    await fill.producer.connect();
    try {
      for (let i = 0; i < count; i += 16) {
        await fill.producer.send({ topic: 'q-java', acks: 1, messages: Array.from({ length: 16 }, (_, j) => ({ value: `r-${String(i + j).padStart(5, '0')}-${VALUE.slice(8)}` })) });
      }
    } finally {
      await fill.producer.disconnect();
    }
    const quota = 4 * QUOTA;
    const set = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', 'java-reader', '--add-config', `consumer_byte_rate=${quota}`]);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    try {
      const start = Date.now();
      const r = await runKafkaTool(KAFKA_TOOL.consoleConsumer, ['--bootstrap-server', broker.bootstrap, '--topic', 'q-java', '--from-beginning', '--max-messages', String(count),
        '--timeout-ms', '60000', '--consumer-property', 'client.id=java-reader', '--consumer-property', 'group.id=java-reader'], 180_000);
      const seconds = (Date.now() - start) / 1000;
      assert.equal(r.code, 0, r.stderr);
      const ids = r.stdout.split('\n').filter((l) => l.startsWith('r-')).map((l) => Number(l.slice(2, 7)));
      assert.deepEqual(ids, Array.from({ length: count }, (_, i) => i), 'every record exactly once, in order');
      const bytes = count * VALUE.length;
      const m = await http('GET', metricsUrl);
      const metric = (name: string) => Number(m.text.split('\n').find((l) => l.startsWith(`${name}{type="Fetch",user="",client_id="java-reader"}`))?.split(' ').pop());
      const throttled = metric('kafka_server_quota_throttled_requests_total');
      const brokerRate = metric('kafka_server_quota_byte_rate');
      console.log(`# consumer_byte_rate=${quota}: Java consumer read ${bytes} bytes in ${seconds.toFixed(1)} s (JVM start included), ${throttled} throttled (empty) fetches, broker-measured rate ${Math.round(brokerRate)} B/s at the end`);
      assert.ok(throttled > 0, 'some fetches were throttled');
      // Unthrottled this is 2 MiB in about a second; with the quota at most one window of allowance (3 s) more
      // than quota x elapsed can be read.
      assert.ok(bytes <= quota * (seconds + 4), `read ${bytes} bytes in ${seconds} s under a quota of ${quota} B/s`);
      // Bytes of the empty answers are taken back: what the broker measured stays near the quota (counting the
      // records the throttled fetches read and dropped would put it several times over).
      assert.ok(brokerRate <= quota * 1.5, `broker-measured rate ${brokerRate} B/s, quota ${quota}`);
    } finally {
      const del = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', 'java-reader', '--delete-config', 'consumer_byte_rate']);
      assert.equal(del.code, 0, del.stdout + del.stderr);
    }
  });

  test('controller_mutation_rate (KIP-599): partitions created past the burst get THROTTLING_QUOTA_EXCEEDED (strict versions) or a throttle (older ones); the Java admin reports it', async () => {
    // 2 partitions/s with 4 samples of 1 s: a burst of 8 partitions. The raw client's client id is raw-test.
    const set = await runKafkaTool(KAFKA_TOOL.configs, ['--bootstrap-server', broker.bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', 'raw-test', '--add-config', 'controller_mutation_rate=2']);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const topic = (name: string, numPartitions: number) => ({ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] });
    const conn = await RawConnection.open(broker.port);
    try {
      // 8 tokens: 6 leaves 2; the next 6 is still accepted (the bucket was not below zero) and leaves -4.
      let r = await conn.request(CreateTopics, 7, { topics: [topic('mut-a', 6), topic('mut-b', 6)], timeoutMs: 10_000, validateOnly: false });
      assert.deepEqual(r.topics.map((t) => t.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
      assert.equal(r.throttleTimeMs, 0, 'a strict quota does not throttle the request that empties it');
      // Now below zero: refused with the time until the bucket is back at zero (4 partitions at 2/s).
      r = await conn.request(CreateTopics, 7, { topics: [topic('mut-c', 1)], timeoutMs: 10_000, validateOnly: false });
      assert.equal(r.topics[0]!.errorCode, ErrorCode.THROTTLING_QUOTA_EXCEEDED);
      assert.equal(r.topics[0]!.errorMessage, 'The throttling quota has been exceeded.');
      assert.ok(r.throttleTimeMs > 1000 && r.throttleTimeMs <= 2000, `throttle ${r.throttleTimeMs} ms`);
      // The connection was muted that long, so the bucket is back at zero now: validate_only is not counted, and
      // deleting mut-a (6 partitions) is accepted and takes it to -6; deleting mut-b next is refused.
      r = await conn.request(CreateTopics, 7, { topics: [topic('mut-c', 1)], timeoutMs: 10_000, validateOnly: true });
      assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
      let d = await conn.request(DeleteTopics, 5, { topics: [], topicNames: ['mut-a'], timeoutMs: 10_000 });
      assert.equal(d.responses[0]!.errorCode, ErrorCode.NONE);
      d = await conn.request(DeleteTopics, 5, { topics: [], topicNames: ['mut-b'], timeoutMs: 10_000 });
      assert.equal(d.responses[0]!.errorCode, ErrorCode.THROTTLING_QUOTA_EXCEEDED);
      assert.ok(d.throttleTimeMs > 2000 && d.throttleTimeMs <= 3000, `throttle ${d.throttleTimeMs} ms`);
      // The same for CreatePartitions: 6 -> 8 is accepted (-2), 8 -> 10 refused.
      let p = await conn.request(CreatePartitions, 3, { topics: [{ name: 'mut-b', count: 8, assignments: null }], timeoutMs: 10_000, validateOnly: false });
      assert.equal(p.results[0]!.errorCode, ErrorCode.NONE);
      p = await conn.request(CreatePartitions, 3, { topics: [{ name: 'mut-b', count: 10, assignments: null }], timeoutMs: 10_000, validateOnly: false });
      assert.equal(p.results[0]!.errorCode, ErrorCode.THROTTLING_QUOTA_EXCEEDED);
      // CreateTopics v5 predates the error: the topic is created and the response throttled instead (40
      // partitions take the bucket to about -40: 20 s until it is back at zero).
      r = await conn.request(CreateTopics, 5, { topics: [topic('mut-old', 40)], timeoutMs: 10_000, validateOnly: false });
      assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
      assert.ok(r.throttleTimeMs > 15_000, `the permissive version is throttled (${r.throttleTimeMs} ms)`);
    } finally {
      conn.close();
    }
    // Kafka's own kafka-topics (Java AdminClient, CreateTopics v7) with the same client id: the refusal lasts
    // longer than its 5 s timeout, so it reports the quota error; with the quota removed it creates the topic.
    const props = join(broker.logDir, 'raw-test-client.properties');
    writeFileSync(props, 'client.id=raw-test\ndefault.api.timeout.ms=5000\nrequest.timeout.ms=5000\n');
    const create = () => runKafkaTool(KAFKA_TOOL.topics, ['--bootstrap-server', broker.bootstrap, '--command-config', props, '--create', '--topic', 'mut-java', '--partitions', '2', '--replication-factor', '1']);
    let k = await create();
    assert.match(k.stdout + k.stderr, /ThrottlingQuotaExceededException|The throttling quota has been exceeded/);
    const del = await run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'clients', '--entity-name', 'raw-test', '--alter', '--delete-config', 'controller_mutation_rate'], undefined, 60_000);
    assert.equal(del.code, 0, del.stdout + del.stderr);
    k = await create();
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /Created topic mut-java/);
  });

  test('removing the quota with gregor configs lifts it', async () => {
    const d = await run(process.execPath, [GREGOR_BIN, 'configs', '--bootstrap-server', broker.bootstrap, '--entity-type', 'clients', '--entity-name', 'limited', '--alter', '--delete-config', 'producer_byte_rate'], undefined, 60_000);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    const limited = producerFor('limited');
    await limited.producer.connect();
    try {
      const rate = await produceFor(limited.producer, 'q-limited', 4_000, 500);
      assert.equal(limited.throttles.length, 0);
      assert.ok(rate > QUOTA * 3, `rate ${rate} B/s after the quota was removed`);
    } finally {
      await limited.producer.disconnect();
    }
  });
});
