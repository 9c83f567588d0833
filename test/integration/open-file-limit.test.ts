// The broker's open-file limit: started under a low soft limit (sh's ulimit -Sn) it runs with the hard one and
// logs it; started under a low hard limit it runs out of descriptors when clients
// open more connections than it has, keeps serving the connections it has, logs an error that says to raise
// the limit, and serves new connections again once some close.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BrokerProcess } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/wait.js';
import { Probe, allStillServed, closeAll } from '../helpers/probe.js';

/** The soft and hard "Max open files" of a process, from /proc/<pid>/limits. */
function openFileLimits(pid: number): { soft: number; hard: number } {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!;
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
  return { soft: Number(soft), hard: Number(hard) };
}

/** The JSON log lines of a broker with this msg. */
function logLines(output: string, msg: string): Array<Record<string, unknown>> {
  return output.split('\n').filter((l) => l.includes(`"msg":"${msg}`)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** This process's hard open-file limit (what a child may raise its soft limit to). */
const hardLimit = openFileLimits(process.pid).hard;

describe('the open-file limit', () => {
  // The soft-limit test needs room above 256 to raise into.
  assert.ok(hardLimit >= 1024, `the hard open-file limit here is ${hardLimit}: these tests need at least 1024`);

  const brokers: BrokerProcess[] = [];
  after(async () => {
    for (const b of brokers) await b.close();
  });

  test('a broker started with a soft limit of 256 runs with the hard limit and logs it', async () => {
    const hard = Math.min(hardLimit, 65536);
    const broker = await BrokerProcess.start({ nofile: { soft: 256, hard } });
    brokers.push(broker);
    assert.deepEqual(openFileLimits(broker.pid!), { soft: hard, hard });
    const [line] = logLines(broker.output, 'open file limit');
    assert.ok(line, broker.output);
    assert.equal(line.level, 30, 'info');
    // Node itself raises the soft limit as it starts (so raisedFrom is not seen here); the broker's own raise is
    // for runtimes that do not, and is tested in the native crate (rlimit.rs).
    assert.deepEqual([line.openFileLimit, line.hardLimit], [hard, hard]);
  });

  test('out of descriptors (hard limit 256), the broker keeps its connections, logs what to do, and serves again once some close', async () => {
    const broker = await BrokerProcess.start({ nofile: { soft: 256, hard: 256 } });
    brokers.push(broker);
    const [line] = logLines(broker.output, 'open file limit');
    assert.equal(line?.openFileLimit, 256, broker.output);
    // Far more connections than the broker has descriptors for: it serves some, then closes the rest at once.
    const served: Probe[] = [];
    let closed = 0;
    for (let i = 0; i < 400 && closed < 20; i++) {
      const { probe, result } = await Probe.open(broker.port, '127.0.0.2');
      if (result === 'served') served.push(probe);
      else closed++;
    }
    assert.equal(closed, 20, `the broker refused connections past its descriptors (served ${served.length})`);
    assert.ok(served.length > 50 && served.length < 256, `served ${served.length}`);
    const advice = await waitFor('the descriptor error in the log', () => logLines(broker.output, 'the broker is ').find((l) => l.level === 50), 30_000, 200);
    assert.match(String(advice.msg), /out of file descriptors.*raise the broker's open-file limit \(ulimit -n .*LimitNOFILE=/);
    assert.ok(await allStillServed(served), 'every connection it accepted is still served');
    // Closing some gives the broker descriptors back: a new connection is served.
    closeAll(served.splice(0, 20));
    const again = await waitFor('a new connection served', async () => {
      const p = await Probe.open(broker.port, '127.0.0.2');
      return p.result === 'served' ? p : (p.probe.close(), undefined);
    }, 20_000, 200);
    assert.ok(await allStillServed(served));
    closeAll([...served, again.probe]);
    assert.equal(broker.pid !== undefined && (await broker.stop()), 0, 'the broker stops cleanly');
  });
});
