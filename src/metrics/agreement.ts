// Agreement between graders: Cohen's kappa for labels, Pearson and Spearman for scores.

/** Cohen's kappa of two raters' labels on the same items; NaN when chance agreement is 1 (undefined). */
export function cohenKappa<L extends string>(a: L[], b: L[]): number {
  if (a.length !== b.length) throw new Error(`cohenKappa: ${a.length} vs ${b.length} labels`);
  if (a.length === 0) throw new Error('cohenKappa: no labels');
  const n = a.length;
  const countA = new Map<L, number>();
  const countB = new Map<L, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
    if (a[i] === b[i]) agree++;
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, ca] of countA) pe += (ca / n) * ((countB.get(label) ?? 0) / n);
  return pe === 1 ? NaN : (po - pe) / (1 - pe);
}

/** Pearson correlation; NaN when either side has zero variance. */
export function pearson(x: number[], y: number[]): number {
  if (x.length !== y.length) throw new Error(`pearson: ${x.length} vs ${y.length} values`);
  if (x.length < 2) throw new Error('pearson: needs at least 2 pairs');
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Ranks starting at 1, ties sharing their average rank. */
export function ranks(x: number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(x.length);
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1][0] === order[s][0]) e++;
    for (let k = s; k <= e; k++) r[order[k][1]] = (s + e) / 2 + 1;
    s = e + 1;
  }
  return r;
}

/** Spearman rank correlation (Pearson on average ranks). */
export function spearman(x: number[], y: number[]): number {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} vs ${y.length} values`);
  return pearson(ranks(x), ranks(y));
}

/** An agreement statistic and the number of items that entered it. */
export interface Agreement {
  value: number;
  n: number;
}

/** Cohen's kappa between two graders, leaving out items either one labelled UNKNOWN or UNGRADED. */
export function labelAgreement(
  a: readonly string[],
  b: readonly string[],
  unknown: readonly string[] = ['UNKNOWN', 'UNGRADED'],
): Agreement {
  if (a.length !== b.length)
    throw new Error(`labelAgreement: label lists differ in length (${a.length} vs ${b.length})`);
  const keep = a.map((x, i) => !unknown.includes(x) && !unknown.includes(b[i]));
  const xa = a.filter((_, i) => keep[i]),
    xb = b.filter((_, i) => keep[i]);
  return { value: xa.length ? cohenKappa(xa, xb) : NaN, n: xa.length };
}

/** Pearson correlation between two graders' scores, leaving out non-finite scores. */
export function scoreAgreement(a: readonly number[], b: readonly number[]): Agreement {
  if (a.length !== b.length)
    throw new Error(`scoreAgreement: score lists differ in length (${a.length} vs ${b.length})`);
  const keep = a.map((x, i) => Number.isFinite(x) && Number.isFinite(b[i]));
  const xa = a.filter((_, i) => keep[i]),
    xb = b.filter((_, i) => keep[i]);
  return { value: xa.length >= 2 ? pearson(xa, xb) : NaN, n: xa.length };
}
