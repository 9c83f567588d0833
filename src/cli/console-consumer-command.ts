// `gregor console-consumer`: prints records of a topic to stdout, like
// kafka-console-consumer.sh (same --property names and default format), and
// "Processed a total of N messages" on stderr when it stops: after
// --max-messages, after --timeout-ms without a new record, or on Ctrl-C.
import { Command, InvalidArgumentError } from 'commander';
import { Consumer, type ConsumerRecord, type StartPosition } from '../client/index.js';
import { collectKeyValue } from './main.js';
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
    .option('--consumer-property <key=value>', 'consumer config: fetch.max.wait.ms, fetch.min.bytes, fetch.max.bytes, max.partition.fetch.bytes (repeatable)', collectKeyValue, {})
    .option('--group <id>', 'consumer group (not supported yet)')
    .action(async (opts: ConsumerCliOptions) => {
      if (opts.group !== undefined) {
        process.stderr.write('gregor console-consumer: --group is not supported yet (consumer groups come later); read without it, choosing partitions with --partition and --offset.\n');
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
      let consumer: Consumer | null = null;
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
        consumer = new Consumer({
          bootstrap: opts.bootstrapServer,
          clientId: 'gregor-console-consumer',
          maxWaitMs,
          minBytes: num('fetch.min.bytes'),
          maxBytes: num('fetch.max.bytes'),
          maxPartitionBytes: num('max.partition.fetch.bytes'),
        });
        const from: StartPosition = opts.offset ?? (opts.fromBeginning ? 'earliest' : 'latest');
        await consumer.assign({ topic: opts.topic, partitions: opts.partition === undefined ? undefined : [opts.partition], from });
        processed = await consume(consumer, opts, format, stop);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') code = 0;
        else code = reportError('console-consumer', e, opts.bootstrapServer);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await consumer?.close();
      }
      process.stderr.write(`Processed a total of ${processed} messages\n`);
      setExit(code);
    });
}

async function consume(consumer: Consumer, opts: ConsumerCliOptions, format: Format, stop: { requested: boolean }): Promise<number> {
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
    if (!process.stdout.write(out)) {
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
