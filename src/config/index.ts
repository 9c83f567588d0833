// Public face of the config module: the schema and its loader.
export * from './schema.js';
export { ConfigError, ENV_PREFIX, configValue, defaultValue, formatConfigValue, loadBrokerConfig, parseProperties, validateTopicConfigs, effectiveTopicConfig, staticallySetKeys, brokerKey, validateDynamicBrokerConfigs, withDynamicBrokerConfigs, brokerConfigProblem, listenerOverrides, listenerConfig, mechanismConfig, DYNAMIC_LISTENER_KEYS, type LoadOptions } from './load.js';
