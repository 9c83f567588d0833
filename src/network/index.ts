// Public face of the network module: the TCP transport for Kafka frames.
export { SocketServer, ConnectionQuotas, parseIpOverrides, type ConnectionRateLimiter, subjectDn, type ListenerOptions } from './server.js';
export { ANONYMOUS_PRINCIPAL, Connection, InflightBudget, responseChannel, type ResponseEvent, type FrameHandler, type ExternalTransport, type ExternalPart, type ResponsePart, type ConnectionInfo, type ConnectionAuth, type ConnectionSecurity, type ConnectionLimits, type ConnectionLogger, type FrameAllocator, type StoppedAt } from './connection.js';
