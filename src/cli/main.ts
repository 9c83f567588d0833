// `gregor <command>`: the one command-line program, with subcommands Kafka users recognise.
import { Command, CommanderError } from 'commander';
import type { SetExit } from './args.js';

// Each command's module (and what it imports: the broker, the client, codecs) is loaded only when that
// command runs, so `gregor broker` starts without loading client or gateway code.
const COMMANDS: Record<string, () => Promise<(setExit: SetExit) => Command>> = {
  broker: async () => (await import('./broker-command.js')).brokerCommand,
  topics: async () => (await import('./topics-command.js')).topicsCommand,
  'console-producer': async () => (await import('./console-producer-command.js')).consoleProducerCommand,
  'console-consumer': async () => (await import('./console-consumer-command.js')).consoleConsumerCommand,
  'consumer-groups': async () => (await import('./consumer-groups-command.js')).consumerGroupsCommand,
  configs: async () => (await import('./configs-command.js')).configsCommand,
  'delete-records': async () => (await import('./delete-records-command.js')).deleteRecordsCommand,
  'log-dirs': async () => (await import('./log-dirs-command.js')).logDirsCommand,
  'dev-cluster': async () => (await import('./dev-cluster-command.js')).devClusterCommand,
  transactions: async () => (await import('./transactions-command.js')).transactionsCommand,
  acls: async () => (await import('./acls-command.js')).aclsCommand,
  'leader-election': async () => (await import('./leader-election-command.js')).leaderElectionCommand,
  'reassign-partitions': async () => (await import('./reassign-partitions-command.js')).reassignPartitionsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command('gregor')
    .description('Gregor: a Kafka-compatible message broker')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError('(run with --help for usage)');
  let exitCode = 0;
  const setExit = (code: number) => { exitCode = code; };
  const first = argv[0];
  const names = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
  for (const name of names) program.addCommand((await COMMANDS[name]!())(setExit));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}
