// HTTP plumbing over uWS: request bodies read with a per-request size cap and a gateway-wide budget
// of body bytes in memory (reading pauses when it is spent), JSON answers, and the rule that a
// response is written only while the client is still there (uWS forbids touching an aborted one).
import { ErrorCode } from '../protocol/index.js';
import { GatewayError, HTTP_STATUS } from './errors.js';
import type { HttpRequest, HttpResponse } from './uws.js';

/** What a handler copied out of the uWS request (valid only during the synchronous route call). */
export interface RequestInfo {
  readonly method: string;
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: ReadonlyMap<string, string>;
  readonly params: readonly string[];
  /** The peer's address, for the broker's rules and log lines. */
  readonly remote: string;
  /** Who the request authenticated as (gateway.authentication=basic); unset: anonymous. */
  readonly principal?: string;
}

export function requestInfo(req: HttpRequest, paramCount: number, res?: HttpResponse): RequestInfo {
  const headers = new Map<string, string>();
  req.forEach((k, v) => headers.set(k, v));
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(decodeURIComponent(req.getParameter(i) ?? ''));
  const remote = res ? Buffer.from(res.getRemoteAddressAsText()).toString() : '?';
  return { method: req.getMethod(), url: req.getUrl(), query: new URLSearchParams(req.getQuery() ?? ''), headers, params, remote };
}

/** A response that remembers whether the client went away. */
export class Reply {
  aborted = false;
  done = false;
  /** Headers every answer carries (CORS). */
  common: Record<string, string> | undefined;
  readonly #onAbort: Array<() => void> = [];

  constructor(readonly res: HttpResponse) {
    res.onAborted(() => {
      this.aborted = true;
      for (const f of this.#onAbort) f();
    });
  }

  onAbort(f: () => void): void {
    this.#onAbort.push(f);
  }

  send(status: number, body: string | Buffer, contentType = 'application/json', extra: Record<string, string> = {}, close = false): void {
    if (this.aborted || this.done) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(HTTP_STATUS[status] ?? `${status} Status`);
      this.res.writeHeader('content-type', contentType);
      if (this.common) for (const [k, v] of Object.entries(this.common)) this.res.writeHeader(k, v);
      for (const [k, v] of Object.entries(extra)) this.res.writeHeader(k, v);
      this.res.end(body, close);
    });
  }

  json(status: number, body: unknown): void {
    this.send(status, JSON.stringify(body));
  }

  error(e: unknown, close = false): void {
    const ge = e instanceof GatewayError ? e : new GatewayError(500, ErrorCode.UNKNOWN_SERVER_ERROR, (e as Error)?.message ?? String(e));
    this.send(ge.status, JSON.stringify(ge.toJSON()), 'application/json', {}, close);
  }
}

/** Gateway-wide budget of request-body bytes held in memory; readers wait (paused) when it is spent. */
export class BodyBudget {
  #used = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly max: number) {}

  get used(): number {
    return this.#used;
  }
  get exhausted(): boolean {
    return this.#used >= this.max;
  }
  take(n: number): void {
    this.#used += n;
  }
  give(n: number): void {
    this.#used -= n;
    while (this.#used < this.max && this.#waiting.length > 0) this.#waiting.shift()!();
  }
  /** Calls `f` once there is room again. */
  whenRoom(f: () => void): void {
    if (this.#used < this.max) f();
    else this.#waiting.push(f);
  }
}

/**
 * Reads the request body (uWS hands it in chunks whose memory it reuses, so each is copied). Refuses
 * bodies over `limit` with MESSAGE_TOO_LARGE — from Content-Length before reading when it is given —
 * and pauses the socket while the gateway-wide budget is spent. The returned release() gives the
 * bytes back to the budget; call it once the body is no longer needed.
 */
export function readBody(reply: Reply, info: RequestInfo, limit: number, budget: BodyBudget): Promise<{ body: Buffer; release: () => void }> {
  return new Promise((resolve, reject) => {
    const declared = info.headers.get('content-length');
    if (declared !== undefined && Number(declared) > limit) {
      // Answer at once; uWS skips the rest of a Content-Length body, so the connection stays usable.
      reject(new GatewayError(413, ErrorCode.MESSAGE_TOO_LARGE, `request body of ${declared} bytes is larger than gateway.max.request.bytes (${limit})`, { declared: true }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const release = () => {
      budget.give(size);
      size = 0;
    };
    reply.onAbort(() => {
      if (!failed) release();
      failed = true;
      reject(new GatewayError(400, ErrorCode.NETWORK_EXCEPTION, 'client went away'));
    });
    reply.res.onData((chunk, isLast) => {
      if (failed) return;
      if (size + chunk.byteLength > limit) {
        failed = true;
        release();
        reject(new GatewayError(413, ErrorCode.MESSAGE_TOO_LARGE, `request body is larger than gateway.max.request.bytes (${limit})`));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      size += chunk.byteLength;
      budget.take(chunk.byteLength);
      if (isLast) {
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        resolve({ body, release });
        return;
      }
      if (budget.exhausted) {
        reply.res.pause();
        budget.whenRoom(() => {
          if (!reply.aborted) reply.res.resume();
        });
      }
    });
  });
}
