// Fetch sessions (KIP-227): a consumer that fetches many partitions registers them once and then sends
// only what changed (incremental fetches); the broker answers only partitions with news (records, a moved
// high watermark or log start offset, an error). Rules learned from Kafka's FetchSession:
//
//   session_id  epoch   meaning
//   0           -1      sessionless full fetch (no session created)
//   0            0      full fetch that creates a session; the answer carries its id
//   X            0      close session X, then as (0, 0)
//   X           -1      close session X; sessionless full fetch
//   X            N>0    incremental fetch in session X; N must be the epoch X expects next
//   0            N>0    INVALID_FETCH_SESSION_EPOCH
//
// Sessions belong to the broker, not to a connection (a client may reconnect and continue). The cache holds
// at most `maxSlots` sessions and evicts the least recently used one to make room. All calls run on the
// main thread.
import { randomInt } from 'node:crypto';
import { ErrorCode, type Fetch } from '../protocol/index.js';

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
/** Kafka's max.incremental.fetch.session.cache.slots default. */
export const DEFAULT_SESSION_SLOTS = 1000;

/** One partition as a session remembers it: what the client asked last, and what it was told last. */
export interface SessionPartition {
  readonly topic: string;
  readonly partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  /** The leader epoch the client knows (-1: unknown); every request that names the partition updates it. */
  currentLeaderEpoch: number;
  /** -1 until a response carried this partition. */
  lastHighWatermark: number;
  lastLogStartOffset: number;
}

export class FetchSession {
  readonly id: number;
  /** The epoch the next incremental request must carry. */
  nextEpoch = 1;
  lastUsedMs: number;
  /** Insertion-ordered: answers list partitions in the order they joined the session. */
  readonly partitions = new Map<string, SessionPartition>();

  constructor(id: number, now: number) {
    this.id = id;
    this.lastUsedMs = now;
  }
}

export class FetchSessionCache {
  readonly #maxSlots: number;
  readonly #sessions = new Map<number, FetchSession>();

  constructor(maxSlots = DEFAULT_SESSION_SLOTS) {
    this.#maxSlots = maxSlots;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The session, now the most recently used. */
  get(id: number): FetchSession | undefined {
    const s = this.#sessions.get(id);
    if (s) {
      // Map order is use order: re-inserting moves it to the end, so the first entry is the least recently used.
      this.#sessions.delete(id);
      this.#sessions.set(id, s);
    }
    return s;
  }

  remove(id: number): void {
    this.#sessions.delete(id);
  }

  /** A new session, evicting the least recently used one when full; null when sessions are disabled (0 slots). */
  create(now: number): FetchSession | null {
    if (this.#maxSlots <= 0) return null;
    if (this.#sessions.size >= this.#maxSlots) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    let id: number;
    do id = randomInt(1, 0x7fffffff); while (this.#sessions.has(id));
    const s = new FetchSession(id, now);
    this.#sessions.set(id, s);
    return s;
  }
}

/** What a Fetch request asks for once its session fields are applied. */
export type SessionResolution =
  | { readonly kind: 'error'; readonly errorCode: number }
  | {
    readonly kind: 'full' | 'incremental';
    /** The session the answer belongs to (its id goes in the response), or null for a sessionless fetch. */
    readonly session: FetchSession | null;
    /** The partitions to read, in answer order. */
    readonly partitions: readonly SessionPartition[];
  };

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function fromRequest(req: Fetch.FetchRequest): SessionPartition[] {
  return req.topics.flatMap((t) => t.partitions.map((p) => ({
    topic: t.topic, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch, lastHighWatermark: -1, lastLogStartOffset: -1,
  })));
}

/** Applies the request's session id and epoch (see the table at the top of this file). */
export function resolveSession(cache: FetchSessionCache, req: Fetch.FetchRequest, now: number): SessionResolution {
  const { sessionId, sessionEpoch } = req;
  if (sessionEpoch === FINAL_EPOCH || sessionEpoch === INITIAL_EPOCH) {
    if (sessionId !== 0) cache.remove(sessionId);
    const partitions = fromRequest(req);
    if (sessionEpoch === FINAL_EPOCH) return { kind: 'full', session: null, partitions };
    const session = cache.create(now);
    if (session) for (const p of partitions) session.partitions.set(key(p.topic, p.partition), p);
    return { kind: 'full', session, partitions };
  }
  if (sessionId === 0 || sessionEpoch < 0) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
  const session = cache.get(sessionId);
  if (!session) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
  if (sessionEpoch !== session.nextEpoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
  session.nextEpoch = sessionEpoch === 0x7fffffff ? 1 : sessionEpoch + 1;
  session.lastUsedMs = now;
  for (const f of req.forgottenTopicsData) for (const p of f.partitions) session.partitions.delete(key(f.topic, p));
  for (const p of fromRequest(req)) {
    const cached = session.partitions.get(key(p.topic, p.partition));
    if (cached) {
      cached.fetchOffset = p.fetchOffset;
      cached.partitionMaxBytes = p.partitionMaxBytes;
      cached.currentLeaderEpoch = p.currentLeaderEpoch;
    } else {
      session.partitions.set(key(p.topic, p.partition), p);
    }
  }
  return { kind: 'incremental', session, partitions: [...session.partitions.values()] };
}
