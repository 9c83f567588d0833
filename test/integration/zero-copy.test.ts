// Fetch responses written three ways, each against a broker process: records sent from the segment files
// by the addon with sendfile(2) (fetch.zero.copy=true, every size), first on the event loop without
// waiting and then on the I/O pool, or on the I/O pool only (fetch.zero.copy.inline=false), and records
// read into memory and written by Node (fetch.zero.copy=false). All must give real clients the same bytes:
// many partitions per response, responses larger than the socket buffer (partial writes), a reader that
// stops reading for a while (the event loop keeps serving others), a reader that disconnects
// mid-response, and pipelined requests whose answers keep their order around native writes. A broker
// stopping while a native write waits on a stalled reader stops at once (the socket is shut down under
// the I/O worker), not after the stall timeout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiVersions, Fetch, Metadata } from '../../src/protocol/index.js';
import { Admin, Producer, parseRecordBatches } from '../../src/client/index.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawConnection } from '../helpers/raw-client.js';
import { kcat, parseRecords, RECORD_FORMAT } from '../helpers/kcat.js';
import { native } from '../../src/hotpath/index.js';
import { http, startGatewayBroker } from './gateway-helpers.js';

const PARTITIONS = 8;
const PER_PARTITION = 1500;
const VALUE = 2000;

const value = (p: number, i: number) => `${p}:${i}:`.padEnd(VALUE, String.fromCharCode(97 + ((p + i) % 26)));

for (const mode of [
  { zeroCopy: true, inline: true, label: 'sendfile (inline first, I/O pool when the socket is full)' },
  { zeroCopy: true, inline: false, label: 'sendfile on the I/O pool only' },
  { zeroCopy: false, inline: true, label: 'copying path' },
]) {
  describe(`fetch responses, ${mode.label}`, () => {
    let broker: BrokerProcess;

    before(async () => {
      broker = await BrokerProcess.start({ overrides: { 'fetch.zero.copy': mode.zeroCopy, 'fetch.zero.copy.inline': mode.inline, 'fetch.zero.copy.min.bytes': 0 } });
      const admin = new Admin({ bootstrap: broker.bootstrap });
      await admin.createTopics([{ topic: 'zc', numPartitions: PARTITIONS, replicationFactor: 1 }]);
      await admin.close();
      const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 5, batchSize: 64 * 1024 });
      const sends: Array<Promise<unknown>> = [];
      for (let i = 0; i < PER_PARTITION; i++) {
        for (let p = 0; p < PARTITIONS; p++) sends.push(producer.send({ topic: 'zc', messages: [{ partition: p, value: Buffer.from(value(p, i)) }] }));
      }
      await Promise.all(sends);
      await producer.close();
    });
    after(async () => {
      await broker?.close();
    });

    const fetchAll = (c: RawConnection, partitionMaxBytes: number) => c.request(Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'zc', partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes })) }],
      forgottenTopicsData: [], rackId: '',
    });

    async function assertComplete(res: Fetch.FetchResponse, perPartition: number): Promise<void> {
      const parts = res.responses[0]!.partitions;
      assert.equal(parts.length, PARTITIONS);
      for (const p of parts) {
        assert.equal(p.errorCode, 0);
        const batches = await parseRecordBatches(p.records!, { verifyCrc: true });
        const values = batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
        assert.ok(values.length >= perPartition, `partition ${p.partitionIndex}: ${values.length} records`);
        values.forEach((v, i) => assert.equal(v, value(p.partitionIndex, i)));
      }
    }

    test('kcat reads every record of every partition', async () => {
      const c = await kcat(['-b', broker.bootstrap, '-C', '-t', 'zc', '-o', 'beginning', '-e', '-f', RECORD_FORMAT], undefined, 120_000);
      assert.equal(c.code, 0, c.stderr);
      const records = parseRecords(c.stdout);
      assert.equal(records.length, PARTITIONS * PER_PARTITION);
      for (const r of records) assert.equal(r.value, value(r.partition, r.offset));
    });

    test('one fetch of 200 partitions returns exactly the bytes stored in each partition\'s segment, and kcat reads them all', async () => {
      const WIDE = 200;
      const admin = new Admin({ bootstrap: broker.bootstrap });
      await admin.createTopics([{ topic: 'wide', numPartitions: WIDE, replicationFactor: 1 }]);
      await admin.close();
      const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 2 });
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: WIDE }, (_, p) => producer.send({ topic: 'wide', messages: [{ partition: p, key: Buffer.from(`k${p}`), value: Buffer.from(`${p}:${round}:`.padEnd(300, 'w')) }] })));
      }
      await producer.close();
      const c = await RawConnection.open(broker.port);
      try {
        const res = await c.request(Fetch, 12, {
          replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic: 'wide', partitions: Array.from({ length: WIDE }, (_, partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 })) }],
          forgottenTopicsData: [], rackId: '',
        });
        const parts = res.responses[0]!.partitions;
        assert.equal(parts.length, WIDE);
        for (const p of parts) {
          assert.equal(p.errorCode, 0);
          assert.equal(p.highWatermark, 3);
          const stored = readFileSync(join(broker.logDir, `wide-${p.partitionIndex}`, '00000000000000000000.log'));
          assert.ok((p.records as Buffer).equals(stored), `partition ${p.partitionIndex}: the response carries the segment's bytes`);
        }
      } finally {
        c.close();
      }
      const k = await kcat(['-b', broker.bootstrap, '-C', '-t', 'wide', '-o', 'beginning', '-e', '-f', RECORD_FORMAT]);
      assert.equal(k.code, 0, k.stderr);
      const records = parseRecords(k.stdout);
      assert.equal(records.length, WIDE * 3);
      for (const r of records) assert.ok(r.value.startsWith(`${r.partition}:${r.offset}:`), `${r.partition}/${r.offset}`);
    });

    test('one 24 MB response over eight partitions, read by a reader that pauses; others are served meanwhile', async () => {
      const slow = await RawConnection.open(broker.port);
      const other = await RawConnection.open(broker.port);
      try {
        slow.pause();
        const pending = fetchAll(slow, 4 << 20);
        await new Promise((r) => setTimeout(r, 300));
        // The broker is stuck on nobody's behalf: another connection gets answers while the slow one sleeps.
        const started = Date.now();
        const meta = await other.request(Metadata, 9, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'zc' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
        assert.equal(meta.topics[0]!.partitions.length, PARTITIONS);
        assert.ok(Date.now() - started < 2000);
        await new Promise((r) => setTimeout(r, 700));
        slow.resume();
        await assertComplete(await pending, PER_PARTITION);
      } finally {
        slow.close();
        other.close();
      }
    });

    test('pipelined requests are answered in order around native writes', async () => {
      const c = await RawConnection.open(broker.port);
      try {
        const ids = [
          c.send(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'zc', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' }),
          c.send(ApiVersions, 3, { clientSoftwareName: 'zc', clientSoftwareVersion: '1' }),
          c.send(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'zc', partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 10, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' }),
          c.send(ApiVersions, 3, { clientSoftwareName: 'zc', clientSoftwareVersion: '1' }),
        ];
        for (const id of ids) {
          const frame = await c.readFrame();
          assert.ok(frame);
          assert.equal(frame.readInt32BE(0), id, 'answers in request order');
        }
      } finally {
        c.close();
      }
    });

    test('a reader that disconnects mid-response does not hurt the broker', async () => {
      for (let i = 0; i < 5; i++) {
        const c = await RawConnection.open(broker.port);
        c.pause();
        void fetchAll(c, 4 << 20).catch(() => {});
        await new Promise((r) => setTimeout(r, 50));
        c.close();
      }
      const c = await RawConnection.open(broker.port);
      try {
        await assertComplete(await fetchAll(c, 4 << 20), PER_PARTITION);
      } finally {
        c.close();
      }
    });
  });
}

describe('sendfile to a stalled reader', () => {
  const fetchBig = (c: RawConnection, topic: string) => c.request(Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 32 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });

  test('readers that stop reading do not hold the I/O worker: with one I/O thread, others are served and the stalled ones get everything later', async () => {
    const broker = await BrokerProcess.start({ overrides: { 'fetch.zero.copy': true, 'fetch.zero.copy.min.bytes': 0, 'worker.io.threads': 1 } });
    try {
      const admin = new Admin({ bootstrap: broker.bootstrap });
      await admin.createTopics([{ topic: 'slow', numPartitions: 1, replicationFactor: 1 }]);
      await admin.close();
      const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 5, batchSize: 256 * 1024 });
      await Promise.all(Array.from({ length: 6000 }, (_, i) => producer.send({ topic: 'slow', messages: [{ partition: 0, value: Buffer.from(`${i}:`.padEnd(2000, String.fromCharCode(97 + (i % 26)))) }] })));
      await producer.close();
      // Three readers ask for ~12 MB each and stop reading.
      const stalled = await Promise.all([0, 1, 2].map(() => RawConnection.open(broker.port)));
      const answers = stalled.map((c) => {
        c.pause();
        return fetchBig(c, 'slow');
      });
      await new Promise((r) => setTimeout(r, 500));
      // Another reader is served in full meanwhile, through the same single I/O thread.
      const other = await RawConnection.open(broker.port);
      try {
        const t0 = Date.now();
        const res = await fetchBig(other, 'slow');
        const values = (await parseRecordBatches(res.responses[0]!.partitions[0]!.records!, { verifyCrc: true })).flatMap((b) => b.records);
        assert.equal(values.length, 6000);
        assert.ok(Date.now() - t0 < 20_000, `served in ${Date.now() - t0} ms`);
      } finally {
        other.close();
      }
      // The stalled readers resume and get exactly the stored bytes (resumed from where sendfile stopped).
      for (const c of stalled) c.resume();
      for (const a of answers) {
        const res = await a;
        const batches = await parseRecordBatches(res.responses[0]!.partitions[0]!.records!, { verifyCrc: true });
        const values = batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
        assert.equal(values.length, 6000);
        values.forEach((v, i) => assert.ok(v.startsWith(`${i}:`), `record ${i}`));
      }
      for (const c of stalled) c.close();
    } finally {
      await broker.close();
    }
  });

  test('a broker stopping with a native write blocked on a reader that stopped reading exits promptly', async () => {
    const broker = await BrokerProcess.start({ overrides: { 'fetch.zero.copy': true, 'fetch.zero.copy.min.bytes': 0 } });
    try {
      const admin = new Admin({ bootstrap: broker.bootstrap });
      await admin.createTopics([{ topic: 'stall', numPartitions: 1, replicationFactor: 1 }]);
      await admin.close();
      const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 5, batchSize: 256 * 1024 });
      await Promise.all(Array.from({ length: 8000 }, (_, i) => producer.send({ topic: 'stall', messages: [{ partition: 0, value: Buffer.alloc(2000, 97 + (i % 26)) }] })));
      await producer.close();
      const c = await RawConnection.open(broker.port);
      c.pause();
      void c.request(Fetch, 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'stall', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 32 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      }).catch(() => {});
      // 16 MB cannot fit in the socket buffers: the I/O worker is now waiting for the reader.
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      const code = await broker.stop();
      const ms = Date.now() - t0;
      assert.equal(code, 0, broker.output.slice(-2000));
      // Without the shutdown the worker would wait out the 60 s stall limit (and the helper SIGKILLs at 20 s).
      assert.ok(ms < 15_000, `stopped after ${ms} ms`);
      c.close();
    } finally {
      await broker.close();
    }
  });
});

describe('fetch of data that is not in the page cache (fetch.cold.reads.pool)', () => {
  test('an io worker reads it into the page cache before the fetch reads it; cached data needs no worker; the bytes are the stored ones', async (t) => {
    // On a disk, not tmpfs: tmpfs keeps every page in memory, evicting does nothing and the cold path is never taken.
    const gw = await startGatewayBroker({ 'fetch.zero.copy': true, 'fetch.cold.reads.pool': true }, { onDisk: true });
    try {
      const admin = new Admin({ bootstrap: gw.broker.bootstrap });
      await admin.createTopics([{ topic: 'cold', numPartitions: 1, replicationFactor: 1 }]);
      await admin.close();
      const producer = new Producer({ bootstrap: gw.broker.bootstrap, lingerMs: 2 });
      await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ topic: 'cold', messages: [{ partition: 0, value: Buffer.from(`${i}:`.padEnd(1000, 'c')) }] })));
      await producer.close();
      const segment = join(gw.broker.logDir, 'cold-0', '00000000000000000000.log');
      assert.notEqual(statfsSync(segment).type, TMPFS_MAGIC, 'a disk-backed directory is needed (os.tmpdir(), /var/tmp and data/ are all tmpfs here): data on tmpfs cannot be cold');
      const ioTasks = async () => {
        const m = (await http('GET', `${gw.http}/metrics`)).text;
        return Number(m.split('\n').find((l) => l.startsWith('gregor_worker_pool_tasks_completed_total{pool="io"} '))?.split(' ')[1] ?? NaN);
      };
      const c = await RawConnection.open(gw.broker.port);
      const fetch = async () => {
        const res = await c.request(Fetch, 12, {
          replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic: 'cold', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
          forgottenTopicsData: [], rackId: '',
        });
        return res.responses[0]!.partitions[0]!.records as Buffer;
      };
      try {
        // ~55 KB, below fetch.zero.copy.min.bytes: a cached read is copied on the event loop, no worker.
        const before = await ioTasks();
        assert.ok(Number.isFinite(before), 'the io pool\'s task counter is in /metrics'); // NaN would equal NaN below
        assert.ok((await fetch()).equals(readFileSync(segment)));
        assert.equal(await ioTasks(), before, 'cached: no io worker involved');
        // fsync + DONTNEED; a page still being written back, or mapped, can survive one try.
        let residency = 'cached';
        for (let i = 0; i < 5 && residency === 'cached'; i++) {
          if (i > 0) await new Promise((r) => setTimeout(r, 200));
          native.evictFromPageCache(segment);
          residency = native.pageCacheResidency(segment, 0);
        }
        if (residency !== 'cold') {
          // This filesystem cannot show a cold page (no RWF_NOWAIT for buffered reads, or it keeps the
          // page): the fetch path then counts every read as cached, which is what must hold here.
          t.diagnostic(`the segment stays "${residency}" after eviction on this filesystem: checked that fetches are served without the io pool`);
          assert.ok((await fetch()).equals(readFileSync(segment)));
          assert.equal(await ioTasks(), before, 'a filesystem that cannot tell is read as cached');
          return;
        }
        assert.ok((await fetch()).equals(readFileSync(segment)), 'the cold fetch returns the stored bytes');
        assert.equal(await ioTasks(), before + 1, 'not cached: an io worker read it in first');
        assert.ok((await fetch()).equals(readFileSync(segment)));
        assert.equal(await ioTasks(), before + 1, 'cached again: no worker');
      } finally {
        c.close();
      }
    } finally {
      await gw.broker.close();
    }
  });
});

const TMPFS_MAGIC = 0x01021994;
