// `gregor delete-records`: moves log start offsets up (DeleteRecords), like kafka-delete-records.sh.
//   gregor delete-records --topic T --partition 0 --offset 42
//   gregor delete-records --offset-json-file offsets.json   ({"partitions":[{"topic":"T","partition":0,"offset":42}]})
import { commandSecurity } from './command-config.js';
import { readFileSync } from 'node:fs';
import { Admin } from '../client/index.js';
import { clientCommand, intOption, reportError } from './topics-command.js';

interface DeleteRecordsOptions {
  bootstrapServer: string;
  topic?: string;
  partition?: number;
  offset?: number;
  offsetJsonFile?: string;
}

export function deleteRecordsCommand(setExit: (code: number) => void) {
  return clientCommand('delete-records')
    .description('delete records before an offset (moves the log start offset; like kafka-delete-records.sh)')
    .option('--topic <name>', 'topic')
    .option('--partition <n>', 'partition (default 0)', intOption('a partition', 0))
    .option('--offset <n>', 'delete records before this offset; -1 means the high watermark', intOption('an offset', -1))
    .option('--offset-json-file <path>', 'Kafka\'s JSON: {"partitions":[{"topic":"T","partition":0,"offset":42}]}')
    .action(async (opts: DeleteRecordsOptions) => {
      let targets: Array<{ topic: string; partition: number; offset: number }>;
      try {
        if (opts.offsetJsonFile) {
          const json = JSON.parse(readFileSync(opts.offsetJsonFile, 'utf8')) as { partitions?: Array<{ topic: string; partition: number; offset: number }> };
          if (!Array.isArray(json.partitions)) throw new Error(`${opts.offsetJsonFile} has no "partitions" array`);
          targets = json.partitions;
        } else {
          if (!opts.topic || opts.offset === undefined) throw new Error('give --topic and --offset, or --offset-json-file');
          targets = [{ topic: opts.topic, partition: opts.partition ?? 0, offset: opts.offset }];
        }
      } catch (e) {
        process.stderr.write(`gregor delete-records: ${(e as Error).message}.\n(run gregor delete-records --help for usage)\n`);
        setExit(2);
        return;
      }
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-delete-records' });
        const lines = ['Records delete operation completed:'];
        const byTopic = new Map<string, Record<number, number>>();
        for (const t of targets) byTopic.set(t.topic, { ...byTopic.get(t.topic), [t.partition]: t.offset });
        for (const [topic, offsets] of byTopic) {
          for (const r of await admin.deleteRecords(topic, offsets)) lines.push(`partition: ${topic}-${r.partition}\tlow_watermark: ${r.offset}`);
        }
        process.stdout.write(lines.join('\n') + '\n');
        setExit(0);
      } catch (e) {
        setExit(reportError('delete-records', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}
