// glibc's allocator settings for DiffBench's CLIs (reports/perf/NOTES.md, change 8): by default glibc maps
// every block over 32 MiB fresh and unmaps it on free, so each large logits array (a perplexity forward
// over [B, T, 8192], the KV cache of a decode step) pays first-touch page faults again. MALLOC_ENV keeps
// freed memory for reuse. glibc reads it at process start, so the CLI runs itself again with it set.
import { spawnSync } from 'node:child_process';
import { MALLOC_ENV } from '../perf/peer.ts';

/**
 * Re-executes this process with MALLOC_ENV unless it is set already; exits as the child did (its status, or
 * the same signal: a child killed by SIGKILL must not look like exit 1, "a threshold failed").
 */
export function rerunWithAllocatorEnv(): void {
  if (process.platform !== 'linux' || Object.entries(MALLOC_ENV).every(([k, v]) => process.env[k] === v)) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV },
  });
  if (r.error) throw r.error;
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 3);
}
