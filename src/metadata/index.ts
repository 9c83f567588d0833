// Public face of the metadata module: topics, configs and producer id blocks behind MetadataStore.
export type { MetadataStore, TopicMetadata, TopicChange, NewTopic, ProducerIdBlock } from './store.js';
export { LocalMetadataStore, METADATA_FILE } from './local-store.js';
export { validateTopicName, MAX_TOPIC_NAME_LENGTH } from './topic-name.js';
