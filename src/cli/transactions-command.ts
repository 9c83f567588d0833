// `gregor transactions`: list and describe transactions, describe a partition's active producers, and abort a
// hanging transaction, like kafka-transactions.sh (same table columns). --abort finds the producer whose open
// transaction starts at --start-offset (DescribeProducers at the partition's leader) and writes its ABORT marker
// there (WriteTxnMarkers), as Kafka's tool does; --producer-id/--producer-epoch/--coordinator-epoch name it directly.
import { Command, InvalidArgumentError } from 'commander';
import { Cluster, KafkaProtocolError } from '../client/index.js';
import { DescribeProducers, DescribeTransactions, ErrorCode, FindCoordinator, ListTransactions, WriteTxnMarkers } from '../protocol/index.js';
import { clientCommand, reportError } from './topics-command.js';

interface TransactionsOptions {
  bootstrapServer: string;
  list?: boolean;
  describe?: boolean;
  describeProducers?: boolean;
  abort?: boolean;
  transactionalId?: string;
  topic?: string;
  partition?: number;
  startOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  coordinatorEpoch?: number;
}

function integer(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected an integer');
  return Number(value);
}

export function transactionsCommand(setExit: (code: number) => void): Command {
  return clientCommand('transactions')
    .description('list, describe and abort transactions, describe producers (like kafka-transactions.sh)')
    .option('--list', 'every transactional id with its coordinator, producer id and state')
    .option('--describe', 'one transaction: state, producer, timeout, start time and partitions (needs --transactional-id)')
    .option('--describe-producers', 'the active producers of a partition (needs --topic and --partition)')
    .option('--abort', 'abort a hanging transaction in a partition (needs --topic, --partition and --start-offset, or the producer options)')
    .option('--transactional-id <id>', 'with --describe')
    .option('--topic <topic>', 'with --describe-producers and --abort')
    .option('--partition <n>', 'with --describe-producers and --abort', integer)
    .option('--start-offset <offset>', 'with --abort: the first offset of the transaction to abort', integer)
    .option('--producer-id <id>', 'with --abort: the producer (instead of --start-offset)', integer)
    .option('--producer-epoch <epoch>', 'with --abort and --producer-id', integer)
    .option('--coordinator-epoch <epoch>', 'with --abort and --producer-id', integer)
    .action(async (opts: TransactionsOptions) => {
      const actions = (['list', 'describe', 'describeProducers', 'abort'] as const).filter((a) => opts[a]);
      const usage = (msg: string) => {
        process.stderr.write(`gregor transactions: ${msg}\n(run gregor transactions --help for usage)\n`);
        setExit(2);
      };
      if (actions.length !== 1) return usage('give exactly one of --list, --describe, --describe-producers or --abort.');
      const action = actions[0]!;
      if (action === 'describe' && opts.transactionalId === undefined) return usage('--describe needs --transactional-id <id>.');
      if ((action === 'describeProducers' || action === 'abort') && (opts.topic === undefined || opts.partition === undefined)) return usage(`--${action === 'abort' ? 'abort' : 'describe-producers'} needs --topic and --partition.`);
      if (action === 'abort' && (opts.startOffset === undefined) === (opts.producerId === undefined || opts.producerEpoch === undefined || opts.coordinatorEpoch === undefined)) {
        return usage('--abort needs either --start-offset, or --producer-id, --producer-epoch and --coordinator-epoch.');
      }
      const cluster = new Cluster({ bootstrap: opts.bootstrapServer, clientId: 'gregor-transactions' });
      try {
        setExit(await run(cluster, action, opts));
      } catch (e) {
        setExit(reportError('transactions', e, opts.bootstrapServer));
      } finally {
        await cluster.close();
      }
    });
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('\t').trimEnd()).join('\n') + '\n';
}

async function run(cluster: Cluster, action: 'list' | 'describe' | 'describeProducers' | 'abort', opts: TransactionsOptions): Promise<number> {
  switch (action) {
    case 'list': {
      await cluster.refreshMetadata([]);
      const rows = [['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']];
      for (const b of cluster.brokers) {
        const res = await (await cluster.connectionFor(b.nodeId)).send(ListTransactions, { stateFilters: [], producerIdFilters: [], durationFilter: -1 });
        if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `list transactions on broker ${b.nodeId}`);
        for (const t of res.transactionStates) rows.push([t.transactionalId, String(b.nodeId), String(t.producerId), t.transactionState]);
      }
      process.stdout.write(table([rows[0]!, ...rows.slice(1).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))]));
      return 0;
    }
    case 'describe': {
      const id = opts.transactionalId!;
      const conn = await transactionCoordinator(cluster, id);
      const res = await conn.send(DescribeTransactions, { transactionalIds: [id] });
      const t = res.transactionStates[0];
      if (!t || t.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(t?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describe transaction ${id}`);
      const now = Date.now();
      process.stdout.write(table([
        ['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions'],
        [String(conn.nodeId), id, String(t.producerId), String(t.producerEpoch), t.transactionState, String(t.transactionTimeoutMs),
          t.transactionStartTimeMs >= 0 ? String(t.transactionStartTimeMs) : 'None', t.transactionStartTimeMs >= 0 ? String(now - t.transactionStartTimeMs) : 'None',
          t.topics.flatMap((x) => x.partitions.map((p) => `${x.topic}-${p}`)).join(',')],
      ]));
      return 0;
    }
    case 'describeProducers': {
      const producers = await activeProducers(cluster, opts.topic!, opts.partition!);
      process.stdout.write(table([
        ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'],
        ...producers.map((p) => [String(p.producerId), String(p.producerEpoch), String(p.coordinatorEpoch), String(p.lastSequence), String(p.lastTimestamp),
          p.currentTxnStartOffset >= 0 ? String(p.currentTxnStartOffset) : 'None']),
      ]));
      return 0;
    }
    case 'abort': {
      const topic = opts.topic!;
      const partition = opts.partition!;
      let producer = opts.producerId !== undefined ? { producerId: opts.producerId, producerEpoch: opts.producerEpoch!, coordinatorEpoch: opts.coordinatorEpoch! } : undefined;
      if (!producer) {
        const found = (await activeProducers(cluster, topic, partition)).find((p) => p.currentTxnStartOffset === opts.startOffset);
        if (!found) {
          process.stderr.write(`Error: no transaction in ${topic}-${partition} starts at offset ${opts.startOffset}.\n`);
          return 1;
        }
        producer = found;
      }
      const conn = await cluster.connectionFor(cluster.leaderFor(topic, partition));
      const res = await conn.send(WriteTxnMarkers, {
        markers: [{ producerId: producer.producerId, producerEpoch: producer.producerEpoch, transactionResult: false, coordinatorEpoch: producer.coordinatorEpoch, transactionVersion: 0,
          topics: [{ name: topic, partitionIndexes: [partition] }] }],
      });
      const code = res.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      if (code !== ErrorCode.NONE) throw new KafkaProtocolError(code, `abort the transaction of producer ${producer.producerId} in ${topic}-${partition}`);
      process.stdout.write(`Aborted the transaction of producer ${producer.producerId} (epoch ${producer.producerEpoch}) in ${topic}-${partition}.\n`);
      return 0;
    }
  }
}

async function transactionCoordinator(cluster: Cluster, transactionalId: string) {
  for (let attempt = 0; ; attempt++) {
    const conn = await cluster.anyConnection();
    const res = await conn.send(FindCoordinator, { key: transactionalId, keyType: 1, coordinatorKeys: [transactionalId] }, { version: Math.max(1, conn.versionFor(FindCoordinator)) });
    const c = res.coordinators[0] ?? { errorCode: res.errorCode, errorMessage: res.errorMessage, nodeId: res.nodeId };
    if (c.errorCode === ErrorCode.NONE) return cluster.connectionFor(c.nodeId);
    const err = new KafkaProtocolError(c.errorCode, `find the coordinator of ${transactionalId}`, c.errorMessage ?? null);
    if (!err.retriable || attempt >= 10) throw err;
    await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
  }
}

async function activeProducers(cluster: Cluster, topic: string, partition: number): Promise<DescribeProducers.ProducerState[]> {
  await cluster.topic(topic, { refresh: true });
  const leader = cluster.leaderFor(topic, partition);
  if (leader < 0) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `find the leader of ${topic}-${partition}`);
  const res = await (await cluster.connectionFor(leader)).send(DescribeProducers, { topics: [{ name: topic, partitionIndexes: [partition] }] });
  const p = res.topics[0]?.partitions[0];
  if (!p || p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describe the producers of ${topic}-${partition}`, p?.errorMessage ?? null);
  return p.activeProducers;
}

