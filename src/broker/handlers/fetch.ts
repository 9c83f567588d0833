// Fetch (key 1): whole record batches from each partition, bounded by partition_max_bytes and max_bytes.
// When less than min_bytes is available the request waits (up to max_wait_ms) and is woken by appends,
// not by polling timers. Fetch sessions (KIP-227, see ../fetch-session.ts): a full fetch with epoch 0
// creates a session; incremental fetches name only changed partitions and are answered only with
// partitions that have records, a moved high watermark or log start offset, or an error.
import { ErrorCode, type Fetch, type RecordsPayload } from '../../protocol/index.js';
import type { BrokerContext } from '../context.js';
import { FetchSessionCache, resolveSession, type SessionPartition } from '../fetch-session.js';
import { recordsBytes, type PartitionFetch } from '../replica-manager.js';
import { requesterOf, type RequestContext } from '../request-context.js';

type FetchResponse = Fetch.FetchResponse<RecordsPayload>;
type PartitionData = FetchResponse['responses'][number]['partitions'][number];

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
  const entries: PartitionFetch[] = resolved.partitions.map((p) => ({ topic: p.topic, partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes }));
  // A consumer under consumer_byte_rate reads at most what an empty quota window allows in one response
  // (Kafka caps fetch max bytes the same way); min_bytes is capped to it too.
  const who = requesterOf(rc);
  const quotaMaxBytes = req.replicaId < 0 && ctx.quotas.active ? Math.max(1, Math.floor(ctx.quotas.maxValueInQuotaWindow('fetch', who))) : Infinity;
  const maxBytes = Math.min(req.maxBytes, quotaMaxBytes);
  const minBytes = Math.min(req.minBytes, maxBytes);
  const results = await ctx.replicaManager.fetchRecords(who, { replicaId: req.replicaId, isolationLevel: req.isolationLevel, maxWaitMs: req.maxWaitMs, minBytes, maxBytes }, entries);
  // consumer_byte_rate and request_percentage (Kafka's KafkaApis.handleFetchRequest, KIP-219): a consumer's
  // response bytes count against its quota (followers are not limited). When either quota calls for a
  // throttle, the answer is empty with the larger throttle time, the bytes are taken back (the consumer will
  // fetch them again after the mute), and the session is left as the request set it: a full fetch gets no
  // session (id 0, Kafka's FullFetchContext.getThrottledResponse), an incremental one keeps its id and what
  // its partitions were last told.
  // (Checked again: a quota may have been set while the fetch waited for data.)
  if (req.replicaId < 0 && ctx.quotas.active) {
    const now = Date.now();
    let bytes = 0;
    for (const r of results) bytes += recordsBytes(r.records);
    const fetchThrottleMs = ctx.quotas.record('fetch', who, bytes, now);
    // The dispatcher recorded this request's time when the handler returned to it (before the read finished).
    const requestThrottleMs = ctx.quotas.throttleTimeMs('request', who, now);
    const throttleTimeMs = Math.max(fetchThrottleMs, requestThrottleMs);
    if (throttleTimeMs > 0) {
      ctx.quotas.unrecord('fetch', who, bytes, now);
      rc.conn.throttle?.(throttleTimeMs);
      let sessionId = 0;
      if (resolved.session && incremental) sessionId = resolved.session.id;
      else if (resolved.session) sessionCache(ctx).remove(resolved.session.id);
      return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId, responses: [] };
    }
  }
  // Group by topic in request order; with a session, remember what each partition was told, and an
  // incremental answer keeps only partitions with news.
  const responses: FetchResponse['responses'] = [];
  results.forEach((r, i) => {
    const d: PartitionData = { partitionIndex: r.partition, errorCode: r.errorCode, highWatermark: r.highWatermark, lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset, abortedTransactions: r.abortedTransactions, preferredReadReplica: -1, records: r.records };
    if (resolved.session) {
      const cached: SessionPartition = resolved.partitions[i]!;
      const news = d.records === null || recordsBytes(d.records) > 0 || d.errorCode !== ErrorCode.NONE
        || d.highWatermark !== cached.lastHighWatermark || d.logStartOffset !== cached.lastLogStartOffset;
      cached.lastHighWatermark = d.highWatermark;
      cached.lastLogStartOffset = d.logStartOffset;
      if (!news && incremental) return;
    }
    let t = responses[responses.length - 1];
    if (t?.topic !== r.topic) responses.push(t = { topic: r.topic, partitions: [] });
    t.partitions.push(d);
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: resolved.session?.id ?? 0, responses };
}
