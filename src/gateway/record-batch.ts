// The gateway's records in and out of RecordBatch v2, through the protocol's one codec: batches built
// from HTTP records (uncompressed, no producer id, the broker's CRC32C) and the records of the batches a
// partition read returns (any codec) for WebSocket subscribers and the message browser. The gateway's
// record carries its headers as [name, value] pairs, the shape its JSON and binary frames use.
import { buildRecordBatchSync, ControlRecordType, decodeEndTransactionMarker, parseRecordBatch, readRecordBatchHeader, splitRecordBatches, RECORD_BATCH_OVERHEAD, type Crc32cFunction } from '../protocol/index.js';

export const BATCH_OVERHEAD = RECORD_BATCH_OVERHEAD;

export interface GatewayRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestamp: number;
}

export interface DecodedRecord extends GatewayRecord {
  offset: number;
}

/** One uncompressed RecordBatch v2 (no producer id); `crc32c` is the broker's (native) checksum, which its appends verify with. */
export function buildBatch(records: readonly GatewayRecord[], crc32c: Crc32cFunction): Buffer {
  return buildRecordBatchSync(
    records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers.map(([key, value]) => ({ key, value })) })),
    { crc32c },
  );
}

/** An aborted transaction a read_committed read lists: its producer and first offset. */
export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
}

/**
 * Decodes concatenated batches (as Partition.read returns them, validated on append, so CRCs are not
 * checked again) into records with offset >= `fromOffset`. Control batches (transaction markers) and
 * batches wholly before `fromOffset` are skipped without decompressing them. Keys and values are views.
 * With `aborted` (a read_committed read's aborted transactions), the batches of those transactions are
 * dropped the way Kafka's consumer does: a producer's transactional batches from the aborted
 * transaction's first offset up to its ABORT marker.
 */
export async function decodeBatches(data: Buffer, fromOffset: number, aborted: readonly AbortedTxn[] | null = null): Promise<{ records: DecodedRecord[]; nextOffset: number }> {
  const out: DecodedRecord[] = [];
  let nextOffset = fromOffset;
  const pending = aborted && aborted.length > 0 ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  for (const batch of splitRecordBatches(data)) {
    const head = readRecordBatchHeader(batch, { verifyCrc: false });
    if (head.lastOffset + 1 > nextOffset) nextOffset = head.lastOffset + 1;
    if (aborted && head.producerId >= 0) {
      while (pending.length > 0 && pending[0]!.firstOffset <= head.lastOffset) abortedProducers.add(pending.shift()!.producerId);
      if (head.isControl) {
        if (abortedProducers.has(head.producerId) && isAbortMarker(await parseRecordBatch(batch, { verifyCrc: false }))) abortedProducers.delete(head.producerId);
      } else if (head.isTransactional && abortedProducers.has(head.producerId)) continue;
    }
    if (head.isControl || head.lastOffset < fromOffset) continue;
    for (const r of (await parseRecordBatch(batch, { verifyCrc: false })).records) {
      if (r.offset >= fromOffset) out.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map((h) => [h.key, h.value]) });
    }
  }
  return { records: out, nextOffset };
}

function isAbortMarker(batch: { records: ReadonlyArray<{ key: Buffer | null; value: Buffer | null }> }): boolean {
  const first = batch.records[0];
  if (!first) return false;
  try {
    return decodeEndTransactionMarker(first)?.type === ControlRecordType.ABORT;
  } catch {
    return false;
  }
}
