// The internal-topic RecordBatch writer/reader in src/log (the protocol codec with the native CRC): what it
// writes is a valid batch to the native validator and to the protocol parser; what it reads back is
// exactly what was written.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecordBatch, readRecordBatches, type ReadRecord } from '../../../src/log/index.js';
import { native } from '../../../src/hotpath/index.js';
import { buildControlBatch, buildRecordBatchSync, ControlRecordType, parseRecordBatch, RecordBatchError } from '../../../src/protocol/index.js';

describe('internal record batches', () => {
  const records = [
    { key: Buffer.from('k1'), value: Buffer.from('v1') },
    { key: Buffer.from('k2'), value: null },
    { key: Buffer.alloc(300, 7), value: Buffer.alloc(70_000, 9) },
  ];

  it('are valid RecordBatch v2 (CRC32C included) for the native validator and the protocol parser', async () => {
    const batch = buildRecordBatch(records, 1_700_000_000_000);
    assert.equal(native.validateBatches(batch, 10 << 20), 1);
    const parsed = await parseRecordBatch(batch, { verifyCrc: true });
    assert.deepEqual(parsed.records.map((r) => [r.key, r.value, r.offset, r.timestamp]), records.map((r, i) => [r.key, r.value, i, 1_700_000_000_000]));
  });

  it('read back with offsets from the batch header, batch after batch', () => {
    const a = buildRecordBatch(records.slice(0, 2), 5);
    const b = buildRecordBatch(records.slice(2), 6);
    b.writeBigInt64BE(2n, 0); // as the log would assign
    const out: ReadRecord[] = [];
    const next = readRecordBatches(Buffer.concat([a, b, b.subarray(0, 30)]), (r) => out.push(r));
    assert.equal(next, 3, 'a torn trailing batch is not read');
    assert.deepEqual(out.map((r) => [r.offset, r.timestamp, r.key, r.value]), [[0, 5, records[0].key, records[0].value], [1, 5, records[1].key, null], [2, 6, records[2].key, records[2].value]]);
  });

  it('refuse compressed batches and broken framing instead of misreading them', () => {
    const batch = buildRecordBatch(records.slice(0, 1), 1);
    const compressed = Buffer.from(batch);
    compressed.writeInt16BE(1, 21);
    assert.throws(() => readRecordBatches(compressed, () => undefined), RecordBatchError);
    const broken = Buffer.from(batch);
    broken[61] = 0x7e; // record length far past the batch
    assert.throws(() => readRecordBatches(broken, () => undefined), RecordBatchError);
  });

  it('skip control batches and keyless records, counting their offsets', () => {
    const marker = buildControlBatch({ type: ControlRecordType.COMMIT, coordinatorEpoch: 0 }, { producerId: 1, producerEpoch: 0, timestamp: 1, baseOffset: 0 });
    const keyless = buildRecordBatchSync([{ key: null, value: Buffer.from('x'), timestamp: 2 }], { baseOffset: 1 });
    const keyed = buildRecordBatch(records.slice(0, 1), 3);
    keyed.writeBigInt64BE(2n, 0);
    const out: ReadRecord[] = [];
    assert.equal(readRecordBatches(Buffer.concat([marker, keyless, keyed]), (r) => out.push(r)), 3);
    assert.deepEqual(out.map((r) => r.offset), [2]);
  });
});
