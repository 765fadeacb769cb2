// Wall-clock timing: one warm-up run, then the best of `reps` runs. The best (not the mean) is the
// figure least disturbed by other processes on a shared machine; the peer is timed the same way.
export async function timeBest(fn: () => Promise<unknown> | unknown, reps: number): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}
