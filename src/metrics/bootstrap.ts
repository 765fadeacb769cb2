// Seeded percentile-bootstrap confidence intervals.
import seedrandom from 'seedrandom';

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  n?: number;
  /** 1 - confidence level (default 0.05: a 95% interval). */
  alpha?: number;
  seed: string;
}

export interface ConfidenceInterval {
  /** The statistic on the original samples. */
  estimate: number;
  lower: number;
  upper: number;
  n: number;
  alpha: number;
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
function quantile(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function check(length: number, n: number, alpha: number, name: string) {
  if (length === 0) throw new Error(`${name}: no samples`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: n must be an integer >= 1, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`${name}: alpha must be in (0, 1), got ${alpha}`);
}

function interval(estimate: number, stats: number[], n: number, alpha: number, name: string): ConfidenceInterval {
  const finite = stats.filter(Number.isFinite).sort((x, y) => x - y);
  if (finite.length === 0) throw new Error(`${name}: the statistic was not finite on any resample`);
  return { estimate, lower: quantile(finite, alpha / 2), upper: quantile(finite, 1 - alpha / 2), n, alpha };
}

/** Percentile bootstrap CI of statistic(samples), resampling samples with replacement. */
export function bootstrapCI<T>(
  samples: T[],
  statistic: (resample: T[]) => number,
  { n = 1000, alpha = 0.05, seed }: BootstrapOptions,
): ConfidenceInterval {
  check(samples.length, n, alpha, 'bootstrapCI');
  const rng = seedrandom(seed);
  const stats: number[] = [];
  const resample: T[] = new Array(samples.length);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < samples.length; i++) resample[i] = samples[Math.floor(rng() * samples.length)];
    stats.push(statistic(resample));
  }
  return interval(statistic(samples), stats, n, alpha, 'bootstrapCI');
}

/**
 * CI of statistic(a) - statistic(b) for paired samples (a[i] and b[i] belong together, e.g. the same
 * prompt): both are resampled with the same indices.
 */
export function pairedBootstrapCI<T, U = T>(
  a: T[],
  b: U[],
  statisticA: (resample: T[]) => number,
  statisticB: (resample: U[]) => number,
  { n = 1000, alpha = 0.05, seed }: BootstrapOptions,
): ConfidenceInterval {
  if (a.length !== b.length)
    throw new Error(`pairedBootstrapCI: paired samples differ in length (${a.length} vs ${b.length})`);
  check(a.length, n, alpha, 'pairedBootstrapCI');
  const rng = seedrandom(seed);
  const stats: number[] = [];
  for (let r = 0; r < n; r++) {
    const idx = Array.from({ length: a.length }, () => Math.floor(rng() * a.length));
    stats.push(statisticA(idx.map((i) => a[i])) - statisticB(idx.map((i) => b[i])));
  }
  return interval(statisticA(a) - statisticB(b), stats, n, alpha, 'pairedBootstrapCI');
}

export function mean(xs: number[]): number {
  if (xs.length === 0) throw new Error('mean: no values');
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
