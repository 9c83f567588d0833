// Named diagnostics_channels the broker publishes on, for observers such as the gateway's /metrics.
// Publishing costs nothing while nobody subscribes (each site checks hasSubscribers).
import diagnostics_channel from 'node:diagnostics_channel';

/** A Kafka request was answered (or failed): { apiKey, apiName, version, durationMs, requestBytes, error }. */
export const requestChannel = diagnostics_channel.channel('gregor:broker:request');
/** Records were appended for a client (Kafka Produce, gateway HTTP): { topic, partition, records, bytes, ingress }. */
export const produceChannel = diagnostics_channel.channel('gregor:broker:produce');
/** Record bytes were read for a client (Kafka Fetch, gateway WebSocket): { topic, partition, bytes, ingress }. */
export const fetchChannel = diagnostics_channel.channel('gregor:broker:fetch');

export interface RequestEvent { apiKey: number; apiName: string; version: number; durationMs: number; requestBytes: number; error: boolean }
export interface ProduceEvent { topic: string; partition: number; records: number; bytes: number; ingress: 'kafka' | 'http' | 'websocket' }
export interface FetchEvent { topic: string; partition: number; bytes: number; ingress: 'kafka' | 'http' | 'websocket' }
