// __consumer_offsets key/value formats and the group -> partition mapping (Kafka-compatible).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey,
  encodeOffsetCommitValue, javaStringHash, offsetsPartitionFor,
} from '../../../src/group/index.js';

describe('__consumer_offsets records', () => {
  it('keys carry their version first: 1 for offsets, 2 for group metadata', () => {
    const k = encodeOffsetCommitKey('g', 'orders', 3);
    assert.equal(k.toString('hex'), '0001' + '0001' + Buffer.from('g').toString('hex') + '0006' + Buffer.from('orders').toString('hex') + '00000003');
    assert.deepEqual(decodeKey(k), { kind: 'offset', groupId: 'g', topic: 'orders', partition: 3 });
    assert.deepEqual(decodeKey(encodeGroupMetadataKey('grp')), { kind: 'group', groupId: 'grp' });
    assert.equal(decodeKey(Buffer.from('0003000167', 'hex')), undefined, 'newer record kinds are skipped, not misread');
  });

  it('offset values round-trip: v3 normally, v1 when the commit carries its own expiry', () => {
    const v3 = { offset: 1234567890123, leaderEpoch: 7, metadata: 'meta', commitTimestamp: 1_700_000_000_000, expireTimestamp: -1 };
    const b3 = encodeOffsetCommitValue(v3);
    assert.equal(b3.readInt16BE(0), 3);
    assert.deepEqual(decodeOffsetCommitValue(b3), v3);
    const v1 = { offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 10, expireTimestamp: 20 };
    const b1 = encodeOffsetCommitValue(v1);
    assert.equal(b1.readInt16BE(0), 1);
    assert.deepEqual(decodeOffsetCommitValue(b1), v1);
  });

  it('group metadata values round-trip with members, static ids and assignments', () => {
    const v = {
      protocolType: 'consumer', generationId: 12, protocolName: 'range', leaderId: 'm1', currentStateTimestamp: 1_700_000_000_123,
      members: [
        { memberId: 'm1', groupInstanceId: null, clientId: 'c1', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 60000, sessionTimeoutMs: 10000, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3]) },
        { memberId: 'm2', groupInstanceId: 'static-2', clientId: 'c2', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 30000, sessionTimeoutMs: 6000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
      ],
    };
    const bytes = encodeGroupMetadataValue(v);
    assert.equal(bytes.readInt16BE(0), 3);
    assert.deepEqual(decodeGroupMetadataValue(bytes), v);
    const empty = { ...v, protocolName: null, leaderId: null, members: [] };
    assert.deepEqual(decodeGroupMetadataValue(encodeGroupMetadataValue(empty)), empty);
  });

  it('a group lands on Kafka\'s partition: abs(String.hashCode) % partitions', () => {
    assert.equal(javaStringHash(''), 0);
    assert.equal(javaStringHash('hello'), 99162322);
    assert.equal(javaStringHash('my-group'), -1906497762);
    assert.equal(javaStringHash('Ünïcode-gröup'), -805546685);
    assert.equal(offsetsPartitionFor('my-group', 50), 36);
    assert.equal(offsetsPartitionFor('console-consumer-12345', 50), 6);
    assert.equal(offsetsPartitionFor('a', 50), 47);
  });
});
