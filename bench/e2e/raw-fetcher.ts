// A bare Fetch connection for benchmarks: sends Fetch v12 and collects each answer without quadratic
// copying (the test helper's RawConnection concatenates on every chunk, fine for tests, not for MB/s).
import { connect, type Socket } from 'node:net';
import { Fetch, Reader, Writer, decodeResponseHeader, encodeRequestHeader } from '../../src/protocol/index.js';

/** One connection sending Fetch v12 requests and collecting each answer without quadratic copying. */
export class RawFetcher {
  readonly #socket: Socket;
  #chunks: Buffer[] = [];
  #have = 0;
  #want = -1;
  #done: ((frame: Buffer) => void) | null = null;
  #correlation = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => this.#onData(d));
  }

  static open(host: string, port: number): Promise<RawFetcher> {
    return new Promise((res, rej) => {
      const s = connect(port, host, () => res(new RawFetcher(s)));
      s.once('error', rej);
    });
  }

  /** `isolationLevel` 1 reads committed data only (up to the last stable offset). */
  fetch(topic: string, offsets: number[], maxBytes: number, partitionMaxBytes: number, isolationLevel = 0): Promise<Fetch.FetchResponse> {
    const w = new Writer();
    const correlationId = ++this.#correlation;
    encodeRequestHeader(w, { apiKey: Fetch.apiKey, apiVersion: 12, correlationId, clientId: 'consumer-perf' });
    Fetch.encodeRequest(w, 12, {
      replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes, isolationLevel, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: offsets.map((fetchOffset, partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes })) }],
      forgottenTopicsData: [], rackId: '',
    });
    const body = w.toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    this.#socket.write(Buffer.concat([size, body]));
    return new Promise((resolve) => {
      this.#done = (frame) => {
        const r = new Reader(frame);
        decodeResponseHeader(r, Fetch.apiKey, 12);
        resolve(Fetch.decodeResponse(r, 12));
      };
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(d: Buffer): void {
    this.#chunks.push(d);
    this.#have += d.length;
    if (this.#want < 0 && this.#have >= 4) {
      const head = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
      this.#want = 4 + head.readInt32BE(0);
    }
    if (this.#want >= 0 && this.#have >= this.#want) {
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#have);
      const frame = all.subarray(4, this.#want);
      const rest = all.subarray(this.#want);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#have = rest.length;
      this.#want = -1;
      const done = this.#done;
      this.#done = null;
      done?.(frame);
    }
  }
}
