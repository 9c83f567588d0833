// Shared helpers for the protocol tests: round-trip checking of an API codec over
// all its versions, with per-version expectations for fields a version lacks.

import assert from 'node:assert/strict';
import { Reader, Writer } from '../../../src/protocol/index.js';

export interface Codec<Req, Res> {
  readonly apiName: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  decodeRequest(r: Reader, version: number): Req;
  encodeRequest(w: Writer, version: number, body: Req): void;
  decodeResponse(r: Reader, version: number): Res;
  encodeResponse(w: Writer, version: number, body: Res): void;
}

/**
 * A field that exists only in versions [from, to]; in other versions a decoded
 * message carries `dflt` there. Path segments are property names, `*` = every element.
 */
export type VersionedField = readonly [path: string, from: number, to: number, dflt: unknown];

export interface RoundTripCase<Req, Res> {
  codec: Codec<Req, Res>;
  /** Full bodies, valid at maxVersion, every field set to a non-default value. */
  request: Req;
  response: Res;
  requestFields: readonly VersionedField[];
  responseFields: readonly VersionedField[];
}

/** Deep clone that keeps Buffers as they are (structuredClone would turn them into Uint8Arrays). */
export function clone<T>(v: T): T {
  if (Buffer.isBuffer(v) || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = clone(x);
  return out as T;
}

function setPath(obj: unknown, parts: readonly string[], value: unknown): void {
  if (obj === null || typeof obj !== 'object') return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (head === '*') {
    if (Array.isArray(obj)) for (const el of obj) setPath(el, rest, value);
    return;
  }
  const rec = obj as Record<string, unknown>;
  if (rest.length === 0) {
    rec[head] = clone(value);
    return;
  }
  setPath(rec[head], rest, value);
}

/** What a body looks like after a trip through `version`: absent fields take their defaults. */
export function expectedAt<T>(body: T, fields: readonly VersionedField[], version: number): T {
  const out = clone(body);
  // Deepest paths last so that defaults of outer fields are not overwritten by inner ones.
  const absent = fields.filter(([, from, to]) => version < from || version > to);
  absent.sort((a, b) => a[0].split('.').length - b[0].split('.').length);
  for (const [path, , , dflt] of absent) setPath(out, path.split('.'), dflt);
  return out;
}

export function encode(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  const buf = w.toBuffer();
  assert.equal(buf.length, w.length, 'Writer.length matches the bytes');
  return buf;
}

/** Decodes all of `buf` with `fn`, asserting nothing is left over. */
export function decodeAll<T>(buf: Buffer, fn: (r: Reader) => T): T {
  const r = new Reader(buf);
  const out = fn(r);
  assert.equal(r.remaining, 0, 'decoder consumed every byte');
  return out;
}

/** encode -> decode at every version, for requests and responses. */
export function checkRoundTrip<Req, Res>(c: RoundTripCase<Req, Res>): void {
  const { codec } = c;
  for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
    const reqBytes = encode((w) => codec.encodeRequest(w, v, c.request));
    const req = decodeAll(reqBytes, (r) => codec.decodeRequest(r, v));
    const reqExpected = expectedAt(c.request, c.requestFields, v);
    assert.deepEqual(req, reqExpected, `${codec.apiName} request v${v}`);
    assert.deepEqual(encode((w) => codec.encodeRequest(w, v, req)), reqBytes, `${codec.apiName} request v${v} re-encodes`);

    const resBytes = encode((w) => codec.encodeResponse(w, v, c.response));
    const res = decodeAll(resBytes, (r) => codec.decodeResponse(r, v));
    const resExpected = expectedAt(c.response, c.responseFields, v);
    assert.deepEqual(res, resExpected, `${codec.apiName} response v${v}`);
    assert.deepEqual(encode((w) => codec.encodeResponse(w, v, res)), resBytes, `${codec.apiName} response v${v} re-encodes`);
  }
}

/** A topic id in Kafka's printed form, from 32 hex digits. */
export function uuid(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** Erases a case's body types so cases of different APIs fit in one list. */
export function defineCase<Req, Res>(c: RoundTripCase<Req, Res>): RoundTripCase<unknown, unknown> {
  return c as unknown as RoundTripCase<unknown, unknown>;
}
