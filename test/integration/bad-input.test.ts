// Bad input (DESIGN.md §3 rule 5): malformed frames get a clean disconnect, bad data gets its Kafka
// error code, the broker keeps serving others, and no stored data changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ApiVersions, CreateTopics, ErrorCode, ListOffsets, Metadata, Produce } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/index.js';
import { BrokerProcess, GREGOR_BIN } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';

const MAX_MESSAGE = 10_000;

describe('bad input', () => {
  let broker: BrokerProcess;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'message.max.bytes': MAX_MESSAGE, 'socket.request.max.bytes': 1 << 20 } });
    const c = await RawConnection.open(broker.port);
    const res = await c.request(CreateTopics, 5, { topics: [{ name: 'victim', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(res.topics[0].errorCode, 0);
    await produce(c, 'victim', await batch(['one', 'two', 'three']));
    c.close();
  });
  after(async () => {
    await broker?.close();
  });

  async function batch(values: string[]): Promise<Buffer> {
    return buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })));
  }

  function produce(c: RawConnection, topic: string, records: Buffer, version = 7) {
    return c.request(Produce, version, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  }

  async function logEndOffset(): Promise<number> {
    const c = await RawConnection.open(broker.port);
    try {
      const res = await c.request(ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'victim', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] });
      return res.topics[0].partitions[0].offset;
    } finally {
      c.close();
    }
  }

  /** The broker still answers a fresh connection. */
  async function stillServing(): Promise<void> {
    const c = await RawConnection.open(broker.port);
    const res = await c.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    assert.equal(res.errorCode, 0);
    c.close();
  }

  const disconnects: Array<[string, () => Buffer]> = [
    ['a negative frame size', () => Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0])],
    ['a frame larger than socket.request.max.bytes', () => Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0])],
    ['a frame shorter than a request header', () => Buffer.from([0, 0, 0, 3, 0, 1, 2])],
    ['an unknown API key', () => frame(Buffer.from([0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0xff, 0xff]))],
    ['a Produce version above the supported range', () => frame(Buffer.from([0, 0, 0, 99, 0, 0, 0, 1, 0xff, 0xff, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]))],
    ['a truncated Metadata request', () => frame(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 5, 0, 3, 0x61]))],
    ['an array length of 2^31-1 with nothing behind it', () => frame(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]))],
  ];
  for (const [what, bytes] of disconnects) {
    test(`${what} closes the connection cleanly`, async () => {
      const c = await RawConnection.open(broker.port);
      c.writeRaw(bytes());
      assert.equal(await c.waitClosed(), true);
      await stillServing();
      assert.equal(await logEndOffset(), 3);
    });
  }

  test('an ApiVersions request of an unknown version gets UNSUPPORTED_VERSION and the supported range', async () => {
    const c = await RawConnection.open(broker.port);
    c.sendFrame(Buffer.from([0, 18, 0, 99, 0, 0, 0, 7, 0xff, 0xff, 0]));
    const f = await c.readFrame();
    assert.ok(f);
    assert.equal(f!.readInt32BE(0), 7, 'correlation id');
    assert.equal(f!.readInt16BE(4), ErrorCode.UNSUPPORTED_VERSION);
    c.close();
  });

  test('Produce v0-v2 (message format v0/v1) is answered with UNSUPPORTED_VERSION and nothing is stored', async () => {
    const c = await RawConnection.open(broker.port);
    // Header v1 (key 0, version 2, correlation 42, null client id), acks -1, timeout, one topic, one partition.
    const topic = Buffer.from('victim');
    const oldMessageSet = Buffer.from('00000000000000000000000e0000000001000000000000', 'hex');
    const body = Buffer.concat([
      Buffer.from([0, 0, 0, 2, 0, 0, 0, 42, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x13, 0x88, 0, 0, 0, 1, 0, topic.length]), topic,
      Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from([0, 0, 0, oldMessageSet.length]), oldMessageSet,
    ]);
    c.sendFrame(body);
    const f = await c.readFrame();
    assert.ok(f, 'an answer, not a disconnect');
    assert.equal(f!.readInt32BE(0), 42);
    assert.equal(f!.readInt32BE(4), 1, 'one topic');
    const nameLen = f!.readInt16BE(8);
    assert.equal(f!.subarray(10, 10 + nameLen).toString(), 'victim');
    const at = 10 + nameLen;
    assert.equal(f!.readInt32BE(at), 1, 'one partition');
    assert.equal(f!.readInt32BE(at + 4), 0);
    assert.equal(f!.readInt16BE(at + 8), ErrorCode.UNSUPPORTED_VERSION);
    c.close();
    assert.equal(await logEndOffset(), 3);
  });

  test('a batch with a wrong CRC gets CORRUPT_MESSAGE and nothing is stored', async () => {
    const b = await batch(['evil']);
    b[b.length - 1] ^= 0xff; // flip a bit inside the CRC-covered records
    const c = await RawConnection.open(broker.port);
    const res = await produce(c, 'victim', b);
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
    c.close();
    assert.equal(await logEndOffset(), 3);
  });

  test('a truncated batch gets CORRUPT_MESSAGE', async () => {
    const b = await batch(['x', 'y']);
    const c = await RawConnection.open(broker.port);
    const res = await produce(c, 'victim', b.subarray(0, b.length - 3));
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
    c.close();
    assert.equal(await logEndOffset(), 3);
  });

  test('a batch over message.max.bytes gets MESSAGE_TOO_LARGE', async () => {
    const c = await RawConnection.open(broker.port);
    const res = await produce(c, 'victim', await batch(['z'.repeat(MAX_MESSAGE + 100)]));
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    c.close();
    assert.equal(await logEndOffset(), 3);
  });

  test('produce to an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const c = await RawConnection.open(broker.port);
    const res = await c.request(Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'victim', partitionData: [{ index: 7, records: await batch(['p7']) }] }] });
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    c.close();
  });

  test('invalid topic names get INVALID_TOPIC_EXCEPTION', async () => {
    const c = await RawConnection.open(broker.port);
    const names = ['', '.', '..', 'has space', 'a/b', 'x'.repeat(250), 'ünïcode'];
    const res = await c.request(CreateTopics, 5, { topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
    for (const t of res.topics) assert.equal(t.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION, `topic name ${JSON.stringify(t.name)}`);
    const meta = await c.request(Metadata, 9, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'bad name' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    assert.equal(meta.topics[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    c.close();
  });

  test('invalid topic configs get INVALID_CONFIG naming the key', async () => {
    const c = await RawConnection.open(broker.port);
    const res = await c.request(CreateTopics, 5, { topics: [{ name: 'cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'shred' }] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(res.topics[0].errorCode, ErrorCode.INVALID_CONFIG);
    assert.match(res.topics[0].errorMessage ?? '', /cleanup\.policy/);
    c.close();
  });

  test('pipelined requests are answered in order', async () => {
    const c = await RawConnection.open(broker.port);
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(c.send(ApiVersions, 2, { clientSoftwareName: '', clientSoftwareVersion: '' }));
    for (const id of ids) {
      const f = await c.readFrame();
      assert.equal(f!.readInt32BE(0), id);
    }
    c.close();
  });

  test('a bad config value at start is refused with the key, the value and what is allowed', () => {
    const r = spawnSync(process.execPath, [GREGOR_BIN, 'broker', '--override', 'num.partitions=zero', '--override', 'log.dirs=/nonexistent-never-created'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /num\.partitions/);
    assert.match(r.stderr, /zero/);
    assert.match(r.stderr, /integer/);
  });
});

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}
