// Recycled shared memory for buffers that worker threads use in place. A SharedArrayBuffer is seen by every
// thread without a copy, but allocating one is slow (zero-filled, and V8 frees it only after a GC that its
// size barely triggers: 2,000 fresh 1 MiB SABs took 7x the time of Buffers and reached 580 MB RSS). So
// blocks are kept by power-of-two size class and handed out again once released, up to a retained cap.

/** Smallest block handed out (smaller requests get a block of this size). */
const MIN_CLASS = 64 * 1024;

export interface SharedMemoryStats {
  /** Bytes of blocks allocated and still referenced or kept for reuse. */
  readonly retainedBytes: number;
  readonly allocated: number;
  readonly reused: number;
}

export class SharedMemory {
  readonly maxRetainedBytes: number;
  readonly #free = new Map<number, SharedArrayBuffer[]>();
  readonly #handedOut = new WeakSet<SharedArrayBuffer>();
  #freeBytes = 0;
  #allocated = 0;
  #reused = 0;

  /** Keeps at most `maxRetainedBytes` of released blocks for reuse; the rest are left to the GC. */
  constructor(maxRetainedBytes = 64 * 1024 * 1024) {
    this.maxRetainedBytes = maxRetainedBytes;
  }

  /** A Buffer of exactly `size` bytes in shared memory (contents undefined). */
  take(size: number): Buffer {
    const cls = sizeClass(size);
    const sab = this.#free.get(cls)?.pop();
    let block: SharedArrayBuffer;
    if (sab) {
      this.#freeBytes -= cls;
      this.#reused++;
      block = sab;
    } else {
      this.#allocated++;
      block = new SharedArrayBuffer(cls);
    }
    this.#handedOut.add(block);
    return Buffer.from(block, 0, size);
  }

  /**
   * Gives back the block under `buf` (any view of a block from `take`): it may be handed out again at
   * once, so nothing may use it any more. Releasing a block twice, or memory not from `take`, is ignored.
   */
  release(buf: Uint8Array): void {
    const block = buf.buffer;
    if (!(block instanceof SharedArrayBuffer) || !this.#handedOut.has(block)) return;
    this.#handedOut.delete(block);
    const cls = block.byteLength;
    if (this.#freeBytes + cls > this.maxRetainedBytes) return;
    let list = this.#free.get(cls);
    if (!list) this.#free.set(cls, (list = []));
    list.push(block);
    this.#freeBytes += cls;
  }

  stats(): SharedMemoryStats {
    return { retainedBytes: this.#freeBytes, allocated: this.#allocated, reused: this.#reused };
  }
}

function sizeClass(size: number): number {
  let c = MIN_CLASS;
  while (c < size) c *= 2;
  return c;
}
