// Errors raised by the codecs. Each failure has a stable `code`; callers branch on
// the code, never on the message. Decode errors mean "the peer sent bad bytes"
// (answer with a Kafka error or disconnect); encode errors mean "our own body was
// invalid for the requested version" (a bug on our side).

export type ProtocolDecodeErrorCode =
  | 'ERR_PROTOCOL_TRUNCATED' // fewer bytes left than the field needs
  | 'ERR_PROTOCOL_INVALID_LENGTH' // negative or absurd length / count prefix
  | 'ERR_PROTOCOL_UNEXPECTED_NULL' // null in a non-nullable field
  | 'ERR_PROTOCOL_INVALID_VARINT' // varint longer than its type allows
  | 'ERR_PROTOCOL_UNSUPPORTED_VERSION'; // the codec does not serve this version

export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  readonly code: ProtocolDecodeErrorCode;
  constructor(code: ProtocolDecodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type ProtocolEncodeErrorCode =
  | 'ERR_PROTOCOL_NULL_FIELD' // null given for a field that is not nullable in this version
  | 'ERR_PROTOCOL_VALUE_OUT_OF_RANGE' // value does not fit the wire type
  | 'ERR_PROTOCOL_EXTERNAL_CHUNK' // asked for Buffers but the writer holds external chunks
  | 'ERR_PROTOCOL_UNSUPPORTED_VERSION';

export class ProtocolEncodeError extends Error {
  override readonly name = 'ProtocolEncodeError';
  readonly code: ProtocolEncodeErrorCode;
  constructor(code: ProtocolEncodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
