// Replica assignment for new topics and partitions, the way Kafka's AdminUtils.assignReplicasToBrokers
// does it: the first replica of partition p on broker (p + start) mod n, the others shifted by an amount
// that grows each time the partitions wrap around the brokers, so leaders and followers both spread evenly.
// With racks (broker.rack), brokers are taken in rack-alternating order and a partition's replicas go to
// distinct racks while racks remain.

export interface AssignableBroker {
  readonly id: number;
  readonly rack: string | null;
}

export interface AssignOptions {
  /** First partition id to assign (CreatePartitions continues after the existing ones). */
  readonly firstPartition?: number;
  /** Fixed start index and shift (tests); random otherwise, as Kafka. */
  readonly startIndex?: number;
  readonly shift?: number;
}

/** Replica lists for `partitions` partitions with `replicationFactor` replicas each; throws when there are too few brokers. */
export function assignReplicas(brokers: readonly AssignableBroker[], partitions: number, replicationFactor: number, opts: AssignOptions = {}): number[][] {
  const n = brokers.length;
  if (replicationFactor > n) throw new RangeError(`Replication factor: ${replicationFactor} larger than available brokers: ${n}.`);
  const ordered = rackAlternated(brokers);
  const racked = brokers.every((b) => b.rack !== null) && new Set(brokers.map((b) => b.rack)).size > 1;
  const start = opts.startIndex ?? Math.floor(Math.random() * n);
  let shift = opts.shift ?? Math.floor(Math.random() * n);
  const out: number[][] = [];
  const first = Math.max(0, opts.firstPartition ?? 0);
  for (let p = first; p < first + partitions; p++) {
    if (p > 0 && p % n === 0) shift++;
    const firstIndex = (p + start) % n;
    const replicas = [ordered[firstIndex]!];
    if (!racked) {
      for (let j = 0; j < replicationFactor - 1; j++) replicas.push(ordered[(firstIndex + 1 + ((shift + j) % Math.max(1, n - 1))) % n]!);
    } else {
      // Walk the rack-alternated list from the shifted position; take a broker whose rack is not used yet
      // (while unused racks remain) and that is not already a replica.
      const racks = new Set([replicas[0]!.rack]);
      const allRacks = new Set(brokers.map((b) => b.rack)).size;
      let k = 0;
      while (replicas.length < replicationFactor) {
        const b = ordered[(firstIndex + 1 + ((shift + k) % Math.max(1, n - 1))) % n]!;
        k++;
        const rackFree = !racks.has(b.rack) || racks.size >= allRacks;
        if (!replicas.includes(b) && (rackFree || k > 2 * n)) {
          replicas.push(b);
          racks.add(b.rack);
        }
        if (k > 4 * n) break;
      }
    }
    out.push(replicas.map((b) => b.id));
  }
  return out;
}

/** Brokers ordered so that consecutive ones are on different racks (rack a, rack b, rack c, rack a, …). */
function rackAlternated(brokers: readonly AssignableBroker[]): AssignableBroker[] {
  const byRack = new Map<string | null, AssignableBroker[]>();
  for (const b of [...brokers].sort((x, y) => x.id - y.id)) {
    let l = byRack.get(b.rack);
    if (!l) byRack.set(b.rack, (l = []));
    l.push(b);
  }
  const lists = [...byRack.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([, l]) => l);
  const out: AssignableBroker[] = [];
  for (let i = 0; out.length < brokers.length; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}
