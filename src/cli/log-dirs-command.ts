// `gregor log-dirs --describe`: partition sizes per log directory, as JSON like kafka-log-dirs.sh.
import { commandSecurity } from './command-config.js';
import { Admin } from '../client/index.js';
import { clientCommand, reportError } from './topics-command.js';

interface LogDirsOptions {
  bootstrapServer: string;
  describe?: boolean;
  topicList?: string;
}

export function logDirsCommand(setExit: (code: number) => void) {
  return clientCommand('log-dirs')
    .description('describe log directories and partition sizes (like kafka-log-dirs.sh)')
    .option('--describe', 'describe the log directories')
    .option('--topic-list <a,b>', 'only these topics (default: all)')
    .action(async (opts: LogDirsOptions) => {
      if (!opts.describe) {
        process.stderr.write('gregor log-dirs: give --describe.\n(run gregor log-dirs --help for usage)\n');
        setExit(2);
        return;
      }
      let admin: Admin | null = null;
      try {
        admin = new Admin({ bootstrap: opts.bootstrapServer, security: commandSecurity(opts), clientId: 'gregor-log-dirs' });
        const topics = opts.topicList ? opts.topicList.split(',').map((t) => t.trim()).filter((t) => t !== '') : undefined;
        const dirs = await admin.describeLogDirs(topics);
        await admin.cluster.refreshMetadata([]);
        const brokerId = admin.cluster.brokers[0]?.nodeId ?? 0;
        const out = {
          version: 1,
          brokers: [{
            broker: brokerId,
            logDirs: dirs.map((d) => ({
              logDir: d.logDir, error: null, totalBytes: d.totalBytes, usableBytes: d.usableBytes,
              partitions: d.partitions.map((p) => ({ partition: `${p.topic}-${p.partition}`, size: p.size, offsetLag: p.offsetLag, isFuture: false })),
            })),
          }],
        };
        process.stdout.write(`Querying brokers for log directories information\nReceived log directory information from brokers ${brokerId}\n${JSON.stringify(out)}\n`);
        setExit(0);
      } catch (e) {
        setExit(reportError('log-dirs', e, opts.bootstrapServer));
      } finally {
        await admin?.close();
      }
    });
}
