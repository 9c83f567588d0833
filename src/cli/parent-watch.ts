// Preloaded (`node --import`) into broker processes another process starts (`gregor dev-cluster`, the test
// helpers): their stdin is a pipe from that parent, and when it closes — the parent is gone, even by
// SIGKILL — the broker goes too, so no broker outlives what started it. Main thread only (worker threads
// inherit --import).
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
