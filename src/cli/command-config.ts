// --command-config <file>: Kafka's client properties for the gregor tools, as kafka-topics.sh and friends
// read them — security.protocol, ssl.truststore.*, ssl.keystore.* (PEM or PKCS12), ssl.endpoint.identification.algorithm,
// sasl.mechanism and sasl.jaas.config (PlainLoginModule or ScramLoginModule with username and password).
import { readFileSync } from 'node:fs';
import type { ClientSecurity } from '../client/index.js';
import { parseProperties } from '../config/index.js';
import { clientTlsOptions, loginCredentials, parseJaasConfig, type SslSettings } from '../security/index.js';

/** A store type from the properties, else from the file name (.p12/.pfx: PKCS12, otherwise PEM). */
function storeType(props: Map<string, string>, key: string, location: string | undefined): string {
  const t = props.get(key);
  if (t) return t.toUpperCase();
  return location && /\.(p12|pfx)$/i.test(location) ? 'PKCS12' : 'PEM';
}

export function clientSecurityFromProperties(props: Map<string, string>): ClientSecurity {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw new Error(`security.protocol=${protocol} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`);
  const security: ClientSecurity = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const get = (k: string) => props.get(k) ?? null;
    const settings: SslSettings = {
      'ssl.keystore.type': storeType(props, 'ssl.keystore.type', props.get('ssl.keystore.location')),
      'ssl.keystore.location': get('ssl.keystore.location'),
      'ssl.keystore.password': get('ssl.keystore.password'),
      'ssl.key.password': get('ssl.key.password'),
      'ssl.keystore.certificate.chain': get('ssl.keystore.certificate.chain'),
      'ssl.keystore.key': get('ssl.keystore.key'),
      'ssl.truststore.type': storeType(props, 'ssl.truststore.type', props.get('ssl.truststore.location')),
      'ssl.truststore.location': get('ssl.truststore.location'),
      'ssl.truststore.password': get('ssl.truststore.password'),
      'ssl.truststore.certificates': get('ssl.truststore.certificates'),
      'ssl.client.auth': 'none',
      'ssl.enabled.protocols': (props.get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(',').map((s) => s.trim()),
      'ssl.cipher.suites': props.get('ssl.cipher.suites')?.split(',').map((s) => s.trim()) ?? null,
      'ssl.endpoint.identification.algorithm': props.get('ssl.endpoint.identification.algorithm') ?? 'https',
    };
    clientTlsOptions(settings, 'localhost'); // reads the stores now: a bad path fails before any connection
    security.tls = (host) => clientTlsOptions(settings, host);
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').toUpperCase();
    const jaas = props.get('sasl.jaas.config');
    const login = jaas ? loginCredentials(parseJaasConfig(jaas)) : undefined;
    if (!login) throw new Error('sasl.jaas.config must name username="..." and password="..." (PlainLoginModule or ScramLoginModule)');
    security.sasl = { mechanism, ...login };
  }
  return security;
}

/** The security settings of a --command-config file; undefined without one. */
export function commandSecurity(opts: object): ClientSecurity | undefined {
  const file = (opts as { commandConfig?: string }).commandConfig;
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read --command-config ${file}: ${(e as Error).message}`);
  }
  return clientSecurityFromProperties(parseProperties(text));
}
