// Writes Kafka responses that carry segment file ranges (Fetch) to a client socket: write(2) for the
// in-memory parts and sendfile(2) for the file ranges, from native code. First on the event loop without
// waiting (`inline`, fetch.zero.copy.inline), then on an io worker when the socket is full; a reader that
// takes nothing for `waitMs` gets the rest handed back to the connection, which writes it from memory in
// chunks (readExternal/skipExternal). It fits src/network's ExternalTransport; the broker wires the two.
import { fileRecords, isFileRecords, native, readFileRecords, type FileRecords } from './native.js';
import type { WorkerPool } from './pool.js';

/** A response part: bytes in memory, or a file range this transport made (see fileRecords). */
type Part = Buffer | { readonly external: true; readonly byteLength: number };

export class FileRangeTransport {
  readonly #io: WorkerPool;
  readonly #inline: () => boolean;

  /** `io`: the pool whose workers wait on full sockets; `inline()`: try a non-blocking send on the event loop first. */
  constructor(io: WorkerPool, inline: () => boolean) {
    this.#io = io;
    this.#inline = inline;
  }

  /** Sends `parts` to socket `fd`; null when all was written, else where it stopped (part index, byte offset). */
  async writeParts(fd: number, parts: readonly Part[], waitMs: number): Promise<{ index: number; offset: number } | null> {
    const files = parts.map((p) => {
      if (Buffer.isBuffer(p) || isFileRecords(p)) return p;
      throw new Error('unknown external response part');
    });
    const sent = this.#inline() ? await this.#io.sendInlineFirst(fd, files, waitMs) : await this.#io.send(fd, files, waitMs);
    return sent.stoppedAt && { index: sent.stoppedAt.part, offset: sent.stoppedAt.offset };
  }

  /** Makes a send in progress on `fd` fail now (the connection is closing): shuts the socket down. */
  abortWrites(fd: number): void {
    native.shutdownSocket(fd);
  }

  /** Up to `length` bytes of a file range from `offset`, read into memory (the copying path). */
  readExternal(part: Part, offset?: number, length?: number): Buffer {
    return readFileRecords(asFileRecords(part), offset, length);
  }

  /** The file range without its first `bytes` bytes. */
  skipExternal(part: Part, bytes: number): FileRecords {
    const f = asFileRecords(part);
    return fileRecords(f.slice, f.skip + bytes);
  }
}

function asFileRecords(part: Part): FileRecords {
  if (!isFileRecords(part)) throw new Error('unknown external response part');
  return part;
}
