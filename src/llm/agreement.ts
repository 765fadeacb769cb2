// Agreement between two graders on the same items: Cohen's kappa for labels, Pearson correlation for
// scores. Items where either grader said UNKNOWN (or gave a non-finite score) are left out, and the
// number of items used is returned with the statistic.
// Minimal local versions; src/metrics/ may later provide the shared ones.

export interface Agreement {
  value: number;
  /** Items that entered the statistic. */
  n: number;
}

/** Cohen's kappa over paired labels; NaN when fewer than one usable pair or chance agreement is 1. */
export function cohenKappa(a: readonly string[], b: readonly string[], unknown = 'UNKNOWN'): Agreement {
  if (a.length !== b.length) throw new Error(`cohenKappa: label lists differ in length (${a.length} vs ${b.length})`);
  const pairs: [string, string][] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== unknown && b[i] !== unknown) pairs.push([a[i]!, b[i]!]);
  const n = pairs.length;
  if (n === 0) return { value: NaN, n };
  const categories = [...new Set(pairs.flat())];
  let observed = 0;
  for (const [x, y] of pairs) if (x === y) observed++;
  const po = observed / n;
  let pe = 0;
  for (const c of categories) {
    const pa = pairs.filter(([x]) => x === c).length / n;
    const pb = pairs.filter(([, y]) => y === c).length / n;
    pe += pa * pb;
  }
  // Both graders used a single identical category throughout: agreement is perfect but kappa is undefined.
  if (pe === 1) return { value: NaN, n };
  return { value: (po - pe) / (1 - pe), n };
}

/** Pearson correlation over paired finite scores; NaN when fewer than two pairs or a constant side. */
export function pearson(a: readonly number[], b: readonly number[]): Agreement {
  if (a.length !== b.length) throw new Error(`pearson: score lists differ in length (${a.length} vs ${b.length})`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      xs.push(a[i]!);
      ys.push(b[i]!);
    }
  }
  const n = xs.length;
  if (n < 2) return { value: NaN, n };
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { value: NaN, n };
  return { value: sxy / Math.sqrt(sxx * syy), n };
}
