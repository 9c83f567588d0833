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

  // Java's definition, written out independently of the code under test: s[0]*31^(n-1) + ... + s[n-1] over UTF-16
  // code units, in 32-bit two's complement (BigInt, so no Math.imul trick is shared with the implementation).
  const javaHashCode = (s: string): number => {
    let h = 0n;
    for (let i = 0; i < s.length; i++) h += BigInt(s.charCodeAt(i)) * 31n ** BigInt(s.length - 1 - i);
    return Number(BigInt.asIntN(32, h));
  };
  // Kafka's Utils.abs: Math.abs, except Integer.MIN_VALUE (which Math.abs leaves negative) gives 0.
  const kafkaAbs = (n: number): number => (n === -(2 ** 31) ? 0 : Math.abs(n));

  it('a group lands on Kafka\'s partition: Utils.abs(String.hashCode) % partitions', () => {
    // Printed once by OpenJDK 17 with `Utils.abs(id.hashCode()) % n` (Utils.abs as in kafka-clients):
    //   my-group -1906497762: 50 -> 12, 3 -> 0     Ünïcode-gröup -805546685: 50 -> 35, 3 -> 2
    //   console-consumer-12345 158455506: 50 -> 6   a 97: 50 -> 47    hello 99162322: 50 -> 22
    //   polygenelubricants -2147483648 (Integer.MIN_VALUE): 50 -> 0, 3 -> 0
    const java: Array<[string, number, number, number]> = [
      ['my-group', -1906497762, 50, 12], ['my-group', -1906497762, 3, 0],
      ['Ünïcode-gröup', -805546685, 50, 35], ['Ünïcode-gröup', -805546685, 3, 2],
      ['console-consumer-12345', 158455506, 50, 6], ['a', 97, 50, 47], ['hello', 99162322, 50, 22],
      ['polygenelubricants', -2147483648, 50, 0], ['polygenelubricants', -2147483648, 3, 0],
    ];
    assert.equal(javaStringHash(''), 0);
    for (const [id, hash, n, partition] of java) {
      assert.equal(javaHashCode(id), hash, `the test's String.hashCode of ${id}`);
      assert.equal(javaStringHash(id), hash, `String.hashCode of ${id}`);
      assert.equal(kafkaAbs(hash) % n, partition, `the test's formula for ${id} over ${n}`);
      assert.equal(offsetsPartitionFor(id, n), partition, `partition of ${id} over ${n}`);
    }
    // Many more ids against the definition, including negative hashes where `hash & 0x7fffffff` differs.
    let differs = 0;
    for (let i = 0; i < 2000; i++) {
      const id = `group-${i}-${'x'.repeat(i % 7)}`;
      const h = javaHashCode(id);
      if ((h & 0x7fffffff) % 50 !== kafkaAbs(h) % 50) differs++;
      for (const n of [1, 3, 50]) assert.equal(offsetsPartitionFor(id, n), kafkaAbs(h) % n, `partition of ${id} over ${n}`);
    }
    assert.ok(differs > 100, 'the sample reaches ids where the old formula was wrong');
  });
});
