// Wall-clock timing: one warm-up run, then the best of `reps` runs. The best (not the mean) is the
// figure least disturbed by other processes on a shared machine; the peer is timed the same way.
// Short workloads get more runs (until `minSeconds` have passed, at most 100), because on a busy
// machine the best of 3 runs of a 10 ms forward pass is mostly a measure of the neighbours.
export async function timeBest(fn: () => Promise<unknown> | unknown, reps: number, minSeconds = 0): Promise<number> {
  await fn();
  let best = Infinity, spent = 0;
  for (let i = 0; i < reps || (spent < minSeconds && i < 100); i++) {
    const t0 = performance.now();
    await fn();
    const s = (performance.now() - t0) / 1000;
    best = Math.min(best, s);
    spent += s;
  }
  return best;
}

/** Runs for the peer so that it gets about the same time budget as we did (same rule as timeBest). */
export function peerReps(reps: number, ourSeconds: number, minSeconds: number): number {
  return Math.max(reps, Math.min(100, Math.ceil(minSeconds / Math.max(ourSeconds, 1e-4))));
}
