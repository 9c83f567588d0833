// Robustness: random bytes and truncated valid messages fed to every decoder must
// fail only with ProtocolDecodeError (never RangeError, TypeError, a hang or an
// out-of-bounds read).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { apiByKey, ProtocolDecodeError, Reader, supportedApis } from '../../../src/protocol/index.js';
import { encode } from './helpers.js';
import { cases } from './samples.js';

function decodeOrDecodeError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
  }
}

const decoders = supportedApis().flatMap(({ apiKey, minVersion, maxVersion }) => {
  const m = apiByKey(apiKey)!;
  const out: { name: string; run: (buf: Buffer) => unknown }[] = [];
  for (let v = minVersion; v <= maxVersion; v++) {
    out.push({ name: `${m.apiName} request v${v}`, run: (buf) => m.decodeRequest(new Reader(buf), v) });
    out.push({ name: `${m.apiName} response v${v}`, run: (buf) => m.decodeResponse(new Reader(buf), v) });
  }
  return out;
});

describe('decoder robustness', () => {
  it('random bytes never throw anything but ProtocolDecodeError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: decoders.length - 1 }), fc.uint8Array({ maxLength: 256 }), (i, bytes) => {
        decodeOrDecodeError(() => decoders[i]!.run(Buffer.from(bytes)));
      }),
      { numRuns: 20000 },
    );
  });

  it('every truncation of every valid message fails with ProtocolDecodeError', () => {
    for (const c of cases) {
      const { codec } = c;
      for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
        for (const [kind, bytes, decode] of [
          ['request', encode((w) => codec.encodeRequest(w, v, c.request)), (r: Reader) => codec.decodeRequest(r, v)],
          ['response', encode((w) => codec.encodeResponse(w, v, c.response)), (r: Reader) => codec.decodeResponse(r, v)],
        ] as const) {
          for (let len = 0; len < bytes.length; len++) {
            const cut = Buffer.from(bytes.subarray(0, len)); // a copy, so reads past `len` would be real overreads
            assert.throws(
              () => decode(new Reader(cut)),
              (e: unknown) => e instanceof ProtocolDecodeError,
              `${codec.apiName} ${kind} v${v} cut at ${len}/${bytes.length}`,
            );
          }
        }
      }
    }
  });

  it('valid messages with random bytes flipped decode or fail cleanly', () => {
    const samples = cases.flatMap((c) => {
      const { codec } = c;
      const out: { bytes: Buffer; run: (buf: Buffer) => unknown }[] = [];
      for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
        out.push({ bytes: encode((w) => codec.encodeRequest(w, v, c.request)), run: (b) => codec.decodeRequest(new Reader(b), v) });
        out.push({ bytes: encode((w) => codec.encodeResponse(w, v, c.response)), run: (b) => codec.decodeResponse(new Reader(b), v) });
      }
      return out;
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (i, flips) => {
          const s = samples[i]!;
          const buf = Buffer.from(s.bytes);
          for (const [at, value] of flips) buf[at % buf.length] = value;
          decodeOrDecodeError(() => s.run(buf));
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('a forged huge array count fails fast without allocating', () => {
    // Metadata v1 request: topics array claiming 2^31-1 entries with 10 bytes behind it.
    const buf = Buffer.concat([Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(10)]);
    const started = process.hrtime.bigint();
    assert.throws(() => apiByKey(3)!.decodeRequest(new Reader(buf), 1), ProtocolDecodeError);
    assert.ok(process.hrtime.bigint() - started < 50_000_000n);
  });
});
