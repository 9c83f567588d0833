// What a request handler receives besides its decoded body.
import type { ConnectionInfo } from '../network/index.js';
import type { RequestHeader } from '../protocol/index.js';
import type { BrokerContext } from './context.js';

export interface RequestContext {
  readonly ctx: BrokerContext;
  readonly version: number;
  readonly header: RequestHeader;
  readonly conn: ConnectionInfo;
}
