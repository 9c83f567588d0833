// Runs Debian's kcat (librdkafka) with bounded time and collects its output.
import { spawn } from 'node:child_process';

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kcat(args: string[], input?: string | Buffer, timeoutMs = 120_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
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
