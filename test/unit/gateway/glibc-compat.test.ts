// The C23 strtol/strtoul/sscanf provider (native/glibc-compat.node) and which uWS.js binary the
// gateway loads: through the glibc compatibility path exactly where glibc is older than 2.38.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadGlibcCompatProvider, loadWithGlibcCompat } from '../../../src/gateway/glibc-compat.js';
import { uwsBinary, uwsBuild } from '../../../src/gateway/uws.js';

const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
const ERANGE = 34;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
const ULONG_MAX = 2n ** 64n - 1n;

test('C23 binary prefix: 0b/0B with base 0 or 2', () => {
  const c = loadGlibcCompatProvider();
  assert.deepEqual(c.strtol('0b101', 0), [5n, 5, 0]);
  assert.deepEqual(c.strtol('0b101', 2), [5n, 5, 0]);
  assert.deepEqual(c.strtol('  -0B11x', 0), [-3n, 7, 0]);
  assert.deepEqual(c.strtol('+0b1', 2), [1n, 4, 0]);
  assert.deepEqual(c.strtoul('0b101', 0), [5n, 5, 0]);
  assert.deepEqual(c.strtoul('-0b1', 2), [ULONG_MAX, 4, 0]);
  // Not a prefix: another base, or no binary digit after it ("0" is the subject, "b..." is left).
  assert.deepEqual(c.strtol('0b101', 10), [0n, 1, 0]);
  assert.deepEqual(c.strtol('0b101', 16), [0xb101n, 5, 0]);
  assert.deepEqual(c.strtol('0b2', 0), [0n, 1, 0]);
  assert.deepEqual(c.strtol('0b', 2), [0n, 1, 0]);
  assert.deepEqual(c.strtoul('0B', 0), [0n, 1, 0]);
});

test('C23 binary prefix: range limits and ERANGE', () => {
  const c = loadGlibcCompatProvider();
  const ones = (n: number) => '1'.repeat(n);
  assert.deepEqual(c.strtol(`0b${ones(63)}`, 0), [LONG_MAX, 65, 0]);
  assert.deepEqual(c.strtol(`0b${ones(64)}`, 0), [LONG_MAX, 66, ERANGE]);
  assert.deepEqual(c.strtol(`-0b1${'0'.repeat(63)}`, 0), [LONG_MIN, 67, 0]);
  assert.deepEqual(c.strtol(`-0b1${'0'.repeat(62)}1`, 2), [LONG_MIN, 67, ERANGE]);
  assert.deepEqual(c.strtoul(`0b${ones(64)}`, 2), [ULONG_MAX, 66, 0]);
  assert.deepEqual(c.strtoul(`0b1${'0'.repeat(64)}`, 0), [ULONG_MAX, 67, ERANGE]);
});

test('ordinary inputs parse as strtol and strtoul do', () => {
  const c = loadGlibcCompatProvider();
  assert.deepEqual(c.strtol(' 42', 10), [42n, 3, 0]);
  assert.deepEqual(c.strtol('-17 apples', 0), [-17n, 3, 0]);
  assert.deepEqual(c.strtol('0x1f', 0), [31n, 4, 0]);
  assert.deepEqual(c.strtol('017', 0), [15n, 3, 0]);
  assert.deepEqual(c.strtol('z', 36), [35n, 1, 0]);
  assert.deepEqual(c.strtol('', 10), [0n, 0, 0]);
  assert.deepEqual(c.strtol('9223372036854775808', 10), [LONG_MAX, 19, ERANGE]);
  assert.deepEqual(c.strtoul('18446744073709551615', 10), [ULONG_MAX, 20, 0]);
  assert.deepEqual(c.strtoul('-1', 10), [ULONG_MAX, 2, 0]);
  const radix = fc.constantFrom(2, 8, 10, 16, 36);
  fc.assert(
    fc.property(fc.bigInt(LONG_MIN, LONG_MAX), radix, fc.constantFrom('', ' ', '\t '), (v, base, space) => {
      const text = `${space}${v.toString(base)}`;
      assert.deepEqual(c.strtol(text, base), [v, text.length, 0]);
      if (base === 2) assert.deepEqual(c.strtol(`${space}${v < 0n ? '-' : ''}0b${(v < 0n ? -v : v).toString(2)}`, 0)[0], v);
    }),
    { numRuns: 300 },
  );
});

test('sscanf forwards to vsscanf', () => {
  const c = loadGlibcCompatProvider();
  assert.deepEqual(c.sscanfLong('x=42', 'x=%ld'), [42n, 1, 0]);
  assert.deepEqual(c.sscanfLong('0x10', '%li'), [16n, 1, 0]);
  assert.deepEqual(c.sscanfLong('y=1', 'x=%ld')[1], 0);
});

test('the gateway loads @btc-vision/uwebsockets.js, through the compatibility path exactly on glibc < 2.38', () => {
  const b = uwsBuild();
  assert.match(b.build, /^@btc-vision\/uwebsockets\.js@/);
  assert.equal(b.binary, `uws_linux_${process.arch}_${process.versions.modules}.node`);
  const [major, minor] = glibc!.split('.').map(Number) as [number, number];
  assert.equal(b.glibcCompat, major === 2 && minor < 38, `glibc ${glibc}`);
  if (b.glibcCompat) assert.match(b.copy!, new RegExp(`uws_linux_${process.arch}_${process.versions.modules}-[0-9a-f]{16}\\.node$`));
});

test('the compatibility path refuses, before loading or writing anything, a binary needing an unknown GLIBC_2.38 symbol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-glibc-compat-'));
  try {
    const elf = readFileSync(join(dirname(uwsBinary().path), 'uws_linux_x64_137.node'));
    const from = Buffer.from('\0__isoc23_strtoul\0');
    for (let at = elf.indexOf(from); at >= 0; at = elf.indexOf(from, at + 1)) elf.write('\0__isoc23_strtoll\0', at, 'latin1');
    const binary = join(dir, 'uws_edited.node');
    writeFileSync(binary, elf);
    const cache = join(dir, 'cache');
    assert.throws(() => loadWithGlibcCompat(binary, [cache]), /no compatible definition: __isoc23_strtoll$/);
    assert.deepEqual(readdirSync(dir), ['uws_edited.node']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
