// Softmax and top-k over rows of logits.

/** Softmax of one row (float64 accumulation, numerically stable). */
export function softmax(logits: Float32Array | number[]): Float64Array {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/**
 * Indices of the k largest values, largest first (ties: lower index first). One pass keeping the best
 * k in order (k is small next to the vocabulary: lens 100, Patchscope 20); NaN values fall back to a
 * full sort, whose order they define.
 */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  const m = Math.min(k, n);
  if (m <= 0) return [];
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (Number.isNaN(x)) return fullSort(values, m);
    // a later index never beats an equal value already kept
    if (best.length === m && !(x > values[best[m - 1]])) continue;
    let j = best.length === m ? m - 1 : best.length;
    while (j > 0 && x > values[best[j - 1]]) j--;
    best.splice(j, 0, i);
    if (best.length > m) best.pop();
  }
  return best;
}

function fullSort(values: ArrayLike<number>, m: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[b] - values[a] || a - b);
  return idx.slice(0, m);
}
