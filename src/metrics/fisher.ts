// One-sided Fisher exact test of two proportions: is k1 of n1 larger than k0 of n0 would make it by
// chance? Under the null both samples are drawn from one pool of n1 + n0 items with k1 + k0 positive,
// so the count in the first sample is hypergeometric; the p-value is P(X >= k1).

function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1] + Math.log(i);
  return out;
}

/** P(X >= k1) for X ~ Hypergeometric(population n1 + n0, successes k1 + k0, draws n1). */
export function fisherExactGreater(k1: number, n1: number, k0: number, n0: number): number {
  for (const [name, k, n] of [
    ['first', k1, n1],
    ['second', k0, n0],
  ] as const) {
    if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && n >= 1 && k <= n))
      throw new Error(`fisherExactGreater: the ${name} sample needs integers 0 <= k <= n, n >= 1; got ${k} of ${n}`);
  }
  const N = n1 + n0;
  const K = k1 + k0;
  const lf = logFactorials(N);
  const logChoose = (n: number, k: number) => lf[n] - lf[k] - lf[n - k];
  const total = logChoose(N, n1);
  let p = 0;
  for (let x = k1; x <= Math.min(K, n1); x++) p += Math.exp(logChoose(K, x) + logChoose(N - K, n1 - x) - total);
  return Math.min(1, p);
}
