// The worker pool that drives the addon off the event loop (DESIGN.md §2 "Workers"): piscina worker
// threads that load the same addon (src/hotpath/worker.ts). Partition logs stay in native memory shared
// by all threads and are named by handle; record buffers travel as views of SharedArrayBuffers, so a
// hop moves a few numbers, never the bytes. The broker keeps two pools: `compute` for appends (with
// their re-compression) and compaction, and `io` for sendfile transfers, which can wait on a slow
// reader and must never hold up appends.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { fileRecords, native, type AppendOptions, type AppendOutcome, type AppendResult, type CompactOptions, type CompactResult, type FileRecords } from './native.js';
import { BrokerError } from '../protocol/index.js';
import { SharedMemory } from './shared-memory.js';
import type { AppendTask, CompactTask, FollowerAppendTask, SendTask, TaskFailure } from './worker.js';

const WORKER = new URL('./worker.js', import.meta.url).href;

/** Counters of one pool, for /metrics and benchmarks. */
export interface PoolStats {
  readonly threads: number;
  readonly queued: number;
  readonly completed: number;
  /** Bytes that had to be copied into shared memory before a hop (buffers not already shared). */
  readonly copiedBytes: number;
  /** Bytes that went to a worker without a copy (views of SharedArrayBuffers). */
  readonly sharedBytes: number;
}

export class WorkerPool {
  readonly name: string;
  readonly threads: number;
  /** Recycled shared memory: staging copies here, and request frames when the broker assembles them in it. */
  readonly memory: SharedMemory;
  #piscina: Piscina | undefined;
  #closed = false;
  #copiedBytes = 0;
  #sharedBytes = 0;

  /** `threads` workers at most, started on first use (or by `warm`) and kept while the broker runs. */
  constructor(name: string, threads: number, memory = new SharedMemory()) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`worker pool ${name}: threads must be an integer >= 1, got ${threads}`);
    this.name = name;
    this.threads = threads;
    this.memory = memory;
  }

  /**
   * Told of a worker thread that failed outside a task, e.g. one that could not start for want of file
   * descriptors (EMFILE); without it such an error would end the process.
   */
  onError: ((err: Error) => void) | undefined;

  #pool(): Piscina {
    if (this.#closed) throw new BrokerError('NOT_LEADER_OR_FOLLOWER', `worker pool ${this.name} is closed`);
    this.#piscina ??= this.#create();
    return this.#piscina;
  }

  #create(): Piscina {
    const p = new Piscina({
      filename: WORKER,
      minThreads: this.threads,
      maxThreads: this.threads,
      // Every task is one synchronous native call: a worker runs one at a time.
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      // Workers block in Atomics.wait between tasks and wake at once when one is posted.
      atomics: 'sync',
      recordTiming: false,
    });
    p.on('error', (err: Error) => {
      (this.onError ?? ((e: Error) => process.emitWarning(`worker pool ${this.name}: ${e.message}`)))(err);
      // Piscina does not replace a worker that failed while starting: the next task starts a fresh pool, and
      // this one finishes what its other workers hold, then goes.
      if (this.#piscina === p) this.#piscina = undefined;
      p.close().catch(() => {});
    });
    return p;
  }

  /** Starts the threads now rather than on the first task. */
  warm(): void {
    if (!this.#closed) this.#pool();
  }

  stats(): PoolStats {
    const p = this.#piscina;
    return { threads: p?.threads.length ?? 0, queued: p?.queueSize ?? 0, completed: p?.completed ?? 0, copiedBytes: this.#copiedBytes, sharedBytes: this.#sharedBytes };
  }

  /** Reads a range from `PartitionLog.coldRange` into the page cache on a worker. */
  async warmRange(id: number): Promise<void> {
    let r: TaskFailure | null;
    try {
      r = await this.#pool().run(id, { name: 'warm' }) as TaskFailure | null;
    } catch (e) {
      native.discardColdRange(id);
      throw e;
    }
    unwrap(r);
  }

  /** Round trip of an empty task (benchmarks: the cost of one hop). */
  async ping(n: number): Promise<number> {
    return await this.#pool().run(n, { name: 'ping' }) as number;
  }

  /**
   * Appends each buffer as its own all-or-nothing append to the log with `handle`, on a worker, in order
   * (group commit). Buffers backed by a SharedArrayBuffer go as they are; others are first copied into
   * one recycled shared block. Appends rewrite offsets in place: the buffers must not be used afterwards.
   */
  async append(handle: number, records: readonly Buffer[], opts: AppendOptions): Promise<AppendOutcome[]> {
    const { views, staging } = this.#share(records);
    try {
      return unwrap(await this.#pool().run({ handle, records: views, opts } satisfies AppendTask, { name: 'append' }) as AppendOutcome[] | TaskFailure);
    } finally {
      if (staging) this.memory.release(staging);
    }
  }

  /**
   * A follower's append of batches fetched from its leader to the log with `handle`, on a worker (stored as
   * they are). The bytes are copied into a recycled shared block unless already shared.
   */
  async appendAsFollower(handle: number, records: Buffer, nowMs: number): Promise<AppendResult> {
    const { views, staging } = this.#share([records]);
    try {
      return unwrap(await this.#pool().run({ handle, records: views[0]!, nowMs } satisfies FollowerAppendTask, { name: 'appendAsFollower' }) as AppendResult | TaskFailure);
    } finally {
      if (staging) this.memory.release(staging);
    }
  }

  /** One compaction pass of the log with `handle` on a worker. */
  async compact(handle: number, options: CompactOptions): Promise<CompactResult> {
    const task: CompactTask = { handle, options };
    return unwrap(await this.#pool().run(task, { name: 'compact' }) as CompactResult | TaskFailure);
  }

  /**
   * Writes in-memory bytes and file ranges to socket descriptor `fd` from a worker (write(2), sendfile(2),
   * poll(2) while the socket buffer is full). A peer that takes nothing for `waitMs` ends the send early:
   * the result says where (`stoppedAt`), and the caller writes the rest, so a slow reader never holds a
   * worker. Rejects with an Error whose `code` is the Kafka error name; the caller must then close the
   * connection.
   */
  async send(fd: number, parts: ReadonlyArray<Buffer | FileRecords>, waitMs: number): Promise<SendProgress> {
    const id = prepare(fd, parts);
    let outcome: ReturnType<typeof native.sendPrepared>;
    try {
      outcome = await this.#pool().run({ id, waitMs } satisfies SendTask, { name: 'send' }) as typeof outcome;
    } catch (e) {
      native.discardPrepared(id);
      throw e;
    }
    return progress(outcome);
  }

  /**
   * `send`, but first on the calling thread without waiting: what the socket takes at once is written
   * there (no hop to a worker); only a socket that is full gets the rest sent from a worker.
   */
  async sendInlineFirst(fd: number, parts: ReadonlyArray<Buffer | FileRecords>, waitMs: number): Promise<SendProgress> {
    const now = sendNow(fd, parts);
    if (now.stoppedAt === null) return now;
    const stopped = now.stoppedAt;
    const later = await this.send(fd, remainder(parts, stopped), waitMs);
    const at = later.stoppedAt;
    return {
      bytesWritten: now.bytesWritten + later.bytesWritten,
      stoppedAt: at === null ? null : at.part === 0 ? { part: stopped.part, offset: stopped.offset + at.offset } : { part: stopped.part + at.part, offset: at.offset },
    };
  }

  #share(records: readonly Buffer[]): { views: Uint8Array[]; staging?: Buffer } {
    let copy = 0;
    for (const r of records) {
      if (r.buffer instanceof SharedArrayBuffer) this.#sharedBytes += r.length;
      else copy += r.length;
    }
    if (copy === 0) return { views: records as Buffer[] };
    this.#copiedBytes += copy;
    const staging = this.memory.take(copy);
    let at = 0;
    const views = records.map((r) => {
      if (r.buffer instanceof SharedArrayBuffer) return r;
      r.copy(staging, at);
      const view = staging.subarray(at, at + r.length);
      at += r.length;
      return view;
    });
    return { views, staging };
  }

  /** Waits for running tasks, then stops the threads. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const p = this.#piscina;
    this.#piscina = undefined;
    if (p) await p.close({ force: false });
  }
}

/** How far `WorkerPool.send` got: `stoppedAt` null when everything was written. */
export interface SendProgress {
  readonly bytesWritten: number;
  /** The part the send stopped in and how many of its bytes were written. */
  readonly stoppedAt: { readonly part: number; readonly offset: number } | null;
}

function writer(parts: ReadonlyArray<Buffer | FileRecords>): InstanceType<typeof native.ResponseWriter> {
  const w = new native.ResponseWriter();
  for (const p of parts) {
    if (Buffer.isBuffer(p)) w.bytes(p);
    else w.file(p.slice, p.skip);
  }
  return w;
}

function prepare(fd: number, parts: ReadonlyArray<Buffer | FileRecords>): number {
  return writer(parts).prepare(fd);
}

function progress(outcome: ReturnType<typeof native.sendPrepared>): SendProgress {
  if (outcome.errorCode) throw BrokerError.fromName(outcome.errorCode, outcome.message ?? outcome.errorCode);
  const stoppedAt = outcome.stoppedPart == null ? null : { part: outcome.stoppedPart, offset: outcome.stoppedOffset ?? 0 };
  return { bytesWritten: outcome.bytesWritten, stoppedAt };
}

/** Writes what socket `fd` takes right now, on the calling thread, never waiting (non-blocking write/sendfile). */
function sendNow(fd: number, parts: ReadonlyArray<Buffer | FileRecords>): SendProgress {
  return progress(writer(parts).sendNow(fd));
}

/** The parts from where a send stopped on. */
function remainder(parts: ReadonlyArray<Buffer | FileRecords>, at: { part: number; offset: number }): Array<Buffer | FileRecords> {
  const first = parts[at.part]!;
  const head = Buffer.isBuffer(first) ? first.subarray(at.offset) : fileRecords(first.slice, first.skip + at.offset);
  return [head, ...parts.slice(at.part + 1)];
}

function unwrap<T>(r: T | TaskFailure): T {
  if (r !== null && typeof r === 'object' && (r as TaskFailure).failed === true) {
    const f = r as TaskFailure;
    throw BrokerError.fromName(f.code, f.message);
  }
  return r as T;
}

/** The broker's two pools (see the top of this file). */
export interface WorkerPools {
  readonly compute: WorkerPool;
  readonly io: WorkerPool;
}

/** Default size of the compute pool: one thread per core. */
export function defaultComputeThreads(): number {
  return Math.max(1, availableParallelism());
}

export function createWorkerPools(computeThreads: number, ioThreads: number): WorkerPools {
  return { compute: new WorkerPool('compute', computeThreads), io: new WorkerPool('io', ioThreads) };
}

/** Produce frames that span socket reads land in the compute pool's shared memory (see FrameAllocator). */
export function produceFrameMemory(pool: WorkerPool): { take(apiKey: number, size: number): Buffer | undefined; release(frame: Buffer): void } {
  const PRODUCE = 0;
  return {
    // Only Produce frames: their handler is done with every byte once it settles (other requests may keep
    // slices of their frame, e.g. group member metadata).
    take: (apiKey, size) => (apiKey === PRODUCE ? pool.memory.take(size) : undefined),
    release: (frame) => pool.memory.release(frame),
  };
}

export async function closeWorkerPools(pools: WorkerPools): Promise<void> {
  await Promise.all([pools.compute.close(), pools.io.close()]);
}
