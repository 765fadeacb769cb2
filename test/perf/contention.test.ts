// The contention workload's mechanics (npm run perf -- --only contention), not its timings: children
// start the timed part together, each reports its own time, and the slowdown is the pair's mean over
// the time alone. Tiny collection (8 documents x 8 tokens), spinning off only.
import { describe, expect, it } from 'vitest';
import { contentionFigure, type ContentionVariant } from '../../src/perf/contention.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

describe('contention workload', () => {
  it('runs the collection alone and in two processes at once and reports the ratio', async () => {
    const logs: string[] = [];
    const r = await contentionFigure({
      zooDir: ZOO_BASE,
      adapter: zooAdapter('cake_bake'),
      cacheDir: testCacheDir(),
      reps: 1,
      docs: 8,
      tokens: 8,
      spinning: [false],
      log: (m) => logs.push(m),
    });
    const [v] = r.variants as ContentionVariant[];
    expect(v.spinning).toBe(false);
    for (const s of [v.solo_seconds, v.pair_seconds, v.pair_max_seconds])
      expect(Number.isFinite(s) && s > 0).toBe(true);
    expect(v.pair_max_seconds).toBeGreaterThanOrEqual(v.pair_seconds);
    expect(v.slowdown).toBeCloseTo(v.pair_seconds / v.solo_seconds, 12);
    expect(r.slowdown_ratio).toBe(v.slowdown);
    expect(r.documents).toBe(8);
    expect(logs.join('\n')).toMatch(/spinning off/);
  }, 120_000);
});
