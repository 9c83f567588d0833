// Public face of the hot path: the typed bridge to the native addon and the worker pools that drive it.
export { native, nativeErrorName, fileRecords, isFileRecords, readFileRecords, type FetchSlice, type FileRecords, type PartitionLog, type LogConfig, type AppendOptions, type AppendResult, type AppendOutcome, type ReadResult, type TimestampOffset, type RetentionPolicy, type RetentionResult, type EpochEndOffset, type CompactOptions, type CompactResult, type TxnMarkerSpec, type AbortedTransaction, type ProducerStateInfo } from './native.js';
export { WorkerPool, createWorkerPools, produceFrameMemory, closeWorkerPools, defaultComputeThreads, type WorkerPools, type PoolStats, type SendProgress } from './pool.js';
export { SharedMemory, type SharedMemoryStats } from './shared-memory.js';
export { FileRangeTransport } from './file-transport.js';
