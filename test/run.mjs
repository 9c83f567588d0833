// The whole test suite (`npm test`): preflight for system tools, lint and format checks, Rust unit tests,
// then the TypeScript unit and integration tests (compiled by `npm run build`, which `pretest` runs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function run(label, cmd, args, opts = {}) {
  process.stdout.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    process.stderr.write(`\n${label} failed (exit ${r.status ?? r.signal}).\n`);
    process.exit(r.status || 1);
  }
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// kcat (Debian package) is a real librdkafka client the integration tests drive.
if (!has('kcat')) {
  const root = process.getuid?.() === 0;
  if (root && has('apt-get')) {
    run('install kcat', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat']);
  } else {
    process.stderr.write('kcat is needed by the integration tests. Install it with:\n  sudo apt-get update && sudo apt-get install -y kcat\n');
    process.exit(1);
  }
}
// Java 17 + Maven build the Java-client compatibility test.
for (const [tool, pkg] of [['java', 'openjdk-17-jdk-headless'], ['mvn', 'maven']]) {
  if (has(tool)) continue;
  if (process.getuid?.() === 0 && has('apt-get')) {
    run(`install ${pkg}`, 'sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkg}`]);
  } else {
    process.stderr.write(`${tool} is needed by the Java client test. Install it with:\n  sudo apt-get update && sudo apt-get install -y ${pkg}\n`);
    process.exit(1);
  }
}
if (!existsSync('native/gregor.node') || !existsSync('dist/src/index.js')) {
  run('build', 'npm', ['run', 'build']);
}

const only = process.argv.slice(2);
if (only.length === 0) {
  run('lint', 'npx', ['eslint', '.']);
  run('rustfmt', 'cargo', ['fmt', '--all', '--check']);
  run('clippy', 'cargo', ['clippy', '--workspace', '--all-targets', '--release', '--', '-D', 'warnings']);
  run('rust tests', 'cargo', ['test', '--release', '--workspace']);
}
/** Compiled test files (*.test.js) below `dir`; helpers and fixtures are not tests. */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}
run('node tests', process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...(only.length ? only : testFiles('dist/test'))]);
