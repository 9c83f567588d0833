// What the client knows about the cluster: bootstrap addresses, the brokers and
// topic partitions from the last Metadata answer, and one connection per broker
// id (opened on first use, reopened after it drops). Leader lookups come from
// cached metadata; callers refresh it when a broker says the leader moved.

import { Metadata, ZERO_UUID, ErrorCode } from '../protocol/index.js';
import { Connection, type ClientApi, type SendOptions } from './connection.js';
import { KafkaClientError, KafkaProtocolError } from './errors.js';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { SaslCredentials } from './connection.js';

export interface ClusterOptions {
  /** `host:port[,host:port...]` or a list of `host:port`. */
  bootstrap: string | string[];
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TLS and SASL for every connection (security.protocol SSL, SASL_PLAINTEXT, SASL_SSL); plaintext when absent. */
  security?: ClientSecurity;
}

export interface ClientSecurity {
  /** Node TLS options for a broker's host (trust, client certificate, servername). */
  tls?: (host: string) => TlsConnectionOptions;
  sasl?: SaslCredentials;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  partitions: PartitionInfo[];
}

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port[,host:port]`; throws ERR_CLIENT_INVALID_ARGUMENT with the bad part. */
export function parseBootstrap(bootstrap: string | string[]): HostPort[] {
  const list = (Array.isArray(bootstrap) ? bootstrap : bootstrap.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'no bootstrap servers given (expected host:port[,host:port])');
  return list.map((s) => {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(s);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `invalid bootstrap server "${s}" (expected host:port, e.g. 127.0.0.1:9092)`);
    }
    return { host: (m[1] ?? m[2])!, port };
  });
}

export class Cluster {
  readonly clientId: string;
  readonly #bootstrap: HostPort[];
  readonly #options: ClusterOptions;
  #bootstrapConn: Promise<Connection> | null = null;
  readonly #conns = new Map<number, Promise<Connection>>();
  #brokers = new Map<number, BrokerInfo>();
  readonly #topics = new Map<string, TopicInfo>();
  #controllerId = -1;
  #clusterId: string | null = null;
  #closed = false;

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.#bootstrap = parseBootstrap(options.bootstrap);
    this.clientId = options.clientId ?? 'gregor';
  }

  get brokers(): BrokerInfo[] {
    return [...this.#brokers.values()];
  }

  get controllerId(): number {
    return this.#controllerId;
  }

  get clusterId(): string | null {
    return this.#clusterId;
  }

  #open(hp: HostPort, nodeId: number): Promise<Connection> {
    return Connection.connect({
      host: hp.host,
      port: hp.port,
      nodeId,
      clientId: this.clientId,
      connectTimeoutMs: this.#options.connectTimeoutMs,
      requestTimeoutMs: this.#options.requestTimeoutMs,
      tls: this.#options.security?.tls?.(hp.host),
      sasl: this.#options.security?.sasl,
    });
  }

  /** A connection to any broker: a known broker's if one is open, else a bootstrap server (tried in order). */
  async anyConnection(): Promise<Connection> {
    this.#checkOpen();
    for (const p of this.#conns.values()) {
      const c = await p.catch(() => null);
      if (c && !c.closed) return c;
    }
    if (this.#bootstrapConn) {
      const c = await this.#bootstrapConn.catch(() => null);
      if (c && !c.closed) return c;
    }
    this.#bootstrapConn = this.#connectBootstrap();
    return this.#bootstrapConn;
  }

  async #connectBootstrap(): Promise<Connection> {
    const errors: string[] = [];
    for (const hp of this.#bootstrap) {
      try {
        return await this.#open(hp, -1);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    this.#bootstrapConn = null;
    throw new KafkaClientError('ERR_CLIENT_CONNECTION', errors.length === 1 ? errors[0]! : `no bootstrap server reachable: ${errors.join('; ')}`);
  }

  /** The connection to broker `nodeId`, opening it if needed. */
  async connectionFor(nodeId: number): Promise<Connection> {
    this.#checkOpen();
    const existing = this.#conns.get(nodeId);
    if (existing) {
      const c = await existing.catch(() => null);
      if (c && !c.closed) return c;
      this.#conns.delete(nodeId);
    }
    let broker = this.#brokers.get(nodeId);
    if (!broker) {
      await this.refreshMetadata([]);
      broker = this.#brokers.get(nodeId);
      if (!broker) throw new KafkaClientError('ERR_CLIENT_METADATA', `broker ${nodeId} is not in the cluster metadata`);
    }
    const p = this.#open(broker, nodeId);
    this.#conns.set(nodeId, p);
    p.catch(() => this.#conns.delete(nodeId));
    return p;
  }

  /** Sends to any broker (bootstrap or known). */
  async sendAny<Req, Res>(api: ClientApi<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
    const c = await this.anyConnection();
    return c.send(api, body, options);
  }

  /** Sends to the controller (or any broker when the controller is unknown). */
  async sendToController<Req, Res>(api: ClientApi<Req, Res>, body: Req, options?: SendOptions): Promise<Res> {
    if (this.#controllerId < 0) await this.refreshMetadata([]);
    const c = this.#controllerId >= 0 ? await this.connectionFor(this.#controllerId) : await this.anyConnection();
    return c.send(api, body, options);
  }

  /**
   * Asks for metadata of `topics` (null = all topics, [] = brokers only) and
   * caches what comes back. Topic-level errors are kept in TopicInfo.errorCode.
   */
  async refreshMetadata(topics: string[] | null, allowAutoTopicCreation = false): Promise<TopicInfo[]> {
    const conn = await this.anyConnection();
    const res = await conn.send(Metadata, {
      topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    this.#brokers = new Map(res.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]));
    this.#controllerId = res.controllerId;
    this.#clusterId = res.clusterId;
    // Drop connections to brokers that left.
    for (const id of [...this.#conns.keys()]) {
      if (!this.#brokers.has(id)) {
        const p = this.#conns.get(id)!;
        this.#conns.delete(id);
        p.then((c) => c.close(), () => undefined);
      }
    }
    const out: TopicInfo[] = [];
    for (const t of res.topics) {
      const info: TopicInfo = {
        name: t.name ?? '',
        topicId: t.topicId,
        isInternal: t.isInternal,
        errorCode: t.errorCode,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
            errorCode: p.errorCode,
          }))
          .sort((a, b) => a.partition - b.partition),
      };
      if (t.errorCode === ErrorCode.NONE) this.#topics.set(info.name, info);
      else this.#topics.delete(info.name);
      out.push(info);
    }
    return out;
  }

  /** Cached metadata of a topic, if any. */
  cachedTopic(topic: string): TopicInfo | undefined {
    return this.#topics.get(topic);
  }

  /**
   * Metadata for `topic`, from cache or fetched; retries while the topic is being
   * created or has no leader yet, up to `timeoutMs`.
   */
  async topic(topic: string, options: { refresh?: boolean; autoCreate?: boolean; timeoutMs?: number } = {}): Promise<TopicInfo> {
    const cached = this.#topics.get(topic);
    if (cached && !options.refresh && cached.partitions.every((p) => p.leader >= 0)) return cached;
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let backoff = 50;
    for (;;) {
      const [info] = await this.refreshMetadata([topic], options.autoCreate ?? false);
      const retriable =
        info === undefined ||
        info.errorCode === ErrorCode.LEADER_NOT_AVAILABLE ||
        (info.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && options.autoCreate === true) ||
        (info.errorCode === ErrorCode.NONE && (info.partitions.length === 0 || info.partitions.some((p) => p.leader < 0)));
      if (!retriable) {
        if (info.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(info.errorCode, `topic ${topic}`);
        return info;
      }
      if (Date.now() + backoff > deadline) {
        const code = info?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        throw new KafkaProtocolError(code === ErrorCode.NONE ? ErrorCode.LEADER_NOT_AVAILABLE : code, `topic ${topic}`);
      }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 1000);
    }
  }

  /** Leader broker id of a partition from cached metadata (-1 if unknown). */
  leaderFor(topic: string, partition: number): number {
    return this.#topics.get(topic)?.partitions.find((p) => p.partition === partition)?.leader ?? -1;
  }

  /** Forgets cached metadata for a topic (after NOT_LEADER and friends). */
  invalidate(topic: string): void {
    this.#topics.delete(topic);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#conns.values()];
    if (this.#bootstrapConn) all.push(this.#bootstrapConn);
    this.#conns.clear();
    this.#bootstrapConn = null;
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaClientError('ERR_CLIENT_CLOSED', 'the client was closed');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
