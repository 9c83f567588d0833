// The broker's listeners as Kafka configures them: `listeners` (NAME://host:port, several), each name mapped
// to a security protocol by listener.security.protocol.map, `advertised.listeners` by name, and per listener
// its TLS options (ssl.*) and SASL settings (sasl.enabled.mechanisms, JAAS users), with
// listener.name.<name>.* overrides. Also the inter-broker listener and how this broker logs in to it.
import type { TlsOptions, ConnectionOptions } from 'node:tls';
import { listenerConfig, listenerOverrides, mechanismConfig, type BrokerConfig, type SecurityProtocol } from '../config/index.js';
import type { MetadataStore } from '../metadata/index.js';
import { Scram } from '../protocol/index.js';
import { clientTlsOptions, loginCredentials, parseJaasConfig, parsePrincipalRules, plainUsers, serverTlsOptions, keyStorePem, SignedValidator, SUPPORTED_MECHANISMS, UnsecuredValidator, unsecuredOptions, type PrincipalRule, type SaslServerConfig, type TokenValidator } from '../security/index.js';

/** Mechanisms a broker can log in to another with (OAUTHBEARER would need a token of its own). */
const INTER_BROKER_MECHANISMS: readonly string[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

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
export function listenerSecurity(config: BrokerConfig, spec: ListenerSpec, protocol: SecurityProtocol, metadata: MetadataStore, dynamic: Readonly<Record<string, string>> = {}, warn: (msg: string) => void = () => {}): ListenerSecurity {
  const lc = listenerConfig(config, spec.name, dynamic);
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL' ? withContext(spec.name, () => serverTlsOptions(lc)) : undefined;
  let sasl: ListenerSasl | undefined;
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const enabled = lc['sasl.enabled.mechanisms'];
    const mechanisms = enabled.filter((m) => SUPPORTED_MECHANISMS.includes(m));
    const unsupported = enabled.filter((m) => !SUPPORTED_MECHANISMS.includes(m));
    if (mechanisms.length === 0) {
      throw new Error(`Listener ${spec.name} (${protocol}): sasl.enabled.mechanisms=${enabled.join(',')} offers no mechanism this broker serves; set it (or listener.name.${spec.name.toLowerCase()}.sasl.enabled.mechanisms) to PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and/or OAUTHBEARER`);
    }
    if (unsupported.length > 0) throw new Error(`Listener ${spec.name}: SASL mechanisms ${unsupported.join(', ')} are not supported (served: ${SUPPORTED_MECHANISMS.join(', ')})`);
    const users = new Map<string, string>();
    if (mechanisms.includes('PLAIN')) {
      const jaas = listenerOverrides(config, spec.name)['plain.sasl.jaas.config'] ?? lc['sasl.jaas.config'];
      if (jaas === null) throw new Error(`Listener ${spec.name}: PLAIN needs users: set listener.name.${spec.name.toLowerCase()}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_<name>="<password>";`);
      for (const [u, p] of plainUsers(withContext(spec.name, () => parseJaasConfig(jaas)))) users.set(u, p);
    }
    const oauthBearer = mechanisms.includes('OAUTHBEARER') ? withContext(spec.name, () => oauthBearerValidator(config, spec.name, warn)) : undefined;
    if (oauthBearer instanceof UnsecuredValidator) warn(`OAUTHBEARER on listener ${spec.name} uses the unsecured validator: any unsigned token is trusted, for development only (set listener.name.${spec.name.toLowerCase()}.oauthbearer.sasl.server.callback.handler.class=${SIGNED_TOKEN_HANDLERS[0]} for signed tokens)`);
    sasl = {
      mechanisms,
      oauthBearer,
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

/** sasl.server.callback.handler.class values that select Kafka's validators for OAUTHBEARER. */
export const SIGNED_TOKEN_HANDLERS: readonly string[] = [
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler',
];
export const UNSECURED_TOKEN_HANDLER = 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler';

// One validator per distinct setting, so a JWKS is fetched (and refreshed) once however many listeners,
// the gateway and config reloads share it.
const VALIDATORS = new Map<string, TokenValidator>();

/**
 * The OAUTHBEARER token validator a listener's settings choose (Kafka's server callback handler): the
 * unsecured one when sasl.server.callback.handler.class is unset, the JWKS-signed one for
 * OAuthBearerValidatorCallbackHandler. Settings are read as the listener's OAUTHBEARER sees them
 * (listener.name.<l>.oauthbearer.<key>, then listener.name.<l>.<key>, then <key>).
 */
export function oauthBearerValidator(config: BrokerConfig, listener: string, warn: (msg: string) => void = () => {}): TokenValidator {
  const mc = mechanismConfig(config, listener, 'OAUTHBEARER');
  const handler = mc['sasl.server.callback.handler.class'];
  if (handler === null || handler === UNSECURED_TOKEN_HANDLER) {
    const jaas = listenerOverrides(config, listener)['oauthbearer.sasl.jaas.config'] ?? mc['sasl.jaas.config'];
    const entry = jaas === null ? undefined : parseJaasConfig(jaas).find((e) => e.loginModule.endsWith('OAuthBearerLoginModule'));
    const options = unsecuredOptions(entry?.options ?? {});
    const key = `unsecured:${JSON.stringify(options)}`;
    let v = VALIDATORS.get(key);
    if (!v) VALIDATORS.set(key, v = new UnsecuredValidator(options));
    return v;
  }
  if (!SIGNED_TOKEN_HANDLERS.includes(handler)) {
    throw new Error(`sasl.server.callback.handler.class=${handler} is not supported for OAUTHBEARER: leave it unset (unsecured tokens, development only) or set ${SIGNED_TOKEN_HANDLERS[0]} (signed tokens checked against sasl.oauthbearer.jwks.endpoint.url)`);
  }
  const jwksUrl = mc['sasl.oauthbearer.jwks.endpoint.url'];
  if (jwksUrl === null) throw new Error(`${handler} needs sasl.oauthbearer.jwks.endpoint.url (or listener.name.${listener.toLowerCase()}.oauthbearer.sasl.oauthbearer.jwks.endpoint.url)`);
  const options = {
    jwksUrl,
    refreshMs: mc['sasl.oauthbearer.jwks.endpoint.refresh.ms'],
    retryBackoffMs: mc['sasl.oauthbearer.jwks.endpoint.retry.backoff.ms'],
    retryBackoffMaxMs: mc['sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms'],
    expectedAudience: mc['sasl.oauthbearer.expected.audience'] ?? [],
    expectedIssuer: mc['sasl.oauthbearer.expected.issuer'],
    subClaim: mc['sasl.oauthbearer.sub.claim.name'],
    scopeClaim: mc['sasl.oauthbearer.scope.claim.name'],
    clockSkewSeconds: mc['sasl.oauthbearer.clock.skew.seconds'],
  };
  const key = `signed:${JSON.stringify(options)}`;
  let v = VALIDATORS.get(key);
  if (!v) VALIDATORS.set(key, v = new SignedValidator(options, warn));
  return v;
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
    if (!INTER_BROKER_MECHANISMS.includes(mechanism)) throw new Error(`sasl.mechanism.inter.broker.protocol=${mechanism} is not supported (served: ${INTER_BROKER_MECHANISMS.join(', ')})`);
    const overrides = listenerOverrides(config, listener.name);
    const jaas = overrides[`${mechanism.toLowerCase()}.sasl.jaas.config`] ?? lc['sasl.jaas.config'];
    const login = jaas === null ? undefined : loginCredentials(parseJaasConfig(jaas));
    if (!login) throw new Error(`Inter-broker listener ${listener.name} uses SASL ${mechanism}: set listener.name.${listener.name.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config with username="..." password="..."`);
    out.sasl = { mechanism, ...login };
  }
  return out;
}
