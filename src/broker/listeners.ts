// The broker's listeners as Kafka configures them: `listeners` (NAME://host:port, several), each name mapped
// to a security protocol by listener.security.protocol.map, `advertised.listeners` by name, and per listener
// its TLS options (ssl.*) and SASL settings (sasl.enabled.mechanisms, JAAS users), with
// listener.name.<name>.* overrides. Also the inter-broker listener and how this broker logs in to it.
import type { TlsOptions, ConnectionOptions } from 'node:tls';
import { listenerConfig, listenerOverrides, type BrokerConfig, type SecurityProtocol } from '../config/index.js';
import type { MetadataStore } from '../metadata/index.js';
import { Scram } from '../protocol/index.js';
import { clientTlsOptions, loginCredentials, parseJaasConfig, parsePrincipalRules, plainUsers, serverTlsOptions, keyStorePem, SUPPORTED_MECHANISMS, type PrincipalRule, type SaslServerConfig } from '../security/index.js';

export interface ListenerSpec {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** What a SASL listener's connections need to authenticate. */
export interface ListenerSasl extends SaslServerConfig {
  /** connections.max.reauth.ms (KIP-368); 0: sessions never expire. */
  readonly reauthMs: number;
  /** connection.failed.authentication.delay.ms. */
  readonly failedAuthDelayMs: number;
}

export interface ListenerSecurity {
  readonly spec: ListenerSpec;
  readonly protocol: SecurityProtocol;
  readonly tls: TlsOptions | undefined;
  readonly sasl: ListenerSasl | undefined;
  /** How a TLS client certificate's DN becomes a principal name (ssl.principal.mapping.rules). */
  readonly principalRules: readonly PrincipalRule[];
  readonly maxPreAuthFrameBytes: number;
}

export function parseListener(spec: string): ListenerSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]+\]|[^:]*):(\d+)$/.exec(spec);
  if (!m) throw new Error(`Bad listener "${spec}": expected NAME://host:port`);
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
  return { name: m[1], host, port: Number(m[3]) };
}

/** listener.security.protocol.map as a map (Kafka's default maps each protocol name to itself). */
export function securityProtocolMap(config: BrokerConfig): Map<string, SecurityProtocol> {
  return new Map(config['listener.security.protocol.map'].map((e) => {
    const [name, protocol] = e.split(':') as [string, SecurityProtocol];
    return [name, protocol];
  }));
}

/** Every listener with its protocol, validated as Kafka validates them at start (throws with the reason). */
export function listenerSpecs(config: BrokerConfig): Array<{ spec: ListenerSpec; protocol: SecurityProtocol }> {
  const map = securityProtocolMap(config);
  const specs = config['listeners'].map(parseListener);
  const seen = new Set<string>();
  return specs.map((spec) => {
    if (seen.has(spec.name)) throw new Error(`listeners: each listener must have a different name, ${spec.name} is used twice`);
    seen.add(spec.name);
    const protocol = map.get(spec.name);
    if (!protocol) throw new Error(`listeners: no security protocol defined for listener ${spec.name} (add ${spec.name}:<PROTOCOL> to listener.security.protocol.map)`);
    return { spec, protocol };
  });
}

/** TLS and SASL settings of one listener; throws (naming the key) when they cannot work. */
export function listenerSecurity(config: BrokerConfig, spec: ListenerSpec, protocol: SecurityProtocol, metadata: MetadataStore, dynamic: Readonly<Record<string, string>> = {}): ListenerSecurity {
  const lc = listenerConfig(config, spec.name, dynamic);
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL' ? withContext(spec.name, () => serverTlsOptions(lc)) : undefined;
  let sasl: ListenerSasl | undefined;
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const enabled = lc['sasl.enabled.mechanisms'];
    const mechanisms = enabled.filter((m) => SUPPORTED_MECHANISMS.includes(m));
    const unsupported = enabled.filter((m) => !SUPPORTED_MECHANISMS.includes(m));
    if (mechanisms.length === 0) {
      throw new Error(`Listener ${spec.name} (${protocol}): sasl.enabled.mechanisms=${enabled.join(',')} offers no mechanism this broker serves; set it (or listener.name.${spec.name.toLowerCase()}.sasl.enabled.mechanisms) to PLAIN, SCRAM-SHA-256 and/or SCRAM-SHA-512`);
    }
    if (unsupported.length > 0) throw new Error(`Listener ${spec.name}: SASL mechanisms ${unsupported.join(', ')} are not supported (served: ${SUPPORTED_MECHANISMS.join(', ')})`);
    const users = new Map<string, string>();
    if (mechanisms.includes('PLAIN')) {
      const jaas = listenerOverrides(config, spec.name)['plain.sasl.jaas.config'] ?? lc['sasl.jaas.config'];
      if (jaas === null) throw new Error(`Listener ${spec.name}: PLAIN needs users: set listener.name.${spec.name.toLowerCase()}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_<name>="<password>";`);
      for (const [u, p] of plainUsers(withContext(spec.name, () => parseJaasConfig(jaas)))) users.set(u, p);
    }
    sasl = {
      mechanisms,
      plainUsers: users,
      acceptRepeatedClientNonce: lc['sasl.scram.accept.repeated.client.nonce'],
      reauthMs: lc['connections.max.reauth.ms'],
      failedAuthDelayMs: lc['connection.failed.authentication.delay.ms'],
      scramCredential: async (user, mechanism) => {
        const text = (await metadata.scramCredentials(user))[mechanism];
        return text === undefined ? undefined : Scram.parseCredential(text);
      },
    };
  }
  return { spec, protocol, tls, sasl, principalRules: withContext(spec.name, () => parsePrincipalRules(lc['ssl.principal.mapping.rules'])), maxPreAuthFrameBytes: lc['sasl.server.max.receive.size'] };
}

function withContext<T>(listener: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`Listener ${listener}: ${(e as Error).message}`);
  }
}

/** A TLS listener's server options under the static config and dynamic configs `dynamic` (certificate reload). */
export function listenerTlsOptions(config: BrokerConfig, listener: string, dynamic: Readonly<Record<string, string>>): TlsOptions {
  return withContext(listener, () => serverTlsOptions(listenerConfig(config, listener, dynamic)));
}

/** A listener's key store as PEM key and chain (a PKCS12 store decoded), for the gateway's HTTPS listener, under dynamic configs `dynamic`. */
export function listenerKeyStorePem(config: BrokerConfig, listener: string, dynamic: Readonly<Record<string, string>> = {}): { key: string; cert: string; passphrase?: string } {
  return withContext(listener, () => keyStorePem(listenerConfig(config, listener, dynamic)));
}

/** The listener brokers use between them: inter.broker.listener.name, else the listener of security.inter.broker.protocol. */
export function interBrokerListener(config: BrokerConfig, listeners: ReadonlyArray<{ spec: ListenerSpec; protocol: SecurityProtocol }>): { name: string; protocol: SecurityProtocol } {
  const named = config['inter.broker.listener.name'];
  if (named !== null) {
    const l = listeners.find((x) => x.spec.name === named);
    if (!l) throw new Error(`inter.broker.listener.name=${named} must be one of the listeners (${listeners.map((x) => x.spec.name).join(', ')})`);
    return { name: named, protocol: l.protocol };
  }
  const protocol = config['security.inter.broker.protocol'];
  const l = listeners.find((x) => x.protocol === protocol);
  if (l) return { name: l.spec.name, protocol };
  // Kafka's rule needs a listener of that protocol; with the default (PLAINTEXT) the first listener keeps the single-listener setups working.
  if (protocol === 'PLAINTEXT' && listeners.length > 0) return { name: listeners[0]!.spec.name, protocol: listeners[0]!.protocol };
  throw new Error(`security.inter.broker.protocol=${protocol}: no listener uses it; set inter.broker.listener.name`);
}

/** How this broker connects to another's inter-broker listener: TLS options and SASL login, as a client. */
export interface InterBrokerClientSecurity {
  tls?: (host: string) => ConnectionOptions;
  sasl?: { mechanism: string; username: string; password: string };
}

export function interBrokerClientSecurity(config: BrokerConfig, listener: { name: string; protocol: SecurityProtocol }): InterBrokerClientSecurity {
  const lc = listenerConfig(config, listener.name);
  const out: InterBrokerClientSecurity = {};
  if (listener.protocol === 'SSL' || listener.protocol === 'SASL_SSL') {
    // Validate now, so a bad trust store fails the start rather than every fetch.
    clientTlsOptions(lc, 'localhost');
    out.tls = (host) => clientTlsOptions(lc, host);
  }
  if (listener.protocol === 'SASL_PLAINTEXT' || listener.protocol === 'SASL_SSL') {
    const mechanism = lc['sasl.mechanism.inter.broker.protocol'];
    if (!SUPPORTED_MECHANISMS.includes(mechanism)) throw new Error(`sasl.mechanism.inter.broker.protocol=${mechanism} is not supported (served: ${SUPPORTED_MECHANISMS.join(', ')})`);
    const overrides = listenerOverrides(config, listener.name);
    const jaas = overrides[`${mechanism.toLowerCase()}.sasl.jaas.config`] ?? lc['sasl.jaas.config'];
    const login = jaas === null ? undefined : loginCredentials(parseJaasConfig(jaas));
    if (!login) throw new Error(`Inter-broker listener ${listener.name} uses SASL ${mechanism}: set listener.name.${listener.name.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config with username="..." password="..."`);
    out.sasl = { mechanism, ...login };
  }
  return out;
}
