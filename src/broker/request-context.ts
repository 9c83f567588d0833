// What a request handler receives besides its decoded body.
import type { ConnectionInfo } from '../network/index.js';
import type { RequestHeader } from '../protocol/index.js';
import type { BrokerContext } from './context.js';
import type { Requester } from './replica-manager.js';

export interface RequestContext {
  readonly ctx: BrokerContext;
  readonly version: number;
  readonly header: RequestHeader;
  readonly conn: ConnectionInfo;
}

/** Who sent a Kafka request, as the ReplicaManager's rules see it. */
export function requesterOf(rc: RequestContext): Requester {
  return { ingress: 'kafka', listener: rc.conn.listenerName, clientId: rc.header.clientId, remote: rc.conn.remoteAddress, principal: rc.conn.principal };
}
