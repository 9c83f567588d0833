// The ELF symbol-versioning reader and patcher on the real uWebSockets.js binaries: the patched copy
// differs from the original only in the GLIBC_2.38 need's flags, and a binary that needs a GLIBC_2.38
// symbol the provider lacks is refused, naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ElfFormatError, symbolsOfVersion, VER_FLG_WEAK, versionNeeds, weakenVersion } from '../../../src/gateway/elf.js';
import { GLIBC_COMPAT_SYMBOLS, GLIBC_COMPAT_VERSION, glibcCompatCopy } from '../../../src/gateway/glibc-compat.js';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('@btc-vision/uwebsockets.js'));
const binaries = readdirSync(dir).filter((f) => /^uws_linux_.*\.node$/.test(f));

test('the registry build ships Linux binaries to test on', () => {
  assert.ok(binaries.includes('uws_linux_x64_137.node'), binaries.join(', '));
});

for (const name of binaries) {
  test(`${name}: needs GLIBC_2.38 only for symbols the provider defines`, () => {
    const elf = readFileSync(join(dir, name));
    const needed = symbolsOfVersion(elf, GLIBC_COMPAT_VERSION);
    assert.ok(needed.length > 0);
    assert.deepEqual(needed.filter((s) => !GLIBC_COMPAT_SYMBOLS.includes(s)), []);
    // x86-64 builds need all three; arm64 builds no sscanf.
    if (name.includes('_x64_')) assert.deepEqual(needed, ['__isoc23_sscanf', '__isoc23_strtol', '__isoc23_strtoul']);
    assert.ok(symbolsOfVersion(elf, 'GLIBC_2.2.5').includes('malloc') || symbolsOfVersion(elf, 'GLIBC_2.17').includes('malloc'));
  });

  test(`${name}: the patched copy flips VER_FLG_WEAK on the GLIBC_2.38 need and nothing else`, () => {
    const elf = readFileSync(join(dir, name));
    const before = Buffer.from(elf);
    const copy = glibcCompatCopy(elf);
    assert.ok(elf.equals(before), 'the original buffer is not modified');
    assert.equal(copy.length, elf.length);
    const needs = versionNeeds(elf);
    const targets = needs.filter((n) => n.version === GLIBC_COMPAT_VERSION);
    assert.deepEqual(targets.map((n) => n.file), ['libc.so.6']);
    const changed: number[] = [];
    for (let i = 0; i < elf.length; i++) if (elf[i] !== copy[i]) changed.push(i);
    // vna_flags is little-endian; the weak bit lives in its low byte.
    assert.deepEqual(changed, targets.map((n) => n.flagsOffset));
    for (const at of changed) assert.equal(copy[at]! ^ elf[at]!, VER_FLG_WEAK);
    assert.deepEqual(
      versionNeeds(copy),
      needs.map((n) => (n.version === GLIBC_COMPAT_VERSION ? { ...n, flags: n.flags | VER_FLG_WEAK } : n)),
    );
  });
}

test('a binary that needs a GLIBC_2.38 symbol the provider lacks is refused, naming it', () => {
  const elf = Buffer.from(readFileSync(join(dir, 'uws_linux_x64_137.node')));
  // __isoc23_fscanf is another C23 function glibc 2.38 added; rename the import in the string tables.
  const from = Buffer.from('\0__isoc23_sscanf\0');
  let edits = 0;
  for (let at = elf.indexOf(from); at >= 0; at = elf.indexOf(from, at + 1), edits++) elf.write('\0__isoc23_fscanf\0', at, 'latin1');
  assert.ok(edits > 0);
  assert.deepEqual(symbolsOfVersion(elf, GLIBC_COMPAT_VERSION), ['__isoc23_fscanf', '__isoc23_strtol', '__isoc23_strtoul']);
  assert.throws(() => glibcCompatCopy(elf), /GLIBC_2\.38 symbols that have no compatible definition: __isoc23_fscanf$/);
});

test('objects that are not 64-bit little-endian ELF, or are cut short, are refused as such', () => {
  const elf = readFileSync(join(dir, 'uws_linux_x64_137.node'));
  assert.throws(() => versionNeeds(Buffer.from('#!/bin/sh\n'.padEnd(64))), ElfFormatError);
  const elf32 = Buffer.from(elf.subarray(0, 4096));
  elf32[4] = 1;
  assert.throws(() => versionNeeds(elf32), /not a 64-bit little-endian ELF file/);
  assert.throws(() => versionNeeds(elf.subarray(0, elf.length / 2)), /out of bounds/);
  assert.throws(() => weakenVersion(elf, 'GLIBC_9.99'), /needs no GLIBC_9\.99/);
});
