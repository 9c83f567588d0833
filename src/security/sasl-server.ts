// The broker's side of SASL exchanges (Kafka's SaslServerAuthenticator with PlainSaslServer and
// ScramSaslServer): one exchange per authentication, fed the client's tokens in order, answering the
// server's tokens until it completes with an authenticated user name or fails with Kafka's message.
import { timingSafeEqual } from 'node:crypto';
import { SaslPlain, Scram } from '../protocol/index.js';
import { OAuthBearerFormatError, OAuthTokenError, parseClientInitialResponse, type TokenValidator } from './oauthbearer.js';

export const SUPPORTED_MECHANISMS: readonly string[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

export interface SaslServerConfig {
  /** Mechanisms this listener offers (sasl.enabled.mechanisms), in order. */
  readonly mechanisms: readonly string[];
  /** PLAIN users from the listener's JAAS config (user_<name>="<password>"). */
  readonly plainUsers: ReadonlyMap<string, string>;
  /** A user's SCRAM credential from the metadata store. */
  scramCredential(user: string, mechanism: Scram.ScramMechanism): Promise<Scram.ScramCredential | undefined>;
  /** sasl.scram.accept.repeated.client.nonce: librdkafka before 2.6.1's client-final nonce. */
  readonly acceptRepeatedClientNonce: boolean;
  /** OAUTHBEARER's token validator (unsecured or JWKS-signed); set when the listener offers OAUTHBEARER. */
  readonly oauthBearer?: TokenValidator;
}

/** A failed authentication; `message` is what Kafka answers in SaslAuthenticate's error_message. */
export class SaslAuthenticationError extends Error {}

export interface SaslStep {
  /** Bytes for the client (empty when the mechanism has nothing to say). */
  readonly response: Buffer;
  /** The authenticated user name once the exchange is complete; undefined while it goes on. */
  readonly user?: string;
  /** When the credential expires (an OAUTHBEARER token's exp), in ms since the epoch. */
  readonly credentialExpiresAtMs?: number;
  /** Why the client's credential was refused when the failure comes later (OAUTHBEARER's error challenge). */
  readonly rejected?: string;
}

export interface SaslExchange {
  readonly mechanism: string;
  evaluate(token: Buffer): Promise<SaslStep>;
}

export function createSaslExchange(mechanism: string, config: SaslServerConfig): SaslExchange {
  if (mechanism === 'PLAIN') return new PlainExchange(config);
  if (Scram.isScramMechanism(mechanism)) return new ScramExchange(mechanism, config);
  if (mechanism === 'OAUTHBEARER' && config.oauthBearer) return new OAuthBearerExchange(config.oauthBearer);
  throw new Error(`unsupported SASL mechanism ${mechanism}`);
}

class PlainExchange implements SaslExchange {
  readonly mechanism = 'PLAIN';
  #done = false;
  constructor(readonly config: SaslServerConfig) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    if (this.#done) throw new SaslAuthenticationError('Authentication failed: PLAIN exchange is already complete');
    this.#done = true;
    const creds = SaslPlain.parsePlain(token);
    if (!creds) throw new SaslAuthenticationError('Authentication failed: Invalid SASL/PLAIN response: expected 3 tokens');
    if (creds.authzid !== '' && creds.authzid !== creds.username) throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
    const expected = this.config.plainUsers.get(creds.username);
    if (expected === undefined || !constantTimeEquals(expected, creds.password)) throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    return { response: Buffer.alloc(0), user: creds.username };
  }
}

/**
 * OAUTHBEARER (RFC 7628) as Kafka's OAuthBearerSaslServer: the client's first message carries the token;
 * a valid one completes at once, a bad one is answered with the JSON error challenge, to which the client
 * answers a lone \x01, and the exchange then fails.
 */
class OAuthBearerExchange implements SaslExchange {
  readonly mechanism = 'OAUTHBEARER';
  #state: 'first' | 'error' | 'done' = 'first';
  #error = '';
  constructor(readonly validator: TokenValidator) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    if (this.#state === 'error') {
      this.#state = 'done';
      throw new SaslAuthenticationError(this.#error);
    }
    if (this.#state === 'done') throw new SaslAuthenticationError('Authentication failed: OAUTHBEARER exchange is already complete');
    this.#state = 'done';
    let first;
    try {
      first = parseClientInitialResponse(token);
    } catch (e) {
      if (e instanceof OAuthBearerFormatError) throw new SaslAuthenticationError(`Authentication failed: ${e.message}`);
      throw e;
    }
    let valid;
    try {
      valid = await this.validator.validate(first.token);
    } catch (e) {
      if (!(e instanceof OAuthTokenError)) throw e;
      // The client answers the challenge with %x01; the failure (with the reason) comes then.
      this.#state = 'error';
      this.#error = `Authentication failed: invalid OAUTHBEARER token (${e.status}): ${e.message}`;
      return { response: Buffer.from(e.challenge(), 'utf8'), rejected: this.#error };
    }
    if (first.authzid !== '' && first.authzid !== valid.principal) {
      throw new SaslAuthenticationError(`Authentication failed: Client requested an authorization id (${first.authzid}) that is different from the token's principal name (${valid.principal})`);
    }
    return { response: Buffer.alloc(0), user: valid.principal, credentialExpiresAtMs: valid.expiresAtMs };
  }
}

function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i % Math.max(1, x.length)] ?? 0) ^ (y[i % Math.max(1, y.length)] ?? 0);
  return diff === 0;
}

class ScramExchange implements SaslExchange {
  #state: 'first' | 'final' | 'done' = 'first';
  #first: Scram.ClientFirst | undefined;
  #serverFirst = '';
  #serverNonce = '';
  #credential: Scram.ScramCredential | undefined;

  constructor(readonly mechanism: Scram.ScramMechanism, readonly config: SaslServerConfig) {}

  #invalid(): SaslAuthenticationError {
    return new SaslAuthenticationError(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`);
  }

  async evaluate(token: Buffer): Promise<SaslStep> {
    const text = token.toString('utf8');
    try {
      if (this.#state === 'first') return await this.#clientFirst(text);
      if (this.#state === 'final') return this.#clientFinal(text);
    } catch (e) {
      this.#state = 'done';
      if (e instanceof SaslAuthenticationError) throw e;
      if (e instanceof Scram.ScramFormatError) throw new SaslAuthenticationError(`Authentication failed: ${e.message}`);
      throw e;
    }
    throw new SaslAuthenticationError('Authentication failed: SCRAM exchange is already complete');
  }

  async #clientFirst(text: string): Promise<SaslStep> {
    const first = Scram.parseClientFirst(text);
    if (first.gs2Header.startsWith('y') || first.gs2Header.startsWith('p')) throw new SaslAuthenticationError('Authentication failed: channel binding is not supported');
    if (first.extensions.tokenauth === 'true') throw new SaslAuthenticationError('Authentication failed: delegation tokens are not supported');
    if (first.authzid !== null && first.authzid !== first.user) throw new SaslAuthenticationError('Authentication failed: Authorization id does not match user name');
    const cred = await this.config.scramCredential(first.user, this.mechanism);
    if (!cred) {
      this.#state = 'done';
      throw this.#invalid();
    }
    this.#first = first;
    this.#credential = cred;
    this.#serverNonce = first.nonce + Scram.newNonce();
    this.#serverFirst = Scram.formatServerFirst(this.#serverNonce, cred.salt, cred.iterations);
    this.#state = 'final';
    return { response: Buffer.from(this.#serverFirst, 'utf8') };
  }

  #clientFinal(text: string): SaslStep {
    this.#state = 'done';
    const first = this.#first!;
    const cred = this.#credential!;
    const fin = Scram.parseClientFinal(text);
    if (fin.channelBinding !== Buffer.from(first.gs2Header, 'utf8').toString('base64')) throw new SaslAuthenticationError('Authentication failed: Invalid channel binding');
    const exact = fin.nonce === this.#serverNonce;
    // librdkafka < 2.6.1 sends client nonce + server nonce (which already starts with the client nonce).
    const repeated = this.config.acceptRepeatedClientNonce && fin.nonce === first.nonce + this.#serverNonce;
    if (!exact && !repeated) throw new SaslAuthenticationError('Authentication failed: Invalid client nonce in the final client message.');
    const auth = Scram.authMessage(first.bare, this.#serverFirst, fin.withoutProof);
    if (!Scram.verifyProof(this.mechanism, cred, auth, fin.proof)) throw this.#invalid();
    const signature = Scram.serverSignature(this.mechanism, cred.serverKey, auth);
    return { response: Buffer.from(`v=${signature.toString('base64')}`, 'utf8'), user: first.user };
  }
}

/** Whether `password` is the one a SCRAM credential was made from (HTTP Basic against SCRAM users). */
export function scramPasswordMatches(mechanism: Scram.ScramMechanism, cred: Scram.ScramCredential, password: string): boolean {
  const salted = Scram.saltedPassword(mechanism, password, cred.salt, cred.iterations);
  const stored = Scram.hash(mechanism, Scram.hmac(mechanism, salted, 'Client Key'));
  return stored.length === cred.storedKey.length && timingSafeEqual(stored, cred.storedKey);
}

/** Constant-time comparison of two passwords. */
export function passwordEquals(expected: string, given: string): boolean {
  return constantTimeEquals(expected, given);
}
