// Public face of the broker module.
export { Broker, parseListener, type BrokerStartOptions } from './broker.js';
export { listenerKeyStorePem } from './listeners.js';
export { BearerCheck, bearerCheck, type BearerResult } from './bearer-check.js';
export { BrokerContext } from './context.js';
export { PasswordCheck } from './password-check.js';
export { createLogger, type Logger } from './logger.js';
export { requestChannel, produceChannel, fetchChannel, type RequestEvent, type ProduceEvent, type FetchEvent } from './diagnostics.js';
export { ANONYMOUS_PRINCIPAL } from '../network/index.js';
export { ReplicaManager, GATEWAY_LISTENER, recordsBytes, type Requester, type Ingress, type PartitionAppend, type PartitionAppendResult, type PartitionFetch, type PartitionFetchResult, type PartitionOffsets, type ReadRecordsResult, type TxnMarker, type TxnMarkerResult, type ProducerState } from './replica-manager.js';
export { assignReplicas, type AssignableBroker } from './replica-assignment.js';
