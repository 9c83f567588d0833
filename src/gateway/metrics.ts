// The gateway's Prometheus endpoint (/metrics, text format 0.0.4) with Kafka's JMX names flattened the
// way the Prometheus JMX exporter does (kafka_server_brokertopicmetrics_bytesin_total{topic=...}).
// Kafka-protocol traffic is observed through the broker's diagnostics_channels, gateway traffic
// directly; gauges (log sizes, offsets, connections) are read when scraped.
import diagnostics_channel from 'node:diagnostics_channel';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ANONYMOUS_PRINCIPAL, fetchChannel, GATEWAY_LISTENER, produceChannel, requestChannel, type Broker, type Requester, type FetchEvent, type ProduceEvent, type RequestEvent } from '../broker/index.js';

/** The scrape's own reads of partition offsets (not a client's request). */
const METRICS: Requester = { ingress: 'http', listener: GATEWAY_LISTENER, clientId: 'metrics', remote: 'local', principal: ANONYMOUS_PRINCIPAL, internal: true };

/** Latency buckets in ms (Kafka reports request times in ms). */
const BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

type Labels = Record<string, string | number>;

function labelText(l: Labels): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Counter {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const e = this.values.get(key);
    if (e) e.value += by;
    else this.values.set(key, { labels, value: by });
  }
  total(filter?: (l: Labels) => boolean): number {
    let t = 0;
    for (const e of this.values.values()) if (!filter || filter(e.labels)) t += e.value;
    return t;
  }
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const e of this.values.values()) out.push(`${this.name}${labelText(e.labels)} ${e.value}`);
  }
}

class Histogram {
  readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  /** Recent observations for the console's live percentiles, per series, cleared by takeWindow(). */
  readonly window = new Map<string, number[]>();
  constructor(readonly name: string, readonly help: string) {}
  observe(labels: Labels, v: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: new Array(BUCKETS.length).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (v <= BUCKETS[i]!) s.counts[i]!++;
    s.sum += v;
    s.count++;
    const series = String(labels.request ?? key);
    let w = this.window.get(series);
    if (!w) this.window.set(series, (w = []));
    if (w.length < 4096) w.push(v);
  }
  takeWindow(): Map<string, number[]> {
    const w = new Map(this.window);
    this.window.clear();
    return w;
  }
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const s of this.series.values()) {
      BUCKETS.forEach((b, i) => out.push(`${this.name}_bucket${labelText({ ...s.labels, le: b })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`, `${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
  }
}

export interface GaugeSource {
  wsConnections(): number;
  wsBufferedBytes(): { total: number; max: number };
  wsSubscriberLag(): Map<string, number>;
  httpInflightBodyBytes(): number;
  groupLag(): Array<{ group: string; topic: string; partition: number; lag: number }>;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export class GatewayMetrics {
  readonly bytesIn = new Counter('kafka_server_brokertopicmetrics_bytesin_total', 'Record bytes appended, per topic and listener (kafka or gateway).');
  readonly messagesIn = new Counter('kafka_server_brokertopicmetrics_messagesin_total', 'Records appended, per topic and listener.');
  readonly bytesOut = new Counter('kafka_server_brokertopicmetrics_bytesout_total', 'Record bytes sent to consumers, per topic and listener (kafka fetch or gateway websocket).');
  readonly messagesOut = new Counter('gregor_gateway_messagesout_total', 'Records sent to WebSocket subscribers, per topic.');
  readonly requests = new Counter('kafka_network_requestmetrics_requests_total', 'Requests answered, per API (Kafka APIs by name; gateway routes as Http*/Ws*).');
  readonly errors = new Counter('kafka_network_requestmetrics_errors_total', 'Requests that failed, per API.');
  readonly latency = new Histogram('kafka_network_requestmetrics_totaltimems', 'Request time in ms, per API.');
  readonly #loopDelay: IntervalHistogram;
  readonly #unsubscribe: Array<() => void> = [];
  #last = { at: Date.now(), in: 0, bytesIn: 0, out: 0, bytesOut: 0 };

  constructor(readonly broker: Broker, readonly gauges: GaugeSource) {
    const sub = <T>(ch: diagnostics_channel.Channel, f: (e: T) => void) => {
      const h = (m: unknown) => f(m as T);
      ch.subscribe(h);
      this.#unsubscribe.push(() => ch.unsubscribe(h));
    };
    sub<RequestEvent>(requestChannel, (e) => this.request(e.apiName, e.durationMs, e.error));
    // Appends of every ingress are published by the broker's ReplicaManager; the gateway counts what it
    // sends to WebSocket subscribers itself (per socket, where one read may serve many).
    sub<ProduceEvent>(produceChannel, (e) => {
      const listener = e.ingress === 'kafka' ? 'kafka' : 'gateway';
      this.bytesIn.inc({ topic: e.topic, listener }, e.bytes);
      this.messagesIn.inc({ topic: e.topic, listener }, e.records);
    });
    sub<FetchEvent>(fetchChannel, (e) => {
      if (e.ingress === 'kafka') this.bytesOut.inc({ topic: e.topic, listener: 'kafka' }, e.bytes);
    });
    this.#loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.#loopDelay.enable();
  }

  request(api: string, ms: number, error = false): void {
    this.requests.inc({ request: api });
    if (error) this.errors.inc({ request: api });
    this.latency.observe({ request: api }, ms);
  }

  streamed(topic: string, records: number, bytes: number): void {
    this.bytesOut.inc({ topic, listener: 'gateway' }, bytes);
    this.messagesOut.inc({ topic }, records);
  }

  /** Rates and latency percentiles since the previous call: what the console's live charts plot. */
  snapshot(): Record<string, unknown> {
    const now = Date.now();
    const cur = { at: now, in: this.messagesIn.total(), bytesIn: this.bytesIn.total(), out: this.messagesOut.total(), bytesOut: this.bytesOut.total() };
    const secs = Math.max(0.001, (now - this.#last.at) / 1000);
    const last = this.#last;
    const rate = (k: 'in' | 'bytesIn' | 'out' | 'bytesOut') => (cur[k] - last[k]) / secs;
    this.#last = cur;
    const lat: Record<string, { p50: number; p99: number; count: number }> = {};
    for (const [api, w] of this.latency.takeWindow()) {
      w.sort((a, b) => a - b);
      lat[api] = { p50: percentile(w, 0.5), p99: percentile(w, 0.99), count: w.length };
    }
    const pick = (...apis: string[]) => {
      const all = apis.flatMap((a) => (lat[a] ? [lat[a]!] : []));
      return { p50: Math.max(0, ...all.map((x) => x.p50)), p99: Math.max(0, ...all.map((x) => x.p99)), count: all.reduce((n, x) => n + x.count, 0) };
    };
    return {
      type: 'stats', time: now,
      produce: { recordsPerSec: rate('in'), bytesPerSec: rate('bytesIn'), latencyMs: pick('Produce', 'HttpProduce') },
      fetch: { bytesPerSec: rate('bytesOut'), wsRecordsPerSec: rate('out'), latencyMs: pick('Fetch') },
      connections: { kafka: this.broker.connectionCount, websocket: this.gauges.wsConnections() },
    };
  }

  render(): string {
    const out: string[] = [];
    for (const c of [this.bytesIn, this.messagesIn, this.bytesOut, this.messagesOut, this.requests, this.errors]) c.render(out);
    this.latency.render(out);
    const gauge = (name: string, help: string, rows: Array<[Labels, number]>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [l, v] of rows) out.push(`${name}${labelText(l)} ${v}`);
    };
    gauge('kafka_server_socketservermetrics_connection_count', 'Open connections per listener.', [
      [{ listener: 'PLAINTEXT' }, this.broker.connectionCount], [{ listener: 'GATEWAY_WS' }, this.gauges.wsConnections()]]);
    const ctx = this.broker.context;
    const size: Array<[Labels, number]> = [];
    const leo: Array<[Labels, number]> = [];
    const lso: Array<[Labels, number]> = [];
    const lsoLag: Array<[Labels, number]> = [];
    for (const t of ctx.metadata.listTopics()) {
      for (let p = 0; p < t.partitions; p++) {
        const log = ctx.replicaManager.offsetsIfReadable(METRICS, t.name, p);
        if (!log) continue;
        const l = { topic: t.name, partition: p };
        size.push([l, log.sizeInBytes]);
        leo.push([l, log.logEndOffset]);
        lso.push([l, log.logStartOffset]);
        lsoLag.push([l, log.highWatermark - log.lastStableOffset]);
      }
    }
    gauge('kafka_log_log_size', 'Bytes of the partition log on disk.', size);
    gauge('kafka_log_log_logendoffset', 'Log end offset per partition.', leo);
    gauge('kafka_log_log_logstartoffset', 'Log start offset per partition.', lso);
    // Kafka's kafka.cluster:type=Partition,name=LastStableOffsetLag: non-zero while a transaction is open on the partition.
    gauge('kafka_cluster_partition_laststableoffsetlag', 'High watermark minus last stable offset per partition (records read_committed consumers cannot see yet).', lsoLag);
    // The transaction coordinator (Kafka's kafka.coordinator.transaction package has no JMX gauges for these;
    // the names follow the JMX exporter's flattening of that domain).
    const txn = ctx.txn.stats();
    gauge('kafka_coordinator_transaction_transactions', 'Transactional ids this broker coordinates, per transaction state (open: Ongoing, PrepareCommit, PrepareAbort).',
      Object.entries(txn.states).map(([state, n]) => [{ state }, n]));
    const counter = (name: string, help: string, v: number) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
    counter('kafka_coordinator_transaction_committed_total', 'Transactions this coordinator completed with a commit since start.', txn.committed);
    counter('kafka_coordinator_transaction_aborted_total', 'Transactions this coordinator completed with an abort since start (any cause, timed out ones included).', txn.aborted);
    counter('kafka_coordinator_transaction_expired_total', 'Transactions aborted because they ran past their transaction.timeout.ms (the producer is fenced).', txn.timedOut);
    gauge('kafka_coordinator_transaction_oldest_open_transaction_age_ms', 'Age of the oldest open transaction this broker coordinates (0 when none is open).',
      [[{}, txn.oldestOpenStartMs === undefined ? 0 : Math.max(0, Date.now() - txn.oldestOpenStartMs)]]);
    gauge('gregor_gateway_ws_subscriber_lag_records', 'Records between WebSocket subscribers\' positions and the high watermark, summed per topic.',
      [...this.gauges.wsSubscriberLag()].map(([topic, lag]) => [{ topic }, lag]));
    gauge('kafka_consumergroup_lag', 'Records between a group\'s committed offset and the high watermark, per partition.',
      this.gauges.groupLag().map((g) => [{ group: g.group, topic: g.topic, partition: g.partition }, g.lag]));
    const buffered = this.gauges.wsBufferedBytes();
    gauge('gregor_gateway_ws_buffered_bytes', 'Bytes uWS holds for WebSocket clients that have not read them (total).', [[{}, buffered.total]]);
    gauge('gregor_gateway_ws_buffered_bytes_max', 'Largest per-socket WebSocket backlog.', [[{}, buffered.max]]);
    const pools = Object.entries(this.broker.workerPoolStats());
    gauge('gregor_worker_pool_threads', 'Threads started in each worker pool (compute: appends, re-compression, compaction; io: sendfile).', pools.map(([pool, s]) => [{ pool }, s.threads]));
    gauge('gregor_worker_pool_queued_tasks', 'Tasks waiting for a worker thread.', pools.map(([pool, s]) => [{ pool }, s.queued]));
    gauge('gregor_worker_pool_tasks_completed_total', 'Tasks the pool has run.', pools.map(([pool, s]) => [{ pool }, s.completed]));
    gauge('gregor_worker_pool_shared_bytes_total', 'Record bytes handed to workers in shared memory (no copy).', pools.map(([pool, s]) => [{ pool }, s.sharedBytes]));
    gauge('gregor_worker_pool_copied_bytes_total', 'Record bytes copied into shared memory before a hop to a worker.', pools.map(([pool, s]) => [{ pool }, s.copiedBytes]));
    // Client quotas (Kafka's kafka.server:type=Produce|Fetch,user=..,client-id=.. byte-rate and throttle-time).
    const quotaTypes = { produce: 'Produce', fetch: 'Fetch', request: 'Request' } as const;
    const quotas = ctx.quotas.metrics().map((q) => [{ type: quotaTypes[q.type], user: q.user, client_id: q.clientId }, q] as const);
    gauge('kafka_server_quota_byte_rate', 'Bytes per second of a client measured against its quota (over the quota window).', quotas.map(([l, q]) => [l, q.byteRate]));
    gauge('kafka_server_quota_limit_bytes_per_second', 'The quota (producer_byte_rate or consumer_byte_rate) that applies to the client.', quotas.map(([l, q]) => [l, q.quota]));
    gauge('kafka_server_quota_throttle_time_ms_total', 'Throttle time given to the client\'s requests (muted connection, throttle_time_ms).', quotas.map(([l, q]) => [l, q.throttleTimeMs]));
    gauge('kafka_server_quota_throttled_requests_total', 'Requests answered with a throttle time.', quotas.map(([l, q]) => [l, q.throttledRequests]));
    gauge('gregor_connection_accept_throttled_total', 'Times a listener waited before accepting more connections (max.connection.creation.rate).', this.broker.acceptWaits().map(([listener, n]) => [{ listener }, n]));
    gauge('gregor_ip_connections_throttled_total', 'Connections held and closed unserved for their IP\'s connection_creation_rate (KIP-612).', [[{}, ctx.quotas.connections.throttledConnections]]);
    gauge('gregor_gateway_http_inflight_body_bytes', 'Request-body bytes the gateway holds in memory.', [[{}, this.gauges.httpInflightBodyBytes()]]);
    gauge('nodejs_eventloop_delay_p99_seconds', 'Event loop delay, 99th percentile since start.', [[{}, this.#loopDelay.percentile(99) / 1e9]]);
    gauge('process_resident_memory_bytes', 'Resident set size.', [[{}, process.memoryUsage.rss()]]);
    return out.join('\n') + '\n';
  }

  close(): void {
    for (const u of this.#unsubscribe) u();
    this.#loopDelay.disable();
  }
}
