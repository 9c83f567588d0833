// Config layering as `gregor broker` feeds it (src/cli/broker-command.ts): defaults < properties file <
// GREGOR_* environment < --override, validated once on the result. Observed without starting a broker:
// a bad value in the winning layer stops the start with exit code 2 and a message that names the key, the
// value and the layer it came from; a bad value in a layer that lost does not matter.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';

/** Runs `gregor <argv>` in-process with extra environment variables; returns the exit code and stderr. */
async function gregor(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  Object.assign(process.env, env);
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('gregor broker: config layers', () => {
  let dir: string;
  let props: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-cli-'));
    props = join(dir, 'server.properties');
    writeFileSync(props, ['# a Kafka server.properties', 'num.partitions=nope', 'log.retention.hours=24', 'some.unknown.key=1', ''].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a bad value from the file: exit 2, naming key, value and the file', async () => {
    const r = await gregor(['broker', props]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^gregor: Invalid value "nope" for configuration num\.partitions: .*\(from .*server\.properties\)$/m);
  });

  it('keys the broker does not know are warned about with their source (Kafka logs and ignores them)', async () => {
    const r = await gregor(['broker', props]);
    assert.match(r.stderr, /^gregor: warning: some\.unknown\.key \(from .*server\.properties\) is not a known broker config; ignored$/m);
  });

  it('the environment beats the file: its bad value is the one reported', async () => {
    const r = await gregor(['broker', props], { GREGOR_NUM_PARTITIONS: 'env-bad' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"env-bad".*\(from environment GREGOR_NUM_PARTITIONS\)/);
    assert.doesNotMatch(r.stderr, /"nope"/);
  });

  it('--override beats the environment and the file', async () => {
    const r = await gregor(['broker', props, '--override', 'num.partitions=flag-bad'], { GREGOR_NUM_PARTITIONS: 'env-bad' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"flag-bad".*\(from --override\)/);
    assert.doesNotMatch(r.stderr, /env-bad|"nope"/);
  });

  it('the last of repeated --override flags for a key wins', async () => {
    const r = await gregor(['broker', props, '--override', 'num.partitions=first-bad', '--override', 'num.partitions=last-bad']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /first-bad/);
    assert.match(r.stderr, /"last-bad".*\(from --override\)/);
  });

  it('a missing properties file is refused with its path', async () => {
    const missing = join(dir, 'missing.properties');
    const r = await gregor(['broker', missing]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`Cannot read properties file ${missing}`), r.stderr);
  });

  it('an --override without "=" is refused before anything starts', async () => {
    await assert.rejects(gregor(['broker', '--override', 'num.partitions']), { message: 'expected key=value, got "num.partitions"' });
  });

  it('unknown commands and options exit 1 with a usage hint (not a stack trace)', async () => {
    for (const argv of [['nope'], ['topics', '--no-such-flag']]) {
      const r = await gregor(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.stderr, /^error: unknown (command|option) .*\n\(run (gregor topics )?with --help for usage\)|\(run gregor topics --help for usage\)/, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
