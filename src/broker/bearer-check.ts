// OAuth bearer tokens for ingresses that cannot speak SASL (the gateway's `Authorization: Bearer`): the same
// validator as the Kafka listeners' OAUTHBEARER (listeners.ts, oauthBearerValidator), checked synchronously
// against the keys at hand, since an HTTP handler must take its body in the same tick. A token whose key
// id the JWKS lacks starts a refetch in the background (once a minute per id) for the requests after it.
import type { BrokerConfig } from '../config/index.js';
import { OAuthTokenError, UnknownKeyError, type TokenValidator } from '../security/index.js';
import { oauthBearerValidator } from './listeners.js';

export type BearerResult =
  | { readonly principal: string; readonly expiresAtMs: number }
  | { readonly error: 'invalid_token' | 'insufficient_scope'; readonly reason: string; readonly scope?: string };

export class BearerCheck {
  constructor(readonly validator: TokenValidator) {}

  /** Resolves once the first JWKS load is done (at once for the unsecured validator). */
  ready(): Promise<void> {
    return this.validator.ready();
  }

  /** The token's principal (User:<sub>) and expiry, or why it is refused (RFC 6750's error code). */
  check(token: string): BearerResult {
    try {
      const t = this.validator.validateSync(token);
      return { principal: `User:${t.principal}`, expiresAtMs: t.expiresAtMs };
    } catch (e) {
      if (!(e instanceof OAuthTokenError)) throw e;
      if (e instanceof UnknownKeyError) void this.validator.validate(token).catch(() => {});
      return { error: e.status, reason: e.message, scope: e.scope };
    }
  }
}

/** The bearer check for a gateway listener: its listener.name.<listener>.oauthbearer.* settings, else the plain keys. */
export function bearerCheck(config: BrokerConfig, listener: string, warn?: (msg: string) => void): BearerCheck {
  return new BearerCheck(oauthBearerValidator(config, listener, warn));
}
