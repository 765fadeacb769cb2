// timeBest repeats short workloads until minSeconds have passed; peerReps gives the peer the same budget.
import { describe, expect, it } from 'vitest';
import { peerReps, timeBest, timeBestInterleaved } from '../../src/perf/timing.ts';

describe('timing', () => {
  it('runs reps + 1 times for long work, and more runs (capped at 100 + 1) for short work', async () => {
    let n = 0;
    await timeBest(() => {
      n++;
    }, 3);
    expect(n).toBe(4);
    n = 0;
    const best = await timeBest(
      () => {
        n++;
      },
      3,
      10,
    );
    expect(n).toBe(101);
    expect(best).toBeGreaterThanOrEqual(0);
    // stops at the first run after minSeconds of timed work (the warm-up does not count)
    const durations: number[] = [];
    await timeBest(
      async () => {
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, 20));
        durations.push((performance.now() - t0) / 1000);
      },
      2,
      0.1,
    );
    const timed = durations.slice(1),
      total = timed.reduce((a, b) => a + b, 0);
    expect(timed.length).toBeGreaterThanOrEqual(2);
    expect(total).toBeGreaterThanOrEqual(0.1 - 0.005); // performance.now() inside vs outside the callback
    expect(total - timed[timed.length - 1]).toBeLessThan(0.1 + 0.005);
  });
  it('peerReps: at least reps, about minSeconds of work, at most 100', () => {
    expect(peerReps(3, 2, 1.5)).toBe(3);
    expect(peerReps(3, 0.01, 1.5)).toBe(100);
    expect(peerReps(3, 0.1, 1.5)).toBe(15);
  });
  it('timeBestInterleaved runs the workloads in turn and returns the best of each', async () => {
    const order: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const [a, b] = await timeBestInterleaved(
      [
        async () => {
          order.push('a');
          await sleep(2);
        },
        async () => {
          order.push('b');
          await sleep(25);
        },
      ],
      3,
    );
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']); // warm-up of each, then 3 rounds
    expect(a).toBeLessThan(b);
    expect(b).toBeGreaterThanOrEqual(0.025 - 0.002);
  });
});
