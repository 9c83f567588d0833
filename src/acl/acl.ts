// Kafka's ACL model (clients/.../common/acl and common/resource): the wire codes of resource types,
// pattern types, operations and permission types, the names they are stored and printed under, and the
// binding and filter shapes of CreateAcls/DescribeAcls/DeleteAcls.
import type { StoredAcl, StoredResourceType } from '../metadata/index.js';

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const AclOperation = {
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14,
} as const;
export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType];
export type PatternTypeCode = (typeof PatternType)[keyof typeof PatternType];
export type AclOperationCode = (typeof AclOperation)[keyof typeof AclOperation];
export type PermissionTypeCode = (typeof PermissionType)[keyof typeof PermissionType];

/** The one cluster resource's name. */
export const CLUSTER_NAME = 'kafka-cluster';
/** The literal name matching every resource of its type. */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

const STORED_TYPES: Readonly<Record<number, StoredResourceType>> = {
  [ResourceType.TOPIC]: 'Topic', [ResourceType.GROUP]: 'Group', [ResourceType.CLUSTER]: 'Cluster',
  [ResourceType.TRANSACTIONAL_ID]: 'TransactionalId', [ResourceType.DELEGATION_TOKEN]: 'DelegationToken',
};
const OPERATION_NAMES: Readonly<Record<number, string>> = {
  [AclOperation.ALL]: 'All', [AclOperation.READ]: 'Read', [AclOperation.WRITE]: 'Write', [AclOperation.CREATE]: 'Create',
  [AclOperation.DELETE]: 'Delete', [AclOperation.ALTER]: 'Alter', [AclOperation.DESCRIBE]: 'Describe', [AclOperation.CLUSTER_ACTION]: 'ClusterAction',
  [AclOperation.DESCRIBE_CONFIGS]: 'DescribeConfigs', [AclOperation.ALTER_CONFIGS]: 'AlterConfigs', [AclOperation.IDEMPOTENT_WRITE]: 'IdempotentWrite',
  [AclOperation.CREATE_TOKENS]: 'CreateTokens', [AclOperation.DESCRIBE_TOKENS]: 'DescribeTokens',
};

export function storedResourceType(code: number): StoredResourceType | undefined {
  return STORED_TYPES[code];
}
export function resourceTypeCode(stored: string): ResourceTypeCode {
  for (const [code, name] of Object.entries(STORED_TYPES)) if (name === stored) return Number(code) as ResourceTypeCode;
  return ResourceType.UNKNOWN;
}
export function operationName(code: number): string | undefined {
  return OPERATION_NAMES[code];
}
export function operationCode(stored: string): AclOperationCode {
  const s = stored.replace(/_/g, '').toLowerCase();
  for (const [code, name] of Object.entries(OPERATION_NAMES)) if (name.toLowerCase() === s) return Number(code) as AclOperationCode;
  return AclOperation.UNKNOWN;
}
export function permissionCode(stored: string): PermissionTypeCode {
  const s = stored.toLowerCase();
  return s === 'allow' ? PermissionType.ALLOW : s === 'deny' ? PermissionType.DENY : PermissionType.UNKNOWN;
}
export function permissionName(code: number): string | undefined {
  return code === PermissionType.ALLOW ? 'Allow' : code === PermissionType.DENY ? 'Deny' : undefined;
}

/** Kafka's upper-case enum names, as the tools print them. */
export function enumName(table: Readonly<Record<string, number>>, code: number): string {
  for (const [name, c] of Object.entries(table)) if (c === code) return name;
  return 'UNKNOWN';
}

/** One ACL with its resource pattern, in wire codes (CreateAcls creation, DescribeAcls answer). */
export interface AclBinding {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly patternType: number;
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

/** A DescribeAcls/DeleteAcls filter: null strings and ANY codes match everything; MATCH patterns match as the authorizer would. */
export interface AclBindingFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

export function storedAclOf(b: AclBinding): StoredAcl {
  return { principal: b.principal, permissionType: permissionName(b.permissionType)!, operation: operationName(b.operation)!, host: b.host };
}

/** Why a binding cannot be created (Kafka's INVALID_REQUEST reasons), or undefined when it can. */
export function invalidBinding(b: AclBinding): string | undefined {
  if (!storedResourceType(b.resourceType)) return `Invalid resource type ${b.resourceType}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid pattern type ${b.patternType}: only LITERAL and PREFIXED ACLs can be created`;
  if (b.resourceName === '') return 'Resource name must not be empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `The cluster resource is named ${CLUSTER_NAME}`;
  if (b.patternType === PatternType.PREFIXED && b.resourceName === WILDCARD) return 'A PREFIXED pattern cannot be the wildcard *';
  if (!operationName(b.operation)) return `Invalid operation ${b.operation}`;
  if (!permissionName(b.permissionType)) return `Invalid permission type ${b.permissionType}`;
  if (!/^[^:]+:.*$/.test(b.principal)) return `Invalid principal ${b.principal}: expected Type:name`;
  if (b.host === '') return 'Host must not be empty (use * for every host)';
  return undefined;
}

/** Whether a filter's own fields are valid (Kafka refuses UNKNOWN codes in filters). */
export function invalidFilter(f: AclBindingFilter): string | undefined {
  if (f.resourceType === ResourceType.UNKNOWN || f.resourceType > ResourceType.USER) return `Invalid resource type ${f.resourceType}`;
  if (f.patternType === PatternType.UNKNOWN || f.patternType > PatternType.PREFIXED) return `Invalid pattern type ${f.patternType}`;
  if (f.operation === AclOperation.UNKNOWN || f.operation > AclOperation.DESCRIBE_TOKENS) return `Invalid operation ${f.operation}`;
  if (f.permissionType === PermissionType.UNKNOWN || f.permissionType > PermissionType.ALLOW) return `Invalid permission type ${f.permissionType}`;
  return undefined;
}

/**
 * Whether a stored binding matches a filter (Kafka's AclBindingFilter.matches): a LITERAL/PREFIXED or ANY
 * filter compares names exactly; a MATCH filter matches the literal name, the wildcard and every prefix
 * of its name, as the authorizer would apply them.
 */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType === PatternType.MATCH) {
    if (f.resourceName !== null) {
      const ok = b.patternType === PatternType.LITERAL ? b.resourceName === f.resourceName || b.resourceName === WILDCARD
        : b.patternType === PatternType.PREFIXED && f.resourceName.startsWith(b.resourceName);
      if (!ok) return false;
    }
  } else {
    if (f.patternType !== PatternType.ANY && f.patternType !== b.patternType) return false;
    if (f.resourceName !== null && f.resourceName !== b.resourceName) return false;
  }
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permissionType !== PermissionType.ANY && f.permissionType !== b.permissionType) return false;
  return true;
}

/** Same principal, host, operation and permission (one stored ACL entry). */
export function sameAclBinding(a: StoredAcl, b: StoredAcl): boolean {
  return a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permissionType === b.permissionType;
}
