// The code a pool worker thread runs (loaded by piscina, one module per worker). Each task is one
// synchronous call into the same native addon the main thread uses: the addon's handle tables give the
// worker the main thread's partition logs and prepared responses, and the records arrive as views of
// SharedArrayBuffers, so nothing is copied on the way. Failures are returned, not thrown, because an
// Error crossing threads loses its `code` (the Kafka error name).
import { native, type AppendOptions, type AppendOutcome, type AppendResult, type CompactOptions, type CompactResult } from './native.js';

export interface TaskFailure {
  readonly failed: true;
  readonly code: string;
  readonly message: string;
}

function failure(err: unknown): TaskFailure {
  const code = (err as { code?: unknown } | null)?.code;
  return { failed: true, code: typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'UNKNOWN_SERVER_ERROR', message: (err as Error)?.message ?? String(err) };
}

export interface AppendTask {
  readonly handle: number;
  readonly records: Uint8Array[];
  readonly opts: AppendOptions;
}

export function append(t: AppendTask): AppendOutcome[] | TaskFailure {
  try {
    return native.appendByHandle(t.handle, t.records, t.opts);
  } catch (e) {
    return failure(e);
  }
}

export interface FollowerAppendTask {
  readonly handle: number;
  readonly records: Uint8Array;
  readonly nowMs: number;
}

export function appendAsFollower(t: FollowerAppendTask): AppendResult | TaskFailure {
  try {
    return native.appendAsFollowerByHandle(t.handle, t.records, t.nowMs);
  } catch (e) {
    return failure(e);
  }
}

export interface CompactTask {
  readonly handle: number;
  readonly options: CompactOptions;
}

export function compact(t: CompactTask): CompactResult | TaskFailure {
  try {
    return native.compactByHandle(t.handle, t.options);
  } catch (e) {
    return failure(e);
  }
}

export interface SendTask {
  readonly id: number;
  readonly waitMs: number;
}

export function send(t: SendTask): ReturnType<typeof native.sendPrepared> {
  return native.sendPrepared(t.id, t.waitMs);
}

/** Pulls a range from `PartitionLog.coldRange` into the page cache (waits for the disk here, not on the event loop). */
export function warm(id: number): TaskFailure | null {
  try {
    native.warmRange(id);
    return null;
  } catch (e) {
    return failure(e);
  }
}

/** A no-op round trip: what one hop to a worker and back costs (benchmarks), and a way to start threads. */
export function ping(n: number): number {
  return n;
}
