// Public API of the gregor package: the embeddable broker, plus the building blocks for those who want them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, createLogger } from './broker/index.js';
import { loadBrokerConfig } from './config/index.js';
import { Gateway, gatewayOptions } from './gateway/index.js';

export { Broker } from './broker/index.js';
export { loadBrokerConfig, ConfigError } from './config/index.js';

export interface StartBrokerOptions {
  /** Broker configs by Kafka name, e.g. { 'num.partitions': '3' }. */
  config?: Record<string, string | number | boolean>;
  /** Data directory; a fresh temporary one (removed by stop()) when omitted. */
  logDir?: string;
  /** Log level of the broker's own logs (default: warn). */
  logLevel?: string;
}

export interface EmbeddedBroker {
  /** host:port to give Kafka clients as their bootstrap server. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly logDir: string;
  /** Base URL of the HTTP/WebSocket gateway when `gateway.listeners` was configured, e.g. http://127.0.0.1:41234. */
  readonly gatewayUrl: string | undefined;
  /** Stops the broker; removes the data directory if it was a temporary one. */
  stop(): Promise<void>;
}

/**
 * Starts an in-process broker on a free loopback port with a temporary data directory:
 * a real Kafka for your test suite without Docker or a JVM.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  const temporary = options.logDir === undefined;
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'gregor-'));
  const overrides: Record<string, string> = { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir };
  for (const [k, v] of Object.entries(options.config ?? {})) overrides[k] = String(v);
  const config = loadBrokerConfig({ overrides });
  const broker = await Broker.start(config, { logger: createLogger(options.logLevel ?? 'warn') });
  const gwOptions = gatewayOptions(config);
  let gateway: Gateway | undefined;
  try {
    gateway = gwOptions ? await Gateway.start(broker, gwOptions) : undefined;
  } catch (e) {
    await broker.stop();
    throw e;
  }
  return {
    bootstrap: broker.bootstrap,
    host: broker.host,
    port: broker.port,
    logDir,
    gatewayUrl: gateway ? `http://${gwOptions!.host === '0.0.0.0' ? '127.0.0.1' : gwOptions!.host}:${gateway.port}` : undefined,
    async stop() {
      await gateway?.stop();
      await broker.stop();
      if (temporary) rmSync(logDir, { recursive: true, force: true });
    },
  };
}
