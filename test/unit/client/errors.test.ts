// The client reports failures of the protocol's RecordBatch codec with its own stable codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecordBatch, clientErrorFrom, compressionByName, parseRecordBatch, KafkaClientError } from '../../../src/client/index.js';
import { RecordBatchError } from '../../../src/protocol/index.js';

test('a flipped byte fails the CRC check with ERR_CLIENT_CORRUPT_BATCH', async () => {
  const batch = await buildRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: 1 }]);
  batch[batch.length - 2] ^= 0xff;
  const err = await parseRecordBatch(batch).catch(clientErrorFrom);
  assert.ok(err instanceof KafkaClientError && err.code === 'ERR_CLIENT_CORRUPT_BATCH');
  assert.ok(err.cause instanceof RecordBatchError);
});

test('every codec error maps to a client code; other errors pass through', () => {
  const codes = {
    ERR_RECORD_BATCH_CORRUPT: 'ERR_CLIENT_CORRUPT_BATCH',
    ERR_RECORD_BATCH_COMPRESSED: 'ERR_CLIENT_CORRUPT_BATCH',
    ERR_RECORD_BATCH_DECOMPRESSION: 'ERR_CLIENT_DECOMPRESSION',
    ERR_RECORD_BATCH_UNSUPPORTED_COMPRESSION: 'ERR_CLIENT_UNSUPPORTED_COMPRESSION',
    ERR_RECORD_BATCH_INVALID_ARGUMENT: 'ERR_CLIENT_INVALID_ARGUMENT',
  } as const;
  for (const [from, to] of Object.entries(codes)) {
    const e = clientErrorFrom(new RecordBatchError(from as keyof typeof codes, 'x'));
    assert.ok(e instanceof KafkaClientError && e.code === to, from);
  }
  const other = new Error('other');
  assert.equal(clientErrorFrom(other), other);
  assert.throws(() => compressionByName('brotli'), RecordBatchError);
});
