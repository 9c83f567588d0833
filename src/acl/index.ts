// Public face of the acl module: Kafka's ACL model (resource, pattern, operation, permission codes and
// names, bindings and filters) and the Authorizer that checks requests against the metadata store's ACLs.
export * from './acl.js';
export { Authorizer, normaliseHost, supportedOperations, type AuthorizerOptions, type AuthorizationSubject } from './authorizer.js';
