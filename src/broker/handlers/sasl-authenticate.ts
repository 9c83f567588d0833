// SaslAuthenticate (key 36, KIP-152): one SASL token each way. A failure answers
// SASL_AUTHENTICATION_FAILED with Kafka's message (after connection.failed.authentication.delay.ms) and
// closes the connection; success makes the connection's principal User:<name>, and v1+ tells the client
// when its session ends (connections.max.reauth.ms, KIP-368).
import { ErrorCode, type SaslAuthenticate } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { evaluateToken, saslSession } from '../sasl-session.js';

export async function handleSaslAuthenticate(req: SaslAuthenticate.SaslAuthenticateRequest, rc: RequestContext): Promise<SaslAuthenticate.SaslAuthenticateResponse> {
  const { conn, ctx } = rc;
  const sasl = ctx.saslListeners.get(conn.listenerName);
  const session = sasl && conn.auth.saslRequired ? saslSession(conn) : undefined;
  if (!sasl || !session || session.state !== 'authenticate' || session.legacy) {
    conn.closeAfterResponses('SaslAuthenticate in the wrong state');
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate request: send SaslHandshake first', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  }
  const r = await evaluateToken(conn, sasl, req.authBytes, ctx.log);
  if (r.errorMessage !== null) return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: r.errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: r.response, sessionLifetimeMs: r.sessionLifetimeMs };
}
