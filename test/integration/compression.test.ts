// Compressed batches through a real broker process: what kcat (-z each codec), kafkajs and the project's
// client send is stored and served byte for byte (only baseOffset and partitionLeaderEpoch are the
// broker's), and a topic's compression.type re-compresses in the addon when it differs from the producer's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { ProduceRecorder } from '../helpers/produce-recorder.js';
import { RawConnection } from '../helpers/raw-client.js';
import { Fetch } from '../../src/protocol/index.js';
import { compress, decompress, parseRecordBatches, Producer, type CompressionName } from '../../src/client/index.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const CODEC_ID: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

// kafkajs ships gzip only; the other codecs plug in through its codec registry, here backed by the
// project client's codecs (kafkajs still frames the batches itself).
for (const [name, type] of [['snappy', CompressionTypes.Snappy], ['lz4', CompressionTypes.LZ4], ['zstd', CompressionTypes.ZSTD]] as const) {
  (CompressionCodecs as Record<number, unknown>)[type] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compress(CODEC_ID[name] as 2 | 3 | 4, encoder.buffer),
    decompress: async (buffer: Buffer) => decompress(CODEC_ID[name]!, buffer),
  });
}

/** Splits concatenated batches, with baseOffset and partitionLeaderEpoch zeroed (the two fields the broker sets). */
function normalizedBatches(records: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 12 <= records.length;) {
    const size = 12 + records.readInt32BE(at + 8);
    if (at + size > records.length) break; // a partial batch at the end of a fetch
    const b = Buffer.from(records.subarray(at, at + size));
    b.fill(0, 0, 8);
    b.fill(0, 12, 16);
    out.push(b);
    at += size;
  }
  return out;
}

describe('compression', () => {
  let broker: BrokerProcess;
  let recorder: ProduceRecorder;
  let raw: RawConnection;

  before(async () => {
    recorder = await ProduceRecorder.listen();
    const port = await freePort();
    recorder.forwardTo(port);
    broker = await BrokerProcess.start({ port, overrides: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${recorder.port}` } });
    raw = await RawConnection.open(broker.port);
  });
  after(async () => {
    raw?.close();
    await recorder?.close();
    await broker?.close();
  });

  const bootstrap = () => `127.0.0.1:${recorder.port}`;

  async function fetchAllBatches(topic: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let offset = 0;
    for (let round = 0; round < 100; round++) {
      const res = await raw.request(Fetch, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 16 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = res.responses[0]!.partitions[0]!;
      assert.equal(p.errorCode, 0);
      const records = p.records as Buffer | null;
      if (records === null || records.length === 0) break;
      parts.push(records);
      const last = normalizedBatches(records);
      // Next offset: walk the batches of this answer.
      let at = 0;
      for (const b of last) {
        offset = Number(records.readBigInt64BE(at)) + b.readInt32BE(23) + 1;
        at += b.length;
      }
      if (offset >= p.highWatermark) break;
    }
    return Buffer.concat(parts);
  }

  async function assertRoundTrip(topic: string, codec: string): Promise<void> {
    const sent = recorder.sent.filter((s) => s.topic === topic).flatMap((s) => normalizedBatches(s.records));
    assert.ok(sent.length > 0, `the recorder saw batches for ${topic}`);
    const stored = normalizedBatches(await fetchAllBatches(topic));
    assert.equal(stored.length, sent.length, 'one stored batch per sent batch');
    // librdkafka sends a batch uncompressed when compressing would not make it smaller (a first batch of
    // one short record): each batch must keep the codec it was sent with, and most carry `codec`.
    let inCodec = 0;
    for (let i = 0; i < sent.length; i++) {
      assert.equal(stored[i]!.readInt16BE(21) & 7, sent[i]!.readInt16BE(21) & 7, `batch ${i} keeps the codec it was sent with`);
      if ((stored[i]!.readInt16BE(21) & 7) === CODEC_ID[codec]) inCodec++;
      assert.ok(stored[i]!.equals(sent[i]!), `batch ${i} of ${topic} is stored byte for byte`);
    }
    assert.ok(inCodec >= Math.max(1, sent.length / 2), `${inCodec} of ${sent.length} batches in ${codec}`);
  }

  async function kcatValues(topic: string, n: number): Promise<string[]> {
    const c = await kcat(['-b', bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-c', String(n), '-e', '-f', RECORD_FORMAT]);
    assert.equal(c.code, 0, c.stderr);
    return parseRecords(c.stdout).map((r) => r.value ?? '');
  }

  for (const codec of CODECS) {
    test(`kcat -z ${codec}: stored byte for byte and read back by kcat`, async () => {
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 2000 }, (_, i) => `value-${i}-${'x'.repeat(i % 50)}`);
      const p = await kcat(['-b', bootstrap(), '-P', '-t', topic, '-z', codec, '-X', 'linger.ms=20'], lines.join('\n') + '\n');
      assert.equal(p.code, 0, p.stderr);
      await assertRoundTrip(topic, codec);
      assert.deepEqual(await kcatValues(topic, lines.length), lines);
    });

    test(`kafkajs ${codec}: stored byte for byte and read back by kcat`, async () => {
      const topic = `kafkajs-${codec}`;
      const producer = kafkaClient(bootstrap()).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      const values = Array.from({ length: 300 }, (_, i) => `kjs-${i}`);
      const type = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD }[codec];
      for (let i = 0; i < 3; i++) {
        await producer.send({ topic, compression: type, messages: values.slice(i * 100, i * 100 + 100).map((value, j) => ({ key: `k${j}`, value, headers: { h: 'v' } })) });
      }
      await producer.disconnect();
      await assertRoundTrip(topic, codec);
      assert.deepEqual(await kcatValues(topic, values.length), values);
    });

    test(`project client ${codec}: stored byte for byte and decoded by the client`, async () => {
      const topic = `client-${codec}`;
      const producer = new Producer({ bootstrap: bootstrap(), compression: codec as CompressionName, lingerMs: 5, idempotent: true });
      const values = Array.from({ length: 1000 }, (_, i) => `client-${i}`);
      await Promise.all(values.map((v) => producer.send({ topic, messages: [{ value: Buffer.from(v) }] })));
      await producer.close();
      await assertRoundTrip(topic, codec);
      const batches = await parseRecordBatches(await fetchAllBatches(topic), { verifyCrc: true });
      assert.deepEqual(batches.flatMap((b) => b.records.map((r) => r.value?.toString())), values);
    });
  }

  test('topic compression.type re-compresses what differs and keeps what matches', async () => {
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [
      { topic: 'topic-zstd', configEntries: [{ name: 'compression.type', value: 'zstd' }, { name: 'compression.zstd.level', value: '9' }] },
      { topic: 'topic-uncompressed', configEntries: [{ name: 'compression.type', value: 'uncompressed' }] },
      { topic: 'topic-lz4', configEntries: [{ name: 'compression.type', value: 'lz4' }, { name: 'compression.lz4.level', value: '12' }] },
      { topic: 'topic-gzip', configEntries: [{ name: 'compression.type', value: 'gzip' }, { name: 'compression.gzip.level', value: '1' }] },
    ] });
    await assert.rejects(
      admin.createTopics({ topics: [{ topic: 'bad-level', configEntries: [{ name: 'compression.gzip.level', value: '12' }] }] }),
      (e: { type?: string; errors?: Array<{ type?: string }> }) => (e.errors?.[0]?.type ?? e.type) === 'INVALID_CONFIG',
    );
    await admin.disconnect();
    const lines = Array.from({ length: 500 }, (_, i) => `re-${i}`);
    const cases = [['topic-zstd', 'gzip', 4], ['topic-zstd', 'zstd', 4], ['topic-uncompressed', 'lz4', 0], ['topic-uncompressed', 'snappy', 0], ['topic-lz4', 'gzip', 3], ['topic-lz4', 'none', 3], ['topic-gzip', 'snappy', 1], ['topic-gzip', 'none', 1]] as const;
    for (const [topic, producerCodec] of cases) {
      const p = await kcat(['-b', bootstrap(), '-P', '-t', topic, '-z', producerCodec], lines.join('\n') + '\n');
      assert.equal(p.code, 0, p.stderr);
    }
    for (const topic of ['topic-zstd', 'topic-uncompressed', 'topic-lz4', 'topic-gzip']) {
      const want = cases.filter((c) => c[0] === topic);
      const stored = normalizedBatches(await fetchAllBatches(topic));
      for (const b of stored) assert.equal(b.readInt16BE(21) & 7, want[0]![2], `${topic} stores codec ${want[0]![2]}`);
      const expected = want.flatMap(() => lines);
      assert.deepEqual(await kcatValues(topic, expected.length), expected, `${topic} reads back through kcat (CRC checked)`);
      // kafkajs decodes the stored batches too.
      const batches = await parseRecordBatches(await fetchAllBatches(topic), { verifyCrc: true });
      assert.equal(batches.reduce((n, b) => n + b.records.length, 0), expected.length);
    }
    // A zstd batch sent to the zstd topic is kept byte for byte.
    const zstdSent = recorder.sent.filter((s) => s.topic === 'topic-zstd').flatMap((s) => normalizedBatches(s.records));
    const zstdStored = normalizedBatches(await fetchAllBatches('topic-zstd'));
    const keptOne = zstdSent.filter((b) => (b.readInt16BE(21) & 7) === 4);
    assert.ok(keptOne.length > 0);
    for (const b of keptOne) assert.ok(zstdStored.some((s) => s.equals(b)), 'zstd batch kept as sent');
  });
});
