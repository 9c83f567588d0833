// Public face of the hot path: the typed bridge to the native addon and the worker pools that drive it.
export { native, nativeErrorName, fileRecords, isFileRecords, type FetchSlice, type FileRecords, type PartitionLog, type LogConfig, type AppendOptions, type AppendResult, type AppendOutcome, type ReadResult, type TimestampOffset, type RetentionPolicy, type RetentionResult, type EpochEndOffset, type CompactOptions, type CompactResult } from './native.js';
export { WorkerPool, createWorkerPools, closeWorkerPools, defaultComputeThreads, type WorkerPools, type PoolStats } from './pool.js';
