// One error class for every refusal the broker makes, and one function that turns anything thrown into
// the Kafka error code it answers with. A BrokerError carries the Kafka error NAME as `code`, the same
// way errors thrown by the native addon do (native/src/error.rs), so both are read by one function and
// no caller matches on messages.
import { ErrorCode, errorCodeByName, errorName, type ErrorName } from './errors.js';

export class BrokerError extends Error {
  /** The Kafka error name, e.g. "UNKNOWN_TOPIC_OR_PARTITION". */
  readonly code: ErrorName;

  constructor(code: ErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
  }

  /** The numeric Kafka error code. */
  get errorCode(): number {
    return ErrorCode[this.code];
  }

  /** A BrokerError for a Kafka error name reported as a string (by the addon); unknown names become UNKNOWN_SERVER_ERROR. */
  static fromName(name: string, message: string): BrokerError {
    return new BrokerError(errorCodeByName(name) !== undefined ? (name as ErrorName) : 'UNKNOWN_SERVER_ERROR', message);
  }

  /** A BrokerError for a numeric Kafka error code (unknown codes become UNKNOWN_SERVER_ERROR). */
  static fromCode(errorCode: number, message: string): BrokerError {
    return new BrokerError(errorName(errorCode) ?? 'UNKNOWN_SERVER_ERROR', message);
  }
}

/**
 * A thrown value as a BrokerError when it stands for a Kafka error: a BrokerError, or an error of another
 * layer carrying a Kafka error name in `code` (the addon's, the metadata store's). Anything else is undefined.
 */
export function asBrokerError(err: unknown): BrokerError | undefined {
  if (err instanceof BrokerError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && errorCodeByName(code) !== undefined) return new BrokerError(code as ErrorName, err instanceof Error ? err.message : String(err), { cause: err });
  return undefined;
}

export interface KafkaErrorInfo {
  readonly errorCode: number;
  readonly name: ErrorName;
  readonly message: string;
}

/**
 * The Kafka error any thrown value stands for: a BrokerError or a native error (a Kafka error name in
 * `code`), an error carrying a numeric Kafka `errorCode`, or anything else — UNKNOWN_SERVER_ERROR.
 */
export function kafkaErrorOf(err: unknown): KafkaErrorInfo {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const errorCode = errorCodeByName(code);
    if (errorCode !== undefined) return { errorCode, name: code as ErrorName, message };
  }
  const numeric = (err as { errorCode?: unknown } | null)?.errorCode;
  if (typeof numeric === 'number') {
    const name = errorName(numeric);
    if (name !== undefined) return { errorCode: numeric, name, message };
  }
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, name: 'UNKNOWN_SERVER_ERROR', message };
}

/** The numeric Kafka error code of any thrown value (see kafkaErrorOf). */
export function errorCodeOf(err: unknown): number {
  return kafkaErrorOf(err).errorCode;
}
