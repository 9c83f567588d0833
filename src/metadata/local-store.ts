// MetadataStore kept in one JSON file under log.dirs, replaced atomically (write temp, fsync, rename, fsync dir)
// on every change. Changes are rare (topic create/delete, producer id blocks), so the write is synchronous
// and a change's promise is settled when it returns. A change the file cannot take (a full disk, an I/O
// error) is undone in memory too and refused with KAFKA_STORAGE_ERROR: what the broker serves is what a
// restart would read. Files written before replica assignments were kept
// get one replica per partition, `brokerId`.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AclTable, type AclResource, type AclResourceEntry, type StoredAcl } from './acls.js';
import { QuotaTable, quotaEntityKey, type QuotaEntity, type QuotaEntry } from './quotas.js';
import { MetadataStorageError, type MetadataStore, type NewTopic, type ProducerIdBlock, type TopicChange, type TopicMetadata } from './store.js';

interface FileFormat {
  version: 1;
  clusterId: string;
  nextProducerId: number;
  topics: Array<Omit<TopicMetadata, 'replicas'> & { replicas?: ReadonlyArray<readonly number[]> }>;
  /** Dynamic broker configs by entity ('' cluster default, or a broker id); absent in older files. */
  brokerConfigs?: Record<string, Record<string, string>>;
  /** SCRAM credentials by user and mechanism (salted and hashed, Kafka's textual form); absent in older files. */
  scramCredentials?: Record<string, Record<string, string>>;
  /** ACLs by resource pattern; absent in older files. */
  acls?: AclResourceEntry[];
  /** Client quotas by entity; absent in older files. */
  clientQuotas?: QuotaEntry[];
}

export const METADATA_FILE = 'gregor-metadata.json';

export class LocalMetadataStore implements MetadataStore {
  readonly #dir: string;
  readonly #path: string;
  #state: FileFormat;
  readonly #topics = new Map<string, TopicMetadata>();
  readonly #acls = new AclTable();
  readonly #quotas = new QuotaTable();

  constructor(dir: string, clusterId?: string | null, brokerId = 0) {
    this.#dir = dir;
    this.#path = join(dir, METADATA_FILE);
    mkdirSync(dir, { recursive: true });
    let state: FileFormat | undefined;
    try {
      state = JSON.parse(readFileSync(this.#path, 'utf8')) as FileFormat;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read ${this.#path}: ${(e as Error).message}`);
    }
    this.#state = state ?? { version: 1, clusterId: clusterId ?? newClusterId(), nextProducerId: 0, topics: [] };
    for (const t of this.#state.topics) {
      const replicas = t.replicas ?? Array.from({ length: t.partitions }, () => [brokerId]);
      this.#topics.set(t.name, freezeTopic({ ...t, replicas }));
    }
    for (const e of this.#state.acls ?? []) this.#acls.set(e.resource, e.acls);
    for (const q of this.#state.clientQuotas ?? []) this.#quotas.alter(q.entity, q.values, []);
    if (!state) this.#persist();
  }

  get clusterId(): string {
    return this.#state.clusterId;
  }

  listTopics(): TopicMetadata[] {
    return [...this.#topics.values()];
  }

  getTopic(name: string): TopicMetadata | undefined {
    return this.#topics.get(name);
  }

  getTopicById(topicId: string): TopicMetadata | undefined {
    for (const t of this.#topics.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  async createTopic(topic: NewTopic): Promise<TopicMetadata> {
    if (this.#topics.has(topic.name)) throw new Error(`Topic ${topic.name} already exists`);
    if (topic.replicas.length !== topic.partitions) throw new Error(`Topic ${topic.name}: ${topic.replicas.length} replica lists for ${topic.partitions} partitions`);
    const meta = freezeTopic({
      name: topic.name,
      topicId: newTopicId(),
      partitions: topic.partitions,
      replicationFactor: topic.replicationFactor,
      replicas: topic.replicas,
      configs: topic.configs,
      internal: topic.internal ?? false,
    });
    this.#topics.set(meta.name, meta);
    this.#persistOrUndo(() => this.#topics.delete(meta.name));
    return meta;
  }

  async deleteTopic(name: string): Promise<void> {
    const t = this.#topics.get(name);
    if (t && this.#topics.delete(name)) this.#persistOrUndo(() => this.#topics.set(name, t));
  }

  async alterTopic(name: string, change: TopicChange): Promise<TopicMetadata> {
    const t = this.#topics.get(name);
    if (!t) throw new Error(`Topic ${name} does not exist`);
    if (change.replicas !== undefined && change.replicas.length < t.partitions) throw new Error(`Topic ${name} cannot shrink from ${t.partitions} to ${change.replicas.length} partitions`);
    const replicas = change.replicas ?? t.replicas;
    const meta = freezeTopic({ ...t, partitions: replicas.length, replicas, configs: change.configs ?? t.configs });
    this.#topics.set(name, meta);
    this.#persistOrUndo(() => this.#topics.set(name, t));
    return meta;
  }

  brokerConfigs(entity: string): Readonly<Record<string, string>> {
    return Object.freeze({ ...(this.#state.brokerConfigs?.[entity] ?? {}) });
  }

  async setBrokerConfigs(entity: string, configs: Record<string, string>): Promise<void> {
    const before = this.#state.brokerConfigs;
    this.#state.brokerConfigs = { ...before, [entity]: { ...configs } };
    this.#persistOrUndo(() => (this.#state.brokerConfigs = before));
  }

  async allocateProducerIds(size: number): Promise<ProducerIdBlock> {
    const block = { firstProducerId: this.#state.nextProducerId, size };
    this.#state.nextProducerId += size;
    // Persisted before any id of the block is handed out.
    this.#persistOrUndo(() => (this.#state.nextProducerId = block.firstProducerId));
    return block;
  }

  async scramCredentials(user: string): Promise<Readonly<Record<string, string>>> {
    return Object.freeze({ ...(this.#state.scramCredentials?.[user] ?? {}) });
  }

  async scramUsers(): Promise<string[]> {
    return Object.keys(this.#state.scramCredentials ?? {}).sort();
  }

  async alterScramCredentials(user: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    const all = { ...this.#state.scramCredentials };
    const next = applyChanges(all[user] ?? {}, changes);
    if (Object.keys(next).length === 0) delete all[user];
    else all[user] = next;
    const before = this.#state.scramCredentials;
    this.#state.scramCredentials = all;
    this.#persistOrUndo(() => (this.#state.scramCredentials = before));
  }

  listAcls(): AclResourceEntry[] {
    return this.#acls.list();
  }

  get aclsVersion(): number {
    return this.#acls.version;
  }

  async updateAcls(resource: AclResource, update: (current: readonly StoredAcl[]) => StoredAcl[]): Promise<readonly StoredAcl[]> {
    const before = this.#acls.get(resource);
    this.#acls.set(resource, update(before));
    this.#persistOrUndo(() => this.#acls.set(resource, before));
    return this.#acls.get(resource);
  }

  clientQuotas(): QuotaEntry[] {
    return this.#quotas.list();
  }

  get quotasVersion(): number {
    return this.#quotas.version;
  }

  async alterClientQuotas(entity: QuotaEntity, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<void> {
    const before = this.#quotas.list().find((q) => quotaEntityKey(q.entity) === quotaEntityKey(entity))?.values ?? {};
    this.#quotas.alter(entity, set, remove);
    this.#persistOrUndo(() => this.#quotas.alter(entity, before, [...remove, ...Object.keys(set)]));
  }

  async close(): Promise<void> {}

  /** Writes the file after an in-memory change; if it cannot be written, `undo` takes the change back and the caller gets KAFKA_STORAGE_ERROR. */
  #persistOrUndo(undo: () => void): void {
    try {
      this.#persist();
    } catch (e) {
      undo();
      throw new MetadataStorageError(`Cannot write the metadata store ${this.#path}: ${(e as Error).message}`, { cause: e });
    }
  }

  #persist(): void {
    this.#state.topics = [...this.#topics.values()];
    const acls = this.#acls.list();
    if (acls.length > 0 || this.#state.acls) this.#state.acls = acls;
    const quotas = this.#quotas.list();
    if (quotas.length > 0 || this.#state.clientQuotas) this.#state.clientQuotas = quotas;
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      try {
        const text = Buffer.from(JSON.stringify(this.#state, null, 2) + '\n');
        // writeSync may write part of the buffer (a disk filling up): the rest, or the error that stopped it.
        for (let at = 0; at < text.length;) at += writeSync(fd, text, at);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      // The old file is untouched; do not leave a partial copy holding the space.
      rmSync(tmp, { force: true });
      throw e;
    }
    renameSync(tmp, this.#path);
    const dfd = openSync(this.#dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}

function applyChanges(current: Readonly<Record<string, string>>, changes: Readonly<Record<string, string | null>>): Record<string, string> {
  const next = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

function freezeTopic(t: TopicMetadata): TopicMetadata {
  return Object.freeze({ ...t, replicas: Object.freeze(t.replicas.map((r) => Object.freeze([...r]))), configs: Object.freeze({ ...t.configs }) });
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 without padding (22 characters). */
export function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/** Kafka topic ids: 16 random bytes printed as URL-safe base64 (Uuid.toString); never the zero or sentinel ids. */
export function newTopicId(): string {
  for (;;) {
    const b = randomBytes(16);
    if (b.some((x) => x !== 0) && !(b.readBigUInt64BE(0) === 0n && b.readBigUInt64BE(8) === 1n)) return b.toString('base64url');
  }
}
