// The client's two error classes. KafkaClientError: something went wrong on our
// side of the wire (connection, timeout, bad argument), with a stable `code`.
// KafkaProtocolError: the broker answered with a Kafka error code; it carries
// that code and its name (e.g. 3 / UNKNOWN_TOPIC_OR_PARTITION). Match on `code`
// or `errorName`, never on messages.

import { errorMessage, errorName, RecordBatchError } from '../protocol/index.js';

export type KafkaClientErrorCode =
  | 'ERR_CLIENT_CONNECTION'
  | 'ERR_CLIENT_CONNECTION_CLOSED'
  | 'ERR_CLIENT_TIMEOUT'
  | 'ERR_CLIENT_SASL'
  | 'ERR_CLIENT_INVALID_ARGUMENT'
  | 'ERR_CLIENT_UNSUPPORTED_VERSION'
  | 'ERR_CLIENT_UNSUPPORTED_COMPRESSION'
  | 'ERR_CLIENT_DECOMPRESSION'
  | 'ERR_CLIENT_CORRUPT_BATCH'
  | 'ERR_CLIENT_BAD_RESPONSE'
  | 'ERR_CLIENT_METADATA'
  | 'ERR_CLIENT_CLOSED';

export class KafkaClientError extends Error {
  override readonly name = 'KafkaClientError';
  readonly code: KafkaClientErrorCode;
  constructor(code: KafkaClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Kafka error codes whose RetriableException in the Java client marks them as worth retrying. */
const RETRIABLE = new Set([2, 3, 5, 6, 7, 13, 14, 15, 16, 19, 20, 56, 74, 75, 78, 79, 80]);

export class KafkaProtocolError extends Error {
  override readonly name = 'KafkaProtocolError';
  readonly code = 'ERR_KAFKA_PROTOCOL';
  /** The Kafka error code from the response. */
  readonly errorCode: number;
  /** Its name in Kafka's Errors table, e.g. UNKNOWN_TOPIC_OR_PARTITION. */
  readonly errorName: string;
  readonly retriable: boolean;
  constructor(errorCode: number, context?: string, brokerMessage?: string | null) {
    const name = errorName(errorCode) ?? `UNKNOWN_ERROR_CODE_${errorCode}`;
    const detail = (brokerMessage ?? errorMessage(errorCode) ?? '').replace(/\.$/, '');
    super(`${context ? `${context}: ` : ''}${detail ? `${detail} (${name})` : name}`);
    this.errorCode = errorCode;
    this.errorName = name;
    this.retriable = RETRIABLE.has(errorCode);
  }
}

const RECORD_BATCH_CODES: Record<RecordBatchError['code'], KafkaClientErrorCode> = {
  ERR_RECORD_BATCH_CORRUPT: 'ERR_CLIENT_CORRUPT_BATCH',
  ERR_RECORD_BATCH_COMPRESSED: 'ERR_CLIENT_CORRUPT_BATCH',
  ERR_RECORD_BATCH_DECOMPRESSION: 'ERR_CLIENT_DECOMPRESSION',
  ERR_RECORD_BATCH_UNSUPPORTED_COMPRESSION: 'ERR_CLIENT_UNSUPPORTED_COMPRESSION',
  ERR_RECORD_BATCH_INVALID_ARGUMENT: 'ERR_CLIENT_INVALID_ARGUMENT',
};

/** The client's error for a failure of the protocol's RecordBatch codec (other errors pass through). */
export function clientErrorFrom(err: unknown): unknown {
  if (!(err instanceof RecordBatchError)) return err;
  return new KafkaClientError(RECORD_BATCH_CODES[err.code], err.message, { cause: err });
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof KafkaProtocolError) return err.retriable;
  if (err instanceof KafkaClientError) {
    return err.code === 'ERR_CLIENT_CONNECTION' || err.code === 'ERR_CLIENT_CONNECTION_CLOSED' || err.code === 'ERR_CLIENT_TIMEOUT';
  }
  return false;
}
