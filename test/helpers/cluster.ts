// Helpers for tests of broker clusters.
import type { ITopicConfig, Kafka } from 'kafkajs';
import { waitFor } from './wait.js';

/**
 * Creates topics with kafkajs once the cluster can: right after the brokers start, the broker answering may
 * not have seen every registration yet (INVALID_REPLICATION_FACTOR), so creation is retried until it
 * succeeds or the topics exist.
 */
export async function createTopicsWhenReady(kafka: Kafka, topics: ITopicConfig[], timeoutMs = 60_000): Promise<void> {
  let last: unknown;
  await waitFor(`creating ${topics.map((t) => t.topic).join(', ')}`, async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.createTopics({ topics, waitForLeaders: true });
      return true;
    } catch (e) {
      last = e;
      const existing = await admin.listTopics().catch(() => [] as string[]);
      return topics.every((t) => existing.includes(t.topic));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }, timeoutMs, 500).catch((e: Error) => {
    throw new Error(`${e.message}; last error: ${(last as Error | undefined)?.message} ${JSON.stringify((last as { errors?: unknown } | undefined)?.errors ?? '')}`);
  });
}
