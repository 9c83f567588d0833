// Primitive types: Writer -> Reader round trips, bounds checks, zero-copy paths.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolDecodeError, ProtocolEncodeError, Reader, Writer } from '../../../src/protocol/index.js';
import type { ExternalChunk } from '../../../src/protocol/index.js';

function decodeError(code: string) {
  return (err: unknown) => err instanceof ProtocolDecodeError && err.code === code;
}

describe('Writer/Reader primitives', () => {
  it('fixed-width integers, including int64 beyond 32 bits and negatives', () => {
    const w = new Writer(16);
    w.int8(-5).bool(true).int16(-300).uint16(65000).int32(-70000).uint32(4000000000);
    const int64s = [0, 1, -1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1718000000123];
    for (const v of int64s) w.int64(v);
    w.float64(1.5);
    const r = new Reader(w.toBuffer());
    assert.equal(r.int8(), -5);
    assert.equal(r.bool(), true);
    assert.equal(r.int16(), -300);
    assert.equal(r.uint16(), 65000);
    assert.equal(r.int32(), -70000);
    assert.equal(r.uint32(), 4000000000);
    for (const v of int64s) assert.equal(r.int64(), v);
    assert.equal(r.float64(), 1.5);
    assert.equal(r.remaining, 0);
  });

  it('int64 matches the bigint encoding byte for byte', () => {
    for (const v of [-1, -2, 123456789012345, -123456789012345]) {
      const a = new Writer().int64(v).toBuffer();
      const b = new Writer().int64BigInt(BigInt(v)).toBuffer();
      assert.deepEqual(a, b);
    }
  });

  it('varints: unsigned, zigzag int32 and int64, known encodings', () => {
    assert.deepEqual(new Writer().unsignedVarint(300).toBuffer(), Buffer.from([0xac, 0x02]));
    assert.deepEqual(new Writer().varint(-1).toBuffer(), Buffer.from([0x01]));
    assert.deepEqual(new Writer().varint(1).toBuffer(), Buffer.from([0x02]));
    const uvs = [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1];
    const vs = [0, -1, 1, -64, 64, 2147483647, -2147483648];
    const vls = [0, -1, 1, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const w = new Writer();
    for (const v of uvs) w.unsignedVarint(v);
    for (const v of vs) w.varint(v);
    for (const v of vls) w.varlong(v);
    const r = new Reader(w.toBuffer());
    for (const v of uvs) assert.equal(r.unsignedVarint(), v);
    for (const v of vs) assert.equal(r.varint(), v);
    for (const v of vls) assert.equal(r.varlong(), v);
    assert.equal(r.remaining, 0);
  });

  it('rejects over-long varints', () => {
    assert.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).unsignedVarint(), decodeError('ERR_PROTOCOL_INVALID_VARINT'));
    assert.throws(() => new Reader(Buffer.alloc(11, 0xff)).varlong(), decodeError('ERR_PROTOCOL_INVALID_VARINT'));
    assert.throws(() => new Reader(Buffer.from([0x80])).unsignedVarint(), decodeError('ERR_PROTOCOL_TRUNCATED'));
  });

  it('strings in all four encodings, with UTF-8', () => {
    const w = new Writer();
    w.string('héllo').nullableString(null).nullableString('').compactString('ünï').compactNullableString(null).compactNullableString('x');
    const r = new Reader(w.toBuffer());
    assert.equal(r.string(), 'héllo');
    assert.equal(r.nullableString(), null);
    assert.equal(r.nullableString(), '');
    assert.equal(r.compactString(), 'ünï');
    assert.equal(r.compactNullableString(), null);
    assert.equal(r.compactNullableString(), 'x');
  });

  it('null in a non-nullable field fails both ways', () => {
    assert.throws(() => new Reader(Buffer.from([0xff, 0xff])).string(), decodeError('ERR_PROTOCOL_UNEXPECTED_NULL'));
    assert.throws(() => new Reader(Buffer.from([0x00])).compactString(), decodeError('ERR_PROTOCOL_UNEXPECTED_NULL'));
    assert.throws(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString(), decodeError('ERR_PROTOCOL_INVALID_LENGTH'));
    assert.throws(
      () => new Writer().string(null as unknown as string),
      (e: unknown) => e instanceof ProtocolEncodeError && e.code === 'ERR_PROTOCOL_NULL_FIELD',
    );
  });

  it('bytes are views of the input, in all four encodings', () => {
    const w = new Writer();
    w.bytes(Buffer.from('abc')).nullableBytes(null).compactBytes(Buffer.from('de')).compactNullableBytes(Buffer.alloc(0));
    const input = w.toBuffer();
    const r = new Reader(input);
    const a = r.bytes();
    assert.equal(a.toString(), 'abc');
    assert.equal(a.buffer, input.buffer);
    assert.equal(r.nullableBytes(), null);
    assert.equal(r.compactBytes().toString(), 'de');
    assert.deepEqual(r.compactNullableBytes(), Buffer.alloc(0));
  });

  it('uuid in Kafka printed form and as bytes', () => {
    const id = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const w = new Writer().uuidBytes(id).uuid(id.toString('base64url'));
    const r = new Reader(w.toBuffer());
    assert.equal(r.uuid(), 'ABEiM0RVZneImaq7zN3u_w');
    assert.deepEqual(r.uuidBytes(), id);
    assert.throws(() => new Writer().uuid('short'), ProtocolEncodeError);
  });

  it('arrays: counts larger than the bytes left fail before allocating', () => {
    const huge = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => new Reader(huge).array((r) => r.int8()), decodeError('ERR_PROTOCOL_INVALID_LENGTH'));
    const compactHuge = new Writer().unsignedVarint(2 ** 32 - 1).toBuffer();
    assert.throws(() => new Reader(compactHuge).compactArray((r) => r.int8()), decodeError('ERR_PROTOCOL_INVALID_LENGTH'));
    assert.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xfe])).nullableArray((r) => r.int8()), decodeError('ERR_PROTOCOL_INVALID_LENGTH'));
    const bigBytes = Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2]);
    assert.throws(() => new Reader(bigBytes).bytes(), decodeError('ERR_PROTOCOL_TRUNCATED'));
  });

  it('arrays round trip in all four encodings', () => {
    const w = new Writer();
    w.array([1, 2, 3], (w, v) => w.int32(v)).nullableArray(null, (w, v: number) => w.int32(v));
    w.compactArray(['a', 'b'], (w, v) => w.compactString(v)).compactNullableArray(null, (w, v: string) => w.compactString(v));
    const r = new Reader(w.toBuffer());
    assert.deepEqual(r.array((r) => r.int32()), [1, 2, 3]);
    assert.equal(r.nullableArray((r) => r.int32()), null);
    assert.deepEqual(r.compactArray((r) => r.compactString()), ['a', 'b']);
    assert.equal(r.compactNullableArray((r) => r.compactString()), null);
  });

  it('tagged fields: known ones confined to their bytes, unknown ones skipped', () => {
    const w = new Writer();
    w.taggedFields([
      [0, (w) => w.int32(7)],
      [5, (w) => w.compactString('later')],
    ]);
    w.int8(99);
    const buf = w.toBuffer();
    const seen: number[] = [];
    const r = new Reader(buf);
    r.taggedFields((tag, t) => {
      seen.push(tag);
      if (tag !== 0) return false;
      assert.equal(t.int32(), 7);
      assert.equal(t.remaining, 0);
      assert.throws(() => t.int8(), decodeError('ERR_PROTOCOL_TRUNCATED'));
      return true;
    });
    assert.deepEqual(seen, [0, 5]);
    assert.equal(r.int8(), 99);
    assert.deepEqual(
      new Reader(buf).rawTaggedFields().map((f) => f.tag),
      [0, 5],
    );
    assert.deepEqual(new Writer().taggedFields().toBuffer(), Buffer.from([0]));
  });

  it('every read is bounds-checked', () => {
    const empty = new Reader(Buffer.alloc(0));
    for (const read of [
      () => empty.int8(),
      () => empty.int16(),
      () => empty.int32(),
      () => empty.int64(),
      () => empty.uuid(),
      () => empty.string(),
      () => empty.unsignedVarint(),
    ]) {
      assert.throws(read, decodeError('ERR_PROTOCOL_TRUNCATED'));
    }
    const windowed = new Reader(Buffer.from([1, 2, 3, 4]), 1, 3);
    assert.equal(windowed.int16(), 0x0203);
    assert.throws(() => windowed.int8(), decodeError('ERR_PROTOCOL_TRUNCATED'));
  });
});

describe('Writer chunks', () => {
  it('large buffers are referenced, not copied; length counts everything', () => {
    const big = Buffer.alloc(4096, 1);
    const w = new Writer(8);
    w.int32(1).writeBufferRef(big).int16(2);
    const chunks = w.toChunks();
    assert.equal(chunks.length, 3);
    assert.equal(chunks[1], big, 'the very same Buffer object');
    assert.equal(w.length, 4 + 4096 + 2);
    assert.equal(w.toBuffer().length, w.length);
  });

  it('nullableBytes of a large payload references it; small payloads are copied', () => {
    const big = Buffer.alloc(2048, 3);
    const w = new Writer();
    w.nullableBytes(big).nullableBytes(Buffer.from('tiny'));
    const chunks = w.toChunks();
    assert.ok(chunks.includes(big));
    assert.equal(chunks.length, 3);
  });

  it('records payloads are always referenced, even small ones', () => {
    const rec = Buffer.from('batch');
    const w = new Writer();
    w.records(rec, false);
    assert.ok(w.toChunks().includes(rec));
  });

  it('earlier chunks stay valid when the scratch buffer grows', () => {
    const w = new Writer(16);
    w.int32(0x01020304).writeBufferRef(Buffer.alloc(600, 9));
    for (let i = 0; i < 1000; i++) w.int32(i);
    const buf = w.toBuffer();
    assert.equal(buf.readInt32BE(0), 0x01020304);
    assert.equal(buf.length, 4 + 600 + 4000);
    assert.equal(buf.readInt32BE(buf.length - 4), 999);
  });

  it('external chunks are carried as parts and counted in length', () => {
    const file: ExternalChunk & { fd: number } = { external: true, byteLength: 1000, fd: 3 };
    const w = new Writer();
    w.int32(1).records(file, true).int8(0);
    assert.equal(w.length, 4 + 2 + 1000 + 1);
    const parts = w.toParts();
    assert.equal(parts[1], file);
    assert.throws(() => w.toChunks(), (e: unknown) => e instanceof ProtocolEncodeError && e.code === 'ERR_PROTOCOL_EXTERNAL_CHUNK');
  });

  it('tagged fields keep referenced chunks referenced', () => {
    const big = Buffer.alloc(1024, 5);
    const w = new Writer();
    w.taggedFields([[0, (w) => w.writeBufferRef(big)]]);
    assert.ok(w.toChunks().includes(big));
    assert.equal(w.length, 1 + 1 + 2 + 1024);
  });
});
