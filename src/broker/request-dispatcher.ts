// Turns a request frame into response parts: decode the header, check the API and version against the
// registry, decode the body, run the handler, encode the response. Writing the parts to the socket
// (sendfile for file ranges) is the hot path's FileRangeTransport, not this class's. Requests it cannot parse close the
// connection (Kafka does the same); a handler error answers nothing and closes too, after a log line.
import type { ConnectionInfo, FrameHandler, ResponsePart } from '../network/index.js';
import { ApiKey, ApiVersions, ProduceLegacy, Reader, Writer, apiByKey, decodeRequestHeader, encodeResponseHeader, ErrorCode } from '../protocol/index.js';
import type { BrokerContext } from './context.js';
import { requestChannel, type RequestEvent } from './diagnostics.js';
import { requesterOf, type RequestContext } from './request-context.js';
import { HANDLERS, supportedVersions } from './handlers/index.js';
import { allowedBeforeAuthentication, evaluateToken, type SaslSession } from './sasl-session.js';

export class RequestDispatcher implements FrameHandler {
  constructor(readonly ctx: BrokerContext) {}

  handleFrame(frame: Buffer, conn: ConnectionInfo): ResponsePart[] | null | Promise<ResponsePart[] | null> {
    if (conn.auth.saslRequired) {
      const session = conn.auth.session as SaslSession | undefined;
      // After SaslHandshake v0 the client's tokens are raw frames, without a Kafka header.
      if (session?.legacy && session.state === 'authenticate') return this.#legacyToken(frame, conn);
    }
    if (frame.length < 8) throw new Error(`request of ${frame.length} bytes is shorter than a request header`);
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    if (conn.auth.saslRequired) {
      // Kafka closes the connection: no answer to requests a connection may not send yet.
      if (!conn.auth.authenticated && !allowedBeforeAuthentication(apiKey)) throw new Error(`Unexpected Kafka request of type ${apiByKey(apiKey)?.apiName ?? apiKey} during SASL handshake`);
      if (conn.auth.expiresAtMs > 0 && Date.now() > conn.auth.expiresAtMs && apiKey !== ApiKey.SaslHandshake && apiKey !== ApiKey.SaslAuthenticate) {
        throw new Error(`SASL session of ${conn.principal} expired (connections.max.reauth.ms or its token's exp) and the client did not re-authenticate`);
      }
    }
    const api = apiByKey(apiKey);
    const handler = HANDLERS.get(apiKey);
    if (!api || !handler) throw new Error(`unknown API key ${apiKey} (version ${version}, correlation id ${correlationId})`);
    if (version < api.minVersion || version > api.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return this.#unsupportedApiVersions(correlationId);
      if (apiKey === ApiKey.Produce && version >= ProduceLegacy.legacyMinVersion && version <= ProduceLegacy.legacyMaxVersion) {
        return this.#refuseLegacyProduce(frame, version, correlationId, conn);
      }
      throw new Error(`unsupported version ${version} of API ${apiKey} (supported ${api.minVersion}-${api.maxVersion})`);
    }
    const reader = new Reader(frame);
    const header = decodeRequestHeader(reader);
    const body = api.decodeRequest(reader, version);
    const rc: RequestContext = { ctx: this.ctx, version, header, conn };
    const started = requestChannel.hasSubscribers ? performance.now() : 0;
    const published = (error: boolean) => {
      if (started !== 0) requestChannel.publish({ apiKey, apiName: api.apiName, version, durationMs: performance.now() - started, requestBytes: frame.length, error } satisfies RequestEvent);
    };
    let result: unknown;
    const handlerStart = performance.now();
    try {
      result = handler(body as never, rc);
    } catch (e) {
      published(true);
      throw e;
    }
    // request_percentage: the event-loop time the request took (decode and the handler's synchronous part;
    // appends and reads on worker threads are not counted). ApiVersions and followers' fetches are exempt.
    const requestThrottleMs = !this.ctx.quotas.active || apiKey === ApiKey.ApiVersions || (apiKey === ApiKey.Fetch && (body as { replicaId?: number }).replicaId! >= 0) ? 0
      : this.ctx.quotas.recordRequestTime(requesterOf(rc), performance.now() - handlerStart);
    if (requestThrottleMs > 0) conn.throttle?.(requestThrottleMs);
    const encode = (res: unknown): ResponsePart[] | null => {
      published(false);
      if (res === null) return null;
      if (requestThrottleMs > 0 && typeof (res as { throttleTimeMs?: unknown }).throttleTimeMs === 'number') {
        const r = res as { throttleTimeMs: number };
        r.throttleTimeMs = Math.max(r.throttleTimeMs, requestThrottleMs);
      }
      const w = new Writer();
      encodeResponseHeader(w, apiKey, version, correlationId);
      api.encodeResponse(w, version, res as never);
      return w.toParts() as ResponsePart[];
    };
    return result instanceof Promise ? result.then(encode, (e) => {
      published(true);
      throw e;
    }) : encode(result);
  }

  /** A raw SASL token (after SaslHandshake v0): answered with the raw server token; a failure closes the connection. */
  async #legacyToken(frame: Buffer, conn: ConnectionInfo): Promise<ResponsePart[] | null> {
    const sasl = this.ctx.saslListeners.get(conn.listenerName);
    if (!sasl) throw new Error('SASL token on a listener without SASL');
    const r = await evaluateToken(conn, sasl, frame, this.ctx.log);
    return r.errorMessage === null ? [r.response] : null;
  }

  /** Produce v0–2 (message format v0/v1): every partition refused with UNSUPPORTED_VERSION; acks=0 gets no answer. */
  #refuseLegacyProduce(frame: Buffer, version: number, correlationId: number, conn: ConnectionInfo): Buffer[] | null {
    const reader = new Reader(frame);
    const header = decodeRequestHeader(reader);
    const req = ProduceLegacy.decodeLegacyRequest(reader);
    this.ctx.log.warn({ client: header.clientId, remote: conn.remoteAddress, version }, 'refused Produce v0-2: only RecordBatch v2 (Produce v3+) is supported; upgrade the client');
    if (req.acks === 0) return null;
    const w = new Writer();
    encodeResponseHeader(w, ApiKey.Produce, version, correlationId);
    ProduceLegacy.encodeLegacyRefusal(w, version, req, ErrorCode.UNSUPPORTED_VERSION);
    return w.toChunks();
  }

  /** KIP-511: an ApiVersions request of a version we do not know gets a v0 answer with our range. */
  #unsupportedApiVersions(correlationId: number): Buffer[] {
    const w = new Writer();
    encodeResponseHeader(w, ApiKey.ApiVersions, 0, correlationId);
    ApiVersions.encodeResponse(w, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: supportedVersions(), throttleTimeMs: 0 } as ApiVersions.ApiVersionsResponse);
    return w.toChunks();
  }
}
