// Temporary files of cache writes (`<file>.<pid>.tmp`, `<file>.<pid>.<hex>.tmp`): removed when the write
// fails or the process is stopped by SIGINT/SIGTERM, and swept at the next start when their process is gone
// (a SIGKILL or a crash leaves them behind).
import fs from 'node:fs';
import path from 'node:path';

const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let handlersInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const f of live) fs.rmSync(f, { force: true });
  live.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  handlersInstalled = false;
  // with no listener left the default action applies: the process ends by the same signal (exit status 128 + n)
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Removes `file` if the process is stopped by SIGINT/SIGTERM before `untrack(file)`. */
function trackTemp(file: string): void {
  live.add(file);
  if (!handlersInstalled) {
    for (const s of SIGNALS) process.on(s, onSignal);
    handlersInstalled = true;
  }
}

function untrackTemp(file: string): void {
  live.delete(file);
  if (!live.size && handlersInstalled) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    handlersInstalled = false;
  }
}

/** Runs `write(tmp)` with `tmp` tracked; removes it when `write` throws. */
export async function withTemp<T>(tmp: string, write: (tmp: string) => Promise<T>): Promise<T> {
  trackTemp(tmp);
  try {
    return await write(tmp);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    untrackTemp(tmp);
  }
}

const TEMP = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Deletes temporary files in the folders under `root` whose process is no longer running here and that
 * were not written in the last minute (a cache shared between machines may hold another host's live file).
 */
export function sweepStaleTemps(root: string, minAgeMs = 60_000): string[] {
  if (!fs.existsSync(root)) return [];
  const removed: string[] = [];
  for (const sub of fs.readdirSync(root, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    const dir = path.join(root, sub.name);
    for (const name of fs.readdirSync(dir)) {
      const m = TEMP.exec(name);
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      const file = path.join(dir, name);
      try {
        if (Date.now() - fs.statSync(file).mtimeMs < minAgeMs) continue;
        fs.rmSync(file, { force: true });
        removed.push(file);
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return removed;
}
