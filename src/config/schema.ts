// The broker's configuration schema: every key once, with Kafka's name, type, default and validator.
// The TypeScript types of a loaded configuration (BrokerConfig, TopicConfig) are derived from it.
// Loading (defaults < properties file < environment < command line) lives in load.ts.

export type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'password';
export type ConfigValue = number | boolean | string | string[] | null;
/** A default as the schema spells it (lists as read-only tuples). */
export type ConfigDefault = number | boolean | string | readonly string[] | null;

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** null: unset by default (the key's type then admits null). */
  readonly default: ConfigDefault;
  readonly doc: string;
  /** Returns a description of what is allowed when `value` is not acceptable. */
  readonly validate?: (value: ConfigValue) => string | undefined;
  /** The only values a string key takes; its TypeScript type is their union. */
  readonly allowed?: readonly string[];
  /** Older or alternative Kafka names that set the same key. */
  readonly aliases?: readonly string[];
  /** 'gregor': Gregor's own key, not one of Apache Kafka's. Absent: Kafka's key, with Kafka's meaning. */
  readonly origin?: 'gregor';
  /** For the README: what an unset default means, or the default in words (`168` -> "7 days"). */
  readonly defaultText?: string;
}

const LONG_MAX = Number.MAX_SAFE_INTEGER; // Kafka's Long.MAX_VALUE, as far as JS numbers reach

export const atLeast = (min: number) => (v: ConfigValue) =>
  typeof v === 'number' && v >= min ? undefined : `a number >= ${min}`;
export const between = (min: number, max: number) => (v: ConfigValue) =>
  typeof v === 'number' && v >= min && v <= max ? undefined : `a number in [${min}, ${max}]`;
const nullOr = (inner: (v: ConfigValue) => string | undefined) => (v: ConfigValue) =>
  v === null ? undefined : inner(v);

export const COMPRESSION_TYPES = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionType = (typeof COMPRESSION_TYPES)[number];
const gzipLevel = (v: ConfigValue) => v === -1 || (typeof v === 'number' && v >= 1 && v <= 9) ? undefined : '-1 or a number in [1, 9]';
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** authorizer.class.name values that enable the ACL authorizer (Kafka's two class names and a short one); '' disables it. */
export const AUTHORIZER_NAMES = ['', 'kafka.security.authorizer.AclAuthorizer', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'gregor.Authorizer'] as const;

const cleanupPolicy = (v: ConfigValue) =>
  Array.isArray(v) && v.length > 0 && v.every((p) => p === 'delete' || p === 'compact') ? undefined : 'delete, compact or compact,delete';

const throttledReplicas = (v: ConfigValue) =>
  Array.isArray(v) && (v.every((e) => /^\d+:\d+$/.test(e)) || (v.length === 1 && v[0] === '*')) ? undefined : 'a list of partition:broker entries, or *';

const corsOrigins = (v: ConfigValue) => {
  if (!Array.isArray(v)) return 'a comma-separated list of origins (scheme://host[:port]) or *';
  for (const o of v) if (o !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(o)) return `origins as scheme://host[:port], or * (bad entry "${o}")`;
  return undefined;
};

const listenerList = (v: ConfigValue) => {
  if (!Array.isArray(v) || v.length === 0) return 'a comma-separated list of NAME://host:port';
  for (const l of v) if (!/^[A-Za-z_][A-Za-z0-9_]*:\/\/(\[[0-9a-fA-F:.]+\]|[^:\/]*):\d{1,5}$/.test(l)) return `NAME://host:port entries (bad entry "${l}")`;
  return undefined;
};

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
const STORE_TYPES = ['JKS', 'PKCS12', 'PEM'] as const;
const protocolMap = (v: ConfigValue) => Array.isArray(v) && v.every((e) => /^[A-Za-z_][A-Za-z0-9_]*:(PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL)$/.test(e))
  ? undefined : 'NAME:PROTOCOL pairs with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL';
const saslMechanisms = (v: ConfigValue) => Array.isArray(v) && v.every((m) => /^[A-Z0-9_-]+$/.test(m)) ? undefined : 'SASL mechanism names (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)';
const tlsProtocols = (v: ConfigValue) => Array.isArray(v) && v.length > 0 && v.every((p) => ['TLSv1.2', 'TLSv1.3', 'TLSv1.1', 'TLSv1'].includes(p)) ? undefined : 'TLS versions (TLSv1.2, TLSv1.3)';
const ipOverrides = (v: ConfigValue) => typeof v === 'string' && (v.trim() === '' || v.split(',').every((e) => /^\s*[^\s:,]+(:[^\s:,]+)*:\d+\s*$/.test(e))) ? undefined : 'ip:count pairs separated by commas';

/** Broker-level keys (server.properties). */
const BROKER_KEYS = [
  { name: 'listeners', type: 'list', default: ['PLAINTEXT://127.0.0.1:9092'], validate: listenerList,
    doc: 'Where the broker listens for Kafka clients, as NAME://host:port (port 0 picks a free port).' },
  { name: 'advertised.listeners', type: 'list', default: null, validate: nullOr(listenerList), defaultText: 'listeners',
    doc: 'What the broker tells clients to connect to (Metadata); defaults to listeners.' },
  // Security (listeners, TLS, SASL). Every ssl.* and sasl.* key may also be set per listener as
  // listener.name.<listener>.<key> (listener name lower-cased, as Kafka), which wins over the plain key.
  { name: 'listener.security.protocol.map', type: 'list', default: ['PLAINTEXT:PLAINTEXT', 'SSL:SSL', 'SASL_PLAINTEXT:SASL_PLAINTEXT', 'SASL_SSL:SASL_SSL'], validate: protocolMap,
    doc: 'Security protocol of each listener name, as NAME:PROTOCOL pairs (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).' },
  { name: 'inter.broker.listener.name', type: 'string', default: null, defaultText: 'the listener of security.inter.broker.protocol',
    doc: 'The listener brokers use to talk to each other (replica fetchers); set it or security.inter.broker.protocol, not both.' },
  { name: 'security.inter.broker.protocol', type: 'string', default: 'PLAINTEXT', allowed: SECURITY_PROTOCOLS,
    doc: 'Security protocol between brokers when inter.broker.listener.name is unset: the listener with this protocol is used.' },
  { name: 'sasl.enabled.mechanisms', type: 'list', default: ['GSSAPI'], validate: saslMechanisms,
    doc: 'SASL mechanisms a SASL listener offers; served: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER (GSSAPI, Kafka\'s default, is refused at start on a SASL listener).' },
  { name: 'sasl.mechanism.inter.broker.protocol', type: 'string', default: 'GSSAPI', doc: 'SASL mechanism brokers use to authenticate to each other (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 here).' },
  { name: 'sasl.jaas.config', type: 'password', default: null, defaultText: 'unset',
    doc: 'JAAS login context: PlainLoginModule with user_<name>="<password>" entries defines PLAIN users; username/password are what this broker logs in with to others; OAuthBearerLoginModule\'s unsecuredValidator* options configure the unsecured OAUTHBEARER validator. Per listener and mechanism: listener.name.<listener>.<mechanism>.sasl.jaas.config.' },
  { name: 'sasl.server.callback.handler.class', type: 'string', default: null, defaultText: 'unset',
    doc: 'OAUTHBEARER token validation (set per listener as listener.name.<listener>.oauthbearer.sasl.server.callback.handler.class): unset, the unsecured validator (unsigned tokens trusted as they are: development only); org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler: JWTs signed by a key of sasl.oauthbearer.jwks.endpoint.url (KIP-768).' },
  { name: 'sasl.oauthbearer.jwks.endpoint.url', type: 'string', default: null, defaultText: 'unset',
    doc: 'Where the signed-token validator gets its keys (a JWKS): an http:// or https:// URL (fetched at start and refreshed), or a file: URL read from disk.' },
  { name: 'sasl.oauthbearer.jwks.endpoint.refresh.ms', type: 'long', default: 3600000, validate: atLeast(1), defaultText: '1 hour', doc: 'How often the JWKS is fetched again.' },
  { name: 'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms', type: 'long', default: 100, validate: atLeast(0), doc: 'Least wait between JWKS refetches for a token whose key id is unknown; doubles while ids stay unknown.' },
  { name: 'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms', type: 'long', default: 10000, validate: atLeast(0), doc: 'Most wait between JWKS refetches for unknown key ids.' },
  { name: 'sasl.oauthbearer.expected.audience', type: 'list', default: null, defaultText: 'unset (not checked)', doc: 'Audiences a signed token\'s aud claim must name one of.' },
  { name: 'sasl.oauthbearer.expected.issuer', type: 'string', default: null, defaultText: 'unset (not checked)', doc: 'The iss claim a signed token must have.' },
  { name: 'sasl.oauthbearer.sub.claim.name', type: 'string', default: 'sub', doc: 'The claim of a signed token that names its principal (User:<value>).' },
  { name: 'sasl.oauthbearer.scope.claim.name', type: 'string', default: 'scope', doc: 'The claim of a signed token that lists its scopes.' },
  { name: 'sasl.oauthbearer.clock.skew.seconds', type: 'int', default: 30, validate: atLeast(0), doc: 'Clock difference allowed with the token issuer when checking exp and nbf of signed tokens.' },
  { name: 'sasl.server.max.receive.size', type: 'int', default: 524288, validate: atLeast(1), doc: 'Largest frame accepted before a connection has authenticated.' },
  { name: 'sasl.scram.accept.repeated.client.nonce', type: 'boolean', default: true, origin: 'gregor',
    doc: 'Accept a SCRAM client-final nonce that repeats the client nonce before the server\'s (librdkafka before 2.6.1, e.g. Debian 12\'s kcat; Kafka 3.x accepted it, 4.x refuses), with the proof still verified in full. false: RFC 5802\'s exact nonce only.' },
  { name: 'connection.failed.authentication.delay.ms', type: 'int', default: 100, validate: atLeast(0), doc: 'How long a failed authentication waits before its answer and the close.' },
  { name: 'connections.max.reauth.ms', type: 'long', default: 0, validate: atLeast(0), doc: 'Longest SASL session before the client must re-authenticate (KIP-368); 0: no limit. An OAUTHBEARER session ends at its token\'s exp if that is sooner.' },
  { name: 'max.connections', type: 'int', default: 2147483647, validate: atLeast(0), defaultText: 'unlimited', doc: 'Most connections the broker accepts over all listeners; more are closed at once. Dynamic.' },
  { name: 'max.connections.per.ip', type: 'int', default: 2147483647, validate: atLeast(0), defaultText: 'unlimited', doc: 'Most connections from one IP address (0 only with overrides). Dynamic: a lowered limit keeps the connections open and refuses new ones.' },
  { name: 'max.connection.creation.rate', type: 'int', default: 2147483647, validate: atLeast(0), defaultText: 'unlimited', doc: 'New connections per second the broker accepts over its listeners except the inter-broker one (KIP-612); past it, accepting waits. Per listener: listener.name.<listener>.max.connection.creation.rate. Both dynamic.' },
  { name: 'max.connections.per.ip.overrides', type: 'string', default: '', validate: ipOverrides, defaultText: 'none', doc: 'Per-IP exceptions to max.connections.per.ip, as ip:count pairs separated by commas. Dynamic: a new value replaces the whole map.' },
  { name: 'ssl.keystore.type', type: 'string', default: 'JKS', allowed: STORE_TYPES, doc: 'Key store format: PEM or PKCS12 (JKS, Kafka\'s default, is refused at start on a TLS listener).' },
  { name: 'ssl.keystore.location', type: 'string', default: null, defaultText: 'unset', doc: 'Key store file: PEM (private key and certificate chain) or PKCS12.' },
  { name: 'ssl.keystore.password', type: 'password', default: null, defaultText: 'unset', doc: 'Password of the PKCS12 key store.' },
  { name: 'ssl.key.password', type: 'password', default: null, defaultText: 'unset', doc: 'Password of the private key (an encrypted PEM key, or the PKCS12 key when it differs).' },
  { name: 'ssl.keystore.certificate.chain', type: 'password', default: null, defaultText: 'unset', doc: 'Certificate chain in PEM, inline (ssl.keystore.type=PEM, KIP-651).' },
  { name: 'ssl.keystore.key', type: 'password', default: null, defaultText: 'unset', doc: 'Private key in PEM, inline (ssl.keystore.type=PEM, KIP-651).' },
  { name: 'ssl.truststore.type', type: 'string', default: 'JKS', allowed: STORE_TYPES, doc: 'Trust store format: PEM or PKCS12.' },
  { name: 'ssl.truststore.location', type: 'string', default: null, defaultText: 'unset (the system CAs)', doc: 'Trust store file: PEM certificates or PKCS12.' },
  { name: 'ssl.truststore.password', type: 'password', default: null, defaultText: 'unset', doc: 'Password of the PKCS12 trust store.' },
  { name: 'ssl.truststore.certificates', type: 'password', default: null, defaultText: 'unset', doc: 'Trusted certificates in PEM, inline (ssl.truststore.type=PEM).' },
  { name: 'ssl.client.auth', type: 'string', default: 'none', allowed: ['none', 'requested', 'required'], doc: 'Whether TLS clients must (required), may (requested) or need not present a certificate.' },
  { name: 'ssl.principal.mapping.rules', type: 'string', default: 'DEFAULT', doc: 'Rules mapping a client certificate\'s distinguished name to a principal name (RULE:pattern/replacement/[LU], DEFAULT: the full DN).' },
  { name: 'ssl.enabled.protocols', type: 'list', default: ['TLSv1.2', 'TLSv1.3'], validate: tlsProtocols, doc: 'TLS versions a TLS listener accepts.' },
  { name: 'ssl.cipher.suites', type: 'list', default: null, defaultText: 'the TLS library\'s defaults', doc: 'Cipher suites a TLS listener accepts (OpenSSL or IANA names).' },
  { name: 'ssl.endpoint.identification.algorithm', type: 'string', default: 'https', doc: 'https: a broker connecting to another checks its certificate matches the host name; empty: no check.' },
  { name: 'broker.id', type: 'int', default: 0, validate: atLeast(0), aliases: ['node.id'], doc: 'This broker\'s id.' },
  { name: 'broker.rack', type: 'string', default: null, defaultText: 'unset', doc: 'Rack of the broker, registered in ZooKeeper and used for rack-aware replica assignment.' },
  { name: 'zookeeper.connect', type: 'string', default: null, defaultText: 'unset (single node, local metadata file)',
    doc: 'ZooKeeper connection string host:port[,host:port...][/chroot]; set, cluster metadata lives in ZooKeeper under the chroot.' },
  { name: 'zookeeper.session.timeout.ms', type: 'int', default: 18000, validate: atLeast(1), doc: 'ZooKeeper session timeout (18 s).' },
  { name: 'zookeeper.connection.timeout.ms', type: 'int', default: null, validate: nullOr(atLeast(1)), defaultText: 'zookeeper.session.timeout.ms',
    doc: 'Longest wait for the first connection to ZooKeeper before the broker gives up, and for ZooKeeper to answer a change a client asked for (REQUEST_TIMED_OUT after that).' },
  { name: 'log.dirs', type: 'string', default: './data', aliases: ['log.dir'], doc: 'Directory holding the partition logs.' },
  { name: 'num.partitions', type: 'int', default: 1, validate: atLeast(1), doc: 'Partitions of auto-created topics.' },
  { name: 'default.replication.factor', type: 'int', default: 1, validate: atLeast(1), doc: 'Replication factor of auto-created topics.' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: true, doc: 'Create unknown topics on Metadata and Produce requests.' },
  { name: 'delete.topic.enable', type: 'boolean', default: true, doc: 'Whether DeleteTopics is allowed.' },
  { name: 'authorizer.class.name', type: 'string', default: '', allowed: AUTHORIZER_NAMES, defaultText: 'empty (no authorization)',
    doc: 'ACL authorizer: kafka.security.authorizer.AclAuthorizer, org.apache.kafka.metadata.authorizer.StandardAuthorizer or gregor.Authorizer (all the same ACL authorizer); empty: every request is allowed.' },
  { name: 'super.users', type: 'string', default: '', defaultText: 'empty', doc: 'Principals allowed everything by the authorizer, separated by semicolons (User:admin;User:broker).' },
  { name: 'allow.everyone.if.no.acl.found', type: 'boolean', default: false, doc: 'With an authorizer: allow a resource that no ACL matches to everyone.' },
  { name: 'quota.window.num', type: 'int', default: 11, validate: atLeast(1), doc: 'Samples kept to measure a client\'s rate against its quota.' },
  { name: 'quota.window.size.seconds', type: 'int', default: 1, validate: atLeast(1), doc: 'Length of each quota sample.' },
  { name: 'log.retention.hours', type: 'int', default: 168, validate: atLeast(-1), defaultText: '7 days',
    doc: 'Retention by time: closed segments whose newest record is older are deleted; overridden by log.retention.minutes and log.retention.ms.' },
  { name: 'log.retention.minutes', type: 'int', default: null, validate: nullOr(atLeast(-1)), defaultText: 'unset (log.retention.hours applies)', doc: 'Retention by time in minutes.' },
  { name: 'log.retention.ms', type: 'long', default: null, validate: nullOr(atLeast(-1)), defaultText: 'unset (log.retention.minutes, then .hours apply)', doc: 'Retention by time in ms; -1 keeps forever.' },
  { name: 'log.retention.bytes', type: 'long', default: -1, validate: atLeast(-1), defaultText: 'unbounded', doc: 'Retention by size per partition (whole closed segments are deleted); -1 unbounded.' },
  { name: 'log.retention.check.interval.ms', type: 'long', default: 300000, validate: atLeast(1), doc: 'How often logs are checked for segments to delete.' },
  { name: 'log.cleanup.policy', type: 'list', default: ['delete'], validate: cleanupPolicy, doc: 'Default cleanup.policy of topics: delete, compact or compact,delete.' },
  { name: 'log.cleaner.enable', type: 'boolean', default: true, doc: 'Run the log cleaner for compacted topics.' },
  { name: 'log.cleaner.dedupe.buffer.size', type: 'long', default: 134217728, validate: atLeast(1 << 20), doc: 'Memory for the cleaner\'s key map per pass; a fuller log is cleaned over several passes.' },
  { name: 'log.cleaner.backoff.ms', type: 'long', default: 15000, validate: atLeast(0), doc: 'Pause of the cleaner when no log needs cleaning.' },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', default: 86400000, validate: atLeast(0), doc: 'How long tombstones stay in compacted topics.' },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: 0, validate: atLeast(0), doc: 'Minimum age before a record may be compacted.' },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX, validate: atLeast(1), defaultText: 'no limit', doc: 'Maximum age before a record must be compacted.' },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: 0.5, validate: between(0, 1), doc: 'Dirty share of the log that triggers cleaning.' },
  { name: 'log.segment.bytes', type: 'int', default: 1073741824, validate: atLeast(14), doc: 'Segment file size before a roll.' },
  { name: 'log.roll.hours', type: 'int', default: 168, validate: atLeast(1), defaultText: '7 days', doc: 'Segment age before a roll; overridden by log.roll.ms.' },
  { name: 'log.roll.ms', type: 'long', default: null, validate: nullOr(atLeast(1)), defaultText: 'unset (log.roll.hours applies)', doc: 'Segment age before a roll, in ms.' },
  { name: 'log.index.interval.bytes', type: 'int', default: 4096, validate: atLeast(0), doc: 'Bytes between offset index entries.' },
  { name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX, validate: atLeast(1), defaultText: 'never', doc: 'fsync after this many records (default: never, the OS decides).' },
  { name: 'log.flush.interval.ms', type: 'long', default: null, validate: nullOr(atLeast(0)), defaultText: 'unset (never)', doc: 'fsync logs at least this often (default: never, the OS decides).' },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX, validate: atLeast(0), defaultText: 'never', doc: 'How often the flusher checks log.flush.interval.ms.' },
  { name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', default: 60000, validate: atLeast(0), doc: 'How often recovery points are checkpointed.' },
  { name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', allowed: TIMESTAMP_TYPES, doc: 'Record timestamps: producer time (CreateTime) or broker append time (LogAppendTime).' },
  { name: 'message.max.bytes', type: 'int', default: 1048588, validate: atLeast(0), defaultText: '1 MiB + 12 B', doc: 'Largest record batch the broker accepts.' },
  { name: 'compression.type', type: 'string', default: 'producer', allowed: COMPRESSION_TYPES,
    doc: 'Codec of stored batches: producer keeps what was sent; uncompressed, gzip, snappy, lz4 and zstd re-compress (in the addon) batches sent in another codec.' },
  { name: 'compression.gzip.level', type: 'int', default: -1, validate: gzipLevel, defaultText: 'zlib\'s default, 6', doc: 'gzip level when the broker compresses (1-9).' },
  { name: 'compression.lz4.level', type: 'int', default: 9, validate: between(1, 17), defaultText: 'LZ4\'s fast mode', doc: 'lz4 level when the broker compresses (9: LZ4\'s fast mode; other levels: LZ4 HC).' },
  { name: 'compression.zstd.level', type: 'int', default: 3, validate: between(-131072, 22), doc: 'zstd level when the broker compresses.' },
  { name: 'worker.pool.threads', type: 'int', default: null, validate: nullOr(atLeast(1)), origin: 'gregor', defaultText: 'one per core',
    doc: 'Threads of the compute worker pool (piscina workers loading the addon) that runs large appends with group commit, re-compression and compaction.' },
  { name: 'worker.io.threads', type: 'int', default: 4, validate: atLeast(1), origin: 'gregor',
    doc: 'Threads of the I/O worker pool that writes fetch responses with sendfile(2); a reader that stops taking bytes holds one for at most 20 ms, then gets the rest in 256 KiB chunks written by Node between sendfile rounds (closed after 60 s without progress).' },
  { name: 'append.pool', type: 'boolean', default: true, origin: 'gregor',
    doc: 'Run appends of at least append.pool.min.bytes on the compute worker pool, coalescing the appends queued behind them per partition into one native call (group commit); false: every append inline on the main thread.' },
  { name: 'append.pool.min.bytes', type: 'int', default: 1048576, validate: atLeast(0), origin: 'gregor',
    doc: 'Smallest queued append (bytes, summed over the coalesced requests) sent to a worker; smaller ones run inline (faster end to end on 2 cores, see README Performance).' },
  { name: 'append.pool.recompress.min.bytes', type: 'int', default: 65536, validate: atLeast(0), origin: 'gregor',
    doc: 'Smallest queued append sent to a worker when the topic\'s compression.type re-compresses it (compressing costs far more than a hop; see README Performance).' },
  { name: 'fetch.zero.copy', type: 'boolean', default: true, origin: 'gregor',
    doc: 'Send fetched records from segment files to sockets with sendfile(2) from the addon on the I/O worker pool; false: read them into memory and write with Node.' },
  { name: 'fetch.zero.copy.inline', type: 'boolean', default: true, origin: 'gregor',
    doc: 'Start each sendfile response on the event loop without waiting (what the socket takes at once), and use the I/O pool only to wait for a full socket; false: every sendfile response on the I/O pool (see README Performance).' },
  { name: 'fetch.cold.reads.pool', type: 'boolean', default: false, origin: 'gregor',
    doc: 'When a fetch would start reading data that is not in the page cache (a consumer catching up), an I/O worker reads it in first, so the event loop never waits for the disk. Off by default: on a fast disk the extra hop and read cost more than the wait (see README Performance); turn it on for slow or network disks.' },
  { name: 'fetch.zero.copy.min.bytes', type: 'int', default: 262144, validate: atLeast(0), origin: 'gregor',
    doc: 'Smallest per-partition record set sent with sendfile; smaller ones are copied (below it the hop to a worker costs more than the copy, see README Performance).' },
  { name: 'max.incremental.fetch.session.cache.slots', type: 'int', default: 1000, validate: atLeast(0), doc: 'Fetch sessions (KIP-227) the broker keeps; the least recently used is evicted; 0 disables sessions.' },
  { name: 'socket.request.max.bytes', type: 'int', default: 104857600, validate: atLeast(1), doc: 'Largest request frame; larger ones close the connection.' },
  { name: 'queued.max.request.bytes', type: 'long', default: 536870912, validate: atLeast(1), doc: 'Broker-wide cap on bytes of requests in flight; reading pauses above it (Kafka\'s default is -1, unbounded).' },
  { name: 'connection.max.inflight.requests', type: 'int', default: 100, validate: atLeast(1), origin: 'gregor', doc: 'Requests in flight per connection before reading pauses.' },
  { name: 'connections.max.idle.ms', type: 'long', default: 600000, validate: atLeast(-1), doc: 'Close connections idle this long; -1 never.' },
  { name: 'producer.id.expiration.ms', type: 'int', default: 86400000, validate: atLeast(1), doc: 'Producers with no open transaction and no write for this long are forgotten by each partition.' },
  { name: 'producer.id.expiration.check.interval.ms', type: 'int', default: 600000, validate: atLeast(1), doc: 'How often partitions look for expired producer ids.' },
  { name: 'offsets.topic.num.partitions', type: 'int', default: 50, validate: atLeast(1), doc: 'Partitions of the internal __consumer_offsets topic, fixed when it is first created.' },
  { name: 'min.insync.replicas', type: 'int', default: 1, validate: atLeast(1), doc: 'Default of the topic config: in-sync replicas that must have a write for acks=all.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: false, doc: 'Default of the topic config: let an out-of-sync replica lead when no in-sync one is alive.' },
  { name: 'offsets.topic.replication.factor', type: 'int', default: 3, validate: atLeast(1), doc: 'Replication factor of __consumer_offsets; capped (with a log line) at the live brokers when it is created.' },
  { name: 'offsets.commit.timeout.ms', type: 'int', default: 5000, validate: atLeast(1), doc: 'How long an offset commit waits for every in-sync replica of its __consumer_offsets partition.' },
  { name: 'replica.lag.time.max.ms', type: 'long', default: 30000, validate: atLeast(1), defaultText: '30 s', doc: 'A follower that has not caught up with the leader for this long leaves the ISR.' },
  { name: 'replica.fetch.wait.max.ms', type: 'int', default: 500, validate: atLeast(0), doc: 'How long a follower\'s fetch waits at the leader for new data.' },
  { name: 'replica.fetch.max.bytes', type: 'int', default: 1048576, validate: atLeast(0), defaultText: '1 MiB', doc: 'Bytes a follower fetches per partition per request.' },
  { name: 'replica.fetch.response.max.bytes', type: 'int', default: 10485760, validate: atLeast(0), defaultText: '10 MiB', doc: 'Bytes a follower fetches per request.' },
  { name: 'replica.fetch.backoff.ms', type: 'int', default: 1000, validate: atLeast(0), doc: 'Pause of a follower\'s fetcher after a failed fetch.' },
  { name: 'replica.high.watermark.checkpoint.interval.ms', type: 'long', default: 5000, validate: atLeast(1), doc: 'How often each broker writes its replicas\' high watermarks to replication-offset-checkpoint in every log dir.' },
  { name: 'auto.leader.rebalance.enable', type: 'boolean', default: true, doc: 'The controller hands leadership back to preferred replicas that are alive and in sync.' },
  { name: 'leader.imbalance.check.interval.seconds', type: 'long', default: 300, validate: atLeast(1), defaultText: '5 min', doc: 'How often the controller looks for partitions not led by their preferred replica.' },
  { name: 'controlled.shutdown.enable', type: 'boolean', default: true, doc: 'On SIGTERM a broker hands the leadership of its partitions to other in-sync replicas before it exits.' },
  { name: 'leader.replication.throttled.rate', type: 'long', default: LONG_MAX, validate: atLeast(0), defaultText: 'unlimited',
    doc: 'Bytes/s a leader serves to out-of-sync followers of the partitions in each topic\'s leader.replication.throttled.replicas (set per broker at run time, as kafka-reassign-partitions --throttle does).' },
  { name: 'follower.replication.throttled.rate', type: 'long', default: LONG_MAX, validate: atLeast(0), defaultText: 'unlimited',
    doc: 'Bytes/s this broker copies as a follower of the partitions in each topic\'s follower.replication.throttled.replicas while they lag the leader (set per broker at run time, as kafka-reassign-partitions --throttle does).' },
  { name: 'replica.alter.log.dirs.io.max.bytes.per.second', type: 'long', default: LONG_MAX, validate: atLeast(0), defaultText: 'unlimited',
    doc: 'Accepted for Kafka\'s tools; not applied (replicas do not move between log directories).' },
  { name: 'offsets.topic.segment.bytes', type: 'int', default: 104857600, validate: atLeast(14), doc: 'Segment size of __consumer_offsets.' },
  { name: 'offsets.retention.minutes', type: 'int', default: 10080, validate: atLeast(1), defaultText: '7 days', doc: 'Committed offsets of a group that has been empty this long are deleted.' },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: 600000, validate: atLeast(1), doc: 'How often expired offsets are looked for.' },
  { name: 'offset.metadata.max.bytes', type: 'int', default: 4096, validate: atLeast(0), doc: 'Largest metadata string a commit may carry.' },
  { name: 'transaction.version', type: 'int', default: 2, validate: between(0, 2), origin: 'gregor', doc: 'The finalized transaction.version feature ApiVersions announces (Kafka sets it with kafka-features): 2 lets clients use transactions v2 (KIP-890: Produce v12 adds partitions, EndTxn v5 bumps the epoch), 0 or 1 keeps them on the classic protocol.' },
  { name: 'transaction.partition.verification.enable', type: 'boolean', default: true, doc: 'Check each transactional produce with the transaction coordinator: a partition outside the producer\'s transaction gets INVALID_TXN_STATE (KIP-890).' },
  { name: 'transaction.state.log.num.partitions', type: 'int', default: 50, validate: atLeast(1), doc: 'Partitions of the internal __transaction_state topic, fixed when it is first created.' },
  { name: 'transaction.state.log.replication.factor', type: 'int', default: 3, validate: atLeast(1), doc: 'Replication factor of __transaction_state; capped (with a log line) at the live brokers when it is created.' },
  { name: 'transaction.state.log.min.isr', type: 'int', default: 2, validate: atLeast(1), doc: 'min.insync.replicas of __transaction_state (capped at its replication factor).' },
  { name: 'transaction.state.log.segment.bytes', type: 'int', default: 104857600, validate: atLeast(14), doc: 'Segment size of __transaction_state.' },
  { name: 'transaction.max.timeout.ms', type: 'int', default: 900000, validate: atLeast(1), defaultText: '15 min', doc: 'Largest transaction.timeout.ms a producer may ask for (larger: INVALID_TRANSACTION_TIMEOUT).' },
  { name: 'transactional.id.expiration.ms', type: 'int', default: 604800000, validate: atLeast(1), defaultText: '7 days', doc: 'A transactional id without a transaction for this long is removed from __transaction_state.' },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'int', default: 10000, validate: atLeast(1), doc: 'How often transactions past their timeout are looked for and aborted.' },
  { name: 'add.partitions.to.txn.retry.backoff.ms', type: 'int', default: 20, validate: atLeast(1), doc: 'Wait before a transactional produce (transactions v2) that found its transaction busy (CONCURRENT_TRANSACTIONS) asks the transaction\'s coordinator again.' },
  { name: 'add.partitions.to.txn.retry.backoff.max.ms', type: 'int', default: 100, validate: atLeast(0), doc: 'How long such a produce keeps asking before the client is told to retry (NOT_ENOUGH_REPLICAS).' },
  { name: 'transaction.remove.expired.transaction.cleanup.interval.ms', type: 'int', default: 3600000, validate: atLeast(1), doc: 'How often expired transactional ids are looked for.' },
  { name: 'group.min.session.timeout.ms', type: 'int', default: 6000, validate: atLeast(0), doc: 'Smallest session.timeout.ms a member may ask for.' },
  { name: 'group.max.session.timeout.ms', type: 'int', default: 1800000, validate: atLeast(0), doc: 'Largest session.timeout.ms a member may ask for.' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: 3000, validate: atLeast(0), doc: 'How long the first rebalance of an empty group waits for more members (tests use 0-300 ms).' },
  { name: 'group.max.size', type: 'int', default: 2147483647, validate: atLeast(1), defaultText: 'unlimited', doc: 'Most members one group may have.' },
  { name: 'log.level', type: 'string', default: 'info', allowed: LOG_LEVELS, origin: 'gregor', doc: 'Level of the broker\'s structured logs (Kafka configures log4j instead).' },
  { name: 'cluster.id', type: 'string', default: null, origin: 'gregor', defaultText: 'generated', doc: 'Cluster id; generated and kept in meta.properties when unset (Kafka takes it from meta.properties only).' },
  { name: 'gateway.listeners', type: 'list', default: null, validate: nullOr(listenerList), origin: 'gregor', defaultText: 'unset (no gateway)',
    doc: 'Where the HTTP/WebSocket gateway listens, as NAME://host:port (e.g. HTTP://127.0.0.1:8080; port 0 picks a free port). Unset: no gateway.' },
  { name: 'gateway.max.request.bytes', type: 'int', default: 16777216, validate: atLeast(1), origin: 'gregor', doc: 'Largest HTTP request body the gateway accepts; larger ones get 413 MESSAGE_TOO_LARGE.' },
  { name: 'gateway.max.inflight.request.bytes', type: 'long', default: 268435456, validate: atLeast(1), origin: 'gregor', doc: 'Gateway-wide cap on request-body bytes held in memory; reading pauses above it.' },
  { name: 'gateway.ws.max.buffered.bytes', type: 'int', default: 1048576, validate: atLeast(1024), origin: 'gregor', doc: 'Per WebSocket: stop sending while this many bytes wait for the client to read them.' },
  { name: 'gateway.ws.max.payload.bytes', type: 'int', default: 65536, validate: atLeast(1024), origin: 'gregor', doc: 'Largest message a WebSocket client may send (control messages).' },
  { name: 'gateway.ws.idle.timeout.ms', type: 'long', default: 120000, validate: between(8000, 960000), origin: 'gregor', doc: 'Close WebSockets silent this long; the gateway pings to keep live ones open.' },
  { name: 'gateway.cors.allowed.origins', type: 'list', default: [], validate: corsOrigins, origin: 'gregor', defaultText: 'none',
    doc: 'Origins (scheme://host[:port], or * for any) whose browser pages may call the gateway: requests from them get Access-Control-Allow-Origin, preflight OPTIONS requests are answered, and WebSocket upgrades from other origins get 403. Empty: no CORS headers and no origin check.' },
  { name: 'gateway.authentication', type: 'string', default: 'none', allowed: ['none', 'basic', 'bearer'], origin: 'gregor',
    doc: 'basic: every gateway request and WebSocket upgrade (and the console) needs HTTP Basic credentials of a PLAIN (JAAS) or SCRAM user; the principal is User:<name>. bearer: they need Authorization: Bearer <token>, an OAUTHBEARER token checked by the validator the gateway listener\'s settings choose (sasl.server.callback.handler.class, sasl.oauthbearer.*, with listener.name.<gateway listener>.oauthbearer.* overrides); the principal is User:<sub>. An HTTPS:// gateway listener serves TLS with the key store (PEM or PKCS12) of ssl.keystore.* (or listener.name.https.ssl.keystore.*).' },
] as const satisfies readonly ConfigKey[];

/** Broker-level keys (server.properties), in the order README lists them. */
export const BROKER_CONFIG: readonly ConfigKey[] = BROKER_KEYS;

/** Topic-level keys: Kafka's topic config names; each default comes from a broker key. */
export interface TopicKey extends ConfigKey {
  /** Broker key whose value is this key's default, with a conversion. */
  readonly brokerDefault?: (broker: BrokerConfig) => ConfigValue;
  /** The broker key that supplies the default (Kafka's synonym), for DescribeConfigs sources. */
  readonly synonym?: string;
}

const TOPIC_KEYS = [
  { name: 'cleanup.policy', type: 'list', default: ['delete'], validate: cleanupPolicy, brokerDefault: (b) => b['log.cleanup.policy'], synonym: 'log.cleanup.policy', doc: 'Delete old segments, compact by key, or both.' },
  { name: 'compression.type', type: 'string', default: 'producer', allowed: COMPRESSION_TYPES, brokerDefault: (b) => b['compression.type'], synonym: 'compression.type', doc: 'Codec of stored batches: producer keeps what was sent; the others re-compress batches sent in another codec.' },
  { name: 'compression.gzip.level', type: 'int', default: -1, validate: gzipLevel, brokerDefault: (b) => b['compression.gzip.level'], defaultText: 'zlib\'s default, 6', synonym: 'compression.gzip.level', doc: 'gzip level when the broker compresses (1-9).' },
  { name: 'compression.lz4.level', type: 'int', default: 9, validate: between(1, 17), brokerDefault: (b) => b['compression.lz4.level'], defaultText: 'LZ4\'s fast mode', synonym: 'compression.lz4.level', doc: 'lz4 level when the broker compresses.' },
  { name: 'compression.zstd.level', type: 'int', default: 3, validate: between(-131072, 22), brokerDefault: (b) => b['compression.zstd.level'], synonym: 'compression.zstd.level', doc: 'zstd level when the broker compresses.' },
  { name: 'retention.ms', type: 'long', default: 604800000, validate: atLeast(-1), brokerDefault: (b) => retentionMs(b), synonym: 'log.retention.ms', doc: 'Keep data this long; -1 forever (broker default: log.retention.ms, else .minutes, else .hours).' },
  { name: 'retention.bytes', type: 'long', default: -1, validate: atLeast(-1), brokerDefault: (b) => b['log.retention.bytes'], defaultText: 'unbounded', synonym: 'log.retention.bytes', doc: 'Keep at most this many bytes per partition; -1 unbounded.' },
  { name: 'segment.bytes', type: 'int', default: 1073741824, validate: atLeast(14), brokerDefault: (b) => b['log.segment.bytes'], synonym: 'log.segment.bytes', doc: 'Segment size before a roll.' },
  { name: 'segment.ms', type: 'long', default: 604800000, validate: atLeast(1), brokerDefault: (b) => rollMs(b), synonym: 'log.roll.ms', doc: 'Segment age before a roll (broker default: log.roll.ms, else log.roll.hours).' },
  { name: 'segment.index.bytes', type: 'int', default: 10485760, validate: atLeast(4), doc: 'Index size limit (accepted for compatibility).' },
  { name: 'index.interval.bytes', type: 'int', default: 4096, validate: atLeast(0), brokerDefault: (b) => b['log.index.interval.bytes'], synonym: 'log.index.interval.bytes', doc: 'Bytes between index entries.' },
  { name: 'max.message.bytes', type: 'int', default: 1048588, validate: atLeast(0), brokerDefault: (b) => b['message.max.bytes'], defaultText: '1 MiB + 12 B', synonym: 'message.max.bytes', doc: 'Largest record batch.' },
  { name: 'message.timestamp.type', type: 'string', default: 'CreateTime', allowed: TIMESTAMP_TYPES, brokerDefault: (b) => b['log.message.timestamp.type'], synonym: 'log.message.timestamp.type', doc: 'Producer time or broker append time.' },
  { name: 'flush.messages', type: 'long', default: LONG_MAX, validate: atLeast(1), brokerDefault: (b) => b['log.flush.interval.messages'], defaultText: 'never', synonym: 'log.flush.interval.messages', doc: 'fsync after this many records.' },
  { name: 'flush.ms', type: 'long', default: LONG_MAX, validate: atLeast(0), brokerDefault: (b) => b['log.flush.interval.ms'] ?? LONG_MAX, defaultText: 'never', synonym: 'log.flush.interval.ms', doc: 'fsync at least this often.' },
  { name: 'min.insync.replicas', type: 'int', default: 1, validate: atLeast(1), brokerDefault: (b) => b['min.insync.replicas'], synonym: 'min.insync.replicas', doc: 'In-sync replicas that must have a write for acks=all (else NOT_ENOUGH_REPLICAS).' },
  { name: 'delete.retention.ms', type: 'long', default: 86400000, validate: atLeast(0), brokerDefault: (b) => b['log.cleaner.delete.retention.ms'], synonym: 'log.cleaner.delete.retention.ms', doc: 'How long tombstones stay in compacted topics.' },
  { name: 'min.compaction.lag.ms', type: 'long', default: 0, validate: atLeast(0), brokerDefault: (b) => b['log.cleaner.min.compaction.lag.ms'], synonym: 'log.cleaner.min.compaction.lag.ms', doc: 'Minimum age before a record may be compacted.' },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX, validate: atLeast(1), brokerDefault: (b) => b['log.cleaner.max.compaction.lag.ms'], defaultText: 'no limit', synonym: 'log.cleaner.max.compaction.lag.ms', doc: 'Maximum age before a record must be compacted.' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', default: 0.5, validate: between(0, 1), brokerDefault: (b) => b['log.cleaner.min.cleanable.ratio'], synonym: 'log.cleaner.min.cleanable.ratio', doc: 'Dirty share of the log that triggers cleaning.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: false, brokerDefault: (b) => b['unclean.leader.election.enable'], synonym: 'unclean.leader.election.enable', doc: 'Let a replica that is not in sync lead when no in-sync one is alive (acknowledged records may be lost).' },
  { name: 'leader.replication.throttled.replicas', type: 'list', default: [], validate: throttledReplicas, defaultText: 'none',
    doc: 'Replicas, as partition:broker entries or *, whose leader throttles out-of-sync followers to leader.replication.throttled.rate.' },
  { name: 'follower.replication.throttled.replicas', type: 'list', default: [], validate: throttledReplicas, defaultText: 'none',
    doc: 'Replicas, as partition:broker entries or *, that copy from their leader no faster than the broker\'s follower.replication.throttled.rate while out of sync.' },
] as const satisfies readonly TopicKey[];

export const TOPIC_CONFIG: readonly TopicKey[] = TOPIC_KEYS;

/** The TypeScript type of a key's value: its schema type, narrowed to `allowed`, with null when unset by default. */
type TypeOf<K extends ConfigKey> =
  K['type'] extends 'int' | 'long' | 'double' ? number
  : K['type'] extends 'boolean' ? boolean
  : K['type'] extends 'list' ? string[]
  : K extends { readonly allowed: readonly (infer A)[] } ? A
  : string;
export type ValueOf<K extends ConfigKey> = K['default'] extends null ? TypeOf<K> | null : TypeOf<K>;
type ConfigOf<Keys extends readonly ConfigKey[]> = { readonly [K in Keys[number] as K['name']]: ValueOf<K> };

/** A validated, frozen broker configuration keyed by Kafka names, typed from BROKER_CONFIG. */
export type BrokerConfig = ConfigOf<typeof BROKER_KEYS>;
/** A topic's effective configuration (its overrides on top of the broker's defaults), typed from TOPIC_CONFIG. */
export type TopicConfig = ConfigOf<typeof TOPIC_KEYS>;
export type BrokerConfigName = keyof BrokerConfig;

// Compile-time check: every topic key's broker default has the topic key's own type.
type BrokerDefaultFits<K extends TopicKey> = K extends { readonly brokerDefault: (b: BrokerConfig) => infer R } ? ([R] extends [ValueOf<K>] ? true : false) : true;
const _brokerDefaultsFit: { [K in (typeof TOPIC_KEYS)[number] as K['name']]: BrokerDefaultFits<K> } extends Readonly<Record<string, true>> ? true : never = true;
export type TopicConfigName = keyof TopicConfig;

/** log.retention.ms, else .minutes, else .hours — Kafka's precedence. */
export function retentionMs(b: BrokerConfig): number {
  const ms = b['log.retention.ms'];
  if (typeof ms === 'number') return ms;
  const min = b['log.retention.minutes'];
  if (typeof min === 'number') return min < 0 ? -1 : min * 60_000;
  const h = b['log.retention.hours'];
  return h < 0 ? -1 : h * 3_600_000;
}

export function rollMs(b: BrokerConfig): number {
  const ms = b['log.roll.ms'];
  return typeof ms === 'number' ? ms : b['log.roll.hours'] * 3_600_000;
}

/**
 * Broker keys an operator may change at run time (IncrementalAlterConfigs/AlterConfigs on the
 * BROKER resource): the defaults of topic configs, which apply to every topic without its own
 * override from the next append or retention check; the replication throttles; and the connection
 * limits (Kafka's DynamicConnectionQuota set), which apply to the next connection accepted. They are
 * persisted in the metadata store.
 */
export const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set([
  'log.retention.ms', 'log.retention.minutes', 'log.retention.hours', 'log.retention.bytes', 'log.segment.bytes', 'log.roll.ms', 'log.roll.hours',
  'log.cleanup.policy', 'log.index.interval.bytes', 'log.flush.interval.messages', 'log.flush.interval.ms', 'log.message.timestamp.type',
  'message.max.bytes', 'compression.type', 'log.cleaner.delete.retention.ms', 'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.max.compaction.lag.ms', 'log.cleaner.min.cleanable.ratio', 'log.cleaner.backoff.ms',
  'leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second',
  'max.connections', 'max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connection.creation.rate',
]);
