// `gregor <command>`: the one command-line program, with subcommands Kafka users recognise.
import { Command, CommanderError } from 'commander';
import { brokerCommand } from './broker-command.js';
import { topicsCommand } from './topics-command.js';
import { consoleProducerCommand } from './console-producer-command.js';
import { consoleConsumerCommand } from './console-consumer-command.js';
import { consumerGroupsCommand } from './consumer-groups-command.js';
import { configsCommand } from './configs-command.js';
import { deleteRecordsCommand } from './delete-records-command.js';
import { logDirsCommand } from './log-dirs-command.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('gregor')
    .description('Gregor: a Kafka-compatible message broker')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError('(run with --help for usage)');
  let exitCode = 0;
  const setExit = (code: number) => { exitCode = code; };
  program.addCommand(brokerCommand(setExit));
  program.addCommand(topicsCommand(setExit));
  program.addCommand(consoleProducerCommand(setExit));
  program.addCommand(consoleConsumerCommand(setExit));
  program.addCommand(consumerGroupsCommand(setExit));
  program.addCommand(configsCommand(setExit));
  program.addCommand(deleteRecordsCommand(setExit));
  program.addCommand(logDirsCommand(setExit));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}

/** Collects repeated `--flag key=value` options into a record. */
export function collectKeyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new Error(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, i).trim()]: value.slice(i + 1) };
}
