// What a group id may be: any non-empty string whose UTF-8 form fits the int16-length STRING of the
// __consumer_offsets keys (Kafka refuses only empty ids; longer ones could not be stored).
export const MAX_GROUP_ID_BYTES = 32767;

/** Why `groupId` is not a usable group id, or undefined when it is. */
export function invalidGroupIdReason(groupId: string | null | undefined): string | undefined {
  if (groupId === null || groupId === undefined || groupId.length === 0) return 'The group id is empty';
  if (Buffer.byteLength(groupId, 'utf8') > MAX_GROUP_ID_BYTES) return `The group id is longer than ${MAX_GROUP_ID_BYTES} bytes`;
  return undefined;
}
