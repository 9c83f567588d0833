// A full disk: the broker's log directory on a small tmpfs. Produce past the space left is refused with
// KAFKA_STORAGE_ERROR and nothing half-written is ever served; topic creation, partition growth and
// producer-id allocation and SCRAM users are refused with Kafka's errors (the metadata store's change undone, not kept in
// memory only), and the broker keeps serving reads. Once space is freed everything works again, and after
// kill -9 and a restart every acknowledged record is there exactly once, in order.
// Mounting a tmpfs needs root (CAP_SYS_ADMIN), which the CI machine has; without it the test fails and says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { setScramUser } from '../helpers/secure-broker.js';
import { ErrorCode } from '../../src/protocol/index.js';

const KAFKA_STORAGE_ERROR = ErrorCode.KAFKA_STORAGE_ERROR;

const TOPIC = 'full';

function mount(dir: string, size: string, remount = false): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `${remount ? 'remount,' : ''}size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
  }
}

/** The Kafka error type of a kafkajs failure, looking through its retry wrapper and per-topic errors. */
function errorType(e: unknown): string | undefined {
  const err = e as { type?: string; cause?: { type?: string }; errors?: Array<{ type?: string }> };
  return err.cause?.type ?? err.errors?.[0]?.type ?? err.type;
}

describe('a full disk', () => {
  let dir: string;
  let mounted = false;
  let mountError: string | undefined;
  let broker: BrokerProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-full-disk-'));
    mountError = mount(dir, '3m');
    mounted = mountError === undefined;
  });
  after(async () => {
    await broker?.close();
    if (mounted) execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses what does not fit with Kafka\'s errors, serves what was acknowledged, and recovers once space is freed', async () => {
    assert.ok(mounted, `a tmpfs must be mounted for this test (run the suite as root, as CI does): ${mountError}`);
    const logDir = join(dir, 'data');
    broker = await BrokerProcess.start({ logDir, overrides: { 'log.segment.bytes': 1 << 20, 'offsets.topic.num.partitions': 1 } });
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    const acked: string[] = [];
    let producer: Producer | undefined;
    try {
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }, { topic: 'grow', numPartitions: 1 }] });
      producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      const send = async (value: string) => {
        await producer!.send({ topic: TOPIC, acks: -1, messages: [{ value }] });
        acked.push(value);
      };
      // 1 KiB records until the disk is full: about 3,000 fit.
      let refused: unknown;
      for (let i = 0; i < 5000 && refused === undefined; i++) await send(`${i}:`.padEnd(1024, 'x')).catch((e: unknown) => (refused = e));
      assert.ok(refused !== undefined, 'the disk filled up');
      assert.equal(errorType(refused), 'KAFKA_STORAGE_ERROR', String(refused));
      assert.ok(acked.length > 1000, `${acked.length} acknowledged before the disk was full`);
      // Fill the last bytes too, with small records, so that the metadata store's file cannot grow either.
      for (let i = 0; i < 3000; i++) {
        if (await send(`s${i}`).then(() => false, () => true)) break;
      }

      // Metadata changes are refused and leave nothing behind.
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'later', numPartitions: 3 }] }), (e: unknown) => errorType(e) === 'KAFKA_STORAGE_ERROR');
      assert.ok(!(await admin.listTopics()).includes('later'), 'a topic the store could not keep is not served');
      await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }] }), (e: unknown) => errorType(e) === 'KAFKA_STORAGE_ERROR');
      assert.equal((await admin.fetchTopicMetadata({ topics: ['grow'] })).topics[0]!.partitions.length, 1);
      await assert.rejects(setScramUser(broker.bootstrap, 'dana', 'dana-secret', 'SCRAM-SHA-256'), new RegExp(`failed: ${KAFKA_STORAGE_ERROR} `));
      // A producer id block cannot be reserved: retriable, as in Kafka while its next block is not there.
      const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } });
      await assert.rejects(idempotent.connect());
      assert.match(broker.output, /"error":"COORDINATOR_LOAD_IN_PROGRESS"[^\n]*No producer id block could be reserved[^\n]*no space left on device/i);
      await idempotent.disconnect();

      // Reads go on: exactly the acknowledged records, nothing of a refused write.
      const read = async () => {
        const r = await kcat(['-b', broker!.bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], undefined, 60_000);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.split('\n').filter((l) => l !== '');
      };
      assert.deepEqual(await read(), acked);

      // Space freed: writes, topic creation and producer ids work again.
      assert.equal(mount(dir, '32m', true), undefined);
      for (let i = 0; i < 100; i++) await send(`after-${i}`);
      await admin.createTopics({ topics: [{ topic: 'later', numPartitions: 3 }] });
      await setScramUser(broker.bootstrap, 'dana', 'dana-secret', 'SCRAM-SHA-256');
      const again = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await again.connect();
      await again.send({ topic: TOPIC, acks: -1, messages: [{ value: 'idempotent' }] });
      acked.push('idempotent');
      await again.disconnect();
      assert.deepEqual(await read(), acked);

      // kill -9 and restart: every acknowledged record, once, in order; the topics the store kept.
      await producer.disconnect();
      producer = undefined;
      await admin.disconnect();
      await broker.kill9();
      await broker.restart();
      assert.deepEqual(await read(), acked);
      const admin2 = kafkaClient(broker.bootstrap).admin();
      await admin2.connect();
      try {
        assert.deepEqual((await admin2.listTopics()).filter((n) => !n.startsWith('__')).sort(), [TOPIC, 'grow', 'later']);
        assert.equal((await admin2.fetchTopicMetadata({ topics: ['grow'] })).topics[0]!.partitions.length, 1);
      } finally {
        await admin2.disconnect();
      }
    } finally {
      await producer?.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  });
});
