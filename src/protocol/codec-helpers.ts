// Small helpers shared by the generated-style API codecs in apis/.

import { ProtocolEncodeError } from './protocol-error.js';

/** The all-zero uuid in Kafka's printed form (Uuid.ZERO_UUID): "no topic id". */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Returns `value`, or throws when a field that is nullable only in other versions is null here. */
export function required<T>(value: T | null, field: string): T {
  if (value === null || value === undefined) {
    throw new ProtocolEncodeError('ERR_PROTOCOL_NULL_FIELD', `${field} is null but not nullable in this version`);
  }
  return value;
}
