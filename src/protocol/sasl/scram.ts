// SCRAM (RFC 5802, RFC 7677): the message formats and key derivations both sides use — the broker's
// authenticator and credential store (StoredKey/ServerKey from a salted password) and the client's login.
// Kafka's mechanism numbers (AlterUserScramCredentials/DescribeUserScramCredentials): 1 SCRAM-SHA-256,
// 2 SCRAM-SHA-512. Kafka's iteration bounds: 4096 (minimum, RFC 7677's recommendation) to 16384.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number; type: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32, type: 1 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64, type: 2 },
};

export function isScramMechanism(m: string): m is ScramMechanism {
  return Object.hasOwn(HASH, m);
}

/** Kafka's ScramMechanism type byte (1, 2), and back (undefined for 0 UNKNOWN and anything else). */
export function mechanismType(m: ScramMechanism): number {
  return HASH[m].type;
}
export function mechanismOfType(t: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => HASH[m].type === t);
}

/** What a broker keeps of a SCRAM password: never the password itself. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

export function hmac(m: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(HASH[m].name, key).update(data).digest();
}

export function hash(m: ScramMechanism, data: Buffer): Buffer {
  return createHash(HASH[m].name).update(data).digest();
}

/** Hi(password, salt, i): PBKDF2 with HMAC-H. */
export function saltedPassword(m: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, HASH[m].bytes, HASH[m].name);
}

/** StoredKey and ServerKey from a salted password (what AlterUserScramCredentials carries). */
export function credentialFromSaltedPassword(m: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(m, salted, 'Client Key');
  return { salt, storedKey: hash(m, clientKey), serverKey: hmac(m, salted, 'Server Key'), iterations };
}

export function credentialFromPassword(m: ScramMechanism, password: string, iterations: number, salt: Buffer = randomBytes(32)): ScramCredential {
  return credentialFromSaltedPassword(m, saltedPassword(m, password, salt, iterations), salt, iterations);
}

/** Kafka's textual form of a credential (ZooKeeper /config/users/<user>, the local metadata file). */
export function formatCredential(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

export function parseCredential(s: string): ScramCredential | undefined {
  const a = parseAttributes(s);
  if (!a || !a.salt || !a.stored_key || !a.server_key || !a.iterations) return undefined;
  const iterations = Number(a.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) return undefined;
  return { salt: Buffer.from(a.salt, 'base64'), storedKey: Buffer.from(a.stored_key, 'base64'), serverKey: Buffer.from(a.server_key, 'base64'), iterations };
}

/** `k=v,k=v` attributes (values may contain '='); undefined when malformed. */
function parseAttributes(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 1) return undefined;
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** saslname: ',' and '=' are written =2C and =3D (RFC 5802 §5.1). */
export function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}
export function decodeSaslName(s: string): string | undefined {
  if (/=(?!2C|3D)/.test(s)) return undefined;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export function newNonce(): string {
  return randomBytes(24).toString('base64').replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}

export interface ClientFirst {
  /** The GS2 header ("n,," or "n,a=authzid,"). */
  readonly gs2Header: string;
  readonly authzid: string | null;
  readonly user: string;
  readonly nonce: string;
  /** client-first-message-bare, as sent (part of the AuthMessage). */
  readonly bare: string;
  /** Extensions after the nonce (Kafka's tokenauth=true for delegation tokens). */
  readonly extensions: Readonly<Record<string, string>>;
}

export class ScramFormatError extends Error {}

/** Parses client-first-message: gs2-header client-first-message-bare. Channel binding is not supported ("n" or "y"). */
export function parseClientFirst(msg: string): ClientFirst {
  const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(msg);
  if (!m) throw new ScramFormatError('Invalid SCRAM client first message format');
  const bare = m[3];
  const authzid = m[2] ? decodeSaslName(m[2].slice(2)) ?? null : null;
  const parts = bare.split(',');
  if (parts.length < 2 || !parts[0].startsWith('n=') || !parts[1].startsWith('r=')) throw new ScramFormatError('Invalid SCRAM client first message format');
  const user = decodeSaslName(parts[0].slice(2));
  const nonce = parts[1].slice(2);
  if (user === undefined || user === '' || nonce === '' || !/^[\x21-\x2b\x2d-\x7e]+$/.test(nonce)) throw new ScramFormatError('Invalid SCRAM client first message format');
  const extensions: Record<string, string> = {};
  for (const p of parts.slice(2)) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new ScramFormatError('Invalid SCRAM client first message format');
    extensions[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { gs2Header: `${m[1]},${m[2] ?? ''},`, authzid, user, nonce, bare, extensions };
}

export function formatClientFirst(user: string, nonce: string): { message: string; bare: string } {
  const bare = `n=${encodeSaslName(user)},r=${nonce}`;
  return { message: `n,,${bare}`, bare };
}

export function formatServerFirst(nonce: string, salt: Buffer, iterations: number): string {
  return `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
}

export function parseServerFirst(msg: string): { nonce: string; salt: Buffer; iterations: number } {
  const m = /^r=([^,]+),s=([^,]+),i=(\d+)(,.*)?$/.exec(msg);
  if (!m) throw new ScramFormatError(`Invalid SCRAM server first message: ${msg.startsWith('e=') ? msg.slice(2) : 'bad format'}`);
  return { nonce: m[1], salt: Buffer.from(m[2], 'base64'), iterations: Number(m[3]) };
}

export interface ClientFinal {
  readonly channelBinding: string;
  readonly nonce: string;
  readonly proof: Buffer;
  /** client-final-message-without-proof, as sent (part of the AuthMessage). */
  readonly withoutProof: string;
}

export function parseClientFinal(msg: string): ClientFinal {
  const m = /^c=([^,]*),r=([^,]+)((?:,[^,]+)*),p=([A-Za-z0-9+/=]+)$/.exec(msg);
  if (!m) throw new ScramFormatError('Invalid SCRAM client final message format');
  return { channelBinding: m[1], nonce: m[2], proof: Buffer.from(m[4], 'base64'), withoutProof: msg.slice(0, msg.lastIndexOf(',p=')) };
}

export function authMessage(clientFirstBare: string, serverFirst: string, clientFinalWithoutProof: string): string {
  return `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
}

/** ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage). */
export function clientProof(m: ScramMechanism, salted: Buffer, auth: string): Buffer {
  const clientKey = hmac(m, salted, 'Client Key');
  const signature = hmac(m, hash(m, clientKey), auth);
  return xor(clientKey, signature);
}

/** The server's check of a proof: H(proof XOR HMAC(StoredKey, AuthMessage)) == StoredKey, in constant time. */
export function verifyProof(m: ScramMechanism, cred: ScramCredential, auth: string, proof: Buffer): boolean {
  if (proof.length !== HASH[m].bytes || cred.storedKey.length !== HASH[m].bytes) return false;
  const clientKey = xor(proof, hmac(m, cred.storedKey, auth));
  return timingSafeEqual(hash(m, clientKey), cred.storedKey);
}

export function serverSignature(m: ScramMechanism, serverKey: Buffer, auth: string): Buffer {
  return hmac(m, serverKey, auth);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
