// The Java client check program (test/java: kafka-clients and Kafka Streams from Maven Central), built with
// Maven by the first test file that needs it. Test files run two at a time: the build is serialized by a
// lock directory, and a jar newer than every source file is not rebuilt, so no file rewrites the jar while
// another one runs it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runIn } from './run.js';

export const CLIENT_CHECK_DIR = join(resolve(import.meta.dirname, '..', '..', '..'), 'test', 'java');
export const CLIENT_CHECK_JAR = join(CLIENT_CHECK_DIR, 'target', 'client-check-all.jar');
export const CLIENT_CHECK_BUILD_TIMEOUT_MS = 5 * 60_000;

/** The newest modification time of the build's inputs (pom.xml and everything under src/). */
function newestSource(): number {
  let newest = statSync(join(CLIENT_CHECK_DIR, 'pom.xml')).mtimeMs;
  for (const e of readdirSync(join(CLIENT_CHECK_DIR, 'src'), { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** Runs `fn` holding the build lock (a directory: mkdir is atomic); a lock older than a build is stale. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(CLIENT_CHECK_DIR, 'target'), { recursive: true });
  const lock = join(CLIENT_CHECK_DIR, 'target', '.client-check-build.lock');
  const deadline = Date.now() + 2 * CLIENT_CHECK_BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > CLIENT_CHECK_BUILD_TIMEOUT_MS + 30_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`waited too long for another test file's build of test/java (${lock})`);
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The client check program's jar, built with `mvn package` unless it is newer than its sources; fails the
 * caller with Maven's last lines when it does not build. `buildDir` puts the build output (and the jar)
 * elsewhere than test/java/target.
 */
export async function buildClientCheck(buildDir?: string): Promise<string> {
  const jar = buildDir ? join(buildDir, 'client-check-all.jar') : CLIENT_CHECK_JAR;
  return withBuildLock(async () => {
    if (existsSync(jar) && statSync(jar).mtimeMs >= newestSource()) return jar;
    const args = ['-q', '-B', '-Dstyle.color=never', ...(buildDir ? [`-Dbuild.dir=${buildDir}`] : []), 'package', '-DskipTests'];
    const build = await runIn('mvn', args, { cwd: CLIENT_CHECK_DIR, timeoutMs: CLIENT_CHECK_BUILD_TIMEOUT_MS });
    assert.equal(build.code, 0, `mvn package in test/java failed:\n${(build.stdout + build.stderr).split('\n').slice(-80).join('\n')}`);
    assert.ok(existsSync(jar), `mvn package did not produce ${jar}`);
    return jar;
  });
}
