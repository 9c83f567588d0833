// Fetch (key 1): whole record batches from each partition, bounded by partition_max_bytes and max_bytes.
// When less than min_bytes is available the request waits (up to max_wait_ms) and is woken by appends,
// not by polling timers. Fetch sessions (KIP-227, see ../fetch-session.ts): a full fetch with epoch 0
// creates a session; incremental fetches name only changed partitions and are answered only with
// partitions that have records, a moved high watermark or log start offset, or an error.
import { ErrorCode, errorCodeByName, type Fetch, type RecordsPayload } from '../../protocol/index.js';
import { fileRecords, nativeErrorName } from '../../hotpath/index.js';
import type { Partition } from '../../log/index.js';
import type { BrokerContext } from '../context.js';
import { FetchSessionCache, resolveSession, type SessionPartition } from '../fetch-session.js';
import type { RequestContext } from '../request-context.js';
import { fetchChannel, type FetchEvent } from '../diagnostics.js';

type FetchResponse = Fetch.FetchResponse<RecordsPayload>;
type PartitionData = FetchResponse['responses'][number]['partitions'][number];
const EMPTY = Buffer.alloc(0);

/** One session cache per broker (sessions outlive connections). */
const sessionCaches = new WeakMap<BrokerContext, FetchSessionCache>();
function sessionCache(ctx: BrokerContext): FetchSessionCache {
  let c = sessionCaches.get(ctx);
  if (!c) {
    const slots = ctx.config['max.incremental.fetch.session.cache.slots'];
    c = new FetchSessionCache(typeof slots === 'number' ? slots : undefined);
    sessionCaches.set(ctx, c);
  }
  return c;
}

export async function handleFetch(req: Fetch.FetchRequest, rc: RequestContext): Promise<FetchResponse> {
  const { ctx } = rc;
  const resolved = resolveSession(sessionCache(ctx), req, Date.now());
  if (resolved.kind === 'error') return { throttleTimeMs: 0, errorCode: resolved.errorCode, sessionId: 0, responses: [] };
  const incremental = resolved.kind === 'incremental';
  const zeroCopy = ctx.config['fetch.zero.copy'] !== false;
  const zeroCopyMinBytes = Number(ctx.config['fetch.zero.copy.min.bytes'] ?? 0);
  // Resolve partitions once, grouped by topic in order; unknown ones answer with an error and never wait.
  const targets: Array<{ topic: string; partitions: Array<{ req: SessionPartition; log: Partition | undefined }> }> = [];
  for (const p of resolved.partitions) {
    let t = targets[targets.length - 1];
    if (t?.topic !== p.topic) targets.push(t = { topic: p.topic, partitions: [] });
    t.partitions.push({ req: p, log: ctx.metadata.getTopic(p.topic) ? ctx.partition(p.topic, p.partition) : undefined });
  }

  const read = (): { responses: FetchResponse['responses']; bytes: number; errors: boolean } => {
    let budget = req.maxBytes > 0 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
    let bytes = 0;
    let errors = false;
    const responses = targets.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map(({ req: p, log }): PartitionData => {
        if (!log) {
          errors = true;
          return partitionError(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        try {
          const max = Math.min(p.partitionMaxBytes, budget);
          const r = log.locate(p.fetchOffset, Math.max(max, 0), bytes === 0);
          const n = r.byteLength;
          bytes += n;
          budget -= n;
          // Records at least fetch.zero.copy.min.bytes long stay in the file and go out with sendfile(2);
          // smaller ones are read into memory (one copy, by the addon) and written by Node.
          const records = n === 0 ? EMPTY : zeroCopy && n >= zeroCopyMinBytes ? fileRecords(r) : r.read();
          return {
            partitionIndex: p.partition, errorCode: ErrorCode.NONE, highWatermark: r.highWatermark, lastStableOffset: r.highWatermark,
            logStartOffset: r.logStartOffset, abortedTransactions: [], preferredReadReplica: -1, records,
          };
        } catch (err) {
          errors = true;
          const name = nativeErrorName(err);
          if (name !== 'OFFSET_OUT_OF_RANGE') ctx.log.warn({ topic: t.topic, partition: p.partition, error: name, reason: (err as Error).message }, 'fetch failed');
          return { ...partitionError(p.partition, errorCodeByName(name) ?? ErrorCode.UNKNOWN_SERVER_ERROR), highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
        }
      }),
    }));
    return { responses, bytes, errors };
  };

  // Partitions whose data is not in the page cache (catching-up consumers) are read into it by io
  // workers first, so the lookup and read below never wait for the disk on the event loop.
  const cold = targets.flatMap((t) => t.partitions.map(({ req: p, log }) => log?.warmForFetch(p.fetchOffset, req.maxBytes > 0 ? Math.min(p.partitionMaxBytes, req.maxBytes) : p.partitionMaxBytes)));
  const warming = cold.filter((w): w is Promise<void> => w !== undefined);
  if (warming.length > 0) await Promise.all(warming);
  let result = read();
  const deadline = Date.now() + Math.max(0, req.maxWaitMs);
  while (!result.errors && result.bytes < req.minBytes && Date.now() < deadline) {
    const logs = targets.flatMap((t) => t.partitions.map((p) => p.log)).filter((l): l is Partition => l !== undefined);
    if (logs.length === 0) break;
    await waitForAppend(logs, deadline - Date.now());
    result = read();
  }
  if (fetchChannel.hasSubscribers) {
    for (const t of result.responses) for (const p of t.partitions) if (p.records && recordsBytes(p.records) > 0) fetchChannel.publish({ topic: t.topic, partition: p.partitionIndex, bytes: recordsBytes(p.records) } satisfies FetchEvent);
  }
  let responses = result.responses;
  if (resolved.session) {
    // Remember what each partition was told; an incremental answer keeps only partitions with news.
    responses = [];
    for (let i = 0; i < targets.length; i++) {
      const kept: PartitionData[] = [];
      const parts = result.responses[i]!.partitions;
      for (let j = 0; j < parts.length; j++) {
        const d = parts[j]!;
        const cached = targets[i]!.partitions[j]!.req;
        const news = d.records === null || recordsBytes(d.records) > 0 || d.errorCode !== ErrorCode.NONE
          || d.highWatermark !== cached.lastHighWatermark || d.logStartOffset !== cached.lastLogStartOffset;
        cached.lastHighWatermark = d.highWatermark;
        cached.lastLogStartOffset = d.logStartOffset;
        if (news || !incremental) kept.push(d);
      }
      if (kept.length > 0) responses.push({ topic: targets[i]!.topic, partitions: kept });
    }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: resolved.session?.id ?? 0, responses };
}

function partitionError(partitionIndex: number, errorCode: number): PartitionData {
  return { partitionIndex, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: [], preferredReadReplica: -1, records: EMPTY };
}

/** Resolves on the first append to any of `logs`, or after `ms`. */
function waitForAppend(logs: Partition[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const cancels: Array<() => void> = [];
    const done = () => {
      clearTimeout(timer);
      for (const c of cancels) c();
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const l of logs) cancels.push(l.onData(done));
  });
}

/** Bytes of a partition's records, in memory or left in a segment file. */
function recordsBytes(r: RecordsPayload): number {
  return Buffer.isBuffer(r) ? r.length : r.byteLength;
}
