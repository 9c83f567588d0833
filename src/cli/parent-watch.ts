// Preloaded (`node --import`) into the broker processes `gregor dev-cluster` starts: their stdin is a pipe
// from dev-cluster, and when it closes — dev-cluster is gone, even by SIGKILL — the broker goes too, so no
// broker outlives the command that started it. Main thread only (worker threads inherit --import).
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
