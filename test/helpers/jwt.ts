// JWTs for the OAUTHBEARER tests: key pairs with their public JWK, tokens signed with node:crypto
// (RS*, PS*, ES*), unsigned ones (alg none, as librdkafka's and Kafka's unsecured logins make them), and a
// JWKS served by a loopback HTTP server that counts its fetches.
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

export function makeKey(alg: 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384', kid: string): TestKey {
  const ec = alg.startsWith('ES');
  const { privateKey, publicKey } = ec
    ? generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', ES256: 'sha256', ES384: 'sha384' };

/** A compact JWS of `claims` signed with `key` (header overrides, e.g. another kid or alg, as given). */
export function signJwt(claims: Record<string, unknown>, key: TestKey, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${b64(claims)}`;
  const data = Buffer.from(input);
  const hash = HASH[key.alg]!;
  const sig = key.alg.startsWith('ES') ? sign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : key.alg.startsWith('PS') ? sign(hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
      : sign(hash, data, key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

/** An unsigned token (alg none, empty signature). */
export function unsecuredJwt(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'none' })}.${b64(claims)}.`;
}

/** Claims valid for `lifetimeS` seconds from now. */
export function claims(sub: string, extra: Record<string, unknown> = {}, lifetimeS = 3600): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub, iat: now, exp: now + lifetimeS, ...extra };
}

export function jwks(...keys: TestKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.jwk) });
}

/**
 * A loopback HTTP server answering GET /jwks with the current key set (replaceable), counting fetches; and
 * POST /token (an OAuth client_credentials grant) with the access token `issue` makes for the HTTP Basic
 * client id and secret, 401 when it makes none.
 */
export class JwksServer {
  fetches = 0;
  tokenRequests: string[] = [];
  body: string;
  issue: (clientId: string, secret: string) => string | undefined = () => undefined;
  readonly #server: Server;
  constructor(body: string) {
    this.body = body;
    this.#server = createServer((req, res) => {
      if (req.url === '/jwks') {
        this.fetches++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(this.body);
        return;
      }
      if (req.url !== '/token' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      let form = '';
      req.on('data', (d: Buffer) => void (form += d.toString()));
      req.on('end', () => {
        this.tokenRequests.push(form);
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        const [id, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent) : ['', ''];
        const token = new URLSearchParams(form).get('grant_type') === 'client_credentials' ? this.issue(id ?? '', secret ?? '') : undefined;
        if (token === undefined) res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
  }

  get tokenUrl(): string {
    return this.url.replace(/\/jwks$/, '/token');
  }

  static async start(body: string): Promise<JwksServer> {
    const s = new JwksServer(body);
    await new Promise<void>((resolve) => s.#server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/jwks`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
