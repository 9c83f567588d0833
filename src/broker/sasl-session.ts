// SASL on a connection of a SASL listener (Kafka's SaslServerAuthenticator states): before authentication
// only ApiVersions, SaslHandshake and SaslAuthenticate may be sent; SaslHandshake picks the mechanism
// (v0: the tokens that follow are raw frames without a Kafka header; v1, KIP-152: they travel in
// SaslAuthenticate requests); a failure is answered after connection.failed.authentication.delay.ms and
// closes the connection. A second SaslHandshake on an authenticated connection re-authenticates (KIP-368):
// same mechanism and principal, and the session lifetime starts again. A session lasts
// connections.max.reauth.ms or, sooner, until the OAUTHBEARER token it authenticated with expires.
import type { ConnectionInfo } from '../network/index.js';
import { ApiKey } from '../protocol/index.js';
import { createSaslExchange, SaslAuthenticationError, type SaslExchange } from '../security/index.js';
import type { ListenerSasl } from './listeners.js';

export class SaslSession {
  state: 'handshake' | 'authenticate' | 'complete' | 'failed' = 'handshake';
  mechanism = '';
  /** SaslHandshake v0: tokens come as raw frames. */
  legacy = false;
  exchange: SaslExchange | undefined;
}

export function saslSession(conn: ConnectionInfo): SaslSession {
  let s = conn.auth.session as SaslSession | undefined;
  if (!s) conn.auth.session = s = new SaslSession();
  return s;
}

/** APIs a connection may use before it has authenticated. */
export function allowedBeforeAuthentication(apiKey: number): boolean {
  return apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake || apiKey === ApiKey.SaslAuthenticate;
}

export interface TokenResult {
  readonly response: Buffer;
  readonly errorMessage: string | null;
  readonly sessionLifetimeMs: number;
}

/**
 * Feeds one client token to the connection's exchange. On completion the connection's principal is set;
 * on failure (after the configured delay) `errorMessage` says why and the connection is closing.
 */
export async function evaluateToken(conn: ConnectionInfo, sasl: ListenerSasl, token: Buffer, log: { info(o: object, m: string): void }): Promise<TokenResult> {
  const session = saslSession(conn);
  try {
    session.exchange ??= createSaslExchange(session.mechanism, sasl);
    const step = await session.exchange.evaluate(token);
    if (step.user === undefined) {
      // Clients that do not answer OAUTHBEARER's error challenge (kafkajs) close instead: say why here.
      if (step.rejected !== undefined) log.info({ conn: conn.id, listener: conn.listenerName, mechanism: session.mechanism, remote: conn.remoteAddress, reason: step.rejected }, 'rejected credential, sent the error challenge');
      return { response: step.response, errorMessage: null, sessionLifetimeMs: 0 };
    }
    const principal = `User:${step.user}`;
    if (conn.auth.authenticated && conn.principal !== principal && conn.principal !== 'User:ANONYMOUS') {
      throw new SaslAuthenticationError(`Cannot change principals during re-authentication from ${conn.principal}: ${principal}`);
    }
    session.state = 'complete';
    session.exchange = undefined;
    const now = Date.now();
    const sessionLifetimeMs = sessionLifetime(now, sasl.reauthMs, step.credentialExpiresAtMs);
    conn.setAuthenticated(principal, sessionLifetimeMs === undefined ? 0 : now + sessionLifetimeMs);
    log.info({ conn: conn.id, listener: conn.listenerName, principal, mechanism: session.mechanism, remote: conn.remoteAddress }, 'authenticated');
    return { response: step.response, errorMessage: null, sessionLifetimeMs: sessionLifetimeMs ?? 0 };
  } catch (e) {
    if (!(e instanceof SaslAuthenticationError)) throw e;
    session.state = 'failed';
    session.exchange = undefined;
    log.info({ conn: conn.id, listener: conn.listenerName, mechanism: session.mechanism, remote: conn.remoteAddress, reason: e.message }, 'failed authentication');
    if (sasl.failedAuthDelayMs > 0) await new Promise((r) => setTimeout(r, sasl.failedAuthDelayMs));
    conn.closeAfterResponses('failed authentication');
    return { response: Buffer.alloc(0), errorMessage: e.message, sessionLifetimeMs: 0 };
  }
}

/**
 * How long a session lasts (Kafka's SaslServerAuthenticator): connections.max.reauth.ms, or what is left of
 * the credential (an OAUTHBEARER token's exp) when that is sooner; undefined when neither limits it.
 */
export function sessionLifetime(nowMs: number, reauthMs: number, credentialExpiresAtMs: number | undefined): number | undefined {
  const credentialLeft = credentialExpiresAtMs === undefined ? undefined : Math.max(0, credentialExpiresAtMs - nowMs);
  if (credentialLeft === undefined) return reauthMs > 0 ? reauthMs : undefined;
  return reauthMs > 0 ? Math.min(credentialLeft, reauthMs) : credentialLeft;
}
