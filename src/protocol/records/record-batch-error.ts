// The one error the RecordBatch codec and its compression raise. `code` is stable (branch on it,
// never on the message); `errorName` is the Kafka error a broker answers with for such bytes.

export type RecordBatchErrorCode =
  | 'ERR_RECORD_BATCH_CORRUPT' // framing, magic, CRC or a record's fields are wrong
  | 'ERR_RECORD_BATCH_DECOMPRESSION' // the codec could not decompress the records
  | 'ERR_RECORD_BATCH_UNSUPPORTED_COMPRESSION' // attributes name a codec that does not exist
  | 'ERR_RECORD_BATCH_COMPRESSED' // a synchronous reader met a compressed batch
  | 'ERR_RECORD_BATCH_INVALID_ARGUMENT'; // asked to build something that is not a valid batch

export class RecordBatchError extends Error {
  override readonly name = 'RecordBatchError';
  readonly code: RecordBatchErrorCode;
  constructor(code: RecordBatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The Kafka error name for these bytes (CORRUPT_MESSAGE, UNSUPPORTED_COMPRESSION_TYPE or INVALID_RECORD). */
  get errorName(): 'CORRUPT_MESSAGE' | 'UNSUPPORTED_COMPRESSION_TYPE' | 'INVALID_RECORD' {
    if (this.code === 'ERR_RECORD_BATCH_UNSUPPORTED_COMPRESSION') return 'UNSUPPORTED_COMPRESSION_TYPE';
    if (this.code === 'ERR_RECORD_BATCH_INVALID_ARGUMENT') return 'INVALID_RECORD';
    return 'CORRUPT_MESSAGE';
  }
}
