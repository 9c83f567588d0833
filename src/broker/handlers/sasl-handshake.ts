// SaslHandshake (key 17): picks the SASL mechanism of the connection (src/broker/sasl-session.ts).
// On a listener without SASL, or in the middle of an exchange, ILLEGAL_SASL_STATE; a mechanism the
// listener does not offer gets UNSUPPORTED_SASL_MECHANISM with the offered ones, then the close, as Kafka.
import { ErrorCode, type SaslHandshake } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { saslSession } from '../sasl-session.js';

export function handleSaslHandshake(req: SaslHandshake.SaslHandshakeRequest, rc: RequestContext): SaslHandshake.SaslHandshakeResponse {
  const { conn, ctx } = rc;
  const sasl = ctx.saslListeners.get(conn.listenerName);
  if (!sasl || !conn.auth.saslRequired) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  const session = saslSession(conn);
  const reauthenticating = session.state === 'complete';
  if (session.state !== 'handshake' && !reauthenticating) {
    conn.closeAfterResponses('SaslHandshake in the wrong state');
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [...sasl.mechanisms] };
  }
  if (!sasl.mechanisms.includes(req.mechanism) || (reauthenticating && req.mechanism !== session.mechanism)) {
    ctx.log.info({ conn: conn.id, listener: conn.listenerName, mechanism: req.mechanism, remote: conn.remoteAddress }, 'SASL mechanism not enabled on this listener');
    conn.closeAfterResponses('unsupported SASL mechanism');
    return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...sasl.mechanisms] };
  }
  session.mechanism = req.mechanism;
  session.legacy = rc.version === 0;
  session.state = 'authenticate';
  session.exchange = undefined;
  return { errorCode: ErrorCode.NONE, mechanisms: [...sasl.mechanisms] };
}
