// Public face of the security module: TLS settings to Node options, SASL server exchanges (PLAIN, SCRAM),
// JAAS configs and TLS principal mapping. No I/O beyond reading key and trust stores.
export { createSaslExchange, scramPasswordMatches, passwordEquals, SaslAuthenticationError, SUPPORTED_MECHANISMS, type SaslExchange, type SaslServerConfig, type SaslStep } from './sasl-server.js';
export { parseJaasConfig, plainUsers, loginCredentials, JaasError, type JaasEntry } from './jaas.js';
export { parsePrincipalRules, mapDistinguishedName, type PrincipalRule } from './principal-mapping.js';
export { serverTlsOptions, clientTlsOptions, keyStorePem, SslConfigError, type SslSettings } from './tls-context.js';
export { UnsecuredValidator, SignedValidator, JwksSource, OAuthTokenError, UnknownKeyError, unsecuredOptions, parseJws, parseJwks, parseClientInitialResponse, type TokenValidator, type ValidatedToken, type SignedOptions, type UnsecuredOptions } from './oauthbearer.js';
