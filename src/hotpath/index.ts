// Public face of the hot path: the typed bridge to the native addon.
export { native, nativeErrorName, type PartitionLog, type LogConfig, type AppendOptions, type AppendResult, type ReadResult, type TimestampOffset, type RetentionPolicy, type RetentionResult, type EpochEndOffset, type CompactOptions, type CompactResult } from './native.js';
