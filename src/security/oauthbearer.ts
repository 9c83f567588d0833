// SASL/OAUTHBEARER (RFC 7628, Kafka's OAuthBearerSaslServer) and the two token validators Kafka ships:
// - unsecured (OAuthBearerUnsecuredValidatorCallbackHandler, the default): an unsigned JWS (alg "none",
//   empty signature) whose claims are trusted as they are; for development only;
// - signed (OAuthBearerValidatorCallbackHandler, KIP-768): a JWT signed with RS256/384/512, PS256/384/512
//   or ES256/384/512 by a key of a JWKS (an http(s):// endpoint refreshed in the background, or a file:
//   URL), with exp, iat, nbf, iss, aud, the principal and scope claims checked.
// Token checks are synchronous against the keys at hand (the gateway needs that); the SASL exchange waits
// for the first key set and refetches the set once for a key id it does not know.
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** A rejected token: `status` is RFC 7628's error status (invalid_token, insufficient_scope). */
export class OAuthTokenError extends Error {
  constructor(readonly status: 'invalid_token' | 'insufficient_scope', message: string, readonly scope?: string) {
    super(message);
  }

  /** The server's error challenge (RFC 7628 section 3.2.2), as Kafka's OAuthBearerSaslServer sends it. */
  challenge(): string {
    return JSON.stringify(this.scope === undefined ? { status: this.status } : { status: this.status, scope: this.scope });
  }
}

export interface ValidatedToken {
  /** The principal name (the sub claim, or the configured principal claim). */
  readonly principal: string;
  /** When the token expires (exp), in ms since the epoch. */
  readonly expiresAtMs: number;
  readonly scope: readonly string[];
}

export interface TokenValidator {
  /** Validates against what is at hand now; throws OAuthTokenError. */
  validateSync(token: string): ValidatedToken;
  /** Validates, first waiting for the keys it needs (a JWKS's first load, a refetch for an unknown kid). */
  validate(token: string): Promise<ValidatedToken>;
  /** Resolves once the validator can check tokens (the first JWKS load attempt is done). */
  ready(): Promise<void>;
}

interface Jws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
  readonly signatureText: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  if (!B64URL.test(part) || part.length === 0) throw new OAuthTokenError('invalid_token', `the JWT ${what} is not base64url`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new OAuthTokenError('invalid_token', `the JWT ${what} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OAuthTokenError('invalid_token', `the JWT ${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/** Splits a compact JWS (header.payload.signature) and decodes its JSON parts. */
export function parseJws(token: string): Jws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new OAuthTokenError('invalid_token', `a JWT has 3 dot-separated parts, this one ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(s)) throw new OAuthTokenError('invalid_token', 'the JWT signature is not base64url');
  return { header: decodeJsonPart(h, 'header'), payload: decodeJsonPart(p, 'payload'), signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url'), signatureText: s };
}

function numericClaim(payload: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const v = payload[name];
  if (v === undefined) {
    if (required) throw new OAuthTokenError('invalid_token', `the JWT has no ${name} claim`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new OAuthTokenError('invalid_token', `the JWT's ${name} claim is not a number`);
  return v;
}

function principalClaim(payload: Record<string, unknown>, name: string): string {
  const v = payload[name];
  if (typeof v !== 'string' || v.trim() === '') throw new OAuthTokenError('invalid_token', `the JWT has no principal name in its ${name} claim`);
  return v;
}

/** A scope claim: a space-separated string or a list of strings (Kafka's OAuthBearerScopeUtils). */
function scopeClaim(payload: Record<string, unknown>, name: string): string[] {
  const v = payload[name];
  if (v === undefined) return [];
  if (typeof v === 'string') return v.split(' ').filter((s) => s !== '');
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw new OAuthTokenError('invalid_token', `the JWT's ${name} claim is neither a string nor a list of strings`);
}

// ---- unsecured (alg none) ----

export interface UnsecuredOptions {
  /** unsecuredValidatorPrincipalClaimName (default sub). */
  readonly principalClaim: string;
  /** unsecuredValidatorScopeClaimName (default scope). */
  readonly scopeClaim: string;
  /** unsecuredValidatorRequiredScope: scopes every token must have. */
  readonly requiredScope: readonly string[];
  /** unsecuredValidatorAllowableClockSkewMs (default 0). */
  readonly clockSkewMs: number;
}

/** The unsecured validator's options from OAuthBearerLoginModule's JAAS options. */
export function unsecuredOptions(jaas: Readonly<Record<string, string>>): UnsecuredOptions {
  const skew = jaas.unsecuredValidatorAllowableClockSkewMs;
  const skewMs = skew === undefined ? 0 : Number(skew);
  if (!Number.isInteger(skewMs) || skewMs < 0) throw new Error(`unsecuredValidatorAllowableClockSkewMs=${skew}: expected a number of ms >= 0`);
  return {
    principalClaim: jaas.unsecuredValidatorPrincipalClaimName?.trim() || 'sub',
    scopeClaim: jaas.unsecuredValidatorScopeClaimName?.trim() || 'scope',
    requiredScope: (jaas.unsecuredValidatorRequiredScope ?? '').split(/[\s,]+/).filter((s) => s !== ''),
    clockSkewMs: skewMs,
  };
}

export class UnsecuredValidator implements TokenValidator {
  constructor(readonly options: UnsecuredOptions, readonly now: () => number = Date.now) {}

  ready(): Promise<void> {
    return Promise.resolve();
  }

  validate(token: string): Promise<ValidatedToken> {
    return Promise.resolve().then(() => this.validateSync(token));
  }

  validateSync(token: string): ValidatedToken {
    const jws = parseJws(token);
    if (jws.header.alg !== 'none' || jws.signatureText !== '') throw new OAuthTokenError('invalid_token', 'the unsecured validator accepts only unsigned tokens (alg "none", empty signature)');
    const { payload } = jws;
    const { clockSkewMs } = this.options;
    const now = this.now();
    const exp = numericClaim(payload, 'exp', true)! * 1000;
    const iat = numericClaim(payload, 'iat', false);
    if (iat !== undefined && iat * 1000 > now + clockSkewMs) throw new OAuthTokenError('invalid_token', `the token was issued in the future (iat ${iat})`);
    if (iat !== undefined && exp <= iat * 1000) throw new OAuthTokenError('invalid_token', 'the token expires before it was issued (exp <= iat)');
    if (now >= exp + clockSkewMs) throw new OAuthTokenError('invalid_token', `the token expired at ${new Date(exp).toISOString()}`);
    const principal = principalClaim(payload, this.options.principalClaim);
    const scope = scopeClaim(payload, this.options.scopeClaim);
    const missing = this.options.requiredScope.filter((s) => !scope.includes(s));
    if (missing.length > 0) throw new OAuthTokenError('insufficient_scope', `the token lacks the required scope ${missing.join(' ')}`, this.options.requiredScope.join(' '));
    return { principal, expiresAtMs: exp, scope };
  }
}

// ---- signed (JWKS) ----

export interface SignedOptions {
  /** sasl.oauthbearer.jwks.endpoint.url: http(s):// or file:. */
  readonly jwksUrl: string;
  readonly refreshMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** sasl.oauthbearer.expected.audience: one of them must be in aud; empty: not checked. */
  readonly expectedAudience: readonly string[];
  /** sasl.oauthbearer.expected.issuer; null: not checked. */
  readonly expectedIssuer: string | null;
  readonly subClaim: string;
  readonly scopeClaim: string;
  readonly clockSkewSeconds: number;
}

const ALGS: Readonly<Record<string, { hash: string; kind: 'rsa' | 'pss' | 'ec'; curve?: string; size?: number }>> = {
  RS256: { hash: 'sha256', kind: 'rsa' }, RS384: { hash: 'sha384', kind: 'rsa' }, RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'pss' }, PS384: { hash: 'sha384', kind: 'pss' }, PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ec', curve: 'prime256v1', size: 64 },
  ES384: { hash: 'sha384', kind: 'ec', curve: 'secp384r1', size: 96 },
  ES512: { hash: 'sha512', kind: 'ec', curve: 'secp521r1', size: 132 },
};

interface Jwk {
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  readonly key: KeyObject;
}

/** The usable verification keys of a JWKS document (RSA and EC; keys for encryption are left out). */
export function parseJwks(text: string): Jwk[] {
  const doc = JSON.parse(text) as unknown;
  const keys = (doc as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new Error('a JWKS is a JSON object with a "keys" list');
  const out: Jwk[] = [];
  for (const k of keys as Array<Record<string, unknown>>) {
    if (typeof k !== 'object' || k === null || (k.kty !== 'RSA' && k.kty !== 'EC') || k.use === 'enc') continue;
    try {
      out.push({ kid: typeof k.kid === 'string' ? k.kid : undefined, alg: typeof k.alg === 'string' ? k.alg : undefined, key: createPublicKey({ key: k as never, format: 'jwk' }) });
    } catch {
      // A key node:crypto cannot read is skipped, as a JWKS may list kinds this broker does not use.
    }
  }
  return out;
}

function keyFits(jwk: Jwk, alg: string): boolean {
  const spec = ALGS[alg]!;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  const type = jwk.key.asymmetricKeyType;
  if (spec.kind === 'ec') return type === 'ec' && jwk.key.asymmetricKeyDetails?.namedCurve === spec.curve;
  return type === 'rsa' || (spec.kind === 'pss' && type === 'rsa-pss');
}

function signatureValid(alg: string, key: KeyObject, input: string, signature: Buffer): boolean {
  const spec = ALGS[alg]!;
  const data = Buffer.from(input, 'ascii');
  if (spec.kind === 'ec') return signature.length === spec.size && verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (spec.kind === 'pss') return verify(spec.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  return verify(spec.hash, data, key, signature);
}

/** How long an unknown key id waits before it may trigger another JWKS refetch (Kafka's RefreshingHttpsJwks). */
const MISSING_KID_WAIT_MS = 60_000;
const MISSING_KID_MAX_ENTRIES = 16;
const MISSING_KID_MAX_LENGTH = 1000;

/**
 * Where a JWKS comes from: fetched (http/https) or read (file:), again every refresh.ms. A failed load is
 * retried after retry.backoff.ms, doubling up to retry.backoff.max.ms, keeping the keys it had. A token
 * with a key id the set lacks triggers one refetch, then that id waits a minute before it may again.
 */
export class JwksSource {
  #keys: Jwk[] = [];
  #loaded = false;
  #first: Promise<void>;
  #inflight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #missing = new Map<string, number>();
  lastError: string | undefined;

  constructor(readonly url: string, readonly refreshMs: number, readonly retryBackoffMs: number, readonly retryBackoffMaxMs: number, readonly log?: (msg: string) => void) {
    const u = new URL(url);
    if (!['http:', 'https:', 'file:'].includes(u.protocol)) throw new Error(`sasl.oauthbearer.jwks.endpoint.url=${url}: expected an http://, https:// or file: URL`);
    this.#first = this.refresh();
    this.#timer = setInterval(() => void this.refresh(), refreshMs);
    this.#timer.unref();
  }

  get keys(): readonly Jwk[] {
    return this.#keys;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  ready(): Promise<void> {
    return this.#first;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  async #load(): Promise<string> {
    const u = new URL(this.url);
    if (u.protocol === 'file:') return readFile(fileURLToPath(u), 'utf8');
    const res = await fetch(u, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  }

  /** Loads the key set now (one load at a time, retried with backoff); failures keep the previous keys and are logged. */
  refresh(): Promise<void> {
    this.#inflight ??= (async () => {
      let wait = this.retryBackoffMs;
      for (let attempt = 1; ; attempt++) {
        try {
          this.#keys = parseJwks(await this.#load());
          this.#loaded = true;
          this.lastError = undefined;
          return;
        } catch (e) {
          this.lastError = (e as Error).message;
          this.log?.(`JWKS ${this.url} could not be loaded (attempt ${attempt}): ${this.lastError}`);
        }
        if (this.#closed || wait > this.retryBackoffMaxMs || wait <= 0) return;
        await new Promise((r) => setTimeout(r, wait));
        wait *= 2;
      }
    })().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /** Refetches for a key id the set lacks, unless that id did so within the last minute: whether it ran. */
  async refreshForUnknownKid(kid: string | undefined): Promise<boolean> {
    const id = (kid ?? '').slice(0, MISSING_KID_MAX_LENGTH);
    const now = Date.now();
    const last = this.#missing.get(id);
    if (last !== undefined && now - last < MISSING_KID_WAIT_MS) return false;
    for (const [k, t] of this.#missing) if (now - t >= MISSING_KID_WAIT_MS) this.#missing.delete(k);
    if (this.#missing.size >= MISSING_KID_MAX_ENTRIES) return false;
    this.#missing.set(id, now);
    await this.refresh();
    return true;
  }
}

export class UnknownKeyError extends OAuthTokenError {
  constructor(message: string, readonly kid: string | undefined) {
    super('invalid_token', message);
  }
}

export class SignedValidator implements TokenValidator {
  readonly source: JwksSource;

  constructor(readonly options: SignedOptions, log?: (msg: string) => void, readonly now: () => number = Date.now) {
    this.source = new JwksSource(options.jwksUrl, options.refreshMs, options.retryBackoffMs, options.retryBackoffMaxMs, log);
  }

  ready(): Promise<void> {
    return this.source.ready();
  }

  async validate(token: string): Promise<ValidatedToken> {
    await this.source.ready();
    try {
      return this.validateSync(token);
    } catch (e) {
      if (!(e instanceof UnknownKeyError) || !(await this.source.refreshForUnknownKid(e.kid))) throw e;
      return this.validateSync(token);
    }
  }

  validateSync(token: string): ValidatedToken {
    const jws = parseJws(token);
    const alg = jws.header.alg;
    if (typeof alg !== 'string' || !Object.hasOwn(ALGS, alg)) throw new OAuthTokenError('invalid_token', `JWS algorithm ${JSON.stringify(alg)} is not accepted (${Object.keys(ALGS).join(', ')})`);
    if (!this.source.loaded) throw new OAuthTokenError('invalid_token', `no keys: the JWKS at ${this.source.url} has not been loaded (${this.source.lastError ?? 'loading'})`);
    const kid = jws.header.kid;
    if (kid !== undefined && typeof kid !== 'string') throw new OAuthTokenError('invalid_token', 'the JWT header kid is not a string');
    const candidates = this.source.keys.filter((k) => (kid === undefined || k.kid === kid) && keyFits(k, alg));
    if (candidates.length === 0) throw new UnknownKeyError(kid === undefined ? `no key of the JWKS fits ${alg}` : `no key with kid ${kid.slice(0, 100)} for ${alg} in the JWKS`, kid);
    if (!candidates.some((k) => signatureValid(alg, k.key, jws.signingInput, jws.signature))) throw new OAuthTokenError('invalid_token', 'the JWT signature does not verify');
    return this.#claims(jws.payload);
  }

  #claims(payload: Record<string, unknown>): ValidatedToken {
    const o = this.options;
    const skewMs = o.clockSkewSeconds * 1000;
    const now = this.now();
    const exp = numericClaim(payload, 'exp', true)! * 1000;
    numericClaim(payload, 'iat', true);
    const nbf = numericClaim(payload, 'nbf', false);
    if (now - skewMs >= exp) throw new OAuthTokenError('invalid_token', `the token expired at ${new Date(exp).toISOString()}`);
    if (nbf !== undefined && now + skewMs < nbf * 1000) throw new OAuthTokenError('invalid_token', `the token is not valid before ${new Date(nbf * 1000).toISOString()}`);
    if (o.expectedIssuer !== null && payload.iss !== o.expectedIssuer) throw new OAuthTokenError('invalid_token', `issuer ${JSON.stringify(payload.iss ?? null)} is not the expected ${o.expectedIssuer}`);
    if (o.expectedAudience.length > 0) {
      const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
      if (!aud.some((a) => o.expectedAudience.includes(a as string))) throw new OAuthTokenError('invalid_token', `audience ${JSON.stringify(payload.aud ?? null)} is none of the expected ${o.expectedAudience.join(', ')}`);
    }
    return { principal: principalClaim(payload, o.subClaim), expiresAtMs: exp, scope: scopeClaim(payload, o.scopeClaim) };
  }
}

// ---- the SASL client's first message ----

export interface ClientInitialResponse {
  readonly authzid: string;
  readonly token: string;
  readonly extensions: ReadonlyMap<string, string>;
}

/** Thrown for a client message that is not RFC 7628's (no token to judge). */
export class OAuthBearerFormatError extends Error {}

const KEY = /^[A-Za-z]+$/;
const VALUE = /^[\x21-\x7E \t\r\n]+$/;

/** Parses `n,[a=<authzid>],\x01auth=Bearer <token>\x01[key=value\x01]...\x01`. */
export function parseClientInitialResponse(bytes: Buffer): ClientInitialResponse {
  const text = bytes.toString('utf8');
  const m = /^n,(?:a=([^,\x01]*))?,\x01/.exec(text);
  if (!m) throw new OAuthBearerFormatError('Invalid OAUTHBEARER client first message: bad GS2 header (expected "n,,\\x01" or "n,a=<authzid>,\\x01")');
  if (!text.endsWith('\x01\x01')) throw new OAuthBearerFormatError('Invalid OAUTHBEARER client first message: it must end with two \\x01 separators');
  const body = text.slice(m[0].length, -2);
  const pairs = new Map<string, string>();
  for (const kv of body === '' ? [] : body.split('\x01')) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const value = eq < 0 ? '' : kv.slice(eq + 1);
    if (!KEY.test(key) || !VALUE.test(value)) throw new OAuthBearerFormatError(`Invalid OAUTHBEARER client first message: bad key=value pair ${JSON.stringify(kv.slice(0, 64))}`);
    pairs.set(key, value);
  }
  const auth = pairs.get('auth');
  if (auth === undefined) throw new OAuthBearerFormatError('Invalid OAUTHBEARER client first message: \'auth\' not specified');
  const am = /^([\w]+) +([-_.a-zA-Z0-9]+)$/.exec(auth);
  if (!am || am[1]!.toLowerCase() !== 'bearer') throw new OAuthBearerFormatError('Invalid OAUTHBEARER client first message: auth is not "Bearer <token>"');
  pairs.delete('auth');
  return { authzid: m[1] ?? '', token: am[2]!, extensions: pairs };
}
