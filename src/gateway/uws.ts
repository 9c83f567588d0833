// The one place that imports uWebSockets.js. Its authors do not publish it to the npm registry; two
// registry builds are used, tried in order, and the first whose binary loads serves the gateway:
//  - @btc-vision/uwebsockets.js (uWS.js v20.57): Node 20, 22, 24 and 25 (ABI 115, 127, 137, 141) on
//    Linux, macOS and Windows. Its Linux binaries need glibc 2.38; on older glibc (e.g. Debian 12's
//    2.36) they load through the glibc compatibility path (glibc-compat.ts);
//  - @trufflesuite/uws-js-unofficial (uWS.js v20.30): Node 20 on older glibc.
// Their own loaders silently fall back to a slow pure-JS server when the binary does not load; we load
// the binaries ourselves and refuse that instead, so a missing build is noticed at start.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as UWS from '@btc-vision/uwebsockets.js';
import { isMissingGlibcCompatVersion, loadWithGlibcCompat } from './glibc-compat.js';

const require = createRequire(import.meta.url);

/** Registry builds, preferred first: where each keeps its binaries and its package.json, relative to its main module. */
const BUILDS: ReadonlyArray<{ name: string; binaries: string; root: string }> = [
  { name: '@btc-vision/uwebsockets.js', binaries: '.', root: '.' },
  { name: '@trufflesuite/uws-js-unofficial', binaries: '../binaries', root: '..' },
];

export type TemplatedApp = UWS.TemplatedApp;
export type HttpRequest = UWS.HttpRequest;
export type HttpResponse = UWS.HttpResponse;
export type WebSocket<T> = UWS.WebSocket<T>;
export type ListenSocket = UWS.us_listen_socket;

/** Which build serves the gateway, for the start log. */
export interface UwsBuild {
  /** Package name and version, e.g. `@btc-vision/uwebsockets.js@20.57.0`. */
  build: string;
  binary: string;
  /** Whether the binary runs through the glibc compatibility path; then `copy` is the patched file loaded. */
  glibcCompat: boolean;
  copy?: string;
}

let loaded: { uws: typeof UWS; build: UwsBuild } | undefined;
let failure: Error | undefined;

/** The native uWS.js module; throws when no build has a binary that loads on this Node and platform. */
export function uws(): typeof UWS {
  return load().uws;
}

/** Which build and binary `uws()` loaded; throws as `uws()` does. */
export function uwsBuild(): UwsBuild {
  return load().build;
}

function load(): { uws: typeof UWS; build: UwsBuild } {
  if (loaded) return loaded;
  if (failure) throw failure;
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const reasons: string[] = [];
  for (const b of BUILDS) {
    let path: string | undefined;
    let build = b.name;
    try {
      // The packages' exports maps allow only their loaders; binaries are required by path.
      const main = dirname(require.resolve(b.name));
      build = `${b.name}@${(JSON.parse(readFileSync(join(main, b.root, 'package.json'), 'utf8')) as { version: string }).version}`;
      path = join(main, b.binaries, binary);
      loaded = { uws: require(path) as typeof UWS, build: { build, binary, glibcCompat: false } };
      return loaded;
    } catch (e) {
      let reason = (e as Error).message.split('\n')[0];
      if (path && isMissingGlibcCompatVersion(e as Error)) {
        try {
          const { exports, copy } = loadWithGlibcCompat(path, cacheDirs(path));
          loaded = { uws: exports as typeof UWS, build: { build, binary, glibcCompat: true, copy } };
          return loaded;
        } catch (compat) {
          reason += `; glibc compatibility path: ${(compat as Error).message.split('\n')[0]}`;
        }
      }
      reasons.push(`${b.name}: ${reason}`);
    }
  }
  failure = new Error(`uWebSockets.js has no working build for Node ${process.version} on ${process.platform}-${process.arch} (${binary}); tried ${reasons.join('; ')}`);
  throw failure;
}

/** node_modules/.cache/gregor of the node_modules the binary was installed in, when there is one. */
function cacheDirs(binaryPath: string): string[] {
  const at = binaryPath.lastIndexOf(`${sep}node_modules${sep}`);
  return at < 0 ? [] : [join(binaryPath.slice(0, at), 'node_modules', '.cache', 'gregor')];
}
