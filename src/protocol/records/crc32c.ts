// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) in plain TypeScript.
// RecordBatch v2 carries this checksum over everything from `attributes` to the
// end of the batch. Table-driven, slicing-by-8: eight 256-entry tables let the
// loop consume eight bytes per step. This is also the plain-TS baseline that the
// native (Rust) implementation is benchmarked against, so keep it honest: no
// native calls, no WebAssembly.

const POLY = 0x82f63b78;

/** TABLES[k][b]: CRC of byte b followed by k zero bytes. */
const TABLES: Uint32Array[] = buildTables();

function buildTables(): Uint32Array[] {
  const tables: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c >>> 0;
  }
  tables.push(t0);
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    tables.push(t);
  }
  return tables;
}

/**
 * CRC-32C of `data[start, end)`, continuing from `crc` (pass a previous result to
 * checksum data in pieces). Returns an unsigned 32-bit number.
 */
export function crc32c(data: Uint8Array, crc = 0, start = 0, end = data.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = start;
  const fastEnd = end - ((end - start) & 7);
  while (i < fastEnd) {
    const lo = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t7[lo & 0xff]! ^
      t6[(lo >>> 8) & 0xff]! ^
      t5[(lo >>> 16) & 0xff]! ^
      t4[lo >>> 24]! ^
      t3[data[i + 4]!]! ^
      t2[data[i + 5]!]! ^
      t1[data[i + 6]!]! ^
      t0[data[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = t0[(c ^ data[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
