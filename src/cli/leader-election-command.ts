// `gregor leader-election`: preferred or unclean leader elections (ElectLeaders), like kafka-leader-election.sh.
//   gregor leader-election --election-type PREFERRED --all-topic-partitions
//   gregor leader-election --election-type UNCLEAN --topic T --partition 0
//   gregor leader-election --election-type PREFERRED --path-to-json-file parts.json   ({"partitions":[{"topic":"T","partition":0}]})
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { Admin, type TopicPartition } from '../client/index.js';
import { intOption } from './args.js';
import { clientCommand, reportError } from './topics-command.js';

interface LeaderElectionOptions {
  bootstrapServer: string;
  electionType?: string;
  allTopicPartitions?: boolean;
  topic?: string;
  partition?: number;
  pathToJsonFile?: string;
}

/** Kafka's replica election JSON: {"partitions":[{"topic":"T","partition":0}, ...]}, without duplicates. */
export function parseElectionJson(text: string, file: string): TopicPartition[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const partitions = (json as { partitions?: unknown } | null)?.partitions;
  if (!Array.isArray(partitions)) throw new Error(`Replica election data is missing "partitions" field (in ${file})`);
  const out: TopicPartition[] = [];
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const p of partitions as Array<{ topic?: unknown; partition?: unknown }>) {
    if (typeof p?.topic !== 'string' || !Number.isInteger(p.partition)) throw new Error(`${file}: each entry needs "topic" (a string) and "partition" (an integer), got ${JSON.stringify(p)}`);
    const key = `${p.topic}-${String(p.partition)}`;
    if (seen.has(key)) dups.add(key);
    seen.add(key);
    out.push({ topic: p.topic, partition: p.partition as number });
  }
  if (dups.size > 0) throw new Error(`Replica election data contains duplicate partitions: ${[...dups].join(',')}`);
  return out;
}

export function leaderElectionCommand(setExit: (code: number) => void) {
  return clientCommand('leader-election')
    .description('elect partition leaders: the preferred replica, or any live replica of a partition without a leader (like kafka-leader-election.sh)')
    .addOption(new Option('--election-type <type>', 'PREFERRED: hand leadership to the first (preferred) replica; UNCLEAN: elect a leader for partitions that have none, even an out-of-sync replica').argParser((v) => v.toUpperCase()))
    .option('--all-topic-partitions', 'every partition of every topic')
    .option('--topic <name>', 'the topic of one partition (with --partition)')
    .option('--partition <n>', 'the partition (with --topic)', intOption('a partition', 0))
    .option('--path-to-json-file <path>', 'Kafka\'s JSON: {"partitions":[{"topic":"T","partition":0}]}')
    .action(async (opts: LeaderElectionOptions) => {
      const type = opts.electionType;
      const sources = [opts.allTopicPartitions ? '--all-topic-partitions' : '', opts.topic !== undefined ? '--topic' : '', opts.pathToJsonFile !== undefined ? '--path-to-json-file' : ''].filter((s) => s !== '');
      let problem = '';
      if (type !== 'PREFERRED' && type !== 'UNCLEAN') problem = type === undefined ? 'Missing required option(s) [election-type]' : `--election-type must be PREFERRED or UNCLEAN, got ${type}`;
      else if (sources.length !== 1) problem = `give exactly one of --all-topic-partitions, --topic with --partition, or --path-to-json-file${sources.length > 1 ? ` (got ${sources.join(', ')})` : ''}`;
      else if (opts.topic !== undefined && opts.partition === undefined) problem = 'Missing required option(s) [partition]: --topic needs --partition';
      else if (opts.topic === undefined && opts.partition !== undefined) problem = '--partition needs --topic';
      let partitions: TopicPartition[] | null = null;
      if (!problem) {
        try {
          if (opts.pathToJsonFile !== undefined) partitions = parseElectionJson(readFileSync(opts.pathToJsonFile, 'utf8'), opts.pathToJsonFile);
          else if (opts.topic !== undefined) partitions = [{ topic: opts.topic, partition: opts.partition! }];
        } catch (e) {
          problem = (e as Error).message;
        }
      }
      if (problem) {
        process.stderr.write(`gregor leader-election: ${problem}.\n(run gregor leader-election --help for usage)\n`);
        setExit(2);
        return;
      }
      const kind = type as 'PREFERRED' | 'UNCLEAN';
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, clientId: 'gregor-leader-election' });
        const results = await admin.electLeaders(kind, partitions);
        const name = (r: TopicPartition) => `${r.topic}-${r.partition}`;
        const succeeded = results.filter((r) => r.error === null);
        const noop = results.filter((r) => r.error?.errorName === 'ELECTION_NOT_NEEDED');
        const failed = results.filter((r) => r.error !== null && r.error.errorName !== 'ELECTION_NOT_NEEDED');
        const lines: string[] = [];
        if (succeeded.length > 0) lines.push(`Successfully completed leader election (${kind}) for partitions ${succeeded.map(name).join(', ')}`);
        if (noop.length > 0) lines.push(`Valid replica already elected for partitions ${noop.map(name).join(', ')}`);
        for (const f of failed) lines.push(`Error completing leader election (${kind}) for partition: ${name(f)}: ${f.error!.errorName}: ${f.error!.message}`);
        if (results.length === 0) lines.push(`No partition needed a leader election (${kind}).`);
        process.stdout.write(lines.join('\n') + '\n');
        if (failed.length > 0) {
          const hint = failed.some((f) => f.error!.errorName === 'PREFERRED_LEADER_NOT_AVAILABLE')
            ? ' The preferred replica must be alive and in the ISR: check `gregor topics --describe`, and try again once it has caught up.'
            : failed.some((f) => f.error!.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') ? ' List topics and partitions with: gregor topics --describe.' : '';
          process.stderr.write(`gregor leader-election: ${failed.length} replica(s) could not be elected.${hint}\n`);
          setExit(1);
        } else {
          setExit(0);
        }
      } catch (e) {
        setExit(reportError('leader-election', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}
