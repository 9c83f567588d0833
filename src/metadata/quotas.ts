// Client quotas as the metadata store keeps them (Kafka's /config/users, /config/clients and /config/ips
// entities): an entity is a user, a client id, or both, each either a name or the default (`<default>`); its
// values are quota keys (producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate)
// with numbers. An IP entity (KIP-612) stands alone, an address or the default, with connection_creation_rate. Other keys in the same ZooKeeper znodes (SCRAM credentials) are not quotas and are left alone.

/** Kafka's name for the default entity of a type. */
export const DEFAULT_QUOTA_ENTITY = '<default>';
export const QUOTA_KEYS: readonly string[] = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];
/** The one quota key of an IP entity: new connections per second from the address (KIP-612). */
export const IP_CONNECTION_RATE_KEY = 'connection_creation_rate';

export interface QuotaEntity {
  /** A user principal's name (alice for User:alice), DEFAULT_QUOTA_ENTITY, or undefined when the entity has no user part. */
  readonly user?: string;
  /** A client id, DEFAULT_QUOTA_ENTITY, or undefined when the entity has no client part. */
  readonly clientId?: string;
  /** An IP address or DEFAULT_QUOTA_ENTITY; an entity with an ip has no user or client part. */
  readonly ip?: string;
}

export interface QuotaEntry {
  readonly entity: QuotaEntity;
  readonly values: Readonly<Record<string, number>>;
}

export function quotaEntityKey(e: QuotaEntity): string {
  if (e.ip !== undefined) return `i:${e.ip}`;
  return `${e.user === undefined ? '-' : `u:${e.user}`}\u0000${e.clientId === undefined ? '-' : `c:${e.clientId}`}`;
}

/** Kafka's Sanitizer: names in znode paths are URL-encoded, with * as %2A. */
export function sanitizeEntityName(name: string): string {
  if (name === DEFAULT_QUOTA_ENTITY) return name;
  return encodeURIComponent(name).replace(/\*/g, '%2A').replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function desanitizeEntityName(name: string): string {
  return name === DEFAULT_QUOTA_ENTITY ? name : decodeURIComponent(name);
}

/** The quota values of a config map (string values), ignoring other keys. */
export function quotaValuesOf(config: Readonly<Record<string, string>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...QUOTA_KEYS, IP_CONNECTION_RATE_KEY]) if (config[k] !== undefined && Number.isFinite(Number(config[k]))) out[k] = Number(config[k]);
  return out;
}

/** Applies a quota change to a config map: `set` keys replaced, `remove` keys dropped, other keys kept. */
export function applyQuotaChange(config: Readonly<Record<string, string>>, set: Readonly<Record<string, number>>, remove: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { ...config };
  for (const k of remove) delete out[k];
  for (const [k, v] of Object.entries(set)) out[k] = String(v);
  return out;
}

/** Quota entries by entity with a change counter (the local file's and the in-memory cluster's table). */
export class QuotaTable {
  readonly #entries = new Map<string, QuotaEntry>();
  #version = 0;

  get version(): number {
    return this.#version;
  }

  list(): QuotaEntry[] {
    return [...this.#entries.values()];
  }

  alter(entity: QuotaEntity, set: Readonly<Record<string, number>>, remove: readonly string[]): void {
    const key = quotaEntityKey(entity);
    const values: Record<string, number> = { ...(this.#entries.get(key)?.values ?? {}) };
    for (const k of remove) delete values[k];
    Object.assign(values, set);
    if (Object.keys(values).length === 0) this.#entries.delete(key);
    else this.#entries.set(key, Object.freeze({ entity: Object.freeze({ ...entity }), values: Object.freeze(values) }));
    this.#version++;
  }
}
