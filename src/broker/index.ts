// Public face of the broker module.
export { Broker, parseListener, type BrokerStartOptions } from './broker.js';
export { BrokerContext, TopicError } from './context.js';
export { createLogger, type Logger } from './logger.js';
export { requestChannel, produceChannel, fetchChannel, type RequestEvent, type ProduceEvent, type FetchEvent } from './diagnostics.js';
