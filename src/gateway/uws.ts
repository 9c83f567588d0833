// The one place that imports uWebSockets.js. Its authors do not publish it to the npm registry; the
// registry build @btc-vision/uwebsockets.js (uWS.js v20.57) serves Node 20, 22, 24 and 25 (ABI 115,
// 127, 137, 141) on Linux, macOS and Windows. Its Linux binaries need glibc 2.38; on older glibc
// (e.g. Debian 12's 2.36) they load through the glibc compatibility path (glibc-compat.ts).
// The package's own loader silently falls back to a slow pure-JS server when the binary does not
// load; we load the binary ourselves and refuse that instead, so a missing build is noticed at start.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import type * as UWS from '@btc-vision/uwebsockets.js';
import { isMissingGlibcCompatVersion, loadWithGlibcCompat } from './glibc-compat.js';

const require = createRequire(import.meta.url);

/** The registry build; its binaries and package.json sit beside its main module. */
const PACKAGE = '@btc-vision/uwebsockets.js';

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

/** The binary the registry build has for this Node ABI, platform and architecture, if it ships one. */
export function uwsBinary(): { path: string; shipped: boolean } {
  // The package's exports map allows only its loader; the binary is required by path.
  const path = join(dirname(require.resolve(PACKAGE)), `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  return { path, shipped: existsSync(path) };
}

function load(): { uws: typeof UWS; build: UwsBuild } {
  if (loaded) return loaded;
  if (failure) throw failure;
  let binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  let reason: string;
  try {
    const { path } = uwsBinary();
    binary = basename(path);
    const build = `${PACKAGE}@${(JSON.parse(readFileSync(join(dirname(path), 'package.json'), 'utf8')) as { version: string }).version}`;
    try {
      loaded = { uws: require(path) as typeof UWS, build: { build, binary, glibcCompat: false } };
      return loaded;
    } catch (e) {
      reason = (e as Error).message.split('\n')[0]!;
      if (isMissingGlibcCompatVersion(e as Error)) {
        try {
          const { exports, copy } = loadWithGlibcCompat(path, cacheDirs(path));
          loaded = { uws: exports as typeof UWS, build: { build, binary, glibcCompat: true, copy } };
          return loaded;
        } catch (compat) {
          reason += `; glibc compatibility path: ${(compat as Error).message.split('\n')[0]}`;
        }
      }
    }
  } catch (e) {
    reason = (e as Error).message.split('\n')[0]!;
  }
  failure = new Error(`uWebSockets.js (${PACKAGE}) has no working binary for Node ${process.version} on ${process.platform}-${process.arch} (${binary}): ${reason}`);
  throw failure;
}

/** node_modules/.cache/gregor of the node_modules the binary was installed in, when there is one. */
function cacheDirs(binaryPath: string): string[] {
  const at = binaryPath.lastIndexOf(`${sep}node_modules${sep}`);
  return at < 0 ? [] : [join(binaryPath.slice(0, at), 'node_modules', '.cache', 'gregor')];
}
