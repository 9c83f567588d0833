// Transactions with librdkafka (the C client under confluent-kafka in every language): a small C program
// (test/librdkafka/txn-check.c, built here against Debian's librdkafka-dev) commits, aborts and sends offsets
// in a transaction; its read_committed consumer sees only the committed records, its read_uncommitted one the
// aborted ones as well, and the group's offset appears once the transaction commits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrokerProcess } from '../helpers/broker-process.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SOURCE = join(ROOT, 'test', 'librdkafka', 'txn-check.c');

describe('transactions with librdkafka', () => {
  let broker: BrokerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'gregor-rdkafka-'));
  const program = join(dir, 'txn-check');

  before(async () => {
    const cc = await run('cc', ['-O1', '-o', program, SOURCE, '-lrdkafka'], undefined, 120_000);
    assert.equal(cc.code, 0, `building ${SOURCE} failed (it needs a C compiler and librdkafka-dev: apt-get install -y gcc librdkafka-dev):\n${cc.stderr}`);
    broker = await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': 4, 'offsets.topic.num.partitions': 4 } });
  });
  after(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('commit, abort and send_offsets_to_transaction; read_committed sees only committed records', async () => {
    const admin = kafkaClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'rd-tx', numPartitions: 1 }] });
      const r = await run(program, [broker.bootstrap, 'rd-tx', 'rd-txn', 'rd-etl'], undefined, 180_000);
      assert.equal(r.code, 0, `txn-check: exit ${r.code}\n${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      assert.deepEqual(out.committed, ['rd-commit-0', 'rd-commit-1', 'rd-commit-2', 'rd-commit-3']);
      assert.deepEqual(out.uncommitted, ['rd-commit-0', 'rd-commit-1', 'rd-commit-2', 'rd-abort-0', 'rd-abort-1', 'rd-commit-3']);
      await waitFor('the transaction\'s group offset', async () => (await admin.fetchOffsets({ groupId: 'rd-etl', topics: ['rd-tx'] }))[0]!.partitions[0]!.offset === '7');
    } finally {
      await admin.disconnect();
    }
  });
});
