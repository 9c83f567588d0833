// `gregor console-consumer`: prints records of a topic to stdout, like
// kafka-console-consumer.sh (same --property names and default format), and
// "Processed a total of N messages" on stderr when it stops: after
// --max-messages, after --timeout-ms without a new record, or on Ctrl-C.
// With --group it is a member of that consumer group: it reads the partitions the group gives it, from the
// group's committed offsets (else from the start with --from-beginning, or the end), and commits what it printed.
import { commandSecurity } from './command-config.js';
import { Command, InvalidArgumentError } from 'commander';
import { Consumer, GroupConsumer, type ConsumerRecord, type StartPosition } from '../client/index.js';
import { collectKeyValue } from './args.js';
import { clientCommand, intOption, reportError } from './topics-command.js';

interface ConsumerCliOptions {
  bootstrapServer: string;
  topic: string;
  fromBeginning?: boolean;
  partition?: number;
  offset?: 'earliest' | 'latest' | number;
  maxMessages?: number;
  timeoutMs?: number;
  property: Record<string, string>;
  consumerProperty: Record<string, string>;
  group?: string;
}

function parseOffset(value: string): 'earliest' | 'latest' | number {
  if (value === 'earliest' || value === 'latest') return value;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new InvalidArgumentError('expected a non-negative offset, earliest or latest');
}

interface Format {
  printKey: boolean;
  printValue: boolean;
  printTimestamp: boolean;
  printOffset: boolean;
  printPartition: boolean;
  printHeaders: boolean;
  keySeparator: string;
  lineSeparator: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullLiteral: string;
}

const KNOWN_PROPERTIES = [
  'print.key',
  'print.value',
  'print.timestamp',
  'print.offset',
  'print.partition',
  'print.headers',
  'key.separator',
  'line.separator',
  'headers.separator',
  'headers.key.separator',
  'null.literal',
];

function parseFormat(props: Record<string, string>): Format {
  for (const k of Object.keys(props)) {
    if (!KNOWN_PROPERTIES.includes(k)) throw new Error(`unknown --property ${k} (known: ${KNOWN_PROPERTIES.join(', ')})`);
  }
  const flag = (name: string, dflt: boolean): boolean => {
    const v = props[name];
    if (v === undefined) return dflt;
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
    throw new Error(`--property ${name} must be true or false, got "${v}"`);
  };
  return {
    printKey: flag('print.key', false),
    printValue: flag('print.value', true),
    printTimestamp: flag('print.timestamp', false),
    printOffset: flag('print.offset', false),
    printPartition: flag('print.partition', false),
    printHeaders: flag('print.headers', false),
    keySeparator: props['key.separator'] ?? '\t',
    lineSeparator: props['line.separator'] ?? '\n',
    headersSeparator: props['headers.separator'] ?? ',',
    headersKeySeparator: props['headers.key.separator'] ?? ':',
    nullLiteral: props['null.literal'] ?? 'null',
  };
}

/** Kafka's DefaultMessageFormatter: timestamp, partition, offset, headers, key, value. */
function formatRecord(r: ConsumerRecord, f: Format): string {
  let s = '';
  if (f.printTimestamp) s += (r.timestamp < 0 ? 'NO_TIMESTAMP' : `${r.timestampType === 1 ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}`) + f.keySeparator;
  if (f.printPartition) s += `Partition:${r.partition}` + f.keySeparator;
  if (f.printOffset) s += `Offset:${r.offset}` + f.keySeparator;
  if (f.printHeaders) {
    s +=
      (r.headers.length === 0
        ? 'NO_HEADERS'
        : r.headers.map((h) => `${h.key}${f.headersKeySeparator}${h.value === null ? f.nullLiteral : h.value.toString('utf8')}`).join(f.headersSeparator)) +
      f.keySeparator;
  }
  if (f.printKey) s += (r.key === null ? f.nullLiteral : r.key.toString('utf8')) + f.keySeparator;
  if (f.printValue) s += r.value === null ? f.nullLiteral : r.value.toString('utf8');
  return s + f.lineSeparator;
}

export function consoleConsumerCommand(setExit: (code: number) => void): Command {
  return clientCommand('console-consumer')
    .description('print records of a topic (like kafka-console-consumer.sh)')
    .requiredOption('--topic <name>', 'topic to read')
    .option('--from-beginning', 'start at the earliest offset instead of the end')
    .option('--partition <n>', 'read only this partition', intOption('a partition number', 0))
    .option('--offset <n|earliest|latest>', 'start offset (needs --partition)', parseOffset)
    .option('--max-messages <n>', 'exit after this many records', intOption('a message count', 1))
    .option('--timeout-ms <ms>', 'exit when no record arrives for this long', intOption('milliseconds', 1))
    .option(
      '--property <key=value>',
      'output format: print.key, print.value, print.timestamp, print.offset, print.partition, print.headers (true/false), key.separator, line.separator, headers.separator, headers.key.separator, null.literal (repeatable)',
      collectKeyValue,
      {},
    )
    .option('--consumer-property <key=value>', 'consumer config: fetch.max.wait.ms, fetch.min.bytes, fetch.max.bytes, max.partition.fetch.bytes, session.timeout.ms, heartbeat.interval.ms (repeatable)', collectKeyValue, {})
    .option('--group <id>', 'read as a member of this consumer group, from its committed offsets, committing what was printed')
    .action(async (opts: ConsumerCliOptions) => {
      if (opts.group !== undefined && (opts.partition !== undefined || opts.offset !== undefined)) {
        process.stderr.write('gregor console-consumer: --group cannot be combined with --partition or --offset (the group assigns partitions and keeps the offsets).\n');
        setExit(2);
        return;
      }
      if (opts.offset !== undefined && opts.partition === undefined) {
        process.stderr.write('gregor console-consumer: --offset needs --partition (the partition to start at that offset).\n');
        setExit(2);
        return;
      }
      if (opts.offset !== undefined && opts.fromBeginning) {
        process.stderr.write('gregor console-consumer: give either --offset or --from-beginning, not both.\n');
        setExit(2);
        return;
      }
      let consumer: Consumer | GroupConsumer | null = null;
      let processed = 0;
      let code = 0;
      const stop = { requested: false };
      const onSignal = () => {
        stop.requested = true;
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const format = parseFormat(opts.property);
        const cp = opts.consumerProperty;
        const num = (name: string): number | undefined => {
          const v = cp[name];
          if (v === undefined) return undefined;
          if (!/^\d+$/.test(v)) throw new Error(`consumer property ${name} must be a non-negative integer, got "${v}"`);
          return Number(v);
        };
        const maxWaitMs = Math.min(num('fetch.max.wait.ms') ?? 500, opts.timeoutMs ?? Infinity);
        const settings = {
          bootstrap: opts.bootstrapServer, security: commandSecurity(opts),
          clientId: 'gregor-console-consumer',
          maxWaitMs,
          minBytes: num('fetch.min.bytes'),
          maxBytes: num('fetch.max.bytes'),
          maxPartitionBytes: num('max.partition.fetch.bytes'),
        };
        if (opts.group !== undefined) {
          const member = new GroupConsumer({
            ...settings, groupId: opts.group, topics: [opts.topic], autoOffsetReset: opts.fromBeginning ? 'earliest' : 'latest',
            sessionTimeoutMs: num('session.timeout.ms'), heartbeatIntervalMs: num('heartbeat.interval.ms'),
          });
          consumer = member;
          processed = await consume(member, opts, format, stop, (printed) => member.commitRecords(printed));
        } else {
          const plain = new Consumer(settings);
          consumer = plain;
          const from: StartPosition = opts.offset ?? (opts.fromBeginning ? 'earliest' : 'latest');
          await plain.assign({ topic: opts.topic, partitions: opts.partition === undefined ? undefined : [opts.partition], from });
          processed = await consume(plain, opts, format, stop);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') code = 0;
        else code = reportError('console-consumer', e, opts.bootstrapServer);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // A group member has committed exactly what it printed; closing must not commit further.
        await (consumer instanceof GroupConsumer ? consumer.close({ commit: false }) : consumer?.close());
      }
      process.stderr.write(`Processed a total of ${processed} messages\n`);
      setExit(code);
    });
}

/** Polls and prints until a stop condition; `afterBatch` runs once a batch was handed to stdout (the group commit). */
async function consume(consumer: { poll(): Promise<ConsumerRecord[]> }, opts: ConsumerCliOptions, format: Format, stop: { requested: boolean }, afterBatch?: (printed: ConsumerRecord[]) => Promise<void>): Promise<number> {
  const max = opts.maxMessages ?? Infinity;
  let processed = 0;
  let lastRecordAt = Date.now();
  let outputClosed = false;
  process.stdout.once('error', () => {
    outputClosed = true; // e.g. piped into `head`
  });
  while (!stop.requested && !outputClosed && processed < max) {
    const records = await consumer.poll();
    if (records.length === 0) {
      if (opts.timeoutMs !== undefined && Date.now() - lastRecordAt >= opts.timeoutMs) break;
      continue;
    }
    lastRecordAt = Date.now();
    const take = records.slice(0, Math.max(0, max - processed));
    let out = '';
    for (const r of take) out += formatRecord(r, format);
    processed += take.length;
    const written = process.stdout.write(out);
    if (afterBatch) await afterBatch(take);
    if (!written) {
      await new Promise<void>((resolve) => {
        const done = () => {
          process.stdout.off('drain', done);
          process.stdout.off('error', done);
          resolve();
        };
        process.stdout.once('drain', done);
        process.stdout.once('error', done);
      });
    }
  }
  return processed;
}
