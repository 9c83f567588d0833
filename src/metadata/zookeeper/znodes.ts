// Kafka 3.x's znode layout under the `zookeeper.connect` chroot, and the JSON each znode holds, written the
// way Kafka's ZooKeeper-mode brokers wrote them so operators and Kafka's tools recognise them:
//   /cluster/id                                   {"version":"1","id":"<cluster id>"}
//   /brokers/ids/<id>             (ephemeral)     {"listener_security_protocol_map":{...},"endpoints":[...],"jmx_port":-1,
//                                                  "features":{},"host":h,"timestamp":"<ms>","port":p,"version":5[,"rack":r]}
//   /controller                   (ephemeral)     {"version":1,"brokerid":N,"timestamp":"<ms>"}
//   /controller_epoch                             N (decimal text)
//   /brokers/topics/<t>                           {"version":3,"partitions":{"0":[1,2]},"topic_id":"...","adding_replicas":{},"removing_replicas":{}}
//   /brokers/topics/<t>/partitions/<p>/state      {"controller_epoch":N,"leader":L,"version":1,"leader_epoch":E,"isr":[...],"leader_recovery_state":0}
//   /config/topics/<t>, /config/brokers/<id>, /config/brokers/<default>   {"version":1,"config":{...}}
//   /config/changes/config_change_<seq>           {"version":2,"entity_path":"topics/<t>"}
//   /admin/delete_topics/<t>                      (empty) a topic being deleted
//   /latest_producer_id_block                     {"version":1,"broker":N,"block_start":"0","block_end":"999"}
import type { BrokerEndpoint, BrokerRegistration, PartitionReassignment, PartitionState } from '../store.js';
import { STORED_RESOURCE_TYPES, type AclResource, type StoredAcl, type StoredPatternType, type StoredResourceType } from '../acls.js';

export const CLUSTER_ID = '/cluster/id';
export const BROKER_IDS = '/brokers/ids';
export const BROKER_TOPICS = '/brokers/topics';
export const CONTROLLER = '/controller';
export const CONTROLLER_EPOCH = '/controller_epoch';
export const CONFIG_TOPICS = '/config/topics';
export const CONFIG_BROKERS = '/config/brokers';
export const CONFIG_CHANGES = '/config/changes';
export const CONFIG_CHANGE_PREFIX = `${CONFIG_CHANGES}/config_change_`;
export const DELETE_TOPICS = '/admin/delete_topics';
export const PRODUCER_ID_BLOCK = '/latest_producer_id_block';
/** Kafka's name for the cluster-wide broker config entity. */
export const DEFAULT_BROKER_ENTITY = '<default>';

/** Persistent paths every broker makes sure of at start, as Kafka's brokers did. */
export const PERSISTENT_PATHS = ['/cluster', '/brokers/ids', '/brokers/topics', '/brokers/seqid', '/config/changes', '/config/topics', '/config/brokers', '/config/clients', '/config/users', '/config/ips', '/admin/delete_topics', '/isr_change_notification', '/latest_producer_id_block'];

export const brokerPath = (id: number) => `${BROKER_IDS}/${id}`;
export const topicPath = (t: string) => `${BROKER_TOPICS}/${t}`;
export const partitionsPath = (t: string) => `${topicPath(t)}/partitions`;
export const partitionPath = (t: string, p: number) => `${partitionsPath(t)}/${p}`;
export const statePath = (t: string, p: number) => `${partitionPath(t, p)}/state`;
export const topicConfigPath = (t: string) => `${CONFIG_TOPICS}/${t}`;
/** '' is the cluster-wide default entity. */
export const CONFIG_USERS = '/config/users';
/** /config/users/<user> {"version":1,"config":{"SCRAM-SHA-256":"salt=...,stored_key=...,server_key=...,iterations=4096",...}}; user names URL-encoded as Kafka's Sanitizer does. */
export const userConfigPath = (user: string) => `${CONFIG_USERS}/${encodeURIComponent(user).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/\*/g, '%2A')}`;
export const brokerConfigPath = (entity: string) => `${CONFIG_BROKERS}/${entity === '' ? DEFAULT_BROKER_ENTITY : entity}`;

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as Record<string, unknown>;

export function encodeClusterId(id: string): Buffer {
  return json({ version: '1', id });
}
export function decodeClusterId(b: Buffer): string {
  return String(parse(b).id);
}

export function encodeBroker(b: BrokerRegistration, now = Date.now()): Buffer {
  const plain = b.endpoints.find((e) => (e.securityProtocol ?? e.listener) === 'PLAINTEXT');
  const reg: Record<string, unknown> = {
    listener_security_protocol_map: Object.fromEntries(b.endpoints.map((e) => [e.listener, e.securityProtocol ?? e.listener])),
    endpoints: b.endpoints.map((e) => `${e.listener}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`),
    jmx_port: -1,
    features: {},
    host: plain?.host ?? null,
    timestamp: String(now),
    port: plain?.port ?? -1,
    version: 5,
  };
  if (b.rack !== undefined && b.rack !== null) reg.rack = b.rack;
  return json(reg);
}

export function decodeBroker(id: number, b: Buffer): BrokerRegistration {
  const o = parse(b);
  const map = (o.listener_security_protocol_map ?? {}) as Record<string, string>;
  const endpoints: BrokerEndpoint[] = ((o.endpoints ?? []) as string[]).map((s) => {
    const m = /^([^:]+):\/\/\[?([^\]]*?)\]?:(\d+)$/.exec(s);
    if (!m) throw new Error(`broker ${id}: bad endpoint "${s}"`);
    return { listener: m[1], host: m[2], port: Number(m[3]), securityProtocol: map[m[1]] ?? m[1] };
  });
  return { id, endpoints, rack: typeof o.rack === 'string' ? o.rack : null };
}

export function encodeController(brokerId: number, now = Date.now()): Buffer {
  return json({ version: 1, brokerid: brokerId, timestamp: String(now) });
}
export function decodeController(b: Buffer): number {
  return Number(parse(b).brokerid);
}

/** A topic's assignment; a partition being reassigned lists its `adding_replicas` and `removing_replicas` as Kafka 3.x does. */
export function encodeTopic(topicId: string, replicas: ReadonlyArray<readonly number[]>, reassigning: Readonly<Record<number, PartitionReassignment>> = {}): Buffer {
  const adding: Record<string, number[]> = {};
  const removing: Record<string, number[]> = {};
  for (const [p, r] of Object.entries(reassigning)) {
    if (r.adding.length > 0) adding[p] = [...r.adding];
    if (r.removing.length > 0) removing[p] = [...r.removing];
  }
  return json({ version: 3, partitions: Object.fromEntries(replicas.map((r, p) => [String(p), [...r]])), topic_id: topicId, adding_replicas: adding, removing_replicas: removing });
}
export function decodeTopic(b: Buffer): { topicId: string; replicas: number[][]; reassigning: Record<number, PartitionReassignment> } {
  const o = parse(b);
  const parts = (o.partitions ?? {}) as Record<string, number[]>;
  const replicas: number[][] = [];
  for (const [p, r] of Object.entries(parts)) replicas[Number(p)] = r;
  const adding = (o.adding_replicas ?? {}) as Record<string, number[]>;
  const removing = (o.removing_replicas ?? {}) as Record<string, number[]>;
  const reassigning: Record<number, PartitionReassignment> = {};
  for (const p of new Set([...Object.keys(adding), ...Object.keys(removing)])) {
    const a = adding[p] ?? [];
    const r = removing[p] ?? [];
    if (a.length > 0 || r.length > 0) reassigning[Number(p)] = { adding: a, removing: r };
  }
  return { topicId: String(o.topic_id ?? ''), replicas: Array.from(replicas, (r) => r ?? []), reassigning };
}

export function encodeState(s: PartitionState): Buffer {
  return json({ controller_epoch: s.controllerEpoch, leader: s.leader, version: 1, leader_epoch: s.leaderEpoch, isr: [...s.isr], leader_recovery_state: s.leaderRecoveryState ?? 0 });
}
export function decodeState(b: Buffer): PartitionState {
  const o = parse(b);
  return { controllerEpoch: Number(o.controller_epoch), leader: Number(o.leader), leaderEpoch: Number(o.leader_epoch), isr: (o.isr ?? []) as number[], leaderRecoveryState: Number(o.leader_recovery_state ?? 0) };
}

export function encodeConfig(config: Record<string, string>): Buffer {
  return json({ version: 1, config });
}
export function decodeConfig(b: Buffer): Record<string, string> {
  if (b.length === 0) return {};
  return { ...((parse(b).config ?? {}) as Record<string, string>) };
}

/** A config change notification: `entityPath` is `topics/<t>` or `brokers/<id>` / `brokers/<default>`. */
export function encodeConfigChange(entityPath: string): Buffer {
  return json({ version: 2, entity_path: entityPath });
}

export function encodeProducerIdBlock(brokerId: number, start: number, end: number): Buffer {
  return json({ version: 1, broker: brokerId, block_start: String(start), block_end: String(end) });
}
export function decodeProducerIdBlockEnd(b: Buffer): number | undefined {
  if (b.length === 0) return undefined;
  return Number(parse(b).block_end);
}

// ACLs, as Kafka 3.x's AclAuthorizer kept them:
//   /kafka-acl/<ResourceType>/<name>                      literal patterns   {"version":1,"acls":[{"principal":"User:a","permissionType":"Allow","operation":"Read","host":"*"}]}
//   /kafka-acl-extended/prefixed/<ResourceType>/<name>    prefixed patterns  (the same JSON)
//   /kafka-acl-changes/acl_changes_<seq>                  "<ResourceType>:<name>" a literal resource changed
//   /kafka-acl-extended-changes/acl_changes_<seq>         {"version":1,"resourceType":"Topic","name":"p","patternType":"PREFIXED"}
export const ACL_LITERAL = '/kafka-acl';
export const ACL_PREFIXED = '/kafka-acl-extended/prefixed';
export const ACL_CHANGES = '/kafka-acl-changes';
export const ACL_EXTENDED_CHANGES = '/kafka-acl-extended-changes';
export const ACL_CHANGE_PREFIX = 'acl_changes_';
export const ACL_PATHS = [ACL_CHANGES, ACL_EXTENDED_CHANGES, ...STORED_RESOURCE_TYPES.flatMap((t) => [`${ACL_LITERAL}/${t}`, `${ACL_PREFIXED}/${t}`])];

export const aclTypePath = (patternType: StoredPatternType, resourceType: StoredResourceType) => `${patternType === 'LITERAL' ? ACL_LITERAL : ACL_PREFIXED}/${resourceType}`;
export const aclPath = (r: AclResource) => `${aclTypePath(r.patternType, r.resourceType)}/${r.name}`;

export function encodeAcls(acls: readonly StoredAcl[]): Buffer {
  return json({ version: 1, acls: acls.map((a) => ({ principal: a.principal, permissionType: a.permissionType, operation: a.operation, host: a.host })) });
}
export function decodeAcls(b: Buffer): StoredAcl[] {
  if (b.length === 0) return [];
  return ((parse(b).acls ?? []) as Array<Record<string, unknown>>).map((a) => ({ principal: String(a.principal), permissionType: String(a.permissionType), operation: String(a.operation), host: String(a.host) }));
}

/** The change notification of a resource's ACLs: its path and data. */
export function aclChange(r: AclResource): { path: string; data: Buffer } {
  return r.patternType === 'LITERAL'
    ? { path: `${ACL_CHANGES}/${ACL_CHANGE_PREFIX}`, data: Buffer.from(`${r.resourceType}:${r.name}`) }
    : { path: `${ACL_EXTENDED_CHANGES}/${ACL_CHANGE_PREFIX}`, data: json({ version: 1, resourceType: r.resourceType, name: r.name, patternType: r.patternType }) };
}
