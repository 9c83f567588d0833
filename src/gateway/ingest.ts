// HTTP ingest: POST /topics/{topic}[/partitions/{partition}] turns a JSON records array, or one binary
// body, into RecordBatch v2 appends on the partitions Kafka's partitioner picks, and answers with the
// partition and offset of every record once the appends returned (acks 1/-1; durable per the topic's
// flush settings, as a Kafka produce is) — or at once with 202 for acks=0.
//
// Bodies (the shape of the Confluent REST Proxy v2 API where it fits):
//   application/json                    { "records": [ { "key"?, "value", "partition"?, "headers"?, "timestamp"? } ] }
//                                        (also one record object, or a bare array). Strings are stored as
//                                        their UTF-8 bytes; other JSON values as their JSON text; null as null.
//   application/vnd.kafka.json.v2+json  same, every key/value stored as JSON text (the REST Proxy's json format)
//   application/vnd.kafka.binary.v2+json same, keys/values are base64 (the REST Proxy's binary format)
//   application/octet-stream            the body is one record's value; ?key=... and kafka-header-<name>: HTTP headers
import { ANONYMOUS_PRINCIPAL, GATEWAY_LISTENER, type Broker, type Requester } from '../broker/index.js';
import { ErrorCode, errorName, kafkaErrorOf } from '../protocol/index.js';
import { GatewayError, badRequest, statusForKafkaError } from './errors.js';
import type { RequestInfo } from './http.js';
import { partitionForKey, StickyPartitioner } from './partitioner.js';
import { buildBatch, BATCH_OVERHEAD, type GatewayRecord } from './record-batch.js';

export type BodyFormat = 'json' | 'kafka-json' | 'kafka-binary' | 'binary';
export const HEADER_PREFIX = 'kafka-header-';

export interface IngestRecord extends GatewayRecord {
  partition: number | undefined;
}

export interface RecordResult {
  partition: number;
  offset: number;
  timestamp: number;
  error_code: number | null;
  error: string | null;
  message?: string;
}

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const ct = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  switch (ct) {
    case 'application/json':
    case 'text/json':
    case '':
      return 'json';
    case 'application/vnd.kafka.json.v2+json':
      return 'kafka-json';
    case 'application/vnd.kafka.binary.v2+json':
      return 'kafka-binary';
    case 'application/octet-stream':
      return 'binary';
    default:
      throw new GatewayError(415, ErrorCode.INVALID_REQUEST, `unsupported content-type "${contentType}": use application/json, application/vnd.kafka.json.v2+json, application/vnd.kafka.binary.v2+json or application/octet-stream`);
  }
}

export function parseAcks(v: string | null): 0 | 1 | -1 {
  if (v === null || v === '' || v === 'all' || v === '-1') return -1;
  if (v === '1') return 1;
  if (v === '0') return 0;
  throw badRequest(`acks must be 0, 1, -1 or all, got "${v}"`, ErrorCode.INVALID_REQUIRED_ACKS);
}

function toBytes(v: unknown, format: BodyFormat, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (format === 'kafka-binary') {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw badRequest(`${what} must be a base64 string in ${'application/vnd.kafka.binary.v2+json'}`, ErrorCode.INVALID_RECORD);
    return Buffer.from(v, 'base64');
  }
  if (format === 'json' && typeof v === 'string') return Buffer.from(v, 'utf8');
  return Buffer.from(JSON.stringify(v), 'utf8');
}

function parseHeaders(h: unknown, format: BodyFormat, i: number): Array<[string, Buffer | null]> {
  if (h === undefined || h === null) return [];
  const out: Array<[string, Buffer | null]> = [];
  const value = (v: unknown, name: string): Buffer | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw badRequest(`records[${i}].headers.${name} must be a string or null`, ErrorCode.INVALID_RECORD);
    return format === 'kafka-binary' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8');
  };
  if (Array.isArray(h)) {
    for (const e of h) {
      const name = (e as { name?: unknown; key?: unknown })?.name ?? (e as { key?: unknown })?.key;
      if (typeof name !== 'string') throw badRequest(`records[${i}].headers entries need a string "name"`, ErrorCode.INVALID_RECORD);
      out.push([name, value((e as { value?: unknown }).value, name)]);
    }
  } else if (typeof h === 'object') {
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) out.push([k, value(v, k)]);
  } else {
    throw badRequest(`records[${i}].headers must be an array of {name, value} or an object`, ErrorCode.INVALID_RECORD);
  }
  return out;
}

/** Parses a JSON produce body into records; throws GatewayError (400, INVALID_REQUEST/INVALID_RECORD) on bad input. */
export function parseJsonRecords(body: Buffer, format: Exclude<BodyFormat, 'binary'>, now = Date.now()): IngestRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`body is not valid JSON: ${(e as Error).message}`);
  }
  let list: unknown;
  if (Array.isArray(doc)) list = doc;
  else if (doc !== null && typeof doc === 'object' && 'records' in doc) list = (doc as { records: unknown }).records;
  else if (doc !== null && typeof doc === 'object' && ('value' in doc || 'key' in doc)) list = [doc];
  else throw badRequest('body must be { "records": [ { "key", "value", "partition", "headers", "timestamp" } ] }, one such record, or an array of them');
  if (!Array.isArray(list) || list.length === 0) throw badRequest('"records" must be a non-empty array');
  return list.map((r, i): IngestRecord => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw badRequest(`records[${i}] must be an object`, ErrorCode.INVALID_RECORD);
    const o = r as Record<string, unknown>;
    let partition: number | undefined;
    if (o.partition !== undefined && o.partition !== null) {
      if (!Number.isInteger(o.partition) || (o.partition as number) < 0) throw badRequest(`records[${i}].partition must be a non-negative integer`, ErrorCode.INVALID_RECORD);
      partition = o.partition as number;
    }
    let timestamp = now;
    if (o.timestamp !== undefined && o.timestamp !== null) {
      if (!Number.isSafeInteger(o.timestamp) || (o.timestamp as number) < 0) throw badRequest(`records[${i}].timestamp must be milliseconds since the epoch`, ErrorCode.INVALID_TIMESTAMP);
      timestamp = o.timestamp as number;
    }
    return { key: toBytes(o.key, format, `records[${i}].key`), value: toBytes(o.value, format, `records[${i}].value`), headers: parseHeaders(o.headers, format, i), timestamp, partition };
  });
}

/** One record from a binary body: value = body, key from ?key=, headers from kafka-header-* HTTP headers. */
export function binaryRecord(body: Buffer, info: RequestInfo, now = Date.now()): IngestRecord {
  const key = info.query.get('key');
  const headers: Array<[string, Buffer | null]> = [];
  for (const [k, v] of info.headers) if (k.startsWith(HEADER_PREFIX) && k.length > HEADER_PREFIX.length) headers.push([k.slice(HEADER_PREFIX.length), Buffer.from(v, 'utf8')]);
  const ts = info.query.get('timestamp');
  if (ts !== null && !/^\d+$/.test(ts)) throw badRequest('timestamp must be milliseconds since the epoch', ErrorCode.INVALID_TIMESTAMP);
  const p = info.query.get('partition');
  if (p !== null && !/^\d+$/.test(p)) throw badRequest('partition must be a non-negative integer', ErrorCode.INVALID_RECORD);
  return { key: key === null ? null : Buffer.from(key, 'utf8'), value: body, headers, timestamp: ts === null ? now : Number(ts), partition: p === null ? undefined : Number(p) };
}

/** Bytes a record adds to a batch, roughly (for splitting into batches under max.message.bytes). */
function approxSize(r: GatewayRecord): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const [k, v] of r.headers) n += 10 + k.length * 3 + (v?.length ?? 0);
  return n;
}

/** Who is producing over HTTP, as the broker's rules see it. */
export function httpRequester(info: RequestInfo): Requester {
  return { ingress: 'http', listener: GATEWAY_LISTENER, clientId: gatewayClientId(info.headers), remote: info.remote, principal: info.principal ?? ANONYMOUS_PRINCIPAL };
}

/** The client id a gateway request is measured under (quotas, logs): a `client-id` or `x-client-id` header, else "gateway". */
export const GATEWAY_CLIENT_ID = 'gateway';
export function gatewayClientId(headers: { get(name: string): string | undefined }): string {
  const id = headers.get('client-id') || headers.get('x-client-id');
  return id ? id.slice(0, 255) : GATEWAY_CLIENT_ID;
}

/**
 * Appends `records` to `topic` through the broker's ReplicaManager (which auto-creates the topic when the
 * broker allows and refuses internal topics): groups them by partition, builds batches under the topic's
 * max.message.bytes, appends each in order, and returns one result per record in request order.
 * Partition-level failures are reported per record with the Kafka error code; a topic-level refusal
 * throws a GatewayError carrying the Kafka code.
 */
export async function ingest(broker: Broker, sticky: StickyPartitioner, requester: Requester, acks: number, topic: string, fixedPartition: number | undefined, records: IngestRecord[]): Promise<RecordResult[]> {
  const rm = broker.context.replicaManager;
  let meta;
  try {
    meta = await rm.topicForAppend(requester, topic);
  } catch (e) {
    const k = kafkaErrorOf(e);
    throw new GatewayError(statusForKafkaError(k.errorCode), k.errorCode, k.message);
  }
  const n = meta.partitions;
  const stickyPartition = records.some((r) => r.key === null && r.partition === undefined) && fixedPartition === undefined ? sticky.next(topic, n) : 0;
  const byPartition = new Map<number, number[]>();
  const results: RecordResult[] = new Array(records.length);
  records.forEach((r, i) => {
    const p = fixedPartition ?? r.partition ?? (r.key !== null ? partitionForKey(r.key, n) : stickyPartition);
    let list = byPartition.get(p);
    if (!list) byPartition.set(p, (list = []));
    list.push(i);
  });
  const maxBatch = Math.max(BATCH_OVERHEAD + 64, broker.context.topicConfig(topic)['max.message.bytes'] - 12);
  await Promise.all([...byPartition].map(async ([p, indexes]) => {
    const fail = (code: number, message: string, which: number[]) => {
      for (const i of which) results[i] = { partition: p, offset: -1, timestamp: -1, error_code: code, error: errorName(code) ?? 'UNKNOWN_SERVER_ERROR', message };
    };
    // Split into batches that fit; one record alone that does not fit is refused by the append.
    const groups: number[][] = [];
    let cur: number[] = [];
    let size = BATCH_OVERHEAD;
    for (const i of indexes) {
      const s = approxSize(records[i]!);
      if (cur.length > 0 && size + s > maxBatch) {
        groups.push(cur);
        cur = [];
        size = BATCH_OVERHEAD;
      }
      cur.push(i);
      size += s;
    }
    groups.push(cur);
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const batch = buildBatch(group.map((i) => records[i]!), rm.crc32c);
      const [r] = await rm.appendRecords(requester, { acks }, [{ topic, partition: p, records: batch }]);
      if (r!.errorCode !== ErrorCode.NONE) {
        // This batch and the ones after it fail: records after a failed one must not overtake it.
        fail(r!.errorCode, r!.errorMessage ?? errorName(r!.errorCode) ?? 'append failed', groups.slice(g).flat());
        return;
      }
      for (let k = 0; k < group.length; k++) {
        const rec = records[group[k]!]!;
        results[group[k]!] = { partition: p, offset: r!.baseOffset + k, timestamp: r!.logAppendTime >= 0 ? r!.logAppendTime : rec.timestamp, error_code: null, error: null };
      }
    }
  }));
  return results;
}

/** The HTTP status for a produce answer: 200 unless every record failed, then the status of the first error. */
export function produceStatus(results: RecordResult[]): number {
  if (results.some((r) => r.error_code === null)) return 200;
  return statusForKafkaError(results[0]!.error_code!);
}
