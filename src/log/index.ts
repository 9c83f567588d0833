// Public face of the log module: partitions and the manager that owns them.
export { Partition, INLINE_APPENDS, type AppendPolicy, type Offset } from './partition.js';
export { buildRecordBatch, readRecordBatches, type InternalRecord, type ReadRecord } from './record-batch.js';
export { LogManager, RECOVERY_CHECKPOINT, LOG_START_CHECKPOINT, CLEANER_CHECKPOINT, META_PROPERTIES, type LogManagerLogger } from './log-manager.js';
export { HIGH_WATERMARK_CHECKPOINT, parseCheckpoint, type HighWatermarkEntry } from './log-manager.js';
