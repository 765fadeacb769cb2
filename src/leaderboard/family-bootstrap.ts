// A two-level bootstrap for suite-level statistics: resample organism families with replacement
// (organisms of one family travel together), and within each drawn organism perturb every metric by
// its own uncertainty (normal with the standard error implied by its 95% CI). The first level is the
// between-organism spread, the second the within-organism sampling noise the result files report.
import seedrandom from 'seedrandom';
import type { ConfidenceInterval } from '../metrics/index.ts';
import type { MetricValue } from '../results/types.ts';

/** Standard error implied by a metric's CI (0 for values without one). */
export function standardError(m: Pick<MetricValue, 'lower' | 'upper' | 'ci'>): number {
  return m.ci === 'none' ? 0 : Math.max(0, m.upper - m.lower) / (2 * 1.959964);
}

/**
 * One replicate's view: the drawn organisms (with repeats), and `draw(series, k)`: a standard normal
 * for series `series` at the k-th drawn organism (0 on the original sample), the same within a replicate.
 */
export type Statistic = (organisms: string[], draw: (series: string, k: number) => number) => number;

function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export function familyBootstrap(
  families: string[][],
  statistic: Statistic,
  opts: { n: number; seed: string; alpha?: number },
): ConfidenceInterval {
  const alpha = opts.alpha ?? 0.05;
  const all = families.flat();
  const estimate = statistic(all, () => 0);
  const rng = seedrandom(opts.seed);
  const stats: number[] = [];
  for (let r = 0; r < opts.n; r++) {
    const organisms = Array.from(
      { length: families.length },
      () => families[Math.floor(rng() * families.length)],
    ).flat();
    const draws = new Map<string, number>();
    const draw = (series: string, k: number) => {
      const key = `${series}|${k}`;
      let z = draws.get(key);
      if (z === undefined) draws.set(key, (z = normal(rng)));
      return z;
    };
    stats.push(statistic(organisms, draw));
  }
  const finite = stats.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { estimate, lower: NaN, upper: NaN, n: opts.n, alpha };
  const q = (p: number) => {
    const pos = p * (finite.length - 1);
    const lo = Math.floor(pos);
    return finite[lo] + (finite[Math.ceil(pos)] - finite[lo]) * (pos - lo);
  };
  return { estimate, lower: q(alpha / 2), upper: q(1 - alpha / 2), n: opts.n, alpha };
}
