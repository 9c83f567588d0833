// The gateway's records in and out of RecordBatch v2, through the protocol's one codec: batches built
// from HTTP records (uncompressed, no producer id, the broker's CRC32C) and the records of the batches a
// partition read returns (any codec) for WebSocket subscribers and the message browser. The gateway's
// record carries its headers as [name, value] pairs, the shape its JSON and binary frames use.
import { buildRecordBatchSync, parseRecordBatch, readRecordBatchHeader, splitRecordBatches, RECORD_BATCH_OVERHEAD, type Crc32cFunction } from '../protocol/index.js';

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

/**
 * Decodes concatenated batches (as Partition.read returns them, validated on append, so CRCs are not
 * checked again) into records with offset >= `fromOffset`. Control batches (transaction markers) and
 * batches wholly before `fromOffset` are skipped without decompressing them. Keys and values are views.
 */
export async function decodeBatches(data: Buffer, fromOffset: number): Promise<{ records: DecodedRecord[]; nextOffset: number }> {
  const out: DecodedRecord[] = [];
  let nextOffset = fromOffset;
  for (const batch of splitRecordBatches(data)) {
    const head = readRecordBatchHeader(batch, { verifyCrc: false });
    if (head.lastOffset + 1 > nextOffset) nextOffset = head.lastOffset + 1;
    if (head.isControl || head.lastOffset < fromOffset) continue;
    for (const r of (await parseRecordBatch(batch, { verifyCrc: false })).records) {
      if (r.offset >= fromOffset) out.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map((h) => [h.key, h.value]) });
    }
  }
  return { records: out, nextOffset };
}
