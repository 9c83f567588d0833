// A broker's transaction traffic with other brokers, over a connection kept per broker. Markers: to the
// ReplicaManager for partitions this broker leads, as WriteTxnMarkers requests to the leaders of the others (one
// request per broker, as Kafka's TransactionMarkerChannelManager does); a partition without a known leader, or
// whose broker cannot be reached, gets a retriable error and the coordinator retries until every partition has its
// marker. Verification: a partition leader asks a transaction coordinator elsewhere with AddPartitionsToTxn v4+
// (verify_only, or adding the partitions for transactions v2), as Kafka's AddPartitionsToTxnManager does.
import { Connection } from '../client/index.js';
import { AddPartitionsToTxn, ErrorCode, WriteTxnMarkers } from '../protocol/index.js';
import type { TxnMarkerOutcome, TxnMarkerRequest } from './transaction-coordinator.js';

export interface MarkerRouting {
  readonly brokerId: number;
  /** The partition's leader (-1 when it has none); on a single node always this broker. */
  leaderOf(topic: string, partition: number): number;
  /** Whether the partition exists (markers for deleted topics are dropped, as Kafka does). */
  exists(topic: string, partition: number): boolean;
  /** A broker's advertised endpoint, or undefined when it is not alive. */
  endpointOf(brokerId: number): { host: string; port: number } | undefined;
  /** Writes markers to partitions this broker leads (ReplicaManager.appendTxnMarkers). */
  writeLocal(markers: readonly TxnMarkerRequest[]): Promise<TxnMarkerOutcome[]>;
}

export class TxnMarkerChannel {
  readonly #routing: MarkerRouting;
  readonly #connections = new Map<number, Promise<Connection>>();
  #closed = false;

  constructor(routing: MarkerRouting) {
    this.#routing = routing;
  }

  /** Writes every marker; one outcome per marker, an error code per partition (0: written). */
  async write(markers: readonly TxnMarkerRequest[]): Promise<TxnMarkerOutcome[]> {
    const outcomes: TxnMarkerOutcome[] = markers.map((m) => ({ producerId: m.producerId, partitions: [] }));
    // broker id -> per marker index, its partitions there
    const byBroker = new Map<number, Map<number, Array<{ topic: string; partition: number }>>>();
    markers.forEach((m, i) => {
      for (const p of m.partitions) {
        if (!this.#routing.exists(p.topic, p.partition)) {
          outcomes[i]!.partitions.push({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
          continue;
        }
        const leader = this.#routing.leaderOf(p.topic, p.partition);
        if (leader < 0) {
          outcomes[i]!.partitions.push({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER });
          continue;
        }
        let perMarker = byBroker.get(leader);
        if (!perMarker) byBroker.set(leader, (perMarker = new Map()));
        let list = perMarker.get(i);
        if (!list) perMarker.set(i, (list = []));
        list.push({ topic: p.topic, partition: p.partition });
      }
    });
    await Promise.all([...byBroker].map(async ([brokerId, perMarker]) => {
      const indexes = [...perMarker.keys()];
      const sub = indexes.map((i) => ({ ...markers[i]!, partitions: perMarker.get(i)! }));
      let results: TxnMarkerOutcome[];
      try {
        results = brokerId === this.#routing.brokerId ? await this.#routing.writeLocal(sub) : await this.#remote(brokerId, sub);
      } catch {
        results = sub.map((m) => ({ producerId: m.producerId, partitions: m.partitions.map((p) => ({ ...p, errorCode: ErrorCode.NETWORK_EXCEPTION })) }));
      }
      indexes.forEach((i, k) => outcomes[i]!.partitions.push(...(results[k]?.partitions ?? sub[k]!.partitions.map((p) => ({ ...p, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR })))));
    }));
    return outcomes;
  }

  /**
   * Asks the coordinator on `brokerId` whether the partitions are in the producer's transaction (`verifyOnly`)
   * or adds them (transactions v2). Error codes by "topic-partition".
   */
  async addPartitions(brokerId: number, transactionalId: string, producerId: number, producerEpoch: number, partitions: ReadonlyArray<{ topic: string; partition: number }>, verifyOnly: boolean): Promise<Map<string, number>> {
    let conn = await this.#connection(brokerId);
    if (conn.closed) {
      this.#connections.delete(brokerId);
      conn = await this.#connection(brokerId);
    }
    const topics = new Map<string, number[]>();
    for (const p of partitions) {
      let list = topics.get(p.topic);
      if (!list) topics.set(p.topic, (list = []));
      list.push(p.partition);
    }
    const res = await conn.send(AddPartitionsToTxn, {
      transactions: [{ transactionalId, producerId, producerEpoch, verifyOnly, topics: [...topics].map(([name, ps]) => ({ name, partitions: ps })) }],
      v3AndBelowTransactionalId: '', v3AndBelowProducerId: -1, v3AndBelowProducerEpoch: -1, v3AndBelowTopics: [],
    }, { version: Math.max(4, Math.min(AddPartitionsToTxn.maxVersion, 5)) });
    const codes = new Map<string, number>();
    for (const p of partitions) codes.set(`${p.topic}-${p.partition}`, res.errorCode !== ErrorCode.NONE ? res.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR);
    for (const t of res.resultsByTransaction[0]?.topicResults ?? []) {
      for (const p of t.resultsByPartition) codes.set(`${t.name}-${p.partitionIndex}`, p.partitionErrorCode);
    }
    return codes;
  }

  close(): void {
    this.#closed = true;
    for (const c of this.#connections.values()) c.then((conn) => conn.close(), () => undefined);
    this.#connections.clear();
  }

  async #remote(brokerId: number, markers: readonly TxnMarkerRequest[]): Promise<TxnMarkerOutcome[]> {
    let conn = await this.#connection(brokerId);
    if (conn.closed) {
      this.#connections.delete(brokerId);
      conn = await this.#connection(brokerId);
    }
    try {
      const res = await conn.send(WriteTxnMarkers, {
        markers: markers.map((m) => {
          const topics = new Map<string, number[]>();
          for (const p of m.partitions) {
            let list = topics.get(p.topic);
            if (!list) topics.set(p.topic, (list = []));
            list.push(p.partition);
          }
          return {
            producerId: m.producerId, producerEpoch: m.producerEpoch, transactionResult: m.commit, coordinatorEpoch: m.coordinatorEpoch, transactionVersion: 0,
            topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          };
        }),
      });
      return markers.map((m, i) => ({
        producerId: m.producerId,
        partitions: (res.markers[i]?.topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode }))),
      }));
    } catch (e) {
      // A broken connection is made again on the next try.
      this.#connections.delete(brokerId);
      conn.close();
      throw e;
    }
  }

  #connection(brokerId: number): Promise<Connection> {
    if (this.#closed) return Promise.reject(new Error('the marker channel is closed'));
    let c = this.#connections.get(brokerId);
    if (!c) {
      const ep = this.#routing.endpointOf(brokerId);
      if (!ep) return Promise.reject(new Error(`broker ${brokerId} is not alive`));
      c = Connection.connect({ host: ep.host, port: ep.port, nodeId: brokerId, clientId: `broker-${this.#routing.brokerId}-txn-markers`, requestTimeoutMs: 30_000 });
      c.catch(() => this.#connections.delete(brokerId));
      this.#connections.set(brokerId, c);
    }
    return c;
  }
}
