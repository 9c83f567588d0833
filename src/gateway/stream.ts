// WebSocket streaming consumers. A socket subscribes to topic partitions from earliest, latest, an
// offset or a timestamp and receives records frames (frames.ts) as they are appended.
//
// Flow control, so that no client can make the gateway buffer without bound or slow others:
//  - credit: the client grants a window of records (`credit` in subscribe, then {"type":"credit"}); the
//    server sends at most that many records before waiting for more. `"credit": null` means no window.
//  - backpressure: nothing is sent while uWS holds more than gateway.ws.max.buffered.bytes for the
//    socket; its drain event resumes sending. A stalled socket therefore holds at most that much plus
//    one frame, and costs nothing else: it is not read for, and no other socket waits for it.
//  - fan-out: subscribers at the same position of a partition share one read, decode and encoding
//    (ChunkCache), so a thousand sockets at the tail cost one decode per append, not a thousand.
// Every read goes through the broker's ReplicaManager (the rules of every ingress live there); waiting
// for data uses its append wake-ups (no polling timers).
import { ANONYMOUS_PRINCIPAL, GATEWAY_LISTENER, type Broker, type ReplicaManager, type Requester } from '../broker/index.js';
import { BrokerError, ErrorCode, errorName, kafkaErrorOf } from '../protocol/index.js';
import { encodeRecords, FRAME_FORMATS, type FrameFormat } from './frames.js';
import { GroupMember, type GroupCoordinatorApi } from './group-member.js';
import { decodeBatches, type AbortedTxn, type DecodedRecord } from './record-batch.js';
import type { WebSocket } from './uws.js';

/** Bytes of log read per step per partition. */
const READ_BYTES = 256 * 1024;
const MAX_CREDIT = 1_000_000_000;

export interface Chunk {
  readonly records: DecodedRecord[];
  readonly nextOffset: number;
  readonly frames: Map<FrameFormat, Buffer>;
  bytes: number;
}

/** Kafka's isolation.level for a reader: read_committed (the gateway's default) or read_uncommitted. */
export type Isolation = 'read_committed' | 'read_uncommitted';
export const ISOLATIONS: readonly Isolation[] = ['read_committed', 'read_uncommitted'];

/** A subscribe's or browse's isolation (default read_committed); throws a message for anything else. */
export function parseIsolation(v: unknown): Isolation {
  if (v === undefined || v === null || v === '') return 'read_committed';
  if (!ISOLATIONS.includes(v as Isolation)) throw new Error(`isolation must be "read_committed" or "read_uncommitted", not ${JSON.stringify(v)}`);
  return v as Isolation;
}

/**
 * A partition a WebSocket reads, through the ReplicaManager (which checks each read). read_committed
 * reads stop at the last stable offset and drop aborted transactions (the list a read_committed Fetch gets).
 */
export class PartitionCursorSource {
  constructor(readonly rm: ReplicaManager, readonly requester: Requester, readonly topic: string, readonly partition: number, readonly isolation: Isolation = 'read_committed') {}
  get highWatermark(): number {
    return this.rm.offsets(this.requester, this.topic, this.partition).highWatermark;
  }
  /** Where this reader's data ends: the last stable offset (read_committed) or the high watermark. */
  get end(): number {
    const o = this.rm.offsets(this.requester, this.topic, this.partition);
    return this.isolation === 'read_committed' ? o.lastStableOffset : o.highWatermark;
  }
  get logStartOffset(): number {
    return this.rm.offsets(this.requester, this.topic, this.partition).logStartOffset;
  }
  read(offset: number, maxBytes: number): { records: Buffer; aborted: AbortedTxn[] | null } {
    const r = this.rm.readRecords(this.requester, this.topic, this.partition, offset, maxBytes, true, this.isolation === 'read_committed');
    return { records: r.records, aborted: r.abortedTransactions };
  }
  offsetForTimestamp(timestamp: number): number | undefined {
    return this.rm.offsetForTimestamp(this.requester, this.topic, this.partition, timestamp)?.offset;
  }
  onData(wake: () => void): () => void {
    return this.rm.onAppend(this.requester, this.topic, this.partition, wake);
  }
}

/** Reads shared by subscribers at the same (partition, isolation, offset, end offset); bounded by bytes. */
export class ChunkCache {
  readonly #entries = new Map<string, Promise<Chunk>>();
  readonly #sizes = new Map<string, number>();
  #bytes = 0;
  constructor(readonly maxBytes: number) {}

  get(log: PartitionCursorSource, offset: number): Promise<Chunk> {
    const key = `${log.topic}\0${log.partition}\0${log.isolation}\0${offset}\0${log.end}`;
    let entry = this.#entries.get(key);
    if (entry) return entry;
    entry = (async () => {
      const { records, aborted } = log.read(offset, READ_BYTES);
      const decoded = await decodeBatches(records, offset, aborted);
      return { records: decoded.records, nextOffset: decoded.nextOffset, frames: new Map(), bytes: records.length };
    })();
    this.#entries.set(key, entry);
    entry.then((c) => {
      if (!this.#entries.has(key)) return;
      this.#sizes.set(key, c.bytes * 2);
      this.#bytes += c.bytes * 2;
      this.#evict();
    }, () => this.#entries.delete(key));
    return entry;
  }

  frame(log: PartitionCursorSource, chunk: Chunk, format: FrameFormat): Buffer {
    let f = chunk.frames.get(format);
    if (!f) {
      f = encodeRecords(log.topic, log.partition, chunk.records, format);
      chunk.frames.set(format, f);
    }
    return f;
  }

  #evict(): void {
    for (const [key] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#bytes -= this.#sizes.get(key) ?? 0;
      this.#sizes.delete(key);
      this.#entries.delete(key);
    }
  }
}

export type StartPosition = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

interface Cursor {
  readonly log: PartitionCursorSource;
  position: number;
  cancelWait: (() => void) | undefined;
  /** Assigned by a consumer group (given up on a rebalance), rather than chosen by the client. */
  readonly group: boolean;
}

/** The broker's group coordinator (src/group), seen through the narrow interface the gateway uses. */
export function groupCoordinator(broker: Broker): GroupCoordinatorApi | undefined {
  return broker.context.groups;
}

export interface SessionStats {
  recordsOut(topic: string, records: number, bytes: number): void;
  /** Records bytes sent against the reader's consumer_byte_rate; answers how long to pause sending (ms, 0: none). */
  throttle?(who: Requester, bytes: number): number;
}

export interface WsUserData {
  session?: StreamSession;
  /** The principal the upgrade request authenticated (gateway.authentication=basic or bearer). */
  principal?: string;
  /** gateway.authentication=bearer: when the upgrade's token expires (the socket is closed then). */
  expiresAtMs?: number;
  expiryTimer?: NodeJS.Timeout;
  /** The upgrade request's `client-id` / `x-client-id` header, else the gateway's default. */
  clientId?: string;
}

/** Who is reading over a WebSocket, as the broker's rules see it. */
export function wsRequester(remote: string, principal: string = ANONYMOUS_PRINCIPAL, clientId: string | null = null): Requester {
  return { ingress: 'websocket', listener: GATEWAY_LISTENER, clientId, remote, principal };
}

function wsError(code: number, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'error', error_code: code, error: errorName(code) ?? 'UNKNOWN_SERVER_ERROR', message, ...extra });
}

/** One WebSocket's subscriptions, credit and send loop. */
export class StreamSession {
  readonly #broker: Broker;
  readonly #ws: WebSocket<WsUserData>;
  readonly #cache: ChunkCache;
  readonly #maxBuffered: number;
  readonly #stats: SessionStats;
  #requester: Requester;
  readonly #cursors: Cursor[] = [];
  /** consumer_byte_rate: sending is paused until this timer fires. */
  #throttleTimer: NodeJS.Timeout | undefined;
  #format: FrameFormat = 'json';
  #member: GroupMember | undefined;
  #credit = 0;
  #rr = 0;
  #pumping = false;
  #again = false;
  closed = false;
  /** Offsets the client acknowledged (next offset to read), per "topic/partition". */
  readonly acked = new Map<string, number>();

  constructor(broker: Broker, ws: WebSocket<WsUserData>, cache: ChunkCache, maxBuffered: number, stats: SessionStats, requester: Requester = wsRequester('?')) {
    this.#broker = broker;
    this.#requester = requester;
    this.#ws = ws;
    this.#cache = cache;
    this.#maxBuffered = maxBuffered;
    this.#stats = stats;
  }

  get credit(): number {
    return this.#credit;
  }
  get bufferedAmount(): number {
    return this.closed ? 0 : this.#ws.getBufferedAmount();
  }
  get cursors(): ReadonlyArray<{ topic: string; partition: number; position: number; highWatermark: number }> {
    return this.#cursors.map((c) => ({ topic: c.log.topic, partition: c.log.partition, position: c.position, highWatermark: c.log.highWatermark }));
  }

  /** Sends outside uWS callbacks (after an await) go through cork(), so uWS flushes them now. */
  #send(text: string): void {
    if (!this.closed) this.#ws.cork(() => this.#ws.send(text, false));
  }

  /** Handles one client message; protocol errors are answered with an error message, never thrown. */
  onMessage(data: ArrayBuffer, isBinary: boolean): void {
    let msg: Record<string, unknown>;
    try {
      if (isBinary) throw new Error('control messages are JSON text frames');
      msg = JSON.parse(Buffer.from(data).toString('utf8'));
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new Error('a control message is a JSON object with a "type"');
    } catch (e) {
      this.#send(wsError(ErrorCode.INVALID_REQUEST, (e as Error).message));
      return;
    }
    try {
      switch (msg.type) {
        case 'subscribe':
          this.#subscribe(msg);
          break;
        case 'credit': {
          const n = msg.records;
          if (!Number.isInteger(n) || (n as number) < 0) throw new Error('credit.records must be a non-negative integer');
          this.#credit = Math.min(MAX_CREDIT, this.#credit + (n as number));
          this.pump();
          break;
        }
        case 'ack':
        case 'commit':
          this.#ack(msg);
          break;
        case 'unsubscribe':
          this.#unsubscribe(msg);
          break;
        case 'ping':
          this.#send(JSON.stringify({ type: 'pong', id: msg.id ?? null }));
          break;
        default:
          throw new Error(`unknown message type ${JSON.stringify(msg.type)} (subscribe, credit, ack, unsubscribe, ping)`);
      }
    } catch (e) {
      const code = e instanceof BrokerError ? e.errorCode : ErrorCode.INVALID_REQUEST;
      this.#send(wsError(code, (e as Error).message, { request: msg.type ?? null }));
    }
  }

  #subscribe(msg: Record<string, unknown>): void {
    if (msg.group !== undefined) {
      this.#joinGroup(msg);
      return;
    }
    const topic = msg.topic;
    if (typeof topic !== 'string' || topic.length === 0) throw new Error('subscribe.topic must be a topic name');
    const meta = this.#broker.context.replicaManager.topicForRead(this.#requester, topic);
    let partitions: number[];
    if (msg.partitions === undefined || msg.partitions === null) partitions = Array.from({ length: meta.partitions }, (_, i) => i);
    else if (Array.isArray(msg.partitions) && msg.partitions.every((p) => Number.isInteger(p) && p >= 0 && p < meta.partitions)) partitions = msg.partitions as number[];
    else throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `subscribe.partitions must be partition numbers of '${topic}' (0..${meta.partitions - 1})`);
    const isolation = parseIsolation(msg.isolation);
    this.#setFlow(msg);
    this.#setClientId(msg);
    const from = msg.from ?? 'latest';
    const perPartition = (from as { offsets?: unknown }).offsets;
    const subscribed: Array<{ partition: number; offset: number }> = [];
    for (const p of partitions) {
      const log = this.#source(topic, p, isolation);
      // {"offsets": {...}} resumes where a previous session acknowledged; partitions it does not list start at `reset`.
      const explicit = perPartition && typeof perPartition === 'object' ? (perPartition as Record<string, unknown>)[String(p)] : undefined;
      const fallback = perPartition !== undefined ? ((msg.reset ?? 'earliest') as StartPosition) : (from as StartPosition);
      const position = explicit !== undefined ? this.#resolve(log, { offset: explicit as number }) : this.#resolve(log, fallback);
      const existing = this.#cursors.find((c) => c.log.topic === topic && c.log.partition === p);
      if (existing) {
        existing.cancelWait?.();
        this.#cursors.splice(this.#cursors.indexOf(existing), 1, { log, position, cancelWait: undefined, group: existing.group });
      } else this.#cursors.push({ log, position, cancelWait: undefined, group: false });
      subscribed.push({ partition: p, offset: position });
    }
    this.#send(JSON.stringify({ type: 'subscribed', topic, isolation, format: this.#format, credit: this.#credit >= MAX_CREDIT ? null : this.#credit, partitions: subscribed }));
    this.pump();
  }

  #setFlow(msg: Record<string, unknown>): void {
    if (msg.format !== undefined) {
      if (!FRAME_FORMATS.includes(msg.format as FrameFormat)) throw new Error(`subscribe.format must be one of ${FRAME_FORMATS.join(', ')}`);
      this.#format = msg.format as FrameFormat;
    }
    if (msg.credit === null) this.#credit = MAX_CREDIT;
    else if (msg.credit !== undefined) {
      if (!Number.isInteger(msg.credit) || (msg.credit as number) < 0) throw new Error('subscribe.credit must be a non-negative integer, or null for no window');
      this.#credit = Math.min(MAX_CREDIT, this.#credit + (msg.credit as number));
    } else if (this.#credit === 0) this.#credit = 1000;
  }

  /** A subscribe's `clientId`: the client id this socket's reads are measured under (quotas). */
  #setClientId(msg: Record<string, unknown>): void {
    if (msg.clientId === undefined || msg.clientId === null) return;
    if (typeof msg.clientId !== 'string' || msg.clientId.length === 0 || msg.clientId.length > 255) throw new Error('subscribe.clientId must be a client id (1 to 255 characters)');
    this.#requester = { ...this.#requester, clientId: msg.clientId };
  }

  /** {"type":"subscribe","group":"g","topics":["t"],"reset":"earliest"|"latest"}: partitions come from the group. */
  #joinGroup(msg: Record<string, unknown>): void {
    const coordinator = groupCoordinator(this.#broker);
    if (!coordinator) throw new BrokerError('COORDINATOR_NOT_AVAILABLE', 'consumer groups are not available in this broker build');
    if (this.#member) throw new Error('this socket is already a group member; open another socket for another group');
    const group = msg.group;
    if (typeof group !== 'string' || group.length === 0) throw new BrokerError('INVALID_GROUP_ID', 'subscribe.group must be a group id');
    const topics = Array.isArray(msg.topics) ? msg.topics : typeof msg.topic === 'string' ? [msg.topic] : [];
    if (topics.length === 0 || !topics.every((t) => typeof t === 'string')) throw new Error('subscribe with a group needs "topics": [names] (or "topic")');
    for (const t of topics as string[]) {
      // A gateway group commits the offsets it reads; internal topics are the coordinators' own, not the gateway's to consume as a group.
      if (this.#broker.context.replicaManager.topicForRead(this.#requester, t).internal) throw new BrokerError('INVALID_TOPIC_EXCEPTION', `Cannot consume internal topic ${t} as a group over the gateway`);
    }
    const reset = (msg.reset ?? 'latest') as StartPosition;
    if (reset !== 'earliest' && reset !== 'latest') throw new Error('subscribe.reset must be "earliest" or "latest"');
    const isolation = parseIsolation(msg.isolation);
    this.#setFlow(msg);
    this.#setClientId(msg);
    const ctx = this.#broker.context;
    const member = new GroupMember(coordinator, group, topics as string[], {
      assigned: (generation, parts) => {
        this.#dropGroupCursors();
        const out: Array<{ topic: string; partition: number; offset: number }> = [];
        for (const p of parts) {
          let log: PartitionCursorSource;
          try {
            log = this.#source(p.topic, p.partition, isolation);
          } catch {
            continue;
          }
          const position = p.offset !== null && p.offset <= log.highWatermark ? Math.max(p.offset, log.logStartOffset) : this.#resolve(log, reset);
          this.#cursors.push({ log, position, cancelWait: undefined, group: true });
          out.push({ topic: p.topic, partition: p.partition, offset: position });
        }
        this.#send(JSON.stringify({ type: 'assigned', group, isolation, generation, member_id: member.memberId, partitions: out }));
        this.pump();
      },
      revoked: () => this.#dropGroupCursors(),
      acknowledged: () => this.#cursors.filter((c) => c.group).flatMap((c) => {
        const o = this.acked.get(`${c.log.topic}/${c.log.partition}`);
        return o === undefined ? [] : [{ topic: c.log.topic, partition: c.log.partition, offset: o }];
      }),
      notify: (m) => this.#send(JSON.stringify(m)),
      partitionsOf: (t) => ctx.metadata.getTopic(t)?.partitions ?? 0,
      log: this.#broker.log,
    });
    this.#member = member;
    this.#send(JSON.stringify({ type: 'joining', group, topics }));
    member.join().catch((e) => this.#send(wsError(ErrorCode.UNKNOWN_SERVER_ERROR, `group ${group}: ${(e as Error).message}`)));
  }

  #dropGroupCursors(): void {
    for (let i = this.#cursors.length - 1; i >= 0; i--) {
      const c = this.#cursors[i]!;
      if (!c.group) continue;
      c.cancelWait?.();
      this.#cursors.splice(i, 1);
    }
  }

  /** A cursor source for a partition the ReplicaManager lets this session read; throws its BrokerError. */
  #source(topic: string, partition: number, isolation: Isolation): PartitionCursorSource {
    const rm = this.#broker.context.replicaManager;
    rm.offsets(this.#requester, topic, partition);
    return new PartitionCursorSource(rm, this.#requester, topic, partition, isolation);
  }

  #resolve(log: PartitionCursorSource, from: StartPosition): number {
    if (from === 'earliest') return log.logStartOffset;
    if (from === 'latest') return log.end; // a read_committed consumer's latest is the last stable offset
    if (typeof from === 'object' && from !== null && 'offset' in from) {
      const o = from.offset;
      if (!Number.isSafeInteger(o) || o < 0) throw new Error('from.offset must be a non-negative integer');
      if (o > log.highWatermark) throw new BrokerError('OFFSET_OUT_OF_RANGE', `offset ${o} is past the end of ${log.topic}-${log.partition} (${log.highWatermark})`);
      return Math.max(o, log.logStartOffset);
    }
    if (typeof from === 'object' && from !== null && 'timestamp' in from) {
      const t = from.timestamp;
      if (!Number.isSafeInteger(t) || t < 0) throw new BrokerError('INVALID_TIMESTAMP', 'from.timestamp must be milliseconds since the epoch');
      return log.offsetForTimestamp(t) ?? log.end;
    }
    throw new Error('from must be "earliest", "latest", {"offset": n}, {"timestamp": ms} or {"offsets": {"<partition>": n}}');
  }

  #ack(msg: Record<string, unknown>): void {
    const list = Array.isArray(msg.offsets) ? msg.offsets : [msg];
    for (const o of list as Array<Record<string, unknown>>) {
      if (typeof o.topic !== 'string' || !Number.isInteger(o.partition) || !Number.isSafeInteger(o.offset)) throw new Error('ack needs topic, partition and offset (the next offset to read)');
      this.acked.set(`${o.topic}/${o.partition}`, o.offset as number);
    }
    const member = this.#member;
    if (member) {
      member.commit().then((results) => this.#send(JSON.stringify({ type: 'committed', group: member.groupId, generation: member.generation,
        offsets: results.map((r) => ({ topic: r.topic, partition: r.partition, error_code: r.errorCode })) })),
      (e) => this.#send(wsError(ErrorCode.UNKNOWN_SERVER_ERROR, `commit failed: ${(e as Error).message}`)));
    }
  }

  #unsubscribe(msg: Record<string, unknown>): void {
    for (let i = this.#cursors.length - 1; i >= 0; i--) {
      const c = this.#cursors[i]!;
      if (msg.topic === undefined || msg.topic === c.log.topic) {
        c.cancelWait?.();
        this.#cursors.splice(i, 1);
      }
    }
    this.#send(JSON.stringify({ type: 'unsubscribed', topic: msg.topic ?? null }));
  }

  /** Sends what credit and backpressure allow; re-entrant calls while a step is awaiting run once after it. */
  pump(): void {
    if (this.closed) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    this.#run().catch((e) => this.#broker.log.error({ err: e }, 'websocket stream failed')).finally(() => {
      this.#pumping = false;
      if (this.#again) {
        this.#again = false;
        this.pump();
      }
    });
  }

  async #run(): Promise<void> {
    while (!this.closed && this.#throttleTimer === undefined && this.#credit > 0 && this.#cursors.length > 0 && this.#ws.getBufferedAmount() < this.#maxBuffered) {
      let progressed = false;
      const n = this.#cursors.length;
      for (let k = 0; k < n && !this.closed; k++) {
        if (this.#credit <= 0 || this.#ws.getBufferedAmount() >= this.#maxBuffered) return;
        const c = this.#cursors[(this.#rr + k) % n];
        if (!c || c.cancelWait) continue;
        let chunk: Chunk;
        try {
          chunk = await this.#cache.get(c.log, c.position);
        } catch (err) {
          const name = kafkaErrorOf(err).name;
          if (name === 'OFFSET_OUT_OF_RANGE' && c.position < c.log.logStartOffset) {
            // Retention removed what this cursor pointed at: continue from the log start, and say so.
            this.#send(JSON.stringify({ type: 'reset', topic: c.log.topic, partition: c.log.partition, from: c.position, to: c.log.logStartOffset }));
            c.position = c.log.logStartOffset;
            progressed = true;
            continue;
          }
          this.#send(wsError(ErrorCode.UNKNOWN_SERVER_ERROR, `reading ${c.log.topic}-${c.log.partition} at ${c.position} failed: ${(err as Error).message}`));
          this.#cursors.splice(this.#cursors.indexOf(c), 1);
          return;
        }
        if (this.closed || !this.#cursors.includes(c)) return;
        if (chunk.records.length === 0) {
          if (chunk.nextOffset > c.position) {
            c.position = chunk.nextOffset;
            progressed = true;
          } else if (c.position < c.log.end) {
            progressed = true; // appended (or a transaction ended) while this read was decoded: read again (a new cache key)
          } else {
            c.cancelWait = c.log.onData(() => {
              c.cancelWait = undefined;
              this.pump();
            });
          }
          continue;
        }
        let frame: Buffer;
        let sent: number;
        if (chunk.records.length <= this.#credit) {
          frame = this.#cache.frame(c.log, chunk, this.#format);
          sent = chunk.records.length;
        } else {
          const part = chunk.records.slice(0, this.#credit);
          frame = encodeRecords(c.log.topic, c.log.partition, part, this.#format);
          sent = part.length;
        }
        this.#ws.cork(() => this.#ws.send(frame, this.#format === 'binary', false));
        if (this.#credit < MAX_CREDIT) this.#credit -= sent;
        c.position = chunk.records[sent - 1]!.offset + 1;
        if (sent === chunk.records.length && chunk.nextOffset > c.position) c.position = chunk.nextOffset;
        this.#stats.recordsOut(c.log.topic, sent, frame.length);
        progressed = true;
        const pause = this.#stats.throttle?.(this.#requester, frame.length) ?? 0;
        if (pause > 0) {
          // Over consumer_byte_rate: send nothing more for the throttle time (Kafka mutes the channel as long).
          this.#throttleTimer = setTimeout(() => {
            this.#throttleTimer = undefined;
            this.pump();
          }, pause);
          return;
        }
      }
      this.#rr = (this.#rr + 1) % Math.max(1, this.#cursors.length);
      if (!progressed) return;
    }
  }

  close(): void {
    this.closed = true;
    if (this.#throttleTimer) clearTimeout(this.#throttleTimer);
    this.#member?.leave().catch((e) => this.#broker.log.warn({ err: (e as Error).message }, 'websocket group member leave failed'));
    for (const c of this.#cursors) c.cancelWait?.();
    this.#cursors.length = 0;
  }
}
