// ACL bindings as the metadata store keeps them: per resource pattern (type, pattern type, name) a list of
// entries in Kafka's stored form (ZooKeeper's /kafka-acl JSON: "principal", "permissionType" Allow/Deny,
// "operation" such as Read, "host"). Matching and the cache live in the acl module; the store only keeps,
// replaces and counts changes, so a reader can tell with one comparison that its cache is still current.

/** Kafka's stored resource type names (ResourceType in ZooKeeper paths). */
export type StoredResourceType = 'Topic' | 'Group' | 'Cluster' | 'TransactionalId' | 'DelegationToken';
export type StoredPatternType = 'LITERAL' | 'PREFIXED';

export interface AclResource {
  readonly resourceType: StoredResourceType;
  readonly patternType: StoredPatternType;
  readonly name: string;
}

export interface StoredAcl {
  readonly principal: string;
  /** 'Allow' or 'Deny'. */
  readonly permissionType: string;
  /** Kafka's operation name as stored: Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All. */
  readonly operation: string;
  readonly host: string;
}

export interface AclResourceEntry {
  readonly resource: AclResource;
  readonly acls: readonly StoredAcl[];
}

export const STORED_RESOURCE_TYPES: readonly StoredResourceType[] = ['Topic', 'Group', 'Cluster', 'TransactionalId', 'DelegationToken'];

export function aclResourceKey(r: AclResource): string {
  return `${r.resourceType}\u0000${r.patternType}\u0000${r.name}`;
}

export function sameAcl(a: StoredAcl, b: StoredAcl): boolean {
  return a.principal === b.principal && a.permissionType === b.permissionType && a.operation === b.operation && a.host === b.host;
}

/** ACL lists by resource with a change counter (the local file's and the in-memory cluster's table). */
export class AclTable {
  readonly #entries = new Map<string, AclResourceEntry>();
  #version = 0;

  get version(): number {
    return this.#version;
  }

  list(): AclResourceEntry[] {
    return [...this.#entries.values()];
  }

  get(resource: AclResource): readonly StoredAcl[] {
    return this.#entries.get(aclResourceKey(resource))?.acls ?? [];
  }

  /** Replaces a resource's ACLs (an empty list removes the resource). */
  set(resource: AclResource, acls: readonly StoredAcl[]): void {
    const key = aclResourceKey(resource);
    if (acls.length === 0) this.#entries.delete(key);
    else this.#entries.set(key, Object.freeze({ resource: Object.freeze({ ...resource }), acls: Object.freeze(acls.map((a) => Object.freeze({ ...a }))) }));
    this.#version++;
  }
}
