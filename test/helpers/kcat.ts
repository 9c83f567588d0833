// Runs Debian's kcat (librdkafka) with bounded time and collects its output.
import { run, type RunResult } from './run.js';

export type KcatResult = RunResult;

export function kcat(args: string[], input?: string | Buffer, timeoutMs = 120_000): Promise<KcatResult> {
  return run('kcat', args, input, timeoutMs);
}

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string;
  value: string;
  headers: string;
}

/** The -f format `parseRecords` understands: fields separated by \x1f, records by \x1e. */
export const RECORD_FORMAT = '%t\x1f%p\x1f%o\x1f%T\x1f%k\x1f%s\x1f%h\x1e';

export function parseRecords(stdout: string): KcatRecord[] {
  return stdout.split('\x1e').filter((s) => s.length > 0).map((s) => {
    const [topic, partition, offset, timestamp, key, value, headers] = s.split('\x1f');
    return { topic, partition: Number(partition), offset: Number(offset), timestamp: Number(timestamp), key, value, headers };
  });
}
