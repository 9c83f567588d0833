// Varints live once: the standalone writers the RecordBatch codec pre-sizes with, the Writer methods
// built on them, and the Reader that decodes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolDecodeError, readInt64At, Reader, varintSize, varlongSize, writeInt64At, Writer, writeVarintAt, writeVarlongAt } from '../../../src/protocol/index.js';

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
    const end = writeVarintAt(buf, 0, v);
    assert.deepEqual([...buf.subarray(0, end)], bytes, `encode ${v}`);
    assert.deepEqual([...new Writer().varint(v).toBuffer()], bytes, `Writer encodes ${v}`);
    assert.equal(varintSize(v), bytes.length);
    assert.equal(new Reader(buf, 0, end).varint(), v, `decode ${v}`);
  }
});

test('varlong round-trips large values', () => {
  for (const v of [0, 1, -1, 2 ** 40, -(2 ** 40), Date.now(), -Date.now(), Number.MAX_SAFE_INTEGER >> 1, 2 ** 52, -(2 ** 52), 2 ** 53 - 1, -(2 ** 53 - 1), -(2 ** 49), 2 ** 48]) {
    const buf = Buffer.alloc(10);
    const end = writeVarlongAt(buf, 0, v);
    assert.equal(end, varintSize(v));
    assert.equal(end, varlongSize(v));
    assert.deepEqual(new Writer().varlong(v).toBuffer(), buf.subarray(0, end), `Writer encodes ${v}`);
    assert.equal(new Reader(buf, 0, end).varlong(), v);
  }
});

test('reader rejects truncated and overlong varints', () => {
  assert.throws(() => new Reader(Buffer.from([0x80])).varint(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).varint(), ProtocolDecodeError);
});

test('writers refuse values outside their type', () => {
  assert.throws(() => writeVarintAt(Buffer.alloc(10), 0, 2 ** 31), RangeError);
  assert.throws(() => writeVarlongAt(Buffer.alloc(10), 0, 2 ** 53), RangeError);
});

test('int64 helpers handle negatives', () => {
  const buf = Buffer.alloc(8);
  for (const v of [0, -1, 1, 2 ** 33 + 5, -(2 ** 33) - 5, Date.now()]) {
    writeInt64At(buf, 0, v);
    assert.equal(buf.readBigInt64BE(0), BigInt(v));
    assert.equal(readInt64At(buf, 0), v);
  }
});

test('varint-length bytes: views, -1 is null', () => {
  const r = new Reader(Buffer.from([0x04, 0x61, 0x62, 0x01, 0x00, 0x03]));
  assert.deepEqual(r.varintNullableBytes(), Buffer.from('ab'));
  assert.equal(r.varintNullableBytes(), null);
  assert.deepEqual(r.varintNullableBytes(), Buffer.alloc(0));
  assert.throws(() => r.varintNullableBytes(), ProtocolDecodeError, 'length -2');
});
