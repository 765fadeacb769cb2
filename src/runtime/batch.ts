// Batching helpers: padding, position ids and additive attention masks.

const MASKED = -1e30;

export interface PaddedBatch {
  ids: BigInt64Array; // [B,T]
  mask: number[][]; // [B][T], 1 = real token
  lengths: number[]; // real tokens per row
  B: number;
  T: number;
}

export function padBatch(rows: number[][], padId: number, side: 'left' | 'right', masks?: number[][]): PaddedBatch {
  const B = rows.length;
  if (!B) throw new Error('empty batch: inputIds has no rows');
  const T = Math.max(...rows.map((r) => r.length));
  if (!T) throw new Error('empty batch: every row of inputIds is empty');
  const ids = new BigInt64Array(B * T).fill(BigInt(padId));
  const mask: number[][] = [];
  rows.forEach((r, b) => {
    if (masks && masks[b].length !== r.length)
      throw new Error(`attentionMask row ${b} has ${masks[b].length} entries for ${r.length} tokens`);
    const off = side === 'left' ? T - r.length : 0;
    const m = new Array(T).fill(0);
    r.forEach((t, j) => {
      ids[b * T + off + j] = BigInt(t);
      m[off + j] = masks ? masks[b][j] : 1;
    });
    mask.push(m);
  });
  return { ids, mask, lengths: rows.map((r) => r.length), B, T };
}

/** Position of each token = real tokens before it (+ cached ones), so left padding does not shift positions. */
export function positionIds(mask: number[][], T: number, past: number[] = []): BigInt64Array {
  const out = new BigInt64Array(mask.length * T);
  mask.forEach((row, b) => {
    let seen = past[b] ?? 0;
    for (let t = 0; t < T; t++) out[b * T + t] = BigInt(row[t] ? seen++ : 0);
  });
  return out;
}

/**
 * Additive mask [B,1,1,T,S] over keys S = P + T (keyMask is [B][S]): query t (cache index P + t) may see key s
 * when s <= P + t, the key is not padding, and (sliding window) P + t − s < window.
 */
export function attentionMask(keyMask: number[][], T: number, window: number | null): Float32Array {
  const B = keyMask.length,
    S = keyMask[0].length,
    P = S - T;
  const out = new Float32Array(B * T * S).fill(MASKED);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const q = P + t;
      const lo = window ? Math.max(0, q - window + 1) : 0;
      for (let s = lo; s <= q; s++) if (keyMask[b][s]) out[(b * T + t) * S + s] = 0;
    }
  return out;
}
