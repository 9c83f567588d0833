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
  if (cmd.startsWith('/')) return existsSync(cmd); // a file a package installs, not a command
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// System tools the integration tests drive, with the Debian package that provides each.
const TOOLS = [
  ['kcat', 'kcat', 'librdkafka client (kcat tests)'],
  ['java', 'openjdk-17-jdk-headless', 'Java client test'],
  ['mvn', 'maven', 'Java client test'],
  ['chromium', 'chromium', 'gateway console test in a headless browser'],
  ['/usr/share/java/zookeeper.jar', 'zookeeper', 'ZooKeeper for the cluster metadata tests'],
  ['openssl', 'openssl', 'certificates for the TLS tests'],
  ['cc', 'gcc', 'builds the librdkafka transactions test program'],
  ['/usr/include/librdkafka/rdkafka.h', 'librdkafka-dev', 'librdkafka headers for the transactions test program'],
];
const missing = TOOLS.filter(([tool]) => !has(tool));
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  if (process.getuid?.() === 0 && has('apt-get')) {
    run(`install ${pkgs}`, 'sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs}`]);
  } else {
    for (const [tool, , why] of missing) process.stderr.write(`${tool} is missing (${why}).\n`);
    process.stderr.write(`Install with:\n  sudo apt-get update && sudo apt-get install -y ${pkgs}\n`);
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
run('node tests', process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=2', '--test-timeout=600000', ...(only.length ? only : testFiles('dist/test'))]);
