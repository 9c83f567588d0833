// The transaction coordinator (Kafka's core/.../coordinator/transaction): it hands transactional producers
// their producer id and epoch, records which partitions a transaction touched, and ends transactions by
// writing COMMIT/ABORT markers to every one of them. Its state lives in the internal compacted topic
// __transaction_state (Kafka's record formats, see transaction-log.ts), one record per transactional id.
//
// Durability contract: every state change is appended to the transactional id's __transaction_state
// partition (and, in a cluster, replicated to its ISR) *before* it is acted on or answered, as in Kafka:
// PrepareCommit/PrepareAbort is durable before the producer is told and before any marker is written, so a
// coordinator that restarts (or a new leader that loads the partition) finds a prepared transaction and
// finishes it. A transaction past its transaction.timeout.ms is aborted with a bumped epoch (the zombie is
// fenced); an id unused for transactional.id.expiration.ms is removed with a tombstone.
//
// Ownership: on a single node this broker coordinates every transactional id; in a cluster only those whose
// __transaction_state partition it leads. A partition's transactions are replayed when it becomes leader and
// dropped when it stops; the coordinator epoch is the partition's leader epoch.
//
// Threading: main thread only. One state change per transactional id at a time: while a write or the
// markers of an ending transaction are in flight the id is "pending", and requests that would change it get
// CONCURRENT_TRANSACTIONS (the client retries), as Kafka does.
import { buildRecordBatch, readRecordBatches, type InternalRecord, type LogManager, type Partition } from '../log/index.js';
import type { MetadataStore } from '../metadata/index.js';
import type { BrokerConfig } from '../config/index.js';
import { ErrorCode } from '../protocol/index.js';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../group/index.js';
import {
  TRANSACTION_STATE_TOPIC, TXN_STATE_NAMES, TxnState, decodeTransactionLogKey, decodeTransactionLogValue, encodeTransactionLogKey,
  encodeTransactionLogValue, transactionStatePartitionFor, type TopicPartitionRef, type TxnStateId, type TransactionLogValue,
} from './transaction-log.js';

/** Kafka's RecordBatch.NO_PRODUCER_EPOCH / NO_PRODUCER_ID. */
const NO_EPOCH = -1;
const NO_PRODUCER_ID = -1;
/** Short.MaxValue: epochs stop one below it (isEpochExhausted: epoch >= Short.MaxValue - 1). */
const MAX_EPOCH = 32767;

export interface TxnLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One COMMIT/ABORT marker for some partitions (the seam with the log side's ReplicaManager.appendTxnMarkers). */
export interface TxnMarkerRequest {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly coordinatorEpoch: number;
  readonly commit: boolean;
  readonly partitions: ReadonlyArray<TopicPartitionRef>;
}

export interface TxnMarkerOutcome {
  readonly producerId: number;
  readonly partitions: Array<{ topic: string; partition: number; errorCode: number }>;
}

/** What the broker gives the coordinator: producer ids, marker writing and cluster facts. */
export interface TxnCoordinatorHost {
  nextProducerId(): Promise<number>;
  /** Writes markers wherever the partitions' leaders are (this broker or others); one outcome per marker. */
  writeTxnMarkers(markers: readonly TxnMarkerRequest[]): Promise<TxnMarkerOutcome[]>;
  /** Whether a topic partition exists (AddPartitionsToTxn refuses others with UNKNOWN_TOPIC_OR_PARTITION). */
  partitionExists(topic: string, partition: number): boolean;
  /** Releases what the host holds for the coordinator (connections to other brokers). */
  close?(): void;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export interface EndTxnResult {
  errorCode: number;
  /** The producer id and epoch to continue with (EndTxn v5, KIP-890); -1 otherwise. */
  producerId: number;
  producerEpoch: number;
}

/** A transaction as DescribeTransactions and ListTransactions show it. */
export interface TransactionDescription {
  transactionalId: string;
  state: string;
  producerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  partitions: TopicPartitionRef[];
}

/** What /metrics shows of the coordinator: transactions per state and the ends it has completed. */
export interface TxnCoordinatorStats {
  /** Transactional ids this broker coordinates, per state name (every state, zero when none). */
  states: Record<string, number>;
  /** Transactions completed since start: committed, aborted (any cause) and aborted past transaction.timeout.ms. */
  committed: number;
  aborted: number;
  timedOut: number;
  /** Start time (ms) of the oldest open transaction (Ongoing, PrepareCommit or PrepareAbort), or undefined. */
  oldestOpenStartMs: number | undefined;
}

/** The coordinator's record of one transactional id (Kafka's TransactionMetadata). */
class TxnMetadata {
  producerId: number;
  previousProducerId = NO_PRODUCER_ID;
  producerEpoch: number;
  /** The epoch before the last bump by InitProducerId (in memory only, as in Kafka): lets a retried bump succeed. */
  lastProducerEpoch = NO_EPOCH;
  timeoutMs: number;
  state: TxnStateId;
  readonly partitions = new Map<string, TopicPartitionRef>();
  startTimestamp = -1;
  lastUpdateTimestamp: number;
  /** A state change (write, or the markers of an ending transaction) is in flight. */
  pending = false;
  /** The ending transaction is aborted because it ran past its timeout (counted as timed out when complete). */
  timedOut = false;
  constructor(readonly transactionalId: string, producerId: number, producerEpoch: number, timeoutMs: number, state: TxnStateId, now: number) {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.timeoutMs = timeoutMs;
    this.state = state;
    this.lastUpdateTimestamp = now;
  }

  get epochExhausted(): boolean {
    return this.producerEpoch >= MAX_EPOCH - 1;
  }
}

interface Transition {
  state: TxnStateId;
  producerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  previousProducerId: number;
  timeoutMs: number;
  partitions: TopicPartitionRef[];
  startTimestamp: number;
  now: number;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class TransactionCoordinator {
  readonly #config: BrokerConfig;
  readonly #metadata: MetadataStore;
  readonly #logs: LogManager;
  readonly #log: TxnLogger;
  readonly #host: TxnCoordinatorHost;
  readonly #txns = new Map<string, TxnMetadata>();
  /** Coordinator epoch per loaded __transaction_state partition. */
  readonly #loaded = new Map<number, number>();
  #owned: ((partition: number) => boolean) | undefined;
  #replicated: ((partition: number, nextOffset: number) => Promise<void>) | undefined;
  #leaderEpoch: ((partition: number) => number) | undefined;
  /** Replica lists for a new __transaction_state (clusters: transaction.state.log.replication.factor among live brokers). */
  topicAssignment: ((partitions: number) => number[][]) | undefined;
  #creatingTopic: Promise<boolean> | undefined;
  #abortTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #completed = { committed: 0, aborted: 0, timedOut: 0 };

  constructor(config: BrokerConfig, metadata: MetadataStore, logs: LogManager, log: TxnLogger, host: TxnCoordinatorHost) {
    this.#config = config;
    this.#metadata = metadata;
    this.#logs = logs;
    this.#log = log;
    this.#host = host;
  }

  /** Replays __transaction_state (single node) and starts the timeout and expiry checks. Call once, before serving. */
  start(): void {
    if (!this.#owned && this.#metadata.getTopic(TRANSACTION_STATE_TOPIC)) {
      for (const part of this.#logs.getPartitions(TRANSACTION_STATE_TOPIC) ?? []) this.loadPartition(part.partition);
    }
    const abortEvery = this.#config['transaction.abort.timed.out.transaction.cleanup.interval.ms'];
    this.#abortTimer = setInterval(() => this.abortTimedOutTransactions(), Math.min(abortEvery, 2 ** 31 - 1)).unref();
    const expireEvery = this.#config['transaction.remove.expired.transaction.cleanup.interval.ms'];
    this.#expiryTimer = setInterval(() => {
      this.removeExpiredTransactionalIds().catch((e: unknown) => this.#log.error({ err: e }, 'removing expired transactional ids failed'));
    }, Math.min(expireEvery, 2 ** 31 - 1)).unref();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#abortTimer);
    clearInterval(this.#expiryTimer);
    this.#host.close?.();
  }

  /**
   * In a cluster this broker coordinates only the transactional ids whose __transaction_state partition it
   * leads; `replicated` resolves once a write at the given next offset is on every in-sync replica, and
   * `leaderEpoch` gives the partition's leader epoch (the coordinator epoch of its markers).
   */
  setOwnership(owned: (partition: number) => boolean, replicated: (partition: number, nextOffset: number) => Promise<void>, leaderEpoch: (partition: number) => number): void {
    this.#owned = owned;
    this.#replicated = replicated;
    this.#leaderEpoch = leaderEpoch;
  }

  /** The __transaction_state partition of `transactionalId`, or undefined before the topic exists. */
  partitionFor(transactionalId: string): number | undefined {
    const t = this.#metadata.getTopic(TRANSACTION_STATE_TOPIC);
    return t ? transactionStatePartitionFor(transactionalId, t.partitions) : undefined;
  }

  /** Whether this broker coordinates `transactionalId` now (its partition is loaded). */
  owns(transactionalId: string): boolean {
    const p = this.partitionFor(transactionalId);
    return p !== undefined && this.#loaded.has(p) && (!this.#owned || this.#owned(p));
  }

  /** The error for a request about an id this broker does not coordinate (NOT_COORDINATOR), or NONE. */
  #ownershipError(transactionalId: string): number {
    if (this.#closed) return ErrorCode.NOT_COORDINATOR;
    const p = this.partitionFor(transactionalId);
    if (p === undefined) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.#owned && !this.#owned(p)) return ErrorCode.NOT_COORDINATOR;
    if (!this.#loaded.has(p)) return this.#owned ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }

  /**
   * Creates __transaction_state when it does not exist yet (Kafka does this on the first FindCoordinator for a
   * transactional id); resolves false when it cannot. Concurrent callers share one creation.
   */
  ensureTopic(): Promise<boolean> {
    if (this.#metadata.getTopic(TRANSACTION_STATE_TOPIC)) return Promise.resolve(true);
    this.#creatingTopic ??= (async () => {
      try {
        const partitions = this.#config['transaction.state.log.num.partitions'];
        const replicas = this.topicAssignment?.(partitions) ?? Array.from({ length: partitions }, () => [this.#config['broker.id']]);
        const rf = replicas[0]?.length ?? 1;
        const configs = {
          'cleanup.policy': 'compact',
          'compression.type': 'uncompressed',
          'segment.bytes': String(this.#config['transaction.state.log.segment.bytes']),
          'min.insync.replicas': String(Math.min(this.#config['transaction.state.log.min.isr'], rf)),
          'unclean.leader.election.enable': 'false',
        };
        if (!this.#metadata.getTopic(TRANSACTION_STATE_TOPIC)) await this.#metadata.createTopic({ name: TRANSACTION_STATE_TOPIC, partitions, replicationFactor: rf, replicas, configs, internal: true });
        this.#logs.openTopic(TRANSACTION_STATE_TOPIC, partitions, configs);
        // A single node leads every partition at once; a cluster loads them as leadership comes.
        if (!this.#owned) for (let p = 0; p < partitions; p++) this.loadPartition(p);
        this.#log.info({ topic: TRANSACTION_STATE_TOPIC, partitions, replicationFactor: rf }, 'created the internal transaction state topic');
        return true;
      } catch (e) {
        this.#log.error({ err: e }, `cannot create ${TRANSACTION_STATE_TOPIC}`);
        return this.#metadata.getTopic(TRANSACTION_STATE_TOPIC) !== undefined;
      } finally {
        this.#creatingTopic = undefined;
      }
    })();
    return this.#creatingTopic;
  }

  // ---- loading (leadership) ------------------------------------------------------

  /** Became leader of a __transaction_state partition: replay it, then finish the transactions it left prepared. */
  loadPartition(partition: number): void {
    const part = this.#logs.getPartition(TRANSACTION_STATE_TOPIC, partition);
    if (!part || this.#closed) return;
    this.unloadPartition(partition);
    const started = Date.now();
    const values = new Map<string, TransactionLogValue | null>();
    const records = this.#replay(part, values);
    const coordinatorEpoch = this.#leaderEpoch?.(partition) ?? part.leaderEpoch;
    this.#loaded.set(partition, coordinatorEpoch);
    const unfinished: TxnMetadata[] = [];
    for (const [id, v] of values) {
      if (v === null || v.state === TxnState.Dead) continue;
      const m = new TxnMetadata(id, v.producerId, v.producerEpoch, v.transactionTimeoutMs, v.state, v.lastUpdateTimestampMs);
      m.previousProducerId = v.previousProducerId;
      m.startTimestamp = v.startTimestampMs;
      for (const p of v.partitions) m.partitions.set(tpKey(p.topic, p.partition), { topic: p.topic, partition: p.partition });
      this.#txns.set(id, m);
      if (v.state === TxnState.PrepareCommit || v.state === TxnState.PrepareAbort) unfinished.push(m);
    }
    if (records > 0) this.#log.info({ partition, transactionalIds: values.size, records, coordinatorEpoch, ms: Date.now() - started }, 'loaded the transactions of a __transaction_state partition');
    // Prepared transactions are finished by this coordinator: their markers go out again (markers are idempotent).
    for (const m of unfinished) {
      m.pending = true;
      void this.#finish(m, m.state === TxnState.PrepareCommit, coordinatorEpoch);
    }
  }

  /** No longer leader of a __transaction_state partition: forget its transactions (the new leader finishes them). */
  unloadPartition(partition: number): void {
    this.#loaded.delete(partition);
    const t = this.#metadata.getTopic(TRANSACTION_STATE_TOPIC);
    if (!t) return;
    for (const id of [...this.#txns.keys()]) if (transactionStatePartitionFor(id, t.partitions) === partition) this.#txns.delete(id);
  }

  #replay(part: Partition, values: Map<string, TransactionLogValue | null>): number {
    let offset = part.logStartOffset;
    let records = 0;
    while (offset < part.logEndOffset) {
      let next: number;
      try {
        const r = part.read(offset, 8 << 20, true);
        if (r.records.length === 0) break;
        next = readRecordBatches(r.records, (rec) => {
          records++;
          try {
            const id = decodeTransactionLogKey(rec.key);
            if (id === undefined) return;
            values.set(id, rec.value === null ? null : decodeTransactionLogValue(rec.value));
          } catch (e) {
            this.#log.warn({ partition: part.partition, offset: rec.offset, err: e }, 'skipped an unreadable __transaction_state record');
          }
        });
      } catch (e) {
        this.#log.error({ partition: part.partition, offset, err: e }, 'cannot replay __transaction_state from here on; the rest of this partition is ignored');
        break;
      }
      if (next <= offset) break;
      offset = next;
    }
    return records;
  }

  // ---- InitProducerId ------------------------------------------------------------

  /**
   * InitProducerId with a transactional id: a new producer id (epoch 0) for a new id, else the same id with a
   * bumped epoch, fencing the previous producer. An ongoing transaction is aborted first (the answer is then
   * CONCURRENT_TRANSACTIONS, and the client retries). `expected` is the producer's current id and epoch
   * (v3+, KIP-360) when it tries to continue after an error.
   */
  async initProducerId(transactionalId: string, timeoutMs: number, expected?: { producerId: number; producerEpoch: number }): Promise<InitProducerIdResult> {
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > this.#config['transaction.max.timeout.ms']) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    if (!(await this.ensureTopic())) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const owner = this.#ownershipError(transactionalId);
    if (owner !== ErrorCode.NONE) return fail(owner);
    let m = this.#txns.get(transactionalId);
    if (!m) {
      let producerId: number;
      try {
        producerId = await this.#host.nextProducerId();
      } catch (e) {
        this.#log.error({ err: e }, 'allocating a producer id failed');
        return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      }
      const again = this.#ownershipError(transactionalId);
      if (again !== ErrorCode.NONE) return fail(again);
      m = this.#txns.get(transactionalId);
      if (!m) {
        m = new TxnMetadata(transactionalId, producerId, NO_EPOCH, timeoutMs, TxnState.Empty, Date.now());
        this.#txns.set(transactionalId, m);
      }
    }
    if (m.pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (expected && expected.producerId >= 0) {
      // KIP-360: fence unless the metadata is new, the id is current, or it is the previous id with an exhausted epoch (a retried rotation).
      const valid = m.producerEpoch === NO_EPOCH || expected.producerId === m.producerId
        || (expected.producerId === m.previousProducerId && expected.producerEpoch >= MAX_EPOCH - 1);
      if (!valid) return fail(ErrorCode.PRODUCER_FENCED);
    }
    const exp = expected && expected.producerId >= 0 ? expected : undefined;
    const now = Date.now();
    switch (m.state) {
      case TxnState.PrepareCommit:
      case TxnState.PrepareAbort:
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.Ongoing: {
        // Fence the current producer by aborting its transaction with a bumped epoch; the client retries and
        // then gets the epoch bumped once more (or a new producer id if that exhausted the epochs).
        const fenced = m.epochExhausted ? m.producerEpoch : m.producerEpoch + 1;
        const r = await this.#beginEnd(m, false, fenced, undefined, now);
        return fail(r === ErrorCode.NONE ? ErrorCode.CONCURRENT_TRANSACTIONS : r);
      }
      case TxnState.Empty:
      case TxnState.CompleteCommit:
      case TxnState.CompleteAbort: {
        let t: Transition;
        if (m.epochExhausted && (!exp || exp.producerEpoch === m.producerEpoch)) {
          let producerId: number;
          try {
            producerId = await this.#host.nextProducerId();
          } catch (e) {
            this.#log.error({ err: e }, 'allocating a producer id failed');
            return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
          }
          if (m.pending || this.#txns.get(transactionalId) !== m) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
          t = ({ state: TxnState.Empty, producerId, producerEpoch: 0, lastProducerEpoch: exp ? m.producerEpoch : NO_EPOCH, previousProducerId: m.producerId, timeoutMs, partitions: [], startTimestamp: -1, now });
        } else {
          let epoch: number;
          let lastEpoch: number;
          if (!exp) [epoch, lastEpoch] = [m.producerEpoch + 1, NO_EPOCH];
          else if (m.producerEpoch === NO_EPOCH || exp.producerEpoch === m.producerEpoch) [epoch, lastEpoch] = [m.producerEpoch + 1, m.producerEpoch];
          else if (exp.producerEpoch === m.lastProducerEpoch) [epoch, lastEpoch] = [m.producerEpoch, m.lastProducerEpoch]; // a retried bump
          else return fail(ErrorCode.PRODUCER_FENCED);
          t = ({ state: TxnState.Empty, producerId: m.producerId, producerEpoch: epoch, lastProducerEpoch: lastEpoch, previousProducerId: m.previousProducerId, timeoutMs, partitions: [], startTimestamp: -1, now });
        }
        const err = await this.#persist(m, t);
        if (err !== ErrorCode.NONE) return fail(err);
        this.#log.info({ transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch, partition: this.partitionFor(transactionalId) }, 'initialized a transactional producer');
        return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
      }
      default:
        this.#log.error({ transactionalId, state: TXN_STATE_NAMES[m.state] }, 'InitProducerId found a transactional id in a state it should never be in');
        return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ---------------------------------------

  /**
   * Adds partitions to the producer's transaction (starting it when none is ongoing). Returns one error code
   * per partition: a partition of an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION and the others
   * OPERATION_NOT_ATTEMPTED; otherwise every partition gets the transaction's answer.
   */
  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartitionRef[]): Promise<Map<string, number>> {
    const all = (code: number) => new Map(partitions.map((p) => [tpKey(p.topic, p.partition), code]));
    const unknown = partitions.filter((p) => !this.#host.partitionExists(p.topic, p.partition));
    if (unknown.length > 0) {
      const out = all(ErrorCode.OPERATION_NOT_ATTEMPTED);
      for (const p of unknown) out.set(tpKey(p.topic, p.partition), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      return out;
    }
    return all(await this.#add(transactionalId, producerId, producerEpoch, partitions));
  }

  /** AddOffsetsToTxn: adds the group's __consumer_offsets partition to the transaction. */
  async addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string, ensureOffsetsTopic: () => Promise<boolean>): Promise<number> {
    if (!(await ensureOffsetsTopic())) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const t = this.#metadata.getTopic(OFFSETS_TOPIC);
    if (!t) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return this.#add(transactionalId, producerId, producerEpoch, [{ topic: OFFSETS_TOPIC, partition: offsetsPartitionFor(groupId, t.partitions) }]);
  }

  async #add(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartitionRef[]): Promise<number> {
    const owner = this.#ownershipError(transactionalId);
    if (owner !== ErrorCode.NONE) return owner;
    const m = this.#txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (m.pending) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (m.state === TxnState.Ongoing && partitions.every((p) => m.partitions.has(tpKey(p.topic, p.partition)))) return ErrorCode.NONE;
    if (m.state !== TxnState.Ongoing && m.state !== TxnState.Empty && m.state !== TxnState.CompleteCommit && m.state !== TxnState.CompleteAbort) return ErrorCode.INVALID_TXN_STATE;
    const now = Date.now();
    const starting = m.state !== TxnState.Ongoing;
    const merged = new Map(starting ? [] : m.partitions);
    for (const p of partitions) merged.set(tpKey(p.topic, p.partition), { topic: p.topic, partition: p.partition });
    const t = ({
      state: TxnState.Ongoing, producerId: m.producerId, producerEpoch: m.producerEpoch, lastProducerEpoch: m.lastProducerEpoch, previousProducerId: m.previousProducerId,
      timeoutMs: m.timeoutMs, partitions: [...merged.values()], startTimestamp: starting ? now : m.startTimestamp, now,
    });
    return this.#persist(m, t);
  }

  /**
   * The verifier the ReplicaManager calls for a transactional produce (and AddPartitionsToTxn v4+ verify_only):
   * per partition, NONE when it is in the producer's ongoing transaction, else Kafka's error.
   */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartitionRef[]): Map<string, number> {
    const codes = new Map<string, number>();
    const all = (code: number) => {
      for (const p of partitions) codes.set(`${p.topic}-${p.partition}`, code);
      return codes;
    };
    const owner = this.#ownershipError(transactionalId);
    if (owner !== ErrorCode.NONE) return all(owner);
    const m = this.#txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== producerEpoch) return all(ErrorCode.PRODUCER_FENCED);
    if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) return all(ErrorCode.CONCURRENT_TRANSACTIONS);
    for (const p of partitions) codes.set(`${p.topic}-${p.partition}`, m.state === TxnState.Ongoing && m.partitions.has(tpKey(p.topic, p.partition)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
    return codes;
  }

  // ---- EndTxn ------------------------------------------------------------------------

  /**
   * EndTxn: PrepareCommit/PrepareAbort is made durable and answered; the markers and the Complete state follow
   * in the background (requests in between get CONCURRENT_TRANSACTIONS). A retry of an end that completed is
   * answered NONE. With `bumpEpoch` (EndTxn v5, KIP-890 part 2) the epoch is bumped at every end and returned.
   */
  async endTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean, bumpEpoch = false): Promise<EndTxnResult> {
    const fail = (errorCode: number): EndTxnResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    const owner = this.#ownershipError(transactionalId);
    if (owner !== ErrorCode.NONE) return fail(owner);
    const m = this.#txns.get(transactionalId);
    if (!m || m.producerId !== producerId) {
      // KIP-890: a retried v5 end whose epoch bump rotated the producer id answers with the new id.
      if (m && bumpEpoch && m.previousProducerId === producerId && this.#retriedEnd(m, commit)) return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
      return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    }
    const ok = (): EndTxnResult => ({ errorCode: ErrorCode.NONE, producerId: bumpEpoch ? m.producerId : -1, producerEpoch: bumpEpoch ? m.producerEpoch : -1 });
    // A v5 retry of an end that already bumped the epoch presents the epoch before the bump.
    if (bumpEpoch && producerEpoch === m.producerEpoch - 1) {
      if (m.pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      if (this.#retriedEnd(m, commit)) return ok();
    }
    if (producerEpoch !== m.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED);
    if (m.pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    switch (m.state) {
      case TxnState.Ongoing: {
        let epoch = m.producerEpoch;
        let newProducerId: number | undefined;
        if (bumpEpoch) {
          if (m.epochExhausted) {
            try {
              newProducerId = await this.#host.nextProducerId();
            } catch {
              return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
            }
            if (m.pending || m.state !== TxnState.Ongoing) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
          }
          epoch = m.producerEpoch + 1;
        }
        const r = await this.#beginEnd(m, commit, epoch, newProducerId, Date.now());
        return r === ErrorCode.NONE ? ok() : fail(r);
      }
      case TxnState.CompleteCommit:
        return commit && !bumpEpoch ? ok() : fail(ErrorCode.INVALID_TXN_STATE);
      case TxnState.CompleteAbort:
        return !commit && !bumpEpoch ? ok() : fail(ErrorCode.INVALID_TXN_STATE);
      case TxnState.PrepareCommit:
        return fail(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
      case TxnState.PrepareAbort:
        return fail(!commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
      case TxnState.Empty:
        // KIP-890: a v5 producer may end an empty transaction (an abort after an error before any send).
        if (bumpEpoch && !commit) {
          const r = await this.#bumpEmpty(m);
          return r === ErrorCode.NONE ? ok() : fail(r);
        }
        return fail(ErrorCode.INVALID_TXN_STATE);
      default:
        return fail(ErrorCode.INVALID_TXN_STATE);
    }
  }

  /** Whether the transaction just completed the way a retried end asks. */
  #retriedEnd(m: TxnMetadata, commit: boolean): boolean {
    return !m.pending && ((commit && m.state === TxnState.CompleteCommit) || (!commit && m.state === TxnState.CompleteAbort));
  }

  async #bumpEmpty(m: TxnMetadata): Promise<number> {
    if (m.epochExhausted) return ErrorCode.INVALID_TXN_STATE;
    const now = Date.now();
    const t = ({ state: TxnState.Empty, producerId: m.producerId, producerEpoch: m.producerEpoch + 1, lastProducerEpoch: m.producerEpoch, previousProducerId: m.previousProducerId, timeoutMs: m.timeoutMs, partitions: [], startTimestamp: -1, now });
    return this.#persist(m, t);
  }

  /**
   * Writes PrepareCommit/PrepareAbort (with `epoch`, and `newProducerId` when the epochs ran out) and then, in
   * the background, the markers and the Complete state. Resolves with the prepare write's error code.
   */
  async #beginEnd(m: TxnMetadata, commit: boolean, epoch: number, newProducerId: number | undefined, now: number): Promise<number> {
    const t = ({
      state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, producerId: m.producerId, producerEpoch: epoch, lastProducerEpoch: m.lastProducerEpoch,
      previousProducerId: m.previousProducerId, timeoutMs: m.timeoutMs, partitions: [...m.partitions.values()], startTimestamp: m.startTimestamp, now,
    });
    const err = await this.#persist(m, t, true);
    if (err !== ErrorCode.NONE) return err;
    const coordinatorEpoch = this.#loaded.get(this.partitionFor(m.transactionalId)!) ?? 0;
    void this.#finish(m, commit, coordinatorEpoch, newProducerId);
    return ErrorCode.NONE;
  }

  /**
   * Writes the markers of a prepared transaction until every partition has them (retrying with backoff while
   * leaders move), then the Complete state. `m` is pending throughout; it stays pending if this coordinator
   * loses the partition (the new leader finishes the transaction).
   */
  async #finish(m: TxnMetadata, commit: boolean, coordinatorEpoch: number, newProducerId?: number): Promise<void> {
    m.pending = true;
    let remaining = [...m.partitions.values()];
    let backoffMs = 50;
    const producerId = m.producerId;
    const producerEpoch = m.producerEpoch;
    const current = () => !this.#closed && this.#txns.get(m.transactionalId) === m && this.#loaded.get(this.partitionFor(m.transactionalId) ?? -1) === coordinatorEpoch;
    while (remaining.length > 0 && current()) {
      let outcome: TxnMarkerOutcome[];
      try {
        outcome = await this.#host.writeTxnMarkers([{ producerId, producerEpoch, coordinatorEpoch, commit, partitions: remaining }]);
      } catch (e) {
        this.#log.warn({ transactionalId: m.transactionalId, err: (e as Error).message }, 'writing transaction markers failed; retrying');
        outcome = [];
      }
      const failed = new Set<string>();
      for (const o of outcome) {
        for (const p of o.partitions) {
          // Done: written, or the topic is gone (Kafka drops markers for deleted partitions), or the partition
          // already has a newer producer epoch (the marker is stale). Everything else is retried.
          const done = p.errorCode === ErrorCode.NONE || p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || p.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH || p.errorCode === ErrorCode.PRODUCER_FENCED;
          if (!done) failed.add(tpKey(p.topic, p.partition));
        }
      }
      const answered = new Set(outcome.flatMap((o) => o.partitions.map((p) => tpKey(p.topic, p.partition))));
      remaining = remaining.filter((p) => failed.has(tpKey(p.topic, p.partition)) || !answered.has(tpKey(p.topic, p.partition)));
      if (remaining.length === 0) break;
      await new Promise((r) => setTimeout(r, backoffMs).unref());
      backoffMs = Math.min(backoffMs * 2, 1000);
    }
    if (!current()) return;
    const now = Date.now();
    const rotate = newProducerId !== undefined;
    const t = ({
      state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, producerId: rotate ? newProducerId : m.producerId, producerEpoch: rotate ? 0 : m.producerEpoch,
      lastProducerEpoch: m.lastProducerEpoch, previousProducerId: rotate ? m.producerId : m.previousProducerId, timeoutMs: m.timeoutMs, partitions: [], startTimestamp: m.startTimestamp, now,
    });
    let completed = false;
    for (let attempt = 0; current(); attempt++) {
      const err = await this.#persist(m, t, true);
      completed = err === ErrorCode.NONE;
      if (completed) break;
      if (attempt === 0) this.#log.warn({ transactionalId: m.transactionalId, error: err }, 'writing the completed transaction state failed; retrying');
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)).unref());
    }
    m.pending = false;
    if (completed) {
      if (commit) this.#completed.committed++;
      else this.#completed.aborted++;
      if (m.timedOut) this.#completed.timedOut++;
    }
    m.timedOut = false;
    this.#log.info({ transactionalId: m.transactionalId, producerId, producerEpoch, result: commit ? 'commit' : 'abort', partitions: t.partitions.length === 0 ? undefined : t.partitions.length }, 'completed a transaction');
  }

  // ---- timeouts and expiry ---------------------------------------------------------------

  /** Aborts ongoing transactions past their timeout, fencing their producer with a bumped epoch (as Kafka does). */
  abortTimedOutTransactions(now = Date.now()): number {
    let aborted = 0;
    for (const m of this.#txns.values()) {
      if (m.state !== TxnState.Ongoing || m.pending || m.startTimestamp < 0 || now <= m.startTimestamp + m.timeoutMs) continue;
      if (this.#ownershipError(m.transactionalId) !== ErrorCode.NONE) continue;
      aborted++;
      const fenced = m.epochExhausted ? m.producerEpoch : m.producerEpoch + 1;
      m.timedOut = true;
      this.#log.info({ transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch, timeoutMs: m.timeoutMs, startedMs: now - m.startTimestamp }, 'aborting a transaction past its transaction.timeout.ms');
      void this.#beginEnd(m, false, fenced, undefined, now).then((err) => {
        if (err === ErrorCode.NONE) return;
        m.timedOut = false;
        this.#log.warn({ transactionalId: m.transactionalId, error: err }, 'aborting a timed out transaction failed; it is tried again');
      });
    }
    return aborted;
  }

  /** Removes transactional ids without a transaction for transactional.id.expiration.ms (tombstones). */
  async removeExpiredTransactionalIds(now = Date.now()): Promise<number> {
    const ttl = this.#config['transactional.id.expiration.ms'];
    const doomed = [...this.#txns.values()].filter((m) => !m.pending && (m.state === TxnState.Empty || m.state === TxnState.CompleteCommit || m.state === TxnState.CompleteAbort)
      && now - m.lastUpdateTimestamp >= ttl && this.#ownershipError(m.transactionalId) === ErrorCode.NONE);
    let removed = 0;
    for (const m of doomed) {
      m.pending = true;
      try {
        await this.#append(m.transactionalId, null);
        if (this.#txns.get(m.transactionalId) === m) this.#txns.delete(m.transactionalId);
        removed++;
      } catch (e) {
        this.#log.warn({ transactionalId: m.transactionalId, err: (e as Error).message }, 'removing an expired transactional id failed');
      } finally {
        m.pending = false;
      }
    }
    if (removed > 0) this.#log.info({ removed }, 'removed expired transactional ids');
    return removed;
  }

  // ---- administration ----------------------------------------------------------------------

  /** DescribeTransactions for one id: NOT_COORDINATOR, TRANSACTIONAL_ID_NOT_FOUND or the transaction. */
  describe(transactionalId: string): { errorCode: number; txn?: TransactionDescription } {
    const owner = this.#ownershipError(transactionalId);
    if (owner !== ErrorCode.NONE) return { errorCode: owner };
    const m = this.#txns.get(transactionalId);
    if (!m) return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    return { errorCode: ErrorCode.NONE, txn: describe(m) };
  }

  /** ListTransactions: the ids this broker coordinates, filtered by state names and producer ids (empty: all). */
  list(states: readonly string[], producerIds: readonly number[]): TransactionDescription[] {
    const s = new Set(states);
    const p = new Set(producerIds);
    return [...this.#txns.values()]
      .filter((m) => this.#ownershipError(m.transactionalId) === ErrorCode.NONE && (s.size === 0 || s.has(TXN_STATE_NAMES[m.state])) && (p.size === 0 || p.has(m.producerId)))
      .map(describe);
  }

  /** Transactions per state, completed-transaction counts and the oldest open transaction, for /metrics. */
  stats(): TxnCoordinatorStats {
    const states: Record<string, number> = {};
    for (const name of Object.values(TXN_STATE_NAMES)) states[name] = 0;
    let oldest: number | undefined;
    for (const m of this.#txns.values()) {
      if (this.#ownershipError(m.transactionalId) !== ErrorCode.NONE) continue;
      const name = TXN_STATE_NAMES[m.state];
      states[name] = (states[name] ?? 0) + 1;
      const open = m.state === TxnState.Ongoing || m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort;
      if (open && m.startTimestamp >= 0 && (oldest === undefined || m.startTimestamp < oldest)) oldest = m.startTimestamp;
    }
    return { states, ...this.#completed, oldestOpenStartMs: oldest };
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Appends the transition to the transactional id's partition and applies it once durable. `m` is pending
   * while the write is in flight (left pending when `keepPending`, for an ending transaction).
   */
  async #persist(m: TxnMetadata, t: Transition, keepPending = false): Promise<number> {
    m.pending = true;
    const value: TransactionLogValue = {
      producerId: t.producerId, previousProducerId: t.previousProducerId, nextProducerId: -1, producerEpoch: t.producerEpoch, transactionTimeoutMs: t.timeoutMs,
      state: t.state, partitions: t.partitions, lastUpdateTimestampMs: t.now, startTimestampMs: t.startTimestamp,
    };
    try {
      await this.#append(m.transactionalId, encodeTransactionLogValue(value));
    } catch (e) {
      m.pending = false;
      const code = (e as { code?: unknown }).code;
      this.#log.warn({ transactionalId: m.transactionalId, state: TXN_STATE_NAMES[t.state], err: (e as Error).message }, 'writing transaction state failed');
      if (code === 'NOT_LEADER_OR_FOLLOWER' || this.#ownershipError(m.transactionalId) !== ErrorCode.NONE) return ErrorCode.NOT_COORDINATOR;
      return code === 'NOT_ENOUGH_REPLICAS' || code === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' || code === 'REQUEST_TIMED_OUT' ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    if (this.#txns.get(m.transactionalId) !== m) {
      // The partition moved while the write was in flight: the new coordinator owns the state now.
      m.pending = false;
      return ErrorCode.NOT_COORDINATOR;
    }
    m.state = t.state;
    m.producerId = t.producerId;
    m.producerEpoch = t.producerEpoch;
    m.lastProducerEpoch = t.lastProducerEpoch;
    m.previousProducerId = t.previousProducerId;
    m.timeoutMs = t.timeoutMs;
    m.startTimestamp = t.startTimestamp;
    m.lastUpdateTimestamp = t.now;
    m.partitions.clear();
    for (const p of t.partitions) m.partitions.set(tpKey(p.topic, p.partition), p);
    if (!keepPending) m.pending = false;
    return ErrorCode.NONE;
  }

  async #append(transactionalId: string, value: Buffer | null): Promise<void> {
    const p = this.partitionFor(transactionalId);
    const part = p === undefined ? undefined : this.#logs.getPartition(TRANSACTION_STATE_TOPIC, p);
    if (!part) throw new Error(`partition ${p} of ${TRANSACTION_STATE_TOPIC} is not open`);
    const records: InternalRecord[] = [{ key: encodeTransactionLogKey(transactionalId), value }];
    const r = await part.append(buildRecordBatch(records, Date.now()));
    await this.#replicated?.(part.partition, r.lastOffset + 1);
  }
}

function describe(m: TxnMetadata): TransactionDescription {
  return {
    transactionalId: m.transactionalId, state: TXN_STATE_NAMES[m.state], producerId: m.producerId, producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.timeoutMs, transactionStartTimeMs: m.startTimestamp, partitions: [...m.partitions.values()],
  };
}
