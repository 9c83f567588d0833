// Reads and edits the symbol versioning of a 64-bit little-endian ELF shared object (x86-64, arm64):
// which versions it needs from which library (.gnu.version_r), which imports bind to each version
// (.dynsym with .gnu.version), and a copy with one needed version marked weak. Used by the glibc
// compatibility path for uWebSockets.js binaries (glibc-compat.ts); nothing else in the file changes.
//
// Layouts (System V gABI and the LSB symbol versioning spec):
//   Elf64_Ehdr  e_shoff u64 @0x28, e_shentsize u16 @0x3a, e_shnum u16 @0x3c
//   Elf64_Shdr  sh_type u32 @4, sh_offset u64 @24, sh_size u64 @32, sh_link u32 @40 (64 bytes)
//   Elf64_Sym   st_name u32 @0 (24 bytes)
//   Elf64_Verneed  vn_cnt u16 @2, vn_file u32 @4, vn_aux u32 @8, vn_next u32 @12
//   Elf64_Vernaux  vna_flags u16 @4, vna_other u16 @6, vna_name u32 @8, vna_next u32 @12
//   .gnu.version   one u16 per .dynsym entry: the version index (vna_other), bit 15 = hidden

const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
/** vna_flags: a missing version is not fatal to the dynamic loader (glibc dl-version.c). */
export const VER_FLG_WEAK = 0x2;

export class ElfFormatError extends Error {
  readonly code = 'ELF_FORMAT';
}

/** One Vernaux entry: a version `version` needed from library `file`. */
export interface VersionNeed {
  file: string;
  version: string;
  flags: number;
  /** vna_other: the index that .gnu.version uses for symbols bound to this version. */
  index: number;
  /** Where vna_flags sits in the file. */
  flagsOffset: number;
}

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
}

function sections(elf: Buffer): Section[] {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError('not an ELF file');
  if (elf[4] !== 2 || elf[5] !== 1) throw new ElfFormatError('not a 64-bit little-endian ELF file');
  const shoff = num(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  if (shentsize !== 64 || shoff + shnum * 64 > elf.length) throw new ElfFormatError('section header table out of bounds');
  const out: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const s = { type: elf.readUInt32LE(h + 4), offset: num(elf.readBigUInt64LE(h + 24)), size: num(elf.readBigUInt64LE(h + 32)), link: elf.readUInt32LE(h + 40) };
    if (s.type !== 8 /* SHT_NOBITS */ && s.offset + s.size > elf.length) throw new ElfFormatError(`section ${i} out of bounds`);
    out.push(s);
  }
  return out;
}

function num(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfFormatError('offset out of range');
  return Number(v);
}

function only(all: Section[], type: number, what: string): Section {
  const found = all.filter((s) => s.type === type);
  if (found.length !== 1) throw new ElfFormatError(`expected one ${what} section, found ${found.length}`);
  return found[0]!;
}

function stringAt(elf: Buffer, table: Section, at: number): string {
  if (at >= table.size) throw new ElfFormatError('string index out of bounds');
  const start = table.offset + at;
  const end = elf.indexOf(0, start);
  if (end < 0 || end >= table.offset + table.size) throw new ElfFormatError('unterminated string');
  return elf.toString('latin1', start, end);
}

/** Every version the object needs (.gnu.version_r), in file order; empty when it has none. */
export function versionNeeds(elf: Buffer): VersionNeed[] {
  const all = sections(elf);
  const verneed = all.filter((s) => s.type === SHT_GNU_VERNEED);
  if (verneed.length === 0) return [];
  if (verneed.length > 1) throw new ElfFormatError('more than one .gnu.version_r section');
  const sec = verneed[0]!;
  const strtab = all[sec.link];
  if (!strtab) throw new ElfFormatError('.gnu.version_r links to no string table');
  const out: VersionNeed[] = [];
  const end = sec.offset + sec.size;
  // Entries chain by relative offsets; bound the walk by the section size so a bad chain cannot loop.
  for (let need = sec.offset, n = 0; ; n++) {
    if (need + 16 > end || n * 16 >= sec.size) throw new ElfFormatError('.gnu.version_r entry out of bounds');
    const cnt = elf.readUInt16LE(need + 2);
    const file = stringAt(elf, strtab, elf.readUInt32LE(need + 4));
    let aux = need + elf.readUInt32LE(need + 8);
    for (let i = 0; i < cnt; i++) {
      if (aux + 16 > end) throw new ElfFormatError('.gnu.version_r auxiliary entry out of bounds');
      out.push({ file, version: stringAt(elf, strtab, elf.readUInt32LE(aux + 8)), flags: elf.readUInt16LE(aux + 4), index: elf.readUInt16LE(aux + 6) & 0x7fff, flagsOffset: aux + 4 });
      const next = elf.readUInt32LE(aux + 12);
      if (next === 0 && i + 1 < cnt) throw new ElfFormatError('.gnu.version_r auxiliary chain ends early');
      aux += next;
    }
    const next = elf.readUInt32LE(need + 12);
    if (next === 0) return out;
    need += next;
  }
}

/** Names of the dynamic symbols bound to `version` (from any library), sorted. */
export function symbolsOfVersion(elf: Buffer, version: string): string[] {
  const indexes = new Set(versionNeeds(elf).filter((n) => n.version === version).map((n) => n.index));
  if (indexes.size === 0) return [];
  const all = sections(elf);
  const dynsym = only(all, SHT_DYNSYM, '.dynsym');
  const versym = only(all, SHT_GNU_VERSYM, '.gnu.version');
  const strtab = all[dynsym.link];
  if (!strtab) throw new ElfFormatError('.dynsym links to no string table');
  const count = dynsym.size / 24;
  if (!Number.isInteger(count) || versym.size !== count * 2) throw new ElfFormatError('.gnu.version does not match .dynsym');
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (indexes.has(elf.readUInt16LE(versym.offset + i * 2) & 0x7fff)) names.push(stringAt(elf, strtab, elf.readUInt32LE(dynsym.offset + i * 24)));
  }
  return names.sort();
}

/** A copy of `elf` in which every need of `version` carries VER_FLG_WEAK; the input is not changed. */
export function weakenVersion(elf: Buffer, version: string): Buffer {
  const needs = versionNeeds(elf).filter((n) => n.version === version);
  if (needs.length === 0) throw new ElfFormatError(`the object needs no ${version}`);
  const copy = Buffer.from(elf);
  for (const n of needs) copy.writeUInt16LE(n.flags | VER_FLG_WEAK, n.flagsOffset);
  return copy;
}
