// `gregor broker [server.properties] [--override key=value]...` — like kafka-server-start.sh.
import { Command } from 'commander';
import { Broker } from '../broker/index.js';
import { ConfigError, loadBrokerConfig } from '../config/index.js';
import type { Gateway } from '../gateway/index.js';
import { collectKeyValue } from './args.js';

export function brokerCommand(setExit: (code: number) => void): Command {
  return new Command('broker')
    .description('start a broker (defaults: 127.0.0.1:9092, data under ./data)')
    .argument('[server.properties]', 'Kafka-style properties file')
    .option('--override <key=value>', 'set a config, overriding the file and environment (repeatable)', collectKeyValue, {})
    .action(async (file: string | undefined, opts: { override: Record<string, string> }) => {
      let config;
      try {
        config = loadBrokerConfig({
          file,
          env: process.env,
          overrides: opts.override,
          onUnknownKey: (key, source) => process.stderr.write(`gregor: warning: ${key} (from ${source}) is not a known broker config; ignored\n`),
        });
      } catch (e) {
        if (e instanceof ConfigError) {
          process.stderr.write(`gregor: ${e.message}\n`);
          setExit(2);
          return;
        }
        throw e;
      }
      const broker = await Broker.start(config);
      let gateway: Gateway | undefined;
      try {
        // The gateway's code (uWebSockets.js) is loaded only when a gateway listener is configured.
        if (config['gateway.listeners']?.length) {
          const gw = await import('../gateway/index.js');
          const gwOptions = gw.gatewayOptions(config);
          gateway = gwOptions ? await gw.Gateway.start(broker, gwOptions) : undefined;
        }
      } catch (e) {
        broker.log.error({ err: (e as Error).message }, 'gateway did not start');
        await broker.stop();
        setExit(1);
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          broker.log.info({ signal }, 'shutdown requested');
          (gateway?.stop() ?? Promise.resolve()).then(() => broker.stop()).then(resolve, (err) => {
            broker.log.error({ err }, 'shutdown failed');
            setExit(1);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
