// Byte sequences built by hand from the Kafka grammar, decoded by our codecs.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApiVersions,
  Metadata,
  Produce,
  Reader,
  decodeRequestHeader,
  encodeResponseHeader,
  Writer,
} from '../../../src/protocol/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string): string => Buffer.from(s, 'ascii').toString('hex');

describe('known bytes', () => {
  it('ApiVersions v0 request (header v1, empty body)', () => {
    const frame = hex(`0012 0000 00000001 0004 ${ascii('kcat')}`);
    const r = new Reader(frame);
    assert.deepEqual(decodeRequestHeader(r), { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'kcat' });
    assert.deepEqual(ApiVersions.decodeRequest(r, 0), { clientSoftwareName: '', clientSoftwareVersion: '' });
    assert.equal(r.remaining, 0);
  });

  it('ApiVersions v3 request (header v2: legacy client id + tagged fields, compact body)', () => {
    const frame = hex(
      `0012 0003 00000002 0006 ${ascii('rdkafk')} 00` + // header v2
        ` 0b ${ascii('librdkafka')} 07 ${ascii('v2.3.0')} 00`, // compact strings + tagged fields
    );
    const r = new Reader(frame);
    assert.deepEqual(decodeRequestHeader(r), { apiKey: 18, apiVersion: 3, correlationId: 2, clientId: 'rdkafk' });
    assert.deepEqual(ApiVersions.decodeRequest(r, 3), { clientSoftwareName: 'librdkafka', clientSoftwareVersion: 'v2.3.0' });
    assert.equal(r.remaining, 0);
  });

  it('ApiVersions v3 request with an unknown tagged field is skipped', () => {
    const body = hex(`02 ${ascii('a')} 02 ${ascii('b')} 01 05 03 aabbcc`);
    const r = new Reader(body);
    assert.deepEqual(ApiVersions.decodeRequest(r, 3), { clientSoftwareName: 'a', clientSoftwareVersion: 'b' });
    assert.equal(r.remaining, 0);
  });

  it('ApiVersions v3 response travels with response header v0', () => {
    const w = new Writer();
    encodeResponseHeader(w, 18, 3, 9);
    ApiVersions.encodeResponse(w, 3, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0 });
    // correlation id, no header tagged fields; error code, compact array of 1, entry + its tags, throttle, tags
    assert.deepEqual(w.toBuffer(), hex('00000009 0000 02 0012 0000 0004 00 00000000 00'));
  });

  it('Metadata v1 request: topic list and null (= all topics)', () => {
    const frame = hex(`0003 0001 0000002a ffff 00000002 0006 ${ascii('orders')} 0006 ${ascii('events')}`);
    const r = new Reader(frame);
    assert.deepEqual(decodeRequestHeader(r), { apiKey: 3, apiVersion: 1, correlationId: 42, clientId: null });
    const body = Metadata.decodeRequest(r, 1);
    assert.deepEqual(body.topics, [
      { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'orders' },
      { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'events' },
    ]);
    assert.equal(body.allowAutoTopicCreation, true, 'v1 lacks the field: JSON default true');
    assert.equal(Metadata.decodeRequest(new Reader(hex('ffffffff')), 1).topics, null);
  });

  it('Produce v3 request: header and body, records kept as a view of the frame', () => {
    const records = hex('000000000000000000000010ffffffff02deadbeef');
    const frame = Buffer.concat([
      hex(`0000 0003 00000007 0004 ${ascii('prod')}`), // header v1
      hex(`ffff ffff 00007530 00000001 0006 ${ascii('orders')} 00000001 00000002`), // txn id null, acks -1, 30000 ms, 1 topic, 1 partition, index 2
      hex(records.length.toString(16).padStart(8, '0')),
      records,
    ]);
    const r = new Reader(frame);
    assert.deepEqual(decodeRequestHeader(r), { apiKey: 0, apiVersion: 3, correlationId: 7, clientId: 'prod' });
    const body = Produce.decodeRequest(r, 3);
    assert.equal(r.remaining, 0);
    assert.equal(body.transactionalId, null);
    assert.equal(body.acks, -1);
    assert.equal(body.timeoutMs, 30000);
    const partition = body.topicData[0]!.partitionData[0]!;
    assert.equal(body.topicData[0]!.name, 'orders');
    assert.equal(partition.index, 2);
    assert.deepEqual(partition.records, records);
    // Zero copy: the decoded records share memory with the frame.
    assert.equal(partition.records!.buffer, frame.buffer);
    frame[frame.length - 1] = 0x42;
    assert.equal(partition.records![partition.records!.length - 1], 0x42);
  });
});
