// Batches of the broker's own internal topics (__consumer_offsets): uncompressed key/value records,
// built and read with the protocol's RecordBatch v2 codec and the native CRC32C. The data path never
// uses this (appends validate and rewrite batches natively); it exists so the control plane can store
// and replay its own records in the same format clients and Kafka's tools read.
import { buildRecordBatchSync, parseRecordBatchSync, readRecordBatchHeader, splitRecordBatches } from '../protocol/index.js';
import { native } from '../hotpath/index.js';

export interface InternalRecord {
  key: Buffer;
  /** null: a tombstone (deletes the key in a compacted topic). */
  value: Buffer | null;
}

export interface ReadRecord extends InternalRecord {
  offset: number;
  timestamp: number;
}

/** One uncompressed batch of `records`, all stamped `timestamp`; the log assigns the offsets. */
export function buildRecordBatch(records: readonly InternalRecord[], timestamp: number): Buffer {
  return buildRecordBatchSync(records.map((r) => ({ key: r.key, value: r.value, timestamp })), { crc32c: native.crc32c });
}

/**
 * The records of every whole batch in `data` (as Partition.read returns it, already validated on
 * append, so CRCs are not checked again), in offset order. Control batches and keyless records are
 * skipped; a compressed batch or broken framing throws the protocol's RecordBatchError.
 * Returns the next offset after the last batch read (or -1 when no whole batch was found).
 */
export function readRecordBatches(data: Buffer, onRecord: (r: ReadRecord) => void): number {
  let next = -1;
  for (const batch of splitRecordBatches(data)) {
    const head = readRecordBatchHeader(batch, { verifyCrc: false });
    next = head.lastOffset + 1;
    if (head.isControl) continue;
    for (const r of parseRecordBatchSync(batch, { verifyCrc: false }).records) {
      // Keyless records carry nothing for a compacted topic.
      if (r.key !== null) onRecord({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value });
    }
  }
  return next;
}
