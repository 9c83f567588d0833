// Client quotas (Kafka's ClientQuotaManager, ClientRequestQuotaManager): byte rates of produce and fetch,
// and request_percentage (event-loop time spent on a client's requests, as a percentage of one thread), per
// user and/or client id,
// from the metadata store's quota entities, resolved in Kafka's order of precedence:
//   users/<user>/clients/<client>, users/<user>/clients/<default>, users/<user>,
//   users/<default>/clients/<client>, users/<default>/clients/<default>, users/<default>,
//   clients/<client>, clients/<default>.
// Each client measured against a quota has its own rate: the bytes of the last quota.window.num samples of
// quota.window.size.seconds each. A request that takes the rate over the quota is answered with
// throttle_time_ms = (rate - quota) / quota x window, and its connection is muted that long (KIP-219); a
// throttled fetch is answered empty and its bytes are taken back (see handlers/fetch.ts).
// controller_mutation_rate (KIP-599) is a token bucket of partitions per user/client instead (mutationQuota).
// connection_creation_rate (KIP-612) of ip entities is IpConnectionRateQuotas: new connections per second
// from an address, checked on accept (network/server.ts).
import { DEFAULT_QUOTA_ENTITY, IP_CONNECTION_RATE_KEY, quotaEntityKey, type MetadataStore, type QuotaEntity } from '../metadata/index.js';
import type { Requester } from './replica-manager.js';

export type QuotaType = 'produce' | 'fetch' | 'request';
const QUOTA_KEY: Record<QuotaType | 'mutation', string> = { produce: 'producer_byte_rate', fetch: 'consumer_byte_rate', request: 'request_percentage', mutation: 'controller_mutation_rate' };

export interface QuotaWindowConfig {
  /** quota.window.num */
  readonly samples: number;
  /** quota.window.size.seconds, in ms */
  readonly sampleMs: number;
}

/** A rate over a ring of samples, as Kafka's Rate with a SampledStat measures it. */
export class SampledRate {
  readonly #cfg: QuotaWindowConfig;
  readonly #samples: Array<{ start: number; value: number }> = [];

  constructor(cfg: QuotaWindowConfig) {
    this.#cfg = cfg;
  }

  record(value: number, now: number): void {
    let last = this.#samples[this.#samples.length - 1];
    if (!last || now >= last.start + this.#cfg.sampleMs) {
      last = { start: now, value: 0 };
      this.#samples.push(last);
      if (this.#samples.length > this.#cfg.samples) this.#samples.shift();
    }
    last.value += value;
  }

  /** Units per second over the window (an early window counts as samples - 1 full ones, as Kafka's does). */
  rate(now: number): number {
    this.#expire(now);
    if (this.#samples.length === 0) return 0;
    const total = this.#samples.reduce((n, s) => n + s.value, 0);
    return total / (this.windowMs(now) / 1000);
  }

  /**
   * How far the rate is over `quota`, as Kafka's throttle time: (rate - quota) / quota x the window, in ms
   * (not rounded; 0 when within the quota, Infinity for any rate over a quota of 0).
   */
  excessMs(quota: number, now: number): number {
    const r = this.rate(now);
    return r <= quota ? 0 : ((r - quota) / quota) * this.windowMs(now);
  }

  windowMs(now: number): number {
    const oldest = this.#samples[0];
    let elapsed = oldest ? now - oldest.start : 0;
    const full = Math.floor(elapsed / this.#cfg.sampleMs);
    const minFull = this.#cfg.samples - 1;
    if (full < minFull) elapsed += (minFull - full) * this.#cfg.sampleMs;
    return Math.max(elapsed, 1);
  }

  #expire(now: number): void {
    const horizon = now - this.#cfg.samples * this.#cfg.sampleMs;
    while (this.#samples.length > 0 && this.#samples[0]!.start + this.#cfg.sampleMs <= horizon) this.#samples.shift();
  }
}

interface Sensor {
  rate: SampledRate;
  /** Bytes recorded and throttle time given, for /metrics. */
  bytes: number;
  throttleMs: number;
  throttled: number;
  readonly user: string;
  readonly clientId: string;
  readonly type: QuotaType;
}

/** What /metrics shows per measured client. */
export interface QuotaMetric {
  readonly type: QuotaType;
  readonly user: string;
  readonly clientId: string;
  readonly quota: number;
  readonly byteRate: number;
  readonly bytes: number;
  readonly throttleTimeMs: number;
  readonly throttledRequests: number;
}

export class ClientQuotaManager {
  readonly #store: MetadataStore;
  readonly #cfg: QuotaWindowConfig;
  #version = -1;
  #values = new Map<string, Readonly<Record<string, number>>>();
  readonly #sensors = new Map<string, Sensor>();
  readonly #buckets = new Map<string, TokenBucket>();
  /** connection_creation_rate of ip entities, over the same quota window (the listeners check it on accept). */
  readonly connections: IpConnectionRateQuotas;

  constructor(store: MetadataStore, cfg: QuotaWindowConfig) {
    this.#store = store;
    this.#cfg = cfg;
    this.connections = new IpConnectionRateQuotas(store, cfg);
  }

  /** Whether any quota is set (requests of clients under none are not measured). */
  get active(): boolean {
    if (this.#version !== this.#store.quotasVersion) this.#reload();
    return this.#values.size > 0;
  }

  /** Records `ms` of request handling time against request_percentage (Kafka records it as percent-seconds). */
  recordRequestTime(who: Requester, ms: number, now = Date.now()): number {
    return this.record('request', who, ms / 10, now);
  }

  /**
   * Records `bytes` of a produce request or fetch response and answers the throttle time in ms (0 when
   * within the quota or no quota applies). Only clients under a quota are measured.
   */
  record(type: QuotaType, who: Requester, bytes: number, now = Date.now()): number {
    const m = this.#sensor(type, who);
    if (!m) return 0;
    const { s, quota } = m;
    s.rate.record(bytes, now);
    s.bytes += bytes;
    const ms = this.#throttleMs(s, quota, now);
    if (ms > 0) {
      s.throttleMs += ms;
      s.throttled++;
    }
    return ms;
  }

  /**
   * Takes back `bytes` recorded by `record` (Kafka's unrecordQuotaSensor): a fetch answered empty because it
   * was throttled sends no records, so its bytes do not count against the quota.
   */
  unrecord(type: QuotaType, who: Requester, bytes: number, now = Date.now()): void {
    const m = this.#sensor(type, who);
    if (!m || bytes === 0) return;
    m.s.rate.record(-bytes, now);
    m.s.bytes -= bytes;
  }

  /** The throttle time a client's rate calls for now, recording nothing (0 when within its quota or under none). */
  throttleTimeMs(type: QuotaType, who: Requester, now = Date.now()): number {
    const m = this.#sensor(type, who);
    return m ? this.#throttleMs(m.s, m.quota, now) : 0;
  }

  /**
   * The most bytes one response may carry without a guaranteed throttle when nothing else was recorded in
   * the window (Kafka's getMaxValueInQuotaWindow: quota x (quota.window.num - 1) x quota.window.size);
   * Infinity under no quota. Fetch caps max_bytes to it, so a consumer whose fetch would exceed even an empty
   * window is not answered empty forever.
   */
  maxValueInQuotaWindow(type: QuotaType, who: Requester): number {
    const q = this.quotaFor(type, userOf(who.principal), who.clientId ?? '');
    return q ? q.quota * (this.#cfg.samples - 1) * (this.#cfg.sampleMs / 1000) : Infinity;
  }

  #sensor(type: QuotaType, who: Requester): { s: Sensor; quota: number } | undefined {
    const q = this.quotaFor(type, userOf(who.principal), who.clientId ?? '');
    if (!q) return undefined;
    const key = `${type}\u0000${q.userTag}\u0000${q.clientTag}`;
    let s = this.#sensors.get(key);
    if (!s) this.#sensors.set(key, (s = { rate: new SampledRate(this.#cfg), bytes: 0, throttleMs: 0, throttled: 0, user: q.userTag, clientId: q.clientTag, type }));
    return { s, quota: q.quota };
  }

  #throttleMs(s: Sensor, quota: number, now: number): number {
    return Math.min(Math.round(s.rate.excessMs(quota, now)), this.#cfg.samples * this.#cfg.sampleMs);
  }

  /**
   * controller_mutation_rate (KIP-599) for one CreateTopics, DeleteTopics or CreatePartitions request, or
   * null when no quota applies. `strict` for the versions that know THROTTLING_QUOTA_EXCEEDED (CreateTopics
   * v6+, DeleteTopics v5+, CreatePartitions v3+): a mutation is refused while the client's bucket is empty;
   * older versions are let through and only throttled.
   */
  mutationQuota(who: Requester, strict: boolean): ControllerMutationQuota | null {
    const q = this.quotaFor('mutation', userOf(who.principal), who.clientId ?? '');
    if (!q) return null;
    const key = `${q.userTag}\u0000${q.clientTag}`;
    const burst = q.quota * this.#cfg.samples * (this.#cfg.sampleMs / 1000);
    let b = this.#buckets.get(key);
    if (!b) this.#buckets.set(key, (b = new TokenBucket(burst)));
    return new ControllerMutationQuota(b, q.quota, burst, strict);
  }

  /** The quota of a user (principal name) and client id, with the metric tags of the entity that set it. */
  quotaFor(type: QuotaType | 'mutation', user: string, clientId: string): { quota: number; userTag: string; clientTag: string } | undefined {
    if (this.#version !== this.#store.quotasVersion) this.#reload();
    if (this.#values.size === 0) return undefined;
    const D = DEFAULT_QUOTA_ENTITY;
    const levels: Array<[QuotaEntity, string, string]> = [
      [{ user, clientId }, user, clientId], [{ user, clientId: D }, user, clientId], [{ user }, user, ''],
      [{ user: D, clientId }, user, clientId], [{ user: D, clientId: D }, user, clientId], [{ user: D }, user, ''],
      [{ clientId }, '', clientId], [{ clientId: D }, '', clientId],
    ];
    for (const [entity, userTag, clientTag] of levels) {
      const v = this.#values.get(quotaEntityKey(entity))?.[QUOTA_KEY[type]];
      if (v !== undefined && v > 0) return { quota: v, userTag, clientTag };
    }
    return undefined;
  }

  metrics(now = Date.now()): QuotaMetric[] {
    return [...this.#sensors.values()].map((s) => ({
      type: s.type, user: s.user, clientId: s.clientId, quota: this.quotaFor(s.type, s.user, s.clientId)?.quota ?? 0,
      byteRate: s.rate.rate(now), bytes: s.bytes, throttleTimeMs: s.throttleMs, throttledRequests: s.throttled,
    }));
  }

  #reload(): void {
    this.#version = this.#store.quotasVersion;
    this.#values = new Map(this.#store.clientQuotas().filter((e) => e.entity.ip === undefined).map((e) => [quotaEntityKey(e.entity), e.values]));
  }
}

/**
 * connection_creation_rate of ip entities (KIP-612), as Kafka's ConnectionQuotas applies it on accept: the
 * address's own quota, else the ip default's, else none. Each address under a quota has a rate of accepted
 * connections over the quota window; a connection that takes it over the quota is not counted and is held
 * for the throttle time, (rate - quota) / quota x window, then closed unanswered.
 */
export class IpConnectionRateQuotas {
  readonly #store: MetadataStore;
  readonly #cfg: QuotaWindowConfig;
  #version = -1;
  #quotas = new Map<string, number>();
  readonly #rates = new Map<string, SampledRate>();
  #throttled = 0;

  constructor(store: MetadataStore, cfg: QuotaWindowConfig) {
    this.#store = store;
    this.#cfg = cfg;
  }

  /** Connections refused (held, then closed) for an IP quota since start. */
  get throttledConnections(): number {
    return this.#throttled;
  }

  /** The connection_creation_rate that applies to `ip`, undefined when none does. */
  quotaFor(ip: string): number | undefined {
    if (this.#version !== this.#store.quotasVersion) {
      this.#version = this.#store.quotasVersion;
      this.#quotas = new Map();
      for (const e of this.#store.clientQuotas()) {
        const v = e.entity.ip !== undefined ? e.values[IP_CONNECTION_RATE_KEY] : undefined;
        if (v !== undefined) this.#quotas.set(e.entity.ip!, v);
      }
      if (this.#quotas.size === 0) this.#rates.clear();
    }
    if (this.#quotas.size === 0) return undefined;
    return this.#quotas.get(ip) ?? this.#quotas.get(DEFAULT_QUOTA_ENTITY);
  }

  /**
   * Records a new connection from `ip`: 0 when it may be served, else the ms to hold it before closing it
   * (it is then not counted in the rate, as Kafka unrecords it).
   */
  recordConnection(ip: string, now = Date.now()): number {
    const quota = this.quotaFor(ip);
    if (quota === undefined) return 0;
    let rate = this.#rates.get(ip);
    if (!rate) {
      if (this.#rates.size >= 10000) this.#prune(now);
      this.#rates.set(ip, (rate = new SampledRate(this.#cfg)));
    }
    rate.record(1, now);
    const excess = rate.excessMs(quota, now);
    if (excess === 0) return 0;
    rate.record(-1, now);
    this.#throttled++;
    return Math.max(1, Math.round(excess));
  }

  /** Forgets the addresses that made no connection within the window. */
  #prune(now: number): void {
    for (const [ip, rate] of this.#rates) if (rate.rate(now) <= 0) this.#rates.delete(ip);
  }
}

/**
 * Kafka's TokenBucket: partitions a client may mutate, refilled at the quota per second up to a burst of
 * quota × quota.window.num × quota.window.size.seconds; it goes negative when a mutation takes more than
 * is left.
 */
class TokenBucket {
  tokens: number;
  #lastMs = Date.now();

  constructor(burst: number) {
    this.tokens = burst;
  }

  refill(quota: number, burst: number, now: number): number {
    this.tokens = Math.min(burst, this.tokens + (quota * Math.max(0, now - this.#lastMs)) / 1000);
    this.#lastMs = now;
    return this.tokens;
  }
}

/** Thrown by a strict ControllerMutationQuota: the mutation is refused with THROTTLING_QUOTA_EXCEEDED. */
export class ThrottlingQuotaExceededError extends Error {
  constructor(readonly throttleTimeMs: number) {
    super('The throttling quota has been exceeded.');
  }
}

/** One request's view of a client's controller_mutation_rate (Kafka's Strict/PermissiveControllerMutationQuota). */
export class ControllerMutationQuota {
  readonly #bucket: TokenBucket;
  readonly #quota: number;
  readonly #burst: number;
  readonly #strict: boolean;
  #throttleMs = 0;

  constructor(bucket: TokenBucket, quota: number, burst: number, strict: boolean) {
    this.#bucket = bucket;
    this.#quota = quota;
    this.#burst = burst;
    this.#strict = strict;
  }

  /**
   * Takes `partitions` from the bucket. Strict: refused (ThrottlingQuotaExceededError) while the bucket is
   * below zero, accepted otherwise even when it goes below zero. Permissive: always taken; a bucket below zero
   * sets the throttle time.
   */
  record(partitions: number, now = Date.now()): void {
    const before = this.#bucket.refill(this.#quota, this.#burst, now);
    if (this.#strict && before < 0) {
      this.#throttleMs = Math.ceil((-before / this.#quota) * 1000);
      throw new ThrottlingQuotaExceededError(this.#throttleMs);
    }
    this.#bucket.tokens = Math.min(this.#burst, before - partitions);
    if (!this.#strict && this.#bucket.tokens < 0) this.#throttleMs = Math.ceil((-this.#bucket.tokens / this.#quota) * 1000);
  }

  /** The throttle time for the response: how long until the bucket is back at zero, when a mutation found it below. */
  get throttleTimeMs(): number {
    return this.#throttleMs;
  }
}

/** alice for User:alice (the name quota entities use). */
export function userOf(principal: string): string {
  const i = principal.indexOf(':');
  return i < 0 ? principal : principal.slice(i + 1);
}

/**
 * max.connection.creation.rate (KIP-612): new connections per second over the broker's listeners except the
 * inter-broker one, and per listener (listener.name.<l>.max.connection.creation.rate). As Kafka's acceptor
 * does, a connection that takes a rate over its limit is still accepted, but the listener waits
 * (rate - limit) / limit x window before it accepts another.
 */
export class ListenerConnectionRates {
  static readonly UNLIMITED = 2147483647;
  readonly #cfg: QuotaWindowConfig;
  #broker: { rate: SampledRate; quota: number } | undefined;
  readonly #listeners = new Map<string, { rate: SampledRate; quota: number }>();
  readonly #interBroker: string;

  constructor(cfg: QuotaWindowConfig, brokerQuota: number, listenerQuotas: ReadonlyMap<string, number>, interBrokerListener: string) {
    this.#cfg = cfg;
    this.#interBroker = interBrokerListener;
    this.reconfigure(brokerQuota, listenerQuotas);
  }

  /**
   * New quotas (max.connection.creation.rate changed at run time): a rate already measured keeps its samples,
   * so a lowered quota applies to the next accept; an unlimited one stops measuring.
   */
  reconfigure(brokerQuota: number, listenerQuotas: ReadonlyMap<string, number>): void {
    const keep = (s: { rate: SampledRate; quota: number } | undefined, quota: number) =>
      quota >= ListenerConnectionRates.UNLIMITED ? undefined : { rate: s?.rate ?? new SampledRate(this.#cfg), quota };
    this.#broker = keep(this.#broker, brokerQuota);
    for (const [l, q] of listenerQuotas) {
      const next = keep(this.#listeners.get(l), q);
      if (next) this.#listeners.set(l, next);
      else this.#listeners.delete(l);
    }
  }

  /** Whether any limit is set (listeners skip the accept queue otherwise). */
  get active(): boolean {
    return this.#broker !== undefined || this.#listeners.size > 0;
  }

  /** Records a connection accepted on `listener`; the ms the listener waits before the next one (0: none). */
  recordAccept(listener: string, now = Date.now()): number {
    let ms = 0;
    const check = (s: { rate: SampledRate; quota: number } | undefined) => {
      if (!s) return;
      s.rate.record(1, now);
      const excess = s.rate.excessMs(s.quota, now);
      if (excess > 0) ms = Math.max(ms, s.quota === 0 ? this.#cfg.samples * this.#cfg.sampleMs : Math.round(excess));
    };
    check(this.#listeners.get(listener));
    if (listener !== this.#interBroker) check(this.#broker);
    return ms;
  }
}
