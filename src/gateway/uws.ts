// The one place that imports uWebSockets.js. The official package is not on the npm registry; this
// build (@trufflesuite/uws-js-unofficial, uWS.js v20.30) ships binaries for Node 20 on glibc. Swapping
// the build means changing this file only. Its loader silently falls back to a slow pure-JS server
// when the binary does not load; we refuse that instead, so a wrong build is noticed at start.
import { createRequire } from 'node:module';
import type * as UWS from '@trufflesuite/uws-js-unofficial';

const require = createRequire(import.meta.url);

export type TemplatedApp = UWS.TemplatedApp;
export type HttpRequest = UWS.HttpRequest;
export type HttpResponse = UWS.HttpResponse;
export type WebSocket<T> = UWS.WebSocket<T>;
export type ListenSocket = UWS.us_listen_socket;

let loaded: typeof UWS | undefined;

/** The native uWS.js module; throws when this platform's binary does not load. */
export function uws(): typeof UWS {
  if (loaded) return loaded;
  const binary = `@trufflesuite/uws-js-unofficial/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    loaded = require(binary) as typeof UWS;
  } catch (e) {
    throw new Error(`uWebSockets.js has no working build for Node ${process.version} on ${process.platform}-${process.arch}: ${(e as Error).message}`, { cause: e });
  }
  return loaded;
}
