// The only TypeScript file that loads the Rust addon (native/gregor.node, built by `npm run build:native`).
// Its types come from the generated native/index.d.ts, which is committed so API changes show in review.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Addon from '../../native/index.js';

const require = createRequire(import.meta.url);
// dist/src/hotpath/native.js -> <package root>/native/gregor.node
const addonPath = fileURLToPath(new URL('../../../native/gregor.node', import.meta.url));

function load(): typeof Addon {
  try {
    return require(addonPath) as typeof Addon;
  } catch (e) {
    throw new Error(`Cannot load the native addon at ${addonPath} (${(e as Error).message}). Build it with: npm run build:native`);
  }
}

export const native: typeof Addon = load();
export type PartitionLog = Addon.PartitionLog;
export type LogConfig = Addon.LogConfig;
export type AppendOptions = Addon.AppendOptions;
export type AppendResult = Addon.AppendResult;
export type AppendOutcome = Addon.AppendOutcome;
export type ReadResult = Addon.ReadResult;
export type TimestampOffset = Addon.TimestampOffset;
export type RetentionPolicy = Addon.RetentionPolicy;
export type RetentionResult = Addon.RetentionResult;
export type EpochEndOffset = Addon.EpochEndOffset;
export type CompactOptions = Addon.CompactOptions;
export type CompactResult = Addon.CompactResult;
export type FetchSlice = Addon.FetchSlice;
export type TxnMarkerSpec = Addon.TxnMarkerSpec;
export type AbortedTransaction = Addon.AbortedTransaction;
export type ProducerStateInfo = Addon.ProducerStateInfo;

/** A partition's records left in their segment file: an external part of a response, sent by `WorkerPool.send`. */
export interface FileRecords {
  readonly external: true;
  readonly byteLength: number;
  readonly slice: FetchSlice;
  /** Bytes of the slice already written (a response resumed after a slow reader); 0 normally. */
  readonly skip: number;
}

export function fileRecords(slice: FetchSlice, skip = 0): FileRecords {
  return { external: true, byteLength: slice.byteLength - skip, slice, skip };
}

export function isFileRecords(part: unknown): part is FileRecords {
  return typeof part === 'object' && part !== null && (part as FileRecords).external === true && 'slice' in part;
}

/** Up to `length` bytes of `part` from `offset` on, read into memory (the copying path). */
export function readFileRecords(part: FileRecords, offset = 0, length = part.byteLength): Buffer {
  return part.slice.readRange(part.skip + offset, Math.min(length, part.byteLength - offset));
}

/** Native errors carry the Kafka error name in `code` (e.g. "CORRUPT_MESSAGE"); anything else is a server error. */
export function nativeErrorName(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'UNKNOWN_SERVER_ERROR';
}
