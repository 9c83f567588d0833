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
  const results = await ctx.replicaManager.fetchRecords(requesterOf(rc), { replicaId: req.replicaId, isolationLevel: req.isolationLevel, maxWaitMs: req.maxWaitMs, minBytes: req.minBytes, maxBytes: req.maxBytes }, entries);
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
  // consumer_byte_rate: a consumer's response bytes count against its quota (followers are not limited).
  let throttleTimeMs = 0;
  if (req.replicaId < 0 && ctx.quotas.active) {
    let bytes = 0;
    for (const r of results) bytes += recordsBytes(r.records);
    throttleTimeMs = ctx.quotas.record('fetch', requesterOf(rc), bytes);
    if (throttleTimeMs > 0) rc.conn.throttle?.(throttleTimeMs);
  }
  return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: resolved.session?.id ?? 0, responses };
}

