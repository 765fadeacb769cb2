// Wall-clock timing: one warm-up run, then the best of `reps` runs. The best (not the mean) is the
// figure least disturbed by other processes on a shared machine; the peer is timed the same way.
// Short workloads get more runs (until `minSeconds` have passed, at most 100), because on a busy
// machine the best of 3 runs of a 10 ms forward pass is mostly a measure of the neighbours.
export async function timeBest(fn: () => Promise<unknown> | unknown, reps: number, minSeconds = 0): Promise<number> {
  await fn();
  let best = Infinity,
    spent = 0;
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

/**
 * Best time of each workload, run in turn (a, b, c, a, b, c, ...) after one warm-up each, for at least `reps`
 * rounds and until `minSeconds` of timed work (at most `maxRounds`). Figures that are later subtracted or
 * divided (a decode step = generate(1 + N) − generate(1)) then see the same load on a shared machine.
 */
export async function timeBestInterleaved(
  fns: (() => Promise<unknown> | unknown)[],
  reps: number,
  minSeconds = 0,
  maxRounds = 30,
): Promise<number[]> {
  for (const fn of fns) await fn();
  const best = fns.map(() => Infinity);
  let spent = 0;
  for (let round = 0; round < reps || (spent < minSeconds && round < maxRounds); round++)
    for (let i = 0; i < fns.length; i++) {
      const t0 = performance.now();
      await fns[i]();
      const s = (performance.now() - t0) / 1000;
      best[i] = Math.min(best[i], s);
      spent += s;
    }
  return best;
}
