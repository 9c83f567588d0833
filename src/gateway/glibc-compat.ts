// Lets uWebSockets.js registry binaries built against glibc 2.38 run on an older glibc (e.g. Debian
// 12's 2.36). They need GLIBC_2.38 only for the C23 variants of sscanf, strtol and strtoul, which
// native/glibc-compat/isoc23.c provides (built by native/build.rs as native/glibc-compat.node).
//
// How: a copy of the binary whose GLIBC_2.38 need is marked VER_FLG_WEAK, so glibc's loader accepts
// that libc lacks the version (dl-version.c); its references to those symbols then bind to an
// unversioned definition elsewhere in the global scope (dl-lookup.c), which is the provider, loaded
// there first with RTLD_GLOBAL. Both load with RTLD_NOW so that any other missing symbol is an error
// at load, never a crash at first call. The copy is refused, with the reason, when the binary needs
// any GLIBC_2.38 symbol the provider does not define.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { symbolsOfVersion, weakenVersion } from './elf.js';

export const GLIBC_COMPAT_VERSION = 'GLIBC_2.38';
/** What native/glibc-compat/isoc23.c defines. */
export const GLIBC_COMPAT_SYMBOLS: readonly string[] = ['__isoc23_sscanf', '__isoc23_strtol', '__isoc23_strtoul'];

// dist/src/gateway/glibc-compat.js -> <package root>/native/glibc-compat.node
const providerPath = fileURLToPath(new URL('../../../native/glibc-compat.node', import.meta.url));

/** The provider's own exports, for tests: each returns [value, characters consumed (or count), errno]. */
export interface GlibcCompatProvider {
  strtol(input: string, base: number): [bigint, number, number];
  strtoul(input: string, base: number): [bigint, number, number];
  sscanfLong(input: string, format: string): [bigint, number, number];
}

let provider: GlibcCompatProvider | undefined;

/** Whether a binary's load error is the one this path addresses: glibc lacks GLIBC_2.38. */
export function isMissingGlibcCompatVersion(error: Error): boolean {
  return process.platform === 'linux' && error.message.includes(`version \`${GLIBC_COMPAT_VERSION}' not found`);
}

/** Loads the provider into the global symbol scope (once) and returns its exports. */
export function loadGlibcCompatProvider(): GlibcCompatProvider {
  if (provider) return provider;
  const module = { exports: {} as GlibcCompatProvider };
  try {
    process.dlopen(module, providerPath, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL);
  } catch (e) {
    throw new Error(`cannot load ${providerPath} (built by npm run build:native): ${(e as Error).message.split('\n')[0]}`);
  }
  provider = module.exports;
  return provider;
}

/**
 * `elf` with its GLIBC_2.38 need marked weak; throws, naming them, when it needs GLIBC_2.38 symbols
 * the provider does not define.
 */
export function glibcCompatCopy(elf: Buffer): Buffer {
  const unknown = symbolsOfVersion(elf, GLIBC_COMPAT_VERSION).filter((s) => !GLIBC_COMPAT_SYMBOLS.includes(s));
  if (unknown.length > 0) throw new Error(`it needs ${GLIBC_COMPAT_VERSION} symbols that have no compatible definition: ${unknown.join(', ')}`);
  return weakenVersion(elf, GLIBC_COMPAT_VERSION);
}

/**
 * Loads `binary` (a Node addon) through the glibc compatibility path; returns its exports and where
 * its patched copy was written. The copy goes to the first usable of `cacheDirs` (then a private
 * directory under the OS temp dir), named by the hash of the original; an existing copy is reused
 * only when it is byte-for-byte what this would write.
 */
export function loadWithGlibcCompat(binary: string, cacheDirs: readonly string[]): { exports: unknown; copy: string } {
  const original = readFileSync(binary);
  const patched = glibcCompatCopy(original);
  const name = `${binary.replace(/^.*[\\/]/, '').replace(/\.node$/, '')}-${createHash('sha256').update(original).digest('hex').slice(0, 16)}.node`;
  const copy = writeCached(name, patched, cacheDirs);
  loadGlibcCompatProvider();
  const module = { exports: {} as unknown };
  process.dlopen(module, copy, constants.dlopen.RTLD_NOW);
  return { exports: module.exports, copy };
}

function writeCached(name: string, data: Buffer, cacheDirs: readonly string[]): string {
  const uid = process.getuid?.() ?? 0;
  const candidates = [...cacheDirs.map((dir) => ({ dir, private: false })), { dir: join(tmpdir(), `gregor-${uid}`), private: true }];
  const reasons: string[] = [];
  for (const { dir, private: priv } of candidates) {
    const path = join(dir, name);
    try {
      mkdirSync(dir, { recursive: true, mode: priv ? 0o700 : 0o755 });
      if (priv) {
        // A shared temp dir: use the directory only if it is ours alone, so nobody else can swap the copy.
        const st = lstatSync(dir);
        if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) throw new Error(`${dir} is not a private directory of this user`);
      }
      try {
        if (readFileSync(path).equals(data)) return path;
      } catch {
        /* not there yet */
      }
      // Write then rename: brokers starting together each write their own file, and a process that
      // already loaded a copy keeps its inode.
      const staged = `${path}.${process.pid}.tmp`;
      writeFileSync(staged, data, { mode: 0o644 });
      renameSync(staged, path);
      return path;
    } catch (e) {
      reasons.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no writable directory for the patched copy (${reasons.join('; ')})`);
}
