// The broker's configuration schema: every key once, with Kafka's name, type, default and validator.
// Loading (defaults < properties file < environment < command line) lives in load.ts.

export type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'password';
export type ConfigValue = number | boolean | string | string[] | null;

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly default: ConfigValue;
  readonly doc: string;
  /** Returns a description of what is allowed when `value` is not acceptable. */
  readonly validate?: (value: ConfigValue) => string | undefined;
  /** Older or alternative Kafka names that set the same key. */
  readonly aliases?: readonly string[];
}

const LONG_MAX = Number.MAX_SAFE_INTEGER; // Kafka's Long.MAX_VALUE, as far as JS numbers reach

export const atLeast = (min: number) => (v: ConfigValue) =>
  typeof v === 'number' && v >= min ? undefined : `a number >= ${min}`;
export const between = (min: number, max: number) => (v: ConfigValue) =>
  typeof v === 'number' && v >= min && v <= max ? undefined : `a number in [${min}, ${max}]`;
export const oneOf = (...allowed: string[]) => (v: ConfigValue) =>
  typeof v === 'string' && allowed.includes(v) ? undefined : `one of ${allowed.join(', ')}`;
const nullOr = (inner: (v: ConfigValue) => string | undefined) => (v: ConfigValue) =>
  v === null ? undefined : inner(v);

export const COMPRESSION_TYPES = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const gzipLevel = (v: ConfigValue) => v === -1 || (typeof v === 'number' && v >= 1 && v <= 9) ? undefined : '-1 or a number in [1, 9]';
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;

const cleanupPolicy = (v: ConfigValue) =>
  Array.isArray(v) && v.length > 0 && v.every((p) => p === 'delete' || p === 'compact') ? undefined : 'delete, compact or compact,delete';

const listenerList = (v: ConfigValue) => {
  if (!Array.isArray(v) || v.length === 0) return 'a comma-separated list of NAME://host:port';
  for (const l of v) if (!/^[A-Za-z_][A-Za-z0-9_]*:\/\/(\[[0-9a-fA-F:.]+\]|[^:\/]*):\d{1,5}$/.test(l)) return `NAME://host:port entries (bad entry "${l}")`;
  return undefined;
};

/** Broker-level keys (server.properties). */
export const BROKER_CONFIG: readonly ConfigKey[] = [
  { name: 'listeners', type: 'list', default: ['PLAINTEXT://127.0.0.1:9092'], validate: listenerList,
    doc: 'Where the broker listens for Kafka clients, as NAME://host:port (port 0 picks a free port).' },
  { name: 'advertised.listeners', type: 'list', default: null, validate: nullOr(listenerList),
    doc: 'What the broker tells clients to connect to; defaults to listeners.' },
  { name: 'broker.id', type: 'int', default: 0, validate: atLeast(0), aliases: ['node.id'], doc: 'This broker\'s id.' },
  { name: 'log.dirs', type: 'string', default: './data', aliases: ['log.dir'], doc: 'Directory holding the partition logs.' },
  { name: 'num.partitions', type: 'int', default: 1, validate: atLeast(1), doc: 'Partitions of auto-created topics.' },
  { name: 'default.replication.factor', type: 'int', default: 1, validate: atLeast(1), doc: 'Replication factor of auto-created topics.' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: true, doc: 'Create unknown topics on Metadata and Produce requests.' },
  { name: 'delete.topic.enable', type: 'boolean', default: true, doc: 'Whether DeleteTopics is allowed.' },
  { name: 'log.retention.hours', type: 'int', default: 168, validate: atLeast(-1), doc: 'Retention by time (168 h); overridden by .minutes and .ms.' },
  { name: 'log.retention.minutes', type: 'int', default: null, validate: nullOr(atLeast(-1)), doc: 'Retention by time in minutes.' },
  { name: 'log.retention.ms', type: 'long', default: null, validate: nullOr(atLeast(-1)), doc: 'Retention by time in ms; -1 keeps forever.' },
  { name: 'log.retention.bytes', type: 'long', default: -1, validate: atLeast(-1), doc: 'Retention by size per partition; -1 unbounded.' },
  { name: 'log.retention.check.interval.ms', type: 'long', default: 300000, validate: atLeast(1), doc: 'How often logs are checked for segments to delete (5 min).' },
  { name: 'log.cleanup.policy', type: 'list', default: ['delete'], validate: cleanupPolicy, doc: 'Default cleanup policy of topics: delete, compact or both.' },
  { name: 'log.cleaner.enable', type: 'boolean', default: true, doc: 'Run the log cleaner for compacted topics.' },
  { name: 'log.cleaner.dedupe.buffer.size', type: 'long', default: 134217728, validate: atLeast(1 << 20), doc: 'Memory for the cleaner\'s key map per pass (128 MiB); a fuller log is cleaned over several passes.' },
  { name: 'log.cleaner.backoff.ms', type: 'long', default: 15000, validate: atLeast(0), doc: 'Pause of the cleaner when no log needs cleaning (15 s).' },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', default: 86400000, validate: atLeast(0), doc: 'How long tombstones stay in compacted topics (1 day).' },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: 0, validate: atLeast(0), doc: 'Minimum age before a record may be compacted.' },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX, validate: atLeast(1), doc: 'Maximum age before a record must be compacted.' },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: 0.5, validate: between(0, 1), doc: 'Dirty share of the log that triggers cleaning.' },
  { name: 'log.segment.bytes', type: 'int', default: 1073741824, validate: atLeast(14), doc: 'Segment file size before a roll (1 GiB).' },
  { name: 'log.roll.hours', type: 'int', default: 168, validate: atLeast(1), doc: 'Segment age before a roll (168 h).' },
  { name: 'log.roll.ms', type: 'long', default: null, validate: nullOr(atLeast(1)), doc: 'Segment age before a roll, in ms.' },
  { name: 'log.index.interval.bytes', type: 'int', default: 4096, validate: atLeast(0), doc: 'Bytes between offset index entries.' },
  { name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX, validate: atLeast(1), doc: 'fsync after this many records (default: never, the OS decides).' },
  { name: 'log.flush.interval.ms', type: 'long', default: null, validate: nullOr(atLeast(0)), doc: 'fsync logs at least this often (default: never, the OS decides).' },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX, validate: atLeast(0), doc: 'How often the flusher checks log.flush.interval.ms.' },
  { name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', default: 60000, validate: atLeast(0), doc: 'How often recovery points are checkpointed (60 s).' },
  { name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', validate: oneOf(...TIMESTAMP_TYPES), doc: 'Record timestamps: producer time or broker append time.' },
  { name: 'message.max.bytes', type: 'int', default: 1048588, validate: atLeast(0), doc: 'Largest record batch the broker accepts (1 MiB + 12 B).' },
  { name: 'compression.type', type: 'string', default: 'producer', validate: oneOf(...COMPRESSION_TYPES), doc: 'Codec of stored batches; producer keeps what was sent.' },
  { name: 'compression.gzip.level', type: 'int', default: -1, validate: gzipLevel, doc: 'gzip level when the broker compresses (1-9; -1: zlib default 6).' },
  { name: 'compression.lz4.level', type: 'int', default: 9, validate: between(1, 17), doc: 'lz4 level when the broker compresses (9: fast mode; others: LZ4 HC).' },
  { name: 'compression.zstd.level', type: 'int', default: 3, validate: between(-131072, 22), doc: 'zstd level when the broker compresses.' },
  { name: 'worker.pool.threads', type: 'int', default: null, validate: nullOr(atLeast(1)), doc: 'Threads of the compute worker pool (piscina) that runs large appends, re-compression and compaction in the addon (default: one per core).' },
  { name: 'worker.io.threads', type: 'int', default: 4, validate: atLeast(1), doc: 'Threads of the I/O worker pool that moves fetched records to sockets with sendfile(2); a reader that stops taking bytes holds one for at most 20 ms at a time.' },
  { name: 'append.pool', type: 'boolean', default: true, doc: 'Run large appends on the compute worker pool, coalescing the appends queued behind them per partition (group commit); false: every append inline on the main thread.' },
  { name: 'append.pool.min.bytes', type: 'int', default: 1048576, validate: atLeast(0), doc: 'Smallest queued append (bytes, summed over the coalesced requests) sent to a worker; smaller ones run inline (see README Performance for the measurement behind the default).' },
  { name: 'append.pool.recompress.min.bytes', type: 'int', default: 65536, validate: atLeast(0), doc: 'Smallest queued append sent to a worker when the topic\'s compression.type re-compresses it (compressing costs far more than a hop; see README Performance).' },
  { name: 'fetch.zero.copy', type: 'boolean', default: true, doc: 'Send fetched records from segment files to sockets with sendfile(2) from the addon on the I/O worker pool; false: read them into memory and write with Node.' },
  { name: 'fetch.zero.copy.inline', type: 'boolean', default: true, doc: 'Start each sendfile response on the event loop without waiting (what the socket takes at once), and use the I/O pool only to wait for a full socket; false: every sendfile response on the I/O pool (see README Performance).' },
  { name: 'fetch.cold.reads.pool', type: 'boolean', default: false, doc: 'When a fetch would start reading data that is not in the page cache (a consumer catching up), an I/O worker reads it in first, so the event loop never waits for the disk. Off by default: on a fast disk the extra hop and read cost more than the wait (see README Performance); turn it on for slow or network disks.' },
  { name: 'fetch.zero.copy.min.bytes', type: 'int', default: 262144, validate: atLeast(0), doc: 'Smallest per-partition record set sent with sendfile; smaller ones are copied (256 KiB: below it the hop to a worker costs more than the copy, see README Performance).' },
  { name: 'max.incremental.fetch.session.cache.slots', type: 'int', default: 1000, validate: atLeast(0), doc: 'Fetch sessions (KIP-227) the broker keeps; the least recently used is evicted; 0 disables sessions.' },
  { name: 'socket.request.max.bytes', type: 'int', default: 104857600, validate: atLeast(1), doc: 'Largest request frame (100 MiB).' },
  { name: 'queued.max.request.bytes', type: 'long', default: 536870912, validate: atLeast(1), doc: 'Broker-wide cap on bytes of requests in flight (512 MiB); reading pauses above it.' },
  { name: 'connection.max.inflight.requests', type: 'int', default: 100, validate: atLeast(1), doc: 'Requests in flight per connection before reading pauses.' },
  { name: 'connections.max.idle.ms', type: 'long', default: 600000, validate: atLeast(-1), doc: 'Close connections idle this long (10 min); -1 never.' },
  { name: 'producer.id.expiration.ms', type: 'int', default: 86400000, validate: atLeast(1), doc: 'Idempotent producer state expiry (1 day).' },
  { name: 'offsets.topic.num.partitions', type: 'int', default: 50, validate: atLeast(1), doc: 'Partitions of the internal __consumer_offsets topic, fixed when it is first created.' },
  { name: 'offsets.topic.segment.bytes', type: 'int', default: 104857600, validate: atLeast(14), doc: 'Segment size of __consumer_offsets (100 MiB).' },
  { name: 'offsets.retention.minutes', type: 'int', default: 10080, validate: atLeast(1), doc: 'Committed offsets of a group that has been empty this long are deleted (7 days).' },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: 600000, validate: atLeast(1), doc: 'How often expired offsets are looked for (10 min).' },
  { name: 'offset.metadata.max.bytes', type: 'int', default: 4096, validate: atLeast(0), doc: 'Largest metadata string a commit may carry.' },
  { name: 'group.min.session.timeout.ms', type: 'int', default: 6000, validate: atLeast(0), doc: 'Smallest session.timeout.ms a member may ask for (6 s).' },
  { name: 'group.max.session.timeout.ms', type: 'int', default: 1800000, validate: atLeast(0), doc: 'Largest session.timeout.ms a member may ask for (30 min).' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: 3000, validate: atLeast(0), doc: 'How long the first rebalance of an empty group waits for more members (3 s).' },
  { name: 'group.max.size', type: 'int', default: 2147483647, validate: atLeast(1), doc: 'Most members one group may have.' },
  { name: 'log.level', type: 'string', default: 'info', validate: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), doc: 'Log level of the broker\'s structured logs.' },
  { name: 'cluster.id', type: 'string', default: null, doc: 'Cluster id; generated and kept in meta.properties when unset.' },
  { name: 'gateway.listeners', type: 'list', default: null, validate: nullOr(listenerList),
    doc: 'Where the HTTP/WebSocket gateway listens, as NAME://host:port (e.g. HTTP://127.0.0.1:8080; port 0 picks a free port). Unset: no gateway.' },
  { name: 'gateway.max.request.bytes', type: 'int', default: 16777216, validate: atLeast(1), doc: 'Largest HTTP request body the gateway accepts (16 MiB); larger ones get 413 MESSAGE_TOO_LARGE.' },
  { name: 'gateway.max.inflight.request.bytes', type: 'long', default: 268435456, validate: atLeast(1), doc: 'Gateway-wide cap on request-body bytes held in memory (256 MiB); reading pauses above it.' },
  { name: 'gateway.ws.max.buffered.bytes', type: 'int', default: 1048576, validate: atLeast(1024), doc: 'Per WebSocket: stop sending while this many bytes (1 MiB) wait for the client to read them.' },
  { name: 'gateway.ws.max.payload.bytes', type: 'int', default: 65536, validate: atLeast(1024), doc: 'Largest message a WebSocket client may send (control messages; 64 KiB).' },
  { name: 'gateway.ws.idle.timeout.ms', type: 'long', default: 120000, validate: between(8000, 960000), doc: 'Close WebSockets silent this long (120 s); the gateway pings to keep live ones open.' },
];

/** Topic-level keys: Kafka's topic config names; each default comes from a broker key. */
export interface TopicKey extends ConfigKey {
  /** Broker key whose value is this key's default, with a conversion. */
  readonly brokerDefault?: (broker: BrokerConfig) => ConfigValue;
  /** The broker key that supplies the default (Kafka's synonym), for DescribeConfigs sources. */
  readonly synonym?: string;
}

export const TOPIC_CONFIG: readonly TopicKey[] = [
  { name: 'cleanup.policy', type: 'list', default: ['delete'], validate: cleanupPolicy, brokerDefault: (b) => b['log.cleanup.policy'], synonym: 'log.cleanup.policy', doc: 'Delete old segments, compact by key, or both.' },
  { name: 'compression.type', type: 'string', default: 'producer', validate: oneOf(...COMPRESSION_TYPES), brokerDefault: (b) => b['compression.type'], synonym: 'compression.type', doc: 'Codec of stored batches.' },
  { name: 'compression.gzip.level', type: 'int', default: -1, validate: gzipLevel, brokerDefault: (b) => b['compression.gzip.level'], synonym: 'compression.gzip.level', doc: 'gzip level when the broker compresses.' },
  { name: 'compression.lz4.level', type: 'int', default: 9, validate: between(1, 17), brokerDefault: (b) => b['compression.lz4.level'], synonym: 'compression.lz4.level', doc: 'lz4 level when the broker compresses.' },
  { name: 'compression.zstd.level', type: 'int', default: 3, validate: between(-131072, 22), brokerDefault: (b) => b['compression.zstd.level'], synonym: 'compression.zstd.level', doc: 'zstd level when the broker compresses.' },
  { name: 'retention.ms', type: 'long', default: 604800000, validate: atLeast(-1), brokerDefault: (b) => retentionMs(b), synonym: 'log.retention.ms', doc: 'Keep data this long (7 days); -1 forever.' },
  { name: 'retention.bytes', type: 'long', default: -1, validate: atLeast(-1), brokerDefault: (b) => b['log.retention.bytes'], synonym: 'log.retention.bytes', doc: 'Keep at most this many bytes per partition; -1 unbounded.' },
  { name: 'segment.bytes', type: 'int', default: 1073741824, validate: atLeast(14), brokerDefault: (b) => b['log.segment.bytes'], synonym: 'log.segment.bytes', doc: 'Segment size before a roll.' },
  { name: 'segment.ms', type: 'long', default: 604800000, validate: atLeast(1), brokerDefault: (b) => rollMs(b), synonym: 'log.roll.ms', doc: 'Segment age before a roll.' },
  { name: 'segment.index.bytes', type: 'int', default: 10485760, validate: atLeast(4), doc: 'Index size limit (accepted for compatibility).' },
  { name: 'index.interval.bytes', type: 'int', default: 4096, validate: atLeast(0), brokerDefault: (b) => b['log.index.interval.bytes'], synonym: 'log.index.interval.bytes', doc: 'Bytes between index entries.' },
  { name: 'max.message.bytes', type: 'int', default: 1048588, validate: atLeast(0), brokerDefault: (b) => b['message.max.bytes'], synonym: 'message.max.bytes', doc: 'Largest record batch.' },
  { name: 'message.timestamp.type', type: 'string', default: 'CreateTime', validate: oneOf(...TIMESTAMP_TYPES), brokerDefault: (b) => b['log.message.timestamp.type'], synonym: 'log.message.timestamp.type', doc: 'Producer time or broker append time.' },
  { name: 'flush.messages', type: 'long', default: LONG_MAX, validate: atLeast(1), brokerDefault: (b) => b['log.flush.interval.messages'], synonym: 'log.flush.interval.messages', doc: 'fsync after this many records.' },
  { name: 'flush.ms', type: 'long', default: LONG_MAX, validate: atLeast(0), brokerDefault: (b) => b['log.flush.interval.ms'] ?? LONG_MAX, synonym: 'log.flush.interval.ms', doc: 'fsync at least this often.' },
  { name: 'min.insync.replicas', type: 'int', default: 1, validate: atLeast(1), doc: 'Replicas that must have a write for acks=all.' },
  { name: 'delete.retention.ms', type: 'long', default: 86400000, validate: atLeast(0), brokerDefault: (b) => b['log.cleaner.delete.retention.ms'], synonym: 'log.cleaner.delete.retention.ms', doc: 'How long tombstones stay in compacted topics (1 day).' },
  { name: 'min.compaction.lag.ms', type: 'long', default: 0, validate: atLeast(0), brokerDefault: (b) => b['log.cleaner.min.compaction.lag.ms'], synonym: 'log.cleaner.min.compaction.lag.ms', doc: 'Minimum age before a record may be compacted.' },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX, validate: atLeast(1), brokerDefault: (b) => b['log.cleaner.max.compaction.lag.ms'], synonym: 'log.cleaner.max.compaction.lag.ms', doc: 'Maximum age before a record must be compacted.' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', default: 0.5, validate: between(0, 1), brokerDefault: (b) => b['log.cleaner.min.cleanable.ratio'], synonym: 'log.cleaner.min.cleanable.ratio', doc: 'Dirty share of the log that triggers cleaning.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: false, doc: 'Accepted for compatibility (single node).' },
];

/** A validated, frozen broker configuration keyed by Kafka names. */
export type BrokerConfig = Readonly<Record<string, ConfigValue>> & {
  readonly 'listeners': string[];
  readonly 'advertised.listeners': string[] | null;
  readonly 'broker.id': number;
  readonly 'log.dirs': string;
  readonly 'num.partitions': number;
  readonly 'default.replication.factor': number;
  readonly 'auto.create.topics.enable': boolean;
  readonly 'delete.topic.enable': boolean;
  readonly 'log.retention.bytes': number;
  readonly 'log.retention.check.interval.ms': number;
  readonly 'log.cleanup.policy': string[];
  readonly 'log.cleaner.enable': boolean;
  readonly 'log.cleaner.backoff.ms': number;
  readonly 'log.segment.bytes': number;
  readonly 'log.index.interval.bytes': number;
  readonly 'log.flush.interval.messages': number;
  readonly 'log.flush.interval.ms': number | null;
  readonly 'log.flush.scheduler.interval.ms': number;
  readonly 'log.flush.offset.checkpoint.interval.ms': number;
  readonly 'log.message.timestamp.type': string;
  readonly 'message.max.bytes': number;
  readonly 'compression.type': string;
  readonly 'socket.request.max.bytes': number;
  readonly 'queued.max.request.bytes': number;
  readonly 'connection.max.inflight.requests': number;
  readonly 'connections.max.idle.ms': number;
  readonly 'log.level': string;
  readonly 'offsets.topic.num.partitions': number;
  readonly 'offsets.topic.segment.bytes': number;
  readonly 'offsets.retention.minutes': number;
  readonly 'offsets.retention.check.interval.ms': number;
  readonly 'offset.metadata.max.bytes': number;
  readonly 'group.min.session.timeout.ms': number;
  readonly 'group.max.session.timeout.ms': number;
  readonly 'group.initial.rebalance.delay.ms': number;
  readonly 'group.max.size': number;
  readonly 'cluster.id': string | null;
  readonly 'gateway.listeners': string[] | null;
  readonly 'gateway.max.request.bytes': number;
  readonly 'gateway.max.inflight.request.bytes': number;
  readonly 'gateway.ws.max.buffered.bytes': number;
  readonly 'gateway.ws.max.payload.bytes': number;
  readonly 'gateway.ws.idle.timeout.ms': number;
};

/** log.retention.ms, else .minutes, else .hours — Kafka's precedence. */
export function retentionMs(b: BrokerConfig): number {
  const ms = b['log.retention.ms'];
  if (typeof ms === 'number') return ms;
  const min = b['log.retention.minutes'];
  if (typeof min === 'number') return min < 0 ? -1 : min * 60_000;
  const h = b['log.retention.hours'] as number;
  return h < 0 ? -1 : h * 3_600_000;
}

export function rollMs(b: BrokerConfig): number {
  const ms = b['log.roll.ms'];
  return typeof ms === 'number' ? ms : (b['log.roll.hours'] as number) * 3_600_000;
}

/**
 * Broker keys an operator may change at run time (IncrementalAlterConfigs/AlterConfigs on the
 * BROKER resource): the defaults of topic configs. They apply to every topic without its own
 * override from the next append or retention check, and are persisted in the metadata store.
 */
export const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set([
  'log.retention.ms', 'log.retention.minutes', 'log.retention.hours', 'log.retention.bytes', 'log.segment.bytes', 'log.roll.ms', 'log.roll.hours',
  'log.cleanup.policy', 'log.index.interval.bytes', 'log.flush.interval.messages', 'log.flush.interval.ms', 'log.message.timestamp.type',
  'message.max.bytes', 'compression.type', 'log.cleaner.delete.retention.ms', 'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.max.compaction.lag.ms', 'log.cleaner.min.cleanable.ratio', 'log.cleaner.backoff.ms',
]);
