// The one place that imports uWebSockets.js. Its authors do not publish it to the npm registry; two
// registry builds are used, tried in order, and the first whose binary loads serves the gateway:
//  - @btc-vision/uwebsockets.js (uWS.js v20.57): Node 20, 22, 24 and 25 (ABI 115, 127, 137, 141) on
//    Linux (glibc >= 2.38), macOS and Windows;
//  - @trufflesuite/uws-js-unofficial (uWS.js v20.30): Node 20 on older glibc (e.g. Debian 12's 2.36).
// Their own loaders silently fall back to a slow pure-JS server when the binary does not load; we load
// the binaries ourselves and refuse that instead, so a missing build is noticed at start.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as UWS from '@btc-vision/uwebsockets.js';

const require = createRequire(import.meta.url);

/** Registry builds, preferred first, with where each keeps its binaries relative to its main module. */
const BUILDS: ReadonlyArray<{ name: string; binaries: string }> = [
  { name: '@btc-vision/uwebsockets.js', binaries: '.' },
  { name: '@trufflesuite/uws-js-unofficial', binaries: '../binaries' },
];

export type TemplatedApp = UWS.TemplatedApp;
export type HttpRequest = UWS.HttpRequest;
export type HttpResponse = UWS.HttpResponse;
export type WebSocket<T> = UWS.WebSocket<T>;
export type ListenSocket = UWS.us_listen_socket;

let loaded: typeof UWS | undefined;
let failure: Error | undefined;

/** The native uWS.js module; throws when no build has a binary that loads on this Node and platform. */
export function uws(): typeof UWS {
  if (loaded) return loaded;
  if (failure) throw failure;
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const reasons: string[] = [];
  for (const b of BUILDS) {
    try {
      // The packages' exports maps allow only their loaders; binaries are required by path.
      loaded = require(join(dirname(require.resolve(b.name)), b.binaries, binary)) as typeof UWS;
      return loaded;
    } catch (e) {
      reasons.push(`${b.name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  failure = new Error(`uWebSockets.js has no working build for Node ${process.version} on ${process.platform}-${process.arch} (${binary}); tried ${reasons.join('; ')}`);
  throw failure;
}
