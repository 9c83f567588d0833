// The leader's replication throttle (leader.replication.throttled.rate): which partitions a topic's
// leader.replication.throttled.replicas covers, and the byte rate measured over a sliding window.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationThrottle, isReplicaThrottled } from '../../../src/broker/replication-throttle.js';

describe('replication throttle', () => {
  test('leader.replication.throttled.replicas names partition:leader entries, or * for all', () => {
    assert.equal(isReplicaThrottled(undefined, 0, 1), false);
    assert.equal(isReplicaThrottled([], 0, 1), false);
    assert.equal(isReplicaThrottled(['0:1', '0:2'], 0, 1), true);
    assert.equal(isReplicaThrottled(['0:1', '0:2'], 0, 3), false, 'another leader');
    assert.equal(isReplicaThrottled(['0:1', '0:2'], 1, 1), false, 'another partition');
    assert.equal(isReplicaThrottled(['*'], 7, 9), true);
  });

  test('the rate is bytes over the window since its first sample, at least one second', () => {
    const t = new ReplicationThrottle();
    const t0 = 1_000_000;
    assert.equal(t.rate(t0), 0);
    assert.equal(t.exceeded(100, t0), false);
    t.record(1_000_000, t0);
    assert.equal(t.rate(t0 + 10), 1_000_000, 'within the first second: bytes per one second');
    assert.equal(t.exceeded(100_000, t0 + 10), true);
    // Ten seconds later the same megabyte is 100 kB/s: just at the limit, no longer above it.
    assert.equal(t.rate(t0 + 10_000), 100_000);
    assert.equal(t.exceeded(100_000, t0 + 10_000), false);
    // Older than the window: forgotten.
    assert.equal(t.rate(t0 + 10_001), 0);
    t.record(0, t0 + 20_000);
    assert.equal(t.rate(t0 + 20_000), 0, 'recording nothing adds no sample');
  });
});
