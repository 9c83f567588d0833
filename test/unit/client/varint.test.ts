import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readInt64, VarintReader, varintSize, writeInt64, writeVarint, writeVarlong } from '../../../src/client/varint.js';

test('varint zigzag encodings match Kafka ByteUtils', () => {
  const cases: Array<[number, number[]]> = [
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [300, [0xd8, 0x04]],
    [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [v, bytes] of cases) {
    const buf = Buffer.alloc(10);
    const end = writeVarint(buf, 0, v);
    assert.deepEqual([...buf.subarray(0, end)], bytes, `encode ${v}`);
    assert.equal(varintSize(v), bytes.length);
    assert.equal(new VarintReader(buf, 0, end).varint(), v, `decode ${v}`);
  }
});

test('varlong round-trips large values', () => {
  for (const v of [0, 1, -1, 2 ** 40, -(2 ** 40), Date.now(), -Date.now(), Number.MAX_SAFE_INTEGER >> 1, 2 ** 52]) {
    const buf = Buffer.alloc(10);
    const end = writeVarlong(buf, 0, v);
    assert.equal(end, varintSize(v));
    assert.equal(new VarintReader(buf, 0, end).varlong(), v);
  }
});

test('reader rejects truncated and overlong varints', () => {
  assert.throws(() => new VarintReader(Buffer.from([0x80])).varint(), RangeError);
  assert.throws(() => new VarintReader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).varint(), RangeError);
});

test('int64 helpers handle negatives', () => {
  const buf = Buffer.alloc(8);
  for (const v of [0, -1, 1, 2 ** 33 + 5, -(2 ** 33) - 5, Date.now()]) {
    writeInt64(buf, 0, v);
    assert.equal(buf.readBigInt64BE(0), BigInt(v));
    assert.equal(readInt64(buf, 0), v);
  }
});
