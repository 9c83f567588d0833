// The embedded "consumer" protocol that Kafka consumers put in JoinGroup metadata (ConsumerProtocolSubscription):
//   version INT16, topics [STRING], userData NULLABLE_BYTES, ... (later versions append fields)
// The coordinator reads only the subscribed topics, to refuse deleting offsets of a topic a live group reads.
import { Reader } from '../protocol/index.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Topics named in a consumer subscription; undefined when the bytes are not one. */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    const r = new Reader(metadata);
    r.int16();
    return r.array((r) => r.string());
  } catch {
    return undefined;
  }
}
