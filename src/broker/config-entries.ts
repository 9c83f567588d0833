// DescribeConfigs answers for topics and the broker: Kafka's names, values as text, where each value
// comes from (source), its synonyms and type. Shared by the describe and alter handlers.
import { BROKER_CONFIG, DYNAMIC_BROKER_KEYS, TOPIC_CONFIG, configValue, formatConfigValue, staticallySetKeys, type ConfigKey, type ConfigType, type TopicKey } from '../config/index.js';
import type { BrokerContext } from './context.js';

/** DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** ConfigResource types on the wire. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

const TYPE_IDS: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7, password: 9 };

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string | null;
}

/** Kafka's textual form: lists comma-joined, Long.MAX_VALUE spelled out. */
export const formatValue = formatConfigValue;

/** Broker keys that supply a topic key's default, most specific first (retention.ms <- log.retention.ms/.minutes/.hours). */
function brokerSynonyms(k: TopicKey): string[] {
  if (k.name === 'retention.ms') return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
  if (k.name === 'segment.ms') return ['log.roll.ms', 'log.roll.hours'];
  return k.synonym ? [k.synonym] : [];
}

const BROKER_BY_NAME = new Map(BROKER_CONFIG.map((k) => [k.name, k]));

/** Where a broker key's current value comes from, and that value (this broker's own dynamic value first). */
function brokerSource(ctx: BrokerContext, name: string): ConfigSynonym | undefined {
  const own = ctx.metadata.brokerConfigs(String(ctx.brokerId));
  if (name in own) return { name, value: own[name], source: ConfigSource.DYNAMIC_BROKER_CONFIG };
  const cluster = ctx.metadata.brokerConfigs('');
  if (name in cluster) return { name, value: cluster[name], source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG };
  if (staticallySetKeys(ctx.staticConfig).has(name)) return { name, value: formatValue(configValue(ctx.staticConfig, name)), source: ConfigSource.STATIC_BROKER_CONFIG };
  const key = BROKER_BY_NAME.get(name);
  if (key && key.default !== null) return { name, value: formatValue(key.default), source: ConfigSource.DEFAULT_CONFIG };
  return undefined;
}

function entry(key: ConfigKey, value: string | null, source: number, readOnly: boolean, synonyms: ConfigSynonym[], withSynonyms: boolean, withDocs: boolean): ConfigEntry {
  return {
    name: key.name, value, readOnly, isDefault: source === ConfigSource.DEFAULT_CONFIG, configSource: source, isSensitive: key.type === 'password',
    synonyms: withSynonyms ? synonyms : [], configType: TYPE_IDS[key.type] ?? 0, documentation: withDocs ? key.doc : null,
  };
}

export function describeTopicConfigs(ctx: BrokerContext, topic: string, keys: readonly string[] | null, withSynonyms: boolean, withDocs: boolean): ConfigEntry[] {
  const overrides = ctx.metadata.getTopic(topic)?.configs ?? {};
  const effective = ctx.topicConfig(topic);
  return TOPIC_CONFIG.filter((k) => keys === null || keys.includes(k.name)).map((k) => {
    const synonyms: ConfigSynonym[] = [];
    if (k.name in overrides) synonyms.push({ name: k.name, value: overrides[k.name], source: ConfigSource.TOPIC_CONFIG });
    for (const b of brokerSynonyms(k)) {
      const s = brokerSource(ctx, b);
      if (s) synonyms.push(s);
    }
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    return entry(k, formatValue(configValue(effective, k.name)), source, false, synonyms, withSynonyms, withDocs);
  });
}

/**
 * This broker's configs; for the cluster default (`entity` ''), as Kafka, only the dynamic defaults stored for
 * every broker (DYNAMIC_DEFAULT_BROKER_CONFIG).
 */
export function describeBrokerConfigs(ctx: BrokerContext, keys: readonly string[] | null, withSynonyms: boolean, withDocs: boolean, entity = String(ctx.brokerId)): ConfigEntry[] {
  if (entity === '') {
    const defaults = ctx.metadata.brokerConfigs('');
    return BROKER_CONFIG.filter((k) => k.name in defaults && (keys === null || keys.includes(k.name))).map((k) => {
      const s = { name: k.name, value: k.type === 'password' ? null : defaults[k.name], source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG };
      return entry(k, s.value, s.source, false, [s], withSynonyms, withDocs);
    });
  }
  return BROKER_CONFIG.filter((k) => keys === null || keys.includes(k.name)).map((k) => {
    const s = brokerSource(ctx, k.name);
    const source = s?.source ?? ConfigSource.DEFAULT_CONFIG;
    return entry(k, formatValue(configValue(ctx.config, k.name)), source, !DYNAMIC_BROKER_KEYS.has(k.name), s ? [s] : [], withSynonyms, withDocs);
  });
}
