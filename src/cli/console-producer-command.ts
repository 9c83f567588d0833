// `gregor console-producer`: reads lines from stdin and produces each as one
// record, like kafka-console-producer.sh. Exits 0 once everything read has been
// acknowledged at EOF; the first failed send makes it stop reading and exit 1.
import { commandSecurity } from './command-config.js';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COMPRESSION_NAMES, Producer, type CompressionName, type ProducerMessage } from '../client/index.js';
import { collectKeyValue } from './args.js';
import { clientCommand, intOption, reportError } from './topics-command.js';

interface ProducerCliOptions {
  bootstrapServer: string;
  topic: string;
  property: Record<string, string>;
  producerProperty: Record<string, string>;
  compressionType?: CompressionName;
  requestRequiredAcks?: -1 | 0 | 1;
  batchSize?: number;
  lingerMs?: number;
  timeout?: number;
  messageSendMaxRetries?: number;
  idempotence?: boolean;
  sync?: boolean;
}

function parseAcks(value: string): -1 | 0 | 1 {
  if (value === 'all' || value === '-1') return -1;
  if (value === '0') return 0;
  if (value === '1') return 1;
  throw new InvalidArgumentError('expected all, -1, 0 or 1');
}

export function consoleProducerCommand(setExit: (code: number) => void): Command {
  return clientCommand('console-producer')
    .description('produce lines read from stdin as records (like kafka-console-producer.sh)')
    .requiredOption('--topic <name>', 'topic to produce to')
    .option(
      '--property <key=value>',
      'line parsing: parse.key=true, key.separator=<sep> (default tab), parse.headers=true, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error=true (repeatable)',
      collectKeyValue,
      {},
    )
    .option('--producer-property <key=value>', 'producer config: acks, linger.ms, batch.size, compression.type, enable.idempotence, retries (repeatable)', collectKeyValue, {})
    .addOption(new Option('--compression-type <codec>', 'compress batches').choices(COMPRESSION_NAMES))
    .option('--request-required-acks <acks>', 'acks: all (-1, default), 1 or 0', parseAcks)
    .option('--batch-size <bytes>', 'close a batch at about this many bytes (default 16384)', intOption('a byte count', 1))
    .option('--linger-ms <ms>', 'wait this long for more lines before sending a batch (default 5)', intOption('milliseconds', 0))
    .addOption(new Option('--timeout <ms>', 'same as --linger-ms (kafka-console-producer name)').argParser(intOption('milliseconds', 0)).hideHelp())
    .option('--message-send-max-retries <n>', 'retries of a failed batch (default 5)', intOption('a retry count', 0))
    .option('--idempotence', 'enable the idempotent producer (needs acks all)')
    .option('--sync', 'wait for each record to be acknowledged before reading the next line')
    .action(async (opts: ProducerCliOptions) => {
      let producer: Producer | null = null;
      try {
        const pp = opts.producerProperty;
        const acks = opts.requestRequiredAcks ?? (pp['acks'] !== undefined ? parseAcksProperty(pp['acks']) : -1);
        const compression = opts.compressionType ?? (pp['compression.type'] as CompressionName | undefined) ?? 'none';
        if (!COMPRESSION_NAMES.includes(compression)) throw new Error(`compression.type must be one of ${COMPRESSION_NAMES.join(', ')}, got "${compression}"`);
        const parser = lineParser(opts.property);
        producer = new Producer({
          bootstrap: opts.bootstrapServer, security: commandSecurity(opts),
          clientId: 'gregor-console-producer',
          acks,
          compression,
          batchSize: opts.batchSize ?? numberProperty(pp, 'batch.size') ?? 16384,
          lingerMs: opts.lingerMs ?? opts.timeout ?? numberProperty(pp, 'linger.ms') ?? 5,
          retries: opts.messageSendMaxRetries ?? numberProperty(pp, 'retries') ?? 5,
          idempotent: opts.idempotence ?? pp['enable.idempotence'] === 'true',
        });
        await producer.connect();
        setExit(await produceLines(producer, opts, parser));
      } catch (e) {
        setExit(reportError('console-producer', e, opts.bootstrapServer));
      } finally {
        await producer?.close().catch(() => undefined);
      }
    });
}

function parseAcksProperty(v: string): -1 | 0 | 1 {
  try {
    return parseAcks(v);
  } catch {
    throw new Error(`producer property acks must be all, -1, 0 or 1, got "${v}"`);
  }
}

function numberProperty(props: Record<string, string>, name: string): number | undefined {
  const v = props[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new Error(`producer property ${name} must be a non-negative integer, got "${v}"`);
  return n;
}

type LineParser = (line: string, lineNumber: number) => ProducerMessage;

/** Kafka's LineMessageReader: [headers<delim>][key<sep>]value. */
function lineParser(props: Record<string, string>): LineParser {
  const known = new Set(['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']);
  for (const k of Object.keys(props)) {
    if (!known.has(k)) throw new Error(`unknown --property ${k} (known: ${[...known].join(', ')})`);
  }
  const parseKey = props['parse.key'] === 'true';
  const keySep = props['key.separator'] ?? '\t';
  const parseHeaders = props['parse.headers'] === 'true';
  const headersDelim = props['headers.delimiter'] ?? '\t';
  const headersSep = props['headers.separator'] ?? ',';
  const headerKeySep = props['headers.key.separator'] ?? ':';
  const nullMarker = props['null.marker'];
  const ignoreError = props['ignore.error'] === 'true';
  if (parseKey && keySep === '') throw new Error('key.separator must not be empty');
  const orNull = (s: string): string | null => (nullMarker !== undefined && s === nullMarker ? null : s);
  return (line, lineNumber) => {
    let rest = line;
    let headers: Record<string, string | null> | undefined;
    if (parseHeaders) {
      const i = rest.indexOf(headersDelim);
      if (i < 0) {
        if (!ignoreError) throw new Error(`no headers delimiter found on line number ${lineNumber}: '${line}'`);
      } else {
        headers = {};
        const text = rest.slice(0, i);
        rest = rest.slice(i + headersDelim.length);
        if (text !== '' && text !== nullMarker) {
          for (const h of text.split(headersSep)) {
            const j = h.indexOf(headerKeySep);
            if (j < 0) headers[h] = null;
            else headers[h.slice(0, j)] = orNull(h.slice(j + headerKeySep.length));
          }
        }
      }
    }
    if (!parseKey) return { value: orNull(rest), headers };
    const i = rest.indexOf(keySep);
    if (i < 0) {
      if (ignoreError) return { key: null, value: orNull(rest), headers };
      throw new Error(`no key separator found on line number ${lineNumber}: '${line}' (use --property key.separator=<sep>, or --property ignore.error=true)`);
    }
    return { key: orNull(rest.slice(0, i)), value: orNull(rest.slice(i + keySep.length)), headers };
  };
}

async function produceLines(producer: Producer, opts: ProducerCliOptions, parse: LineParser): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  const progress = !interactive && process.stderr.isTTY === true;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  let failure: unknown = null;
  let lineNumber = 0;
  let acked = 0;
  let lastProgress = 0;
  const prompt = () => {
    if (interactive) process.stderr.write('>');
  };
  prompt();
  for await (const line of rl) {
    lineNumber++;
    const message = parse(line, lineNumber);
    const sent = producer.send({ topic: opts.topic, messages: [message] }).then(
      () => {
        acked++;
      },
      (e: unknown) => {
        failure ??= e;
      },
    );
    if (opts.sync) await sent;
    if (failure !== null) break;
    await producer.waitForCapacity();
    if (progress && Date.now() - lastProgress > 500) {
      lastProgress = Date.now();
      process.stderr.write(`\rProduced ${acked} of ${lineNumber} lines`);
    }
    prompt();
  }
  rl.close();
  await producer.flush();
  if (progress && lineNumber > 0) process.stderr.write(`\rProduced ${acked} of ${lineNumber} lines\n`);
  if (failure !== null) throw failure;
  return 0;
}
