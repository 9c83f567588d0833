// Loads the broker configuration in layers — defaults < properties file < environment < overrides —
// validates every key once and returns a frozen object. No other module reads process.env.
import { readFileSync } from 'node:fs';
import { BROKER_CONFIG, DYNAMIC_BROKER_KEYS, TOPIC_CONFIG, type BrokerConfig, type ConfigDefault, type ConfigKey, type ConfigValue, type TopicConfig } from './schema.js';

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string, readonly key?: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses Java .properties text: `key=value`, `key: value`, `key value`, # and ! comments, \ continuations and escapes. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^\s+/, '');
    }
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line) ?? /^((?:\\.|[^=:\s\\])+)()$/.exec(line);
    if (!m) continue;
    out.set(unescape(m[1]), unescape(m[2]));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c[0] === 'u' && c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

/** Converts a textual value to the key's type; returns undefined with a reason in `err` when it cannot. */
export function coerce(key: ConfigKey, raw: string): ConfigValue {
  const s = raw.trim();
  if (s === '' && key.default === null) return null;
  switch (key.type) {
    case 'int':
    case 'long': {
      if (!/^[+-]?\d+$/.test(s)) throw invalid(key.name, raw, 'an integer');
      const n = Number(s);
      if (!Number.isSafeInteger(n)) {
        // Long.MAX_VALUE and friends: clamp to the largest exact JS integer.
        if (/^\+?9223372036854775807$/.test(s)) return Number.MAX_SAFE_INTEGER;
        throw invalid(key.name, raw, 'an integer within ±2^53');
      }
      if (key.type === 'int' && (n > 2147483647 || n < -2147483648)) throw invalid(key.name, raw, 'a 32-bit integer');
      return n;
    }
    case 'double': {
      const n = Number(s);
      if (s === '' || !Number.isFinite(n)) throw invalid(key.name, raw, 'a number');
      return n;
    }
    case 'boolean':
      if (/^true$/i.test(s)) return true;
      if (/^false$/i.test(s)) return false;
      throw invalid(key.name, raw, 'true or false');
    case 'list':
      return s === '' ? [] : s.split(',').map((x) => x.trim()).filter((x) => x !== '');
    default:
      return s;
  }
}

function invalid(name: string, raw: string, allowed: string): ConfigError {
  return new ConfigError(`Invalid value "${raw}" for configuration ${name}: must be ${allowed}`, name);
}

export function validateValue(key: ConfigKey, value: ConfigValue, raw: string): void {
  if (key.allowed !== undefined && !(typeof value === 'string' && key.allowed.includes(value))) throw invalid(key.name, raw, `one of ${key.allowed.join(', ')}`);
  const why = key.validate?.(value);
  if (why !== undefined) throw invalid(key.name, raw, why);
}

/** A schema default as a value (lists copied out of the schema's read-only tuples). */
export function defaultValue(d: ConfigDefault): ConfigValue {
  return typeof d === 'object' && d !== null ? [...d] : d;
}

/** Kafka's textual form of a value: lists comma-joined, Long.MAX_VALUE spelled out, unset as null. */
export function formatConfigValue(v: ConfigDefault | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return v.join(',');
  if (v === Number.MAX_SAFE_INTEGER) return '9223372036854775807';
  return String(v);
}

/** A value looked up by a name that arrived at run time (DescribeConfigs, AlterConfigs); undefined for unknown names. */
export function configValue(config: BrokerConfig | TopicConfig, name: string): ConfigValue | undefined {
  const byName: Readonly<Record<string, ConfigValue>> = config;
  return Object.hasOwn(byName, name) ? byName[name] : undefined;
}

/** Whether `value` has the type the schema gives `key` (what BrokerConfig and TopicConfig promise). */
function hasSchemaType(key: ConfigKey, value: ConfigValue | undefined): boolean {
  if (value === undefined) return false;
  if (value === null) return key.default === null;
  switch (key.type) {
    case 'int':
    case 'long':
    case 'double':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    default:
      return typeof value === 'string' && (key.allowed === undefined || key.allowed.includes(value));
  }
}

/** Checks a built configuration against the schema once, before it is frozen and typed. */
function isBrokerConfig(values: Readonly<Record<string, ConfigValue>>): values is BrokerConfig {
  return BROKER_CONFIG.every((k) => hasSchemaType(k, values[k.name]));
}

function isTopicConfig(values: Readonly<Record<string, ConfigValue>>): values is TopicConfig {
  return TOPIC_CONFIG.every((k) => hasSchemaType(k, values[k.name]));
}

function typed<C>(values: Record<string, ConfigValue>, check: (v: Record<string, ConfigValue>) => v is Record<string, ConfigValue> & C, what: string): C {
  Object.freeze(values);
  if (!check(values)) {
    const bad = Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    throw new ConfigError(`${what} does not match its schema: ${bad}`);
  }
  return values;
}

const BY_NAME = new Map<string, ConfigKey>();
for (const k of BROKER_CONFIG) {
  BY_NAME.set(k.name, k);
  for (const a of k.aliases ?? []) BY_NAME.set(a, k);
}

export interface LoadOptions {
  /** Path of a server.properties file. */
  file?: string;
  /** Environment to read GREGOR_* variables from (e.g. GREGOR_LOG_DIRS=/var/lib/gregor). */
  env?: Record<string, string | undefined>;
  /** key=value overrides (the --override flags), applied last. */
  overrides?: Record<string, string>;
  /** Called for keys that are not broker configs (Kafka logs and ignores them). */
  onUnknownKey?: (key: string, source: string) => void;
}

export const ENV_PREFIX = 'GREGOR_';

/** Builds the broker configuration from its layers, validated and frozen. */
export function loadBrokerConfig(opts: LoadOptions = {}): BrokerConfig {
  const values: Record<string, ConfigValue> = {};
  for (const k of BROKER_CONFIG) values[k.name] = defaultValue(k.default);

  // Later layers replace earlier ones; values are converted and validated once, on the final result.
  const raw = new Map<ConfigKey, { value: string; source: string }>();
  const perListener = new Map<string, Record<string, string>>();
  const apply = (name: string, value: string, source: string) => {
    const prefixed = LISTENER_PREFIX.exec(name);
    if (prefixed) {
      addListenerOverride(perListener, prefixed[1].toLowerCase(), prefixed[2], value, source);
      return;
    }
    const key = BY_NAME.get(name);
    if (!key) {
      opts.onUnknownKey?.(name, source);
      return;
    }
    raw.set(key, { value, source });
  };

  if (opts.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new ConfigError(`Cannot read properties file ${opts.file}: ${(e as Error).message}`);
    }
    for (const [k, v] of parseProperties(text)) apply(k, v, opts.file);
  }
  for (const [envName, raw] of Object.entries(opts.env ?? {})) {
    if (!envName.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const name = envName.slice(ENV_PREFIX.length).toLowerCase().replace(/_/g, '.');
    if (BY_NAME.has(name)) apply(name, raw, `environment ${envName}`);
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {})) apply(k, v, '--override');
  for (const [key, { value, source }] of raw) {
    try {
      const v = coerce(key, value);
      validateValue(key, v, value);
      values[key.name] = v;
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${e.message} (from ${source})`, key.name);
      throw e;
    }
  }

  const frozen = typed(values, isBrokerConfig, 'broker configuration');
  EXPLICIT.set(frozen, new Set([...raw.keys()].map((k) => k.name)));
  PER_LISTENER.set(frozen, perListener);
  return frozen;
}

/** listener.name.<listener>.<key>: Kafka's per-listener overrides of ssl.*, sasl.* and connection keys. */
const LISTENER_PREFIX = /^listener\.name\.([A-Za-z_][A-Za-z0-9_]*)\.(.+)$/;
/** `<mechanism>.sasl.jaas.config`: a listener's JAAS login context for one SASL mechanism. */
const MECHANISM_JAAS = /^[A-Za-z0-9_-]+\.sasl\.jaas\.config$/;
/** `oauthbearer.sasl.*`: a listener's setting for OAUTHBEARER alone (its callback handler, sasl.oauthbearer.*). */
const MECHANISM_KEY = /^(oauthbearer)\.(sasl\..+)$/;
const PER_LISTENER = new WeakMap<BrokerConfig, ReadonlyMap<string, Readonly<Record<string, string>>>>();

function addListenerOverride(into: Map<string, Record<string, string>>, listener: string, name: string, value: string, source: string): void {
  const mechanismKey = MECHANISM_KEY.exec(name);
  if (mechanismKey && !MECHANISM_JAAS.test(name)) {
    const key = BY_NAME.get(mechanismKey[2]!);
    if (!key || !key.name.startsWith('sasl.')) throw new ConfigError(`Invalid per-listener configuration listener.name.${listener}.${name} (from ${source}): ${mechanismKey[2]} is not a sasl.* key`, name);
    try {
      validateValue(key, coerce(key, value), value);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${e.message} (listener.name.${listener}.${name} from ${source})`, name);
      throw e;
    }
    name = `${mechanismKey[1]}.${key.name}`;
  } else if (!MECHANISM_JAAS.test(name)) {
    const key = BY_NAME.get(name);
    if (!key || !/^(ssl\.|sasl\.|connections\.max\.reauth\.ms$|max\.connections$|max\.connection\.creation\.rate$|connection\.failed\.authentication\.delay\.ms$)/.test(key.name)) {
      throw new ConfigError(`Invalid per-listener configuration listener.name.${listener}.${name} (from ${source}): only ssl.*, sasl.*, connections.max.reauth.ms, max.connections and max.connection.creation.rate may be set per listener`, name);
    }
    try {
      validateValue(key, coerce(key, value), value);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${e.message} (listener.name.${listener}.${name} from ${source})`, name);
      throw e;
    }
    name = key.name;
  }
  const entry = into.get(listener) ?? {};
  entry[name] = value;
  into.set(listener, entry);
}

/** Per-listener keys that AlterConfigs may change on a running broker (listener.name.<l>.<key>): its stores and accept rate. */
export const DYNAMIC_LISTENER_KEYS: ReadonlySet<string> = new Set([
  'ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password', 'ssl.keystore.certificate.chain', 'ssl.keystore.key',
  'ssl.truststore.type', 'ssl.truststore.location', 'ssl.truststore.password', 'ssl.truststore.certificates',
  'max.connection.creation.rate',
]);

/**
 * Kafka's checks across keys of a broker configuration that dynamic configs may break; the message of the
 * first one failed, else undefined.
 */
export function brokerConfigProblem(config: BrokerConfig): string | undefined {
  if (config['max.connections.per.ip'] === 0 && config['max.connections.per.ip.overrides'].trim() === '') {
    return 'max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.';
  }
  return undefined;
}

/** A listener's own overrides (listener.name.<listener>.*), by key without the prefix; empty when none. */
export function listenerOverrides(config: BrokerConfig, listener: string): Readonly<Record<string, string>> {
  return PER_LISTENER.get(config)?.get(listener.toLowerCase()) ?? {};
}

/**
 * The configuration as one SASL mechanism of a listener sees it: listenerConfig's, then the listener's
 * listener.name.<listener>.<mechanism>.sasl.* keys (Kafka's per-mechanism prefix) on top.
 */
export function mechanismConfig(config: BrokerConfig, listener: string, mechanism: string): BrokerConfig {
  const prefix = `${mechanism.toLowerCase()}.`;
  const values: Record<string, ConfigValue> = { ...listenerConfig(config, listener) };
  for (const [name, raw] of Object.entries(listenerOverrides(config, listener))) {
    const key = name.startsWith(prefix) ? BY_NAME.get(name.slice(prefix.length)) : undefined;
    if (key) values[key.name] = coerce(key, raw);
  }
  return typed(values, isBrokerConfig, 'listener configuration');
}

/**
 * The configuration as one listener sees it: its listener.name.<listener>.* overrides on top, then the
 * dynamic ones (AlterConfigs, validated by validateDynamicBrokerConfigs) from `dynamic`.
 */
export function listenerConfig(config: BrokerConfig, listener: string, dynamic: Readonly<Record<string, string>> = {}): BrokerConfig {
  const prefix = `listener.name.${listener.toLowerCase()}.`;
  const fromDynamic = Object.fromEntries(Object.entries(dynamic).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const overrides = { ...listenerOverrides(config, listener), ...fromDynamic };
  const values: Record<string, ConfigValue> = { ...config };
  for (const [name, raw] of Object.entries(overrides)) {
    const key = BY_NAME.get(name);
    if (key) values[key.name] = coerce(key, raw);
  }
  return typed(values, isBrokerConfig, 'listener configuration');
}

/** Keys each loaded config got from a file, the environment or an override (STATIC_BROKER_CONFIG). */
const EXPLICIT = new WeakMap<BrokerConfig, ReadonlySet<string>>();

export function staticallySetKeys(config: BrokerConfig): ReadonlySet<string> {
  return EXPLICIT.get(config) ?? new Set();
}

/** The broker key (by Kafka name or alias), or undefined. */
export function brokerKey(name: string): ConfigKey | undefined {
  return BY_NAME.get(name);
}

/** Validates dynamic broker configs (AlterConfigs on the broker); throws ConfigError naming the key. */
export function validateDynamicBrokerConfigs(configs: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(configs)) {
    const prefixed = LISTENER_PREFIX.exec(name);
    if (prefixed && DYNAMIC_LISTENER_KEYS.has(prefixed[2])) {
      // A listener's key and trust stores (Kafka's dynamic listener SSL configs): reloaded without a restart.
      if (raw === null) throw invalid(name, 'null', 'a value');
      const key = BY_NAME.get(prefixed[2])!;
      validateValue(key, coerce(key, raw), raw);
      out[`listener.name.${prefixed[1].toLowerCase()}.${key.name}`] = raw.trim();
      continue;
    }
    const key = BY_NAME.get(name);
    if (!key) throw new ConfigError(`Unknown broker config name: ${name}`, name);
    if (!DYNAMIC_BROKER_KEYS.has(key.name)) throw new ConfigError(`Cannot update broker config ${name} dynamically: set it in server.properties and restart`, name);
    if (raw === null) throw invalid(name, 'null', 'a value');
    validateValue(key, coerce(key, raw), raw);
    out[key.name] = raw.trim();
  }
  return out;
}

/** The static configuration with validated dynamic broker configs on top, frozen (its static keys stay known). */
export function withDynamicBrokerConfigs(base: BrokerConfig, dynamic: Readonly<Record<string, string>>): BrokerConfig {
  const values: Record<string, ConfigValue> = { ...base };
  for (const [name, raw] of Object.entries(dynamic)) {
    const key = BY_NAME.get(name);
    if (!key) continue;
    values[key.name] = coerce(key, raw);
  }
  const frozen = typed(values, isBrokerConfig, 'broker configuration');
  EXPLICIT.set(frozen, staticallySetKeys(base));
  const perListener = PER_LISTENER.get(base);
  if (perListener) PER_LISTENER.set(frozen, perListener);
  return frozen;
}

const TOPIC_BY_NAME = new Map(TOPIC_CONFIG.map((k) => [k.name, k]));

/** Validates topic-level overrides (CreateTopics configs, --config k=v); throws ConfigError naming the key. */
export function validateTopicConfigs(configs: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(configs)) {
    const key = TOPIC_BY_NAME.get(name);
    if (!key) throw new ConfigError(`Unknown topic config name: ${name}`, name);
    if (raw === null) throw invalid(name, 'null', 'a value');
    validateValue(key, coerce(key, raw), raw);
    out[name] = raw.trim();
  }
  return out;
}

/** The effective topic configuration: topic overrides on top of the broker's defaults. */
export function effectiveTopicConfig(broker: BrokerConfig, overrides: Readonly<Record<string, string>>): TopicConfig {
  const out: Record<string, ConfigValue> = {};
  for (const k of TOPIC_CONFIG) {
    const raw = overrides[k.name];
    out[k.name] = raw !== undefined ? coerce(k, raw) : k.brokerDefault ? k.brokerDefault(broker) : defaultValue(k.default);
  }
  return typed(out, isTopicConfig, 'topic configuration');
}
