// Preloaded (`node --import`) into broker processes the tests start: the broker's stdin is a pipe from the
// test process, and when that closes — the test process is gone, even by SIGKILL — the broker is killed too,
// so no test run leaves a broker behind. Main thread only (worker threads inherit --import).
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const die = (): void => {
    process.kill(process.pid, 'SIGKILL');
  };
  process.stdin.once('end', die);
  process.stdin.once('error', die);
  process.stdin.resume();
  // Watching the pipe must not keep a stopping broker alive.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}
