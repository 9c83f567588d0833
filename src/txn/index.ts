// Public face of src/txn: the transaction coordinator and the records it keeps in __transaction_state.
export {
  TransactionCoordinator, type TxnCoordinatorHost, type TxnLogger, type TxnMarkerRequest, type TxnMarkerOutcome, type InitProducerIdResult,
  type EndTxnResult, type TransactionDescription, type TxnCoordinatorStats,
} from './transaction-coordinator.js';
export {
  TRANSACTION_STATE_TOPIC, TxnState, TXN_STATE_NAMES, transactionStatePartitionFor, encodeTransactionLogKey, decodeTransactionLogKey,
  encodeTransactionLogValue, decodeTransactionLogValue, type TxnStateId, type TransactionLogValue, type TopicPartitionRef,
} from './transaction-log.js';
export { TxnMarkerChannel, type MarkerRouting } from './marker-channel.js';
