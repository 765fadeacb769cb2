// glibc's allocator settings for DiffBench's CLIs (reports/perf/NOTES.md, change 8): by default glibc maps
// every block over 32 MiB fresh and unmaps it on free, so each large logits array (a perplexity forward
// over [B, T, 8192], the KV cache of a decode step) pays first-touch page faults again. MALLOC_ENV keeps
// freed memory for reuse. glibc reads it at process start, so the CLI runs itself again with it set.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { MALLOC_ENV } from '../perf/peer.ts';

/** Set in the re-executed child: the pid of the process that waits for it. */
const PARENT_ENV = 'DIFFBENCH_REEXEC_PARENT';
const PARENT_POLL_MS = 500;

/** The parent pid as the kernel sees it now (process.ppid is fixed at start). */
function currentParent(): number | undefined {
  try {
    // /proc/self/stat: "pid (comm) state ppid ...", comm may contain spaces and parentheses
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * In the re-executed child: when the parent is gone without forwarding a signal (SIGKILL), the child stops
 * itself with SIGTERM, which reaches its bench workers (src/cli/organism-pool.ts).
 */
function stopWhenParentIsGone(): void {
  const parent = Number(process.env[PARENT_ENV]);
  delete process.env[PARENT_ENV];
  if (!Number.isInteger(parent) || parent !== process.ppid) return;
  setInterval(() => {
    const now = currentParent();
    if (now !== undefined && now !== parent) process.kill(process.pid, 'SIGTERM');
  }, PARENT_POLL_MS).unref();
}

/** Signals the waiting parent passes on to the child (and so to its workers). */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let waiting = false;

/** True in a parent that re-executed itself: it only waits for the child (runCli runs nothing there). */
export function waitingForReexecutedChild(): boolean {
  return waiting;
}

/**
 * Re-executes this process with MALLOC_ENV unless it is set already. The parent then only waits (runCli
 * skips the command there): it passes SIGINT, SIGTERM and SIGHUP on to the child and exits as the child did
 * (its status, or the same signal: a child killed by SIGKILL must not look like exit 1, "a threshold failed").
 */
export function rerunWithAllocatorEnv(): void {
  if (process.platform !== 'linux') return;
  if (Object.entries(MALLOC_ENV).every(([k, v]) => process.env[k] === v)) {
    stopWhenParentIsGone();
    return;
  }
  waiting = true;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV, [PARENT_ENV]: String(process.pid) },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of FORWARDED) process.on(s, forward);
  child.on('error', (err) => {
    process.stderr.write(`cannot re-execute ${process.argv[1]}: ${err.message}\n`);
    process.exit(3);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.removeListener(s, forward);
    if (code !== null) process.exit(code);
    // end by the same signal; should a listener of the loader catch it, exit with the shell's 128 + n
    process.kill(process.pid, signal ?? 'SIGTERM');
    setTimeout(() => process.exit(128 + (os.constants.signals[signal ?? 'SIGTERM'] ?? 15)), 200);
  });
}
