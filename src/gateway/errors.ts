// Gateway errors: every refusal is JSON `{ "error_code": <Kafka error code>, "error": "<Kafka error name>",
// "message": "..." }` with an HTTP status that says the same thing to HTTP tooling.
import { ErrorCode, errorName } from '../protocol/index.js';

export class GatewayError extends Error {
  /** For 413: the size was refused from Content-Length, before any body was read. */
  readonly declared: boolean;
  constructor(readonly status: number, readonly errorCode: number, message: string, opts: { declared?: boolean } = {}) {
    super(message);
    this.declared = opts.declared ?? false;
  }

  toJSON(): { error_code: number; error: string; message: string } {
    return { error_code: this.errorCode, error: errorName(this.errorCode) ?? 'UNKNOWN_SERVER_ERROR', message: this.message };
  }
}

export const HTTP_STATUS: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 202: '202 Accepted', 204: '204 No Content', 400: '400 Bad Request', 403: '403 Forbidden', 404: '404 Not Found',
  405: '405 Method Not Allowed', 409: '409 Conflict', 411: '411 Length Required', 413: '413 Payload Too Large',
  415: '415 Unsupported Media Type', 422: '422 Unprocessable Entity', 500: '500 Internal Server Error', 503: '503 Service Unavailable',
};

/** The HTTP status that goes with a Kafka error code, for refusals of a whole request. */
export function statusForKafkaError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return 404;
    case ErrorCode.TOPIC_AUTHORIZATION_FAILED:
    case ErrorCode.GROUP_AUTHORIZATION_FAILED:
    case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
    case ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
      return 403;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return 413;
    case ErrorCode.TOPIC_ALREADY_EXISTS:
      return 409;
    case ErrorCode.INVALID_TOPIC_EXCEPTION:
    case ErrorCode.INVALID_REQUEST:
    case ErrorCode.INVALID_RECORD:
    case ErrorCode.CORRUPT_MESSAGE:
    case ErrorCode.INVALID_REQUIRED_ACKS:
    case ErrorCode.INVALID_PARTITIONS:
    case ErrorCode.INVALID_REPLICATION_FACTOR:
    case ErrorCode.INVALID_CONFIG:
    case ErrorCode.INVALID_TIMESTAMP:
    case ErrorCode.OFFSET_OUT_OF_RANGE:
      return 400;
    case ErrorCode.KAFKA_STORAGE_ERROR:
    case ErrorCode.UNKNOWN_SERVER_ERROR:
      return 500;
    default:
      return 400;
  }
}

export const badRequest = (message: string, code: number = ErrorCode.INVALID_REQUEST) => new GatewayError(400, code, message);
