// Dense vector helpers, in double precision, summed left to right (so every caller gets the same bits).

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** v / ‖v‖; undefined when the norm is zero (or NaN). */
export function unit(v: ArrayLike<number>): Float64Array | undefined {
  const n = norm(v);
  if (!(n > 0)) return undefined;
  return Float64Array.from(v, (x) => x / n);
}

/** a·b / (‖a‖ ‖b‖); NaN when either is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(a, b) / (norm(a) * norm(b));
}
