// Turns a request frame into a response: decode the header, check the API and version against the
// registry, decode the body, run the handler, encode the response. Requests it cannot parse close the
// connection (Kafka does the same); a handler error answers nothing and closes too, after a log line.
import type { ConnectionInfo, FrameHandler } from '../network/index.js';
import { ApiKey, ApiVersions, Reader, Writer, apiByKey, decodeRequestHeader, encodeResponseHeader, ErrorCode } from '../protocol/index.js';
import type { BrokerContext } from './context.js';
import type { RequestContext } from './request-context.js';
import { HANDLERS, supportedVersions } from './handlers/index.js';

export class RequestDispatcher implements FrameHandler {
  constructor(readonly ctx: BrokerContext) {}

  handleFrame(frame: Buffer, conn: ConnectionInfo): Buffer[] | null | Promise<Buffer[] | null> {
    if (frame.length < 8) throw new Error(`request of ${frame.length} bytes is shorter than a request header`);
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const api = apiByKey(apiKey);
    const handler = HANDLERS.get(apiKey);
    if (!api || !handler) throw new Error(`unknown API key ${apiKey} (version ${version}, correlation id ${correlationId})`);
    if (version < api.minVersion || version > api.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return this.#unsupportedApiVersions(correlationId);
      throw new Error(`unsupported version ${version} of API ${apiKey} (supported ${api.minVersion}-${api.maxVersion})`);
    }
    const reader = new Reader(frame);
    const header = decodeRequestHeader(reader);
    const body = api.decodeRequest(reader, version);
    const rc: RequestContext = { ctx: this.ctx, version, header, conn };
    const result = handler(body as never, rc);
    const encode = (res: unknown): Buffer[] | null => {
      if (res === null) return null;
      const w = new Writer();
      encodeResponseHeader(w, apiKey, version, correlationId);
      api.encodeResponse(w, version, res as never);
      return w.toChunks();
    };
    return result instanceof Promise ? result.then(encode) : encode(result);
  }

  /** KIP-511: an ApiVersions request of a version we do not know gets a v0 answer with our range. */
  #unsupportedApiVersions(correlationId: number): Buffer[] {
    const w = new Writer();
    encodeResponseHeader(w, ApiKey.ApiVersions, 0, correlationId);
    ApiVersions.encodeResponse(w, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: supportedVersions(), throttleTimeMs: 0 } as ApiVersions.ApiVersionsResponse);
    return w.toChunks();
  }
}
