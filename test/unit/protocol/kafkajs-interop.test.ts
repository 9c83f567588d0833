// Interoperability with an independent implementation: bytes produced by kafkajs's
// request encoders must decode with our codecs, and our responses must decode with
// kafkajs's response decoders. kafkajs is a devDependency; its internals are loaded
// by path, which is fine for a test.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { ApiVersions, JoinGroup, Metadata, OffsetCommit, Produce, Fetch, Reader } from '../../../src/protocol/index.js';
import { decodeAll, encode } from './helpers.js';

const require = createRequire(import.meta.url);
const requests = (api: string, v: number) => require(`kafkajs/src/protocol/requests/${api}/v${v}/request`);
const responses = (api: string, v: number) => require(`kafkajs/src/protocol/requests/${api}/v${v}/response`);

async function kafkajsBody(req: { encode: () => Promise<{ buffer: Buffer }> }): Promise<Buffer> {
  return (await req.encode()).buffer;
}

describe('kafkajs interop', () => {
  it('Metadata v0-6: kafkajs requests decode, our responses decode in kafkajs', async () => {
    for (let v = 0; v <= 6; v++) {
      const body = await kafkajsBody(requests('metadata', v)({ topics: ['orders', 'events'], allowAutoTopicCreation: false }));
      const req = decodeAll(body, (r) => Metadata.decodeRequest(r, v));
      assert.deepEqual(req.topics?.map((t) => t.name), ['orders', 'events']);
      assert.equal(req.allowAutoTopicCreation, v >= 4 ? false : true);

      const bytes = encode((w) =>
        Metadata.encodeResponse(w, v, {
          throttleTimeMs: 0,
          brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
          clusterId: 'c1',
          controllerId: 1,
          topics: [
            {
              errorCode: 0,
              name: 'orders',
              topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
              isInternal: false,
              partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
              topicAuthorizedOperations: -2147483648,
            },
          ],
          clusterAuthorizedOperations: -2147483648,
        }),
      );
      const decoded = await responses('metadata', v).decode(bytes);
      assert.equal(decoded.brokers[0].host, 'localhost');
      assert.equal(decoded.topicMetadata[0].topic, 'orders');
      assert.equal(decoded.topicMetadata[0].partitionMetadata[0].leader, 1);
    }
  });

  it('ApiVersions v0-2 responses decode in kafkajs', async () => {
    for (let v = 0; v <= 2; v++) {
      assert.equal((await kafkajsBody(requests('apiVersions', v)())).length, 0);
      const bytes = encode((w) =>
        ApiVersions.encodeResponse(w, v, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }], throttleTimeMs: 0 }),
      );
      const decoded = await responses('apiVersions', v).decode(bytes);
      assert.deepEqual(decoded.apiVersions, [{ apiKey: 0, minVersion: 3, maxVersion: 9 }]);
    }
  });

  it('Produce v3-7: kafkajs record batches arrive as views; our responses decode in kafkajs', async () => {
    for (let v = 3; v <= 7; v++) {
      const body = await kafkajsBody(
        requests('produce', v)({
          acks: -1,
          timeout: 30000,
          transactionalId: null,
          producerId: -1,
          producerEpoch: -1,
          compression: 0,
          topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'hello' }] }] }],
        }),
      );
      const req = decodeAll(body, (r) => Produce.decodeRequest(r, v));
      assert.equal(req.acks, -1);
      assert.equal(req.timeoutMs, 30000);
      const p = req.topicData[0]!.partitionData[0]!;
      assert.equal(p.index, 2);
      const batch = p.records!;
      assert.equal(batch.buffer, body.buffer, 'records are a view of the request');
      assert.equal(batch.readInt32BE(8), batch.length - 12, 'batchLength covers the rest of the batch');
      assert.equal(batch.readInt8(16), 2, 'magic byte of RecordBatch v2');

      const bytes = encode((w) =>
        Produce.encodeResponse(w, v, {
          responses: [
            {
              name: 'orders',
              partitionResponses: [
                { index: 2, errorCode: 0, baseOffset: 41, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [], errorMessage: null },
              ],
            },
          ],
          throttleTimeMs: 0,
        }),
      );
      const decoded = await responses('produce', v).decode(bytes);
      assert.equal(decoded.topics[0].topicName, 'orders');
      assert.equal(String(decoded.topics[0].partitions[0].baseOffset), '41');
    }
  });

  it('Fetch v4: kafkajs requests decode', async () => {
    const body = await kafkajsBody(
      requests('fetch', 4)({
        replicaId: -1,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 1048576,
        isolationLevel: 1,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '1234567890123', maxBytes: 65536 }] }],
      }),
    );
    const req = decodeAll(body, (r) => Fetch.decodeRequest(r, 4));
    assert.equal(req.maxWaitMs, 500);
    assert.equal(req.isolationLevel, 1);
    assert.deepEqual(req.topics[0]!.partitions[0], {
      partition: 0,
      currentLeaderEpoch: -1,
      fetchOffset: 1234567890123,
      lastFetchedEpoch: -1,
      logStartOffset: -1,
      partitionMaxBytes: 65536,
    });
  });

  it('JoinGroup v0-5: kafkajs requests decode, our responses decode in kafkajs', async () => {
    const metadata = Buffer.from('0001000000010006' + '6f726465727300000000', 'hex');
    for (let v = 0; v <= 5; v++) {
      const body = await kafkajsBody(
        requests('joinGroup', v)({
          groupId: 'group-a',
          sessionTimeout: 30000,
          rebalanceTimeout: 60000,
          memberId: '',
          groupInstanceId: null,
          protocolType: 'consumer',
          groupProtocols: [{ name: 'RoundRobinAssigner', metadata }],
        }),
      );
      const req = JoinGroup.decodeRequest(new Reader(body), v);
      assert.equal(req.groupId, 'group-a');
      assert.equal(req.rebalanceTimeoutMs, v >= 1 ? 60000 : -1);
      assert.deepEqual(req.protocols, [{ name: 'RoundRobinAssigner', metadata }]);

      const bytes = encode((w) =>
        JoinGroup.encodeResponse(w, v, {
          throttleTimeMs: 0,
          errorCode: 0,
          generationId: 3,
          protocolType: 'consumer',
          protocolName: 'RoundRobinAssigner',
          leader: 'm-1',
          skipAssignment: false,
          memberId: 'm-1',
          members: [{ memberId: 'm-1', groupInstanceId: null, metadata }],
        }),
      );
      const decoded = await responses('joinGroup', v).decode(bytes);
      assert.equal(decoded.generationId, 3);
      assert.equal(decoded.groupProtocol, 'RoundRobinAssigner');
      assert.deepEqual(decoded.members[0].memberMetadata, metadata);
    }
  });

  it('OffsetCommit v2-5: kafkajs requests decode', async () => {
    for (let v = 2; v <= 5; v++) {
      const body = await kafkajsBody(
        requests('offsetCommit', v)({
          groupId: 'group-a',
          groupGenerationId: 3,
          memberId: 'm-1',
          retentionTime: -1,
          topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '42', metadata: null }] }],
        }),
      );
      const req = decodeAll(body, (r) => OffsetCommit.decodeRequest(r, v));
      assert.equal(req.generationIdOrMemberEpoch, 3);
      assert.equal(req.topics[0]!.partitions[0]!.committedOffset, 42);
    }
  });
});
