// The directions `causal` intervenes along besides the position vectors: random Gaussian directions and
// random differences of two base-model activations (the toolkit's two controls).
import type { MethodContext } from '../../method/types.ts';
import { norm } from '../../vector.ts';

export function unit(v: Float64Array): Float64Array {
  const n = norm(v);
  if (!(n > 0)) throw new Error('causal: a direction has zero norm');
  return v.map((x) => x / n);
}

/** `n` unit directions from standard normal draws (Box–Muller over `rng`). */
export function randomGaussianDirections(n: number, H: number, rng: () => number): Float64Array[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: n }, () => unit(Float64Array.from({ length: H }, normal)));
}

/**
 * `n` unit directions a − b for pairs of activations drawn from the base model's residual at `layer` over
 * every token of up to 128 texts: the suite's chat replies (the toolkit's source) where the method gets them,
 * else unrelated documents.
 */
export async function randomActivationDifferences(
  ctx: MethodContext,
  layer: number,
  n: number,
  maxTokens: number,
  rng: () => number,
): Promise<{ vectors: Float64Array[]; source: string }> {
  if (n === 0) return { vectors: [], source: 'none' };
  const chat = ctx.chatTexts ? await ctx.chatTexts(128) : [];
  const fromChat = chat.map((t) => ctx.tokenizer.encode(t).slice(0, maxTokens)).filter((ids) => ids.length > 0);
  const docs = fromChat.length ? fromChat : await ctx.unrelatedDocuments(16, Math.min(maxTokens, 64));
  const source = fromChat.length ? 'chat' : 'unrelated';
  const hook = `resid_post.${layer}` as const;
  const H = ctx.base.info.hiddenSize;
  const pool: Float32Array[] = [];
  for (let start = 0; start < docs.length && pool.length < 2 * n; start += 16) {
    const batch = docs.slice(start, start + 16);
    const r = await ctx.base.forward({ inputIds: batch, capture: [hook], logits: 'none', loraScale: ctx.baseScale });
    const T = r.hooks[hook]!.dims[1];
    batch.forEach((ids, b) => {
      for (let t = 0; t < ids.length; t++) pool.push(r.hooks[hook]!.data.slice((b * T + t) * H, (b * T + t + 1) * H));
    });
  }
  if (pool.length < 2 * n)
    throw new Error(`causal: ${pool.length} ${source} activations for ${n} random differences (need ${2 * n})`);
  // a seeded partial Fisher–Yates shuffle picks 2n distinct activations
  const idx = pool.map((_, i) => i);
  for (let i = 0; i < 2 * n; i++) {
    const j = i + Math.floor(rng() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const vectors = Array.from({ length: n }, (_, k) => {
    const a = pool[idx[2 * k]],
      b = pool[idx[2 * k + 1]];
    return unit(Float64Array.from({ length: H }, (_, h) => a[h] - b[h]));
  });
  return { vectors, source };
}
