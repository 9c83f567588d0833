// Replication throttling on the leader, as Kafka's leader.replication.throttled.rate (KIP-73): bytes served to
// followers from partitions listed in the topic config leader.replication.throttled.replicas (as
// "partition:leaderBroker" entries, or "*") are metered; while their rate is above the limit, followers that
// are not in the ISR get nothing from those partitions (in-sync followers always do, so acks=all never
// waits on a throttle). The rate is measured over the last WINDOW_MS, as Kafka's quota window.

const WINDOW_MS = 10_000;
const SAMPLE_MS = 1000;

/** A byte rate over a sliding window of one-second samples. */
export class ReplicationThrottle {
  readonly #samples: Array<{ start: number; bytes: number }> = [];

  record(bytes: number, now = Date.now()): void {
    if (bytes <= 0) return;
    const last = this.#samples.at(-1);
    if (last && now - last.start < SAMPLE_MS) last.bytes += bytes;
    else this.#samples.push({ start: now, bytes });
    this.#trim(now);
  }

  /** Bytes per second over the window (measured from its first sample, at least one second). */
  rate(now = Date.now()): number {
    this.#trim(now);
    const first = this.#samples[0];
    if (!first) return 0;
    const total = this.#samples.reduce((n, s) => n + s.bytes, 0);
    return total / (Math.max(SAMPLE_MS, now - first.start) / 1000);
  }

  exceeded(limitBytesPerSecond: number, now = Date.now()): boolean {
    return this.rate(now) > limitBytesPerSecond;
  }

  #trim(now: number): void {
    while (this.#samples.length > 0 && now - this.#samples[0]!.start > WINDOW_MS) this.#samples.shift();
  }
}

/**
 * Whether a topic's `leader.replication.throttled.replicas` (or `follower.replication.throttled.replicas`)
 * throttles `partition` on broker `brokerId`: the leader's id for the first, the follower's for the second.
 */
export function isReplicaThrottled(throttledReplicas: readonly string[] | undefined, partition: number, brokerId: number): boolean {
  if (!throttledReplicas || throttledReplicas.length === 0) return false;
  return throttledReplicas.some((e) => e === '*' || e === `${partition}:${brokerId}`);
}
