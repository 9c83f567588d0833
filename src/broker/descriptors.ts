// The broker's file descriptors against its open-file limit. libuv takes a connection it has no descriptor for
// and closes it at once (no error reaches the listener), and a segment that cannot be opened fails its request
// with EMFILE: both easy to miss in the log. This watch counts the descriptors now and then and, when they near
// the limit (or the count itself fails for want of one), logs an error that says what to do about it.
import { readFileSync, readdirSync } from 'node:fs';

export interface DescriptorLogger {
  error(obj: object, msg: string): void;
}

/** What an operator does when the broker runs out of descriptors. */
export const DESCRIPTOR_ADVICE = 'raise the broker\'s open-file limit (ulimit -n in the shell that starts it, LimitNOFILE= in its systemd unit, nofile in /etc/security/limits.conf) and restart it';

export class DescriptorWatch {
  readonly #timer: NodeJS.Timeout | undefined;
  #lastLogged = 0;

  /**
   * Checks every `intervalMs` that fewer than `ratio` of `limit` descriptors are open; logs at most once per
   * `quietMs`. Does nothing where /proc/self/fd is missing (not Linux) or the limit is unlimited (< 0).
   */
  constructor(readonly limit: number, readonly log: DescriptorLogger, readonly opts: { intervalMs?: number; ratio?: number; quietMs?: number } = {}) {
    if (limit < 0 || !DescriptorWatch.supported()) return;
    this.#timer = setInterval(() => this.check(), opts.intervalMs ?? 5000);
    this.#timer.unref();
  }

  static supported(): boolean {
    try {
      readdirSync('/proc/self/fd');
      return true;
    } catch {
      return false;
    }
  }

  /** Open descriptors now; undefined when they cannot be counted because none is left (EMFILE, ENFILE). */
  static count(): number | undefined {
    try {
      return readdirSync('/proc/self/fd').length;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EMFILE' || code === 'ENFILE') return undefined;
      throw e;
    }
  }

  /**
   * The size of the process's descriptor table (FDSize in /proc/self/status, a power of two above the highest
   * descriptor): a cheap bound on the count. Undefined when it cannot be read (out of descriptors among others).
   */
  static tableSize(): number | undefined {
    try {
      const m = /^FDSize:\s*(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** One check; true when it found the broker at or near its limit. */
  check(now = Date.now()): boolean {
    const threshold = this.limit * (this.opts.ratio ?? 0.95);
    // Counting costs a directory listing of every descriptor (about 50 ms for 20,000): skip it while the
    // descriptor table is too small to hold that many.
    const table = DescriptorWatch.tableSize();
    if (table !== undefined && table < threshold) return false;
    let open: number | undefined;
    try {
      open = DescriptorWatch.count();
    } catch {
      return false;
    }
    if (open !== undefined && open < threshold) return false;
    if (now - this.#lastLogged < (this.opts.quietMs ?? 60_000)) return true;
    this.#lastLogged = now;
    this.log.error({ openFiles: open ?? this.limit, openFileLimit: this.limit },
      `the broker is ${open === undefined ? 'out' : 'nearly out'} of file descriptors: new connections are closed at once and segment files cannot be opened; ${DESCRIPTOR_ADVICE}`);
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
