import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '../../../src/protocol/index.js';

function bitwise(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

test('crc32c check value of "123456789" is 0xE3069283', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('crc32c of empty input is 0', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0);
});

test('crc32c known vectors (RFC 3720 iSCSI)', () => {
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  const inc = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  assert.equal(crc32c(inc), 0x46dd794e);
});

test('slicing-by-8 matches the bitwise definition for every length and alignment', () => {
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
  for (let start = 0; start < 9; start++) {
    for (let end = start; end <= data.length; end += 13) {
      assert.equal(crc32c(data, 0, start, end), bitwise(data.subarray(start, end)), `[${start}, ${end})`);
    }
  }
});

test('crc32c continues across pieces', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog');
  assert.equal(crc32c(data.subarray(10), crc32c(data.subarray(0, 10))), crc32c(data));
});
