// The ACL authorizer (Kafka's AclAuthorizer/StandardAuthorizer rules): super users are allowed everything;
// otherwise the ACLs matching a resource (its literal name, the * wildcard, every prefixed pattern that
// starts its name) decide: a DENY for the principal (or User:*), host (or *) and operation (or All) wins;
// else an ALLOW of the operation or of one that implies it (Read/Write/Delete/Alter imply Describe,
// AlterConfigs implies DescribeConfigs) or All allows; a resource no ACL matches is allowed only with
// allow.everyone.if.no.acl.found. Checks read an index rebuilt from the metadata store's view when its ACL
// change counter moves, so a check does no I/O and every broker applies a change when its view sees it.
import { aclResourceKey, type AclResource, type MetadataStore, type StoredAcl, type StoredResourceType } from '../metadata/index.js';
import {
  AclOperation, CLUSTER_NAME, PatternType, PermissionType, WILDCARD, WILDCARD_PRINCIPAL, filterMatches, invalidBinding, operationCode,
  permissionCode, resourceTypeCode, sameAclBinding, storedAclOf, storedResourceType, type AclBinding, type AclBindingFilter, type AclOperationCode,
} from './acl.js';

export interface AuthorizerOptions {
  /** Principals allowed everything (super.users). */
  readonly superUsers: readonly string[];
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** Who asks: the principal and the peer's address. */
export interface AuthorizationSubject {
  readonly principal: string;
  readonly host: string;
}

interface IndexedAcl {
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly allow: boolean;
}

interface TypeIndex {
  readonly literal: Map<string, IndexedAcl[]>;
  readonly prefixed: Map<string, IndexedAcl[]>;
  /** Longest prefixed pattern, so a lookup tries no longer prefixes. */
  maxPrefix: number;
}

/** Operations an ALLOW of which also allows `op` (Kafka's implied operations). */
function allowingOps(op: number): readonly number[] {
  if (op === AclOperation.DESCRIBE) return [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER];
  if (op === AclOperation.DESCRIBE_CONFIGS) return [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS];
  return [op];
}

/** Operations reported in authorized_operations, per resource type (Kafka's supported operations). */
const TYPE_OPERATIONS: Readonly<Record<StoredResourceType, readonly AclOperationCode[]>> = {
  Topic: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  Group: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE],
  Cluster: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  TransactionalId: [AclOperation.DESCRIBE, AclOperation.WRITE],
  DelegationToken: [AclOperation.DESCRIBE],
};

/** The bit field of every operation a resource type supports (authorized_operations without an authorizer). */
export function supportedOperations(resourceType: number): number {
  const type = storedResourceType(resourceType);
  return type ? TYPE_OPERATIONS[type].reduce<number>((bits, op) => bits | (1 << op), 0) : 0;
}

/** An IPv4 peer seen through a dual-stack socket (::ffff:127.0.0.1) is matched as its IPv4 address. */
export function normaliseHost(host: string): string {
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

export class Authorizer {
  readonly #store: MetadataStore;
  readonly #superUsers: ReadonlySet<string>;
  readonly #allowIfNoAcl: boolean;
  #indexVersion = -1;
  #index = new Map<StoredResourceType, TypeIndex>();

  constructor(store: MetadataStore, opts: AuthorizerOptions) {
    this.#store = store;
    this.#superUsers = new Set(opts.superUsers);
    this.#allowIfNoAcl = opts.allowEveryoneIfNoAclFound;
  }

  /** Parses super.users: principals separated by semicolons. */
  static superUsers(value: string): string[] {
    return value.split(';').map((s) => s.trim()).filter((s) => s !== '');
  }

  isSuperUser(principal: string): boolean {
    return this.#superUsers.has(principal);
  }

  /** Whether `who` may do `op` on the resource (a resource type code and name; the cluster's name is implied). */
  authorize(who: AuthorizationSubject, op: number, resourceType: number, name: string = CLUSTER_NAME): boolean {
    if (this.#superUsers.has(who.principal)) return true;
    const type = storedResourceType(resourceType);
    if (!type) return false;
    const acls = this.#matching(type, name);
    if (acls.length === 0) return this.#allowIfNoAcl;
    const host = normaliseHost(who.host);
    const applies = (a: IndexedAcl) => (a.principal === who.principal || a.principal === WILDCARD_PRINCIPAL) && (a.host === host || a.host === WILDCARD);
    for (const a of acls) if (!a.allow && applies(a) && (a.operation === op || a.operation === AclOperation.ALL)) return false;
    const ops = allowingOps(op);
    for (const a of acls) if (a.allow && applies(a) && (a.operation === AclOperation.ALL || ops.includes(a.operation))) return true;
    return false;
  }

  /**
   * Whether `who` may do `op` on some resource of a type (Kafka's authorizeByResourceType, used for
   * IdempotentWrite through WRITE on any topic): an ALLOW on some pattern that no DENY covers.
   */
  authorizeByResourceType(who: AuthorizationSubject, op: number, resourceType: number): boolean {
    if (this.#superUsers.has(who.principal)) return true;
    const type = storedResourceType(resourceType);
    if (!type) return false;
    const idx = this.#typeIndex(type);
    if (!idx || (idx.literal.size === 0 && idx.prefixed.size === 0)) return this.#allowIfNoAcl;
    const host = normaliseHost(who.host);
    const applies = (a: IndexedAcl) => (a.principal === who.principal || a.principal === WILDCARD_PRINCIPAL) && (a.host === host || a.host === WILDCARD);
    const ops = allowingOps(op);
    const denied = (acls: readonly IndexedAcl[] | undefined) => (acls ?? []).some((a) => !a.allow && applies(a) && (a.operation === op || a.operation === AclOperation.ALL));
    if (denied(idx.literal.get(WILDCARD))) return false;
    const allows = (acls: readonly IndexedAcl[]) => acls.some((a) => a.allow && applies(a) && (a.operation === AclOperation.ALL || ops.includes(a.operation)));
    const deniedByPrefix = (name: string) => {
      for (const [p, acls] of idx.prefixed) if (name.startsWith(p) && denied(acls)) return true;
      return false;
    };
    for (const [name, acls] of idx.literal) if (allows(acls) && !denied(acls) && !deniedByPrefix(name)) return true;
    for (const [name, acls] of idx.prefixed) if (allows(acls) && !deniedByPrefix(name)) return true;
    return false;
  }

  /** The authorized_operations bit field of a resource (bit n set: operation code n is allowed). */
  authorizedOperations(who: AuthorizationSubject, resourceType: number, name: string = CLUSTER_NAME): number {
    const type = storedResourceType(resourceType);
    if (!type) return 0;
    let bits = 0;
    for (const op of TYPE_OPERATIONS[type]) if (this.authorize(who, op, resourceType, name)) bits |= 1 << op;
    return bits;
  }

  // ---- ACL administration (CreateAcls, DescribeAcls, DeleteAcls) ----

  /** Every stored binding matching `filter`. */
  describe(filter: AclBindingFilter): AclBinding[] {
    const out: AclBinding[] = [];
    for (const e of this.#store.listAcls()) {
      for (const a of e.acls) {
        const b = bindingOf(e.resource, a);
        if (filterMatches(filter, b)) out.push(b);
      }
    }
    return out;
  }

  /** Adds bindings (already present ones are kept once); answers an error message per binding, undefined when created. */
  async create(bindings: readonly AclBinding[]): Promise<Array<string | undefined>> {
    const results: Array<string | undefined> = bindings.map((b) => invalidBinding(b));
    const byResource = new Map<string, { resource: AclResource; acls: StoredAcl[] }>();
    bindings.forEach((b, i) => {
      if (results[i] !== undefined) return;
      const resource = resourceOf(b);
      const key = aclResourceKey(resource);
      let entry = byResource.get(key);
      if (!entry) byResource.set(key, (entry = { resource, acls: [] }));
      entry.acls.push(storedAclOf(b));
    });
    const failures = new Map<string, string>();
    await Promise.all([...byResource].map(async ([key, { resource, acls }]) => {
      try {
        await this.#store.updateAcls(resource, (current) => {
          const next = [...current];
          for (const a of acls) if (!next.some((c) => sameAclBinding(c, a))) next.push(a);
          return next;
        });
      } catch (e) {
        failures.set(key, (e as Error).message);
      }
    }));
    return bindings.map((b, i) => results[i] ?? failures.get(aclResourceKey(resourceOf(b))));
  }

  /** Removes every binding matching each filter; answers, per filter, the bindings removed or an error message. */
  async delete(filters: readonly AclBindingFilter[]): Promise<Array<AclBinding[] | string>> {
    const matched = filters.map((f) => this.describe(f));
    const resources = new Map<string, AclResource>();
    for (const list of matched) for (const b of list) resources.set(aclResourceKey(resourceOf(b)), resourceOf(b));
    const failures = new Map<string, string>();
    await Promise.all([...resources].map(async ([key, resource]) => {
      try {
        await this.#store.updateAcls(resource, (current) => current.filter((a) => !filters.some((f) => filterMatches(f, bindingOf(resource, a)))));
      } catch (e) {
        failures.set(key, (e as Error).message);
      }
    }));
    return matched.map((list) => {
      for (const b of list) {
        const failure = failures.get(aclResourceKey(resourceOf(b)));
        if (failure !== undefined) return failure;
      }
      return list;
    });
  }

  // ---- the index ----

  #typeIndex(type: StoredResourceType): TypeIndex | undefined {
    if (this.#indexVersion !== this.#store.aclsVersion) this.#rebuild();
    return this.#index.get(type);
  }

  #matching(type: StoredResourceType, name: string): IndexedAcl[] {
    const idx = this.#typeIndex(type);
    if (!idx) return [];
    const out: IndexedAcl[] = [];
    const literal = idx.literal.get(name);
    if (literal) out.push(...literal);
    if (name !== WILDCARD) {
      const wildcard = idx.literal.get(WILDCARD);
      if (wildcard) out.push(...wildcard);
    }
    for (let n = Math.min(idx.maxPrefix, name.length); n >= 1 && idx.prefixed.size > 0; n--) {
      const p = idx.prefixed.get(name.slice(0, n));
      if (p) out.push(...p);
    }
    return out;
  }

  #rebuild(): void {
    const version = this.#store.aclsVersion;
    const index = new Map<StoredResourceType, TypeIndex>();
    for (const e of this.#store.listAcls()) {
      let idx = index.get(e.resource.resourceType);
      if (!idx) index.set(e.resource.resourceType, (idx = { literal: new Map(), prefixed: new Map(), maxPrefix: 0 }));
      const acls: IndexedAcl[] = e.acls.map((a) => ({ principal: a.principal, host: a.host, operation: operationCode(a.operation), allow: permissionCode(a.permissionType) === PermissionType.ALLOW }));
      if (e.resource.patternType === 'PREFIXED') {
        idx.prefixed.set(e.resource.name, acls);
        idx.maxPrefix = Math.max(idx.maxPrefix, e.resource.name.length);
      } else {
        idx.literal.set(e.resource.name, acls);
      }
    }
    this.#index = index;
    this.#indexVersion = version;
  }
}

function resourceOf(b: AclBinding): AclResource {
  return { resourceType: storedResourceType(b.resourceType)!, patternType: b.patternType === PatternType.PREFIXED ? 'PREFIXED' : 'LITERAL', name: b.resourceName };
}

function bindingOf(r: AclResource, a: StoredAcl): AclBinding {
  return {
    resourceType: resourceTypeCode(r.resourceType), resourceName: r.name, patternType: r.patternType === 'PREFIXED' ? PatternType.PREFIXED : PatternType.LITERAL,
    principal: a.principal, host: a.host, operation: operationCode(a.operation), permissionType: permissionCode(a.permissionType),
  };
}


