// Token readouts in the protocol's shape: top tokens of a score over the vocabulary, and vectors read
// through the logit lens (the finetuned model's final norm and unembedding).
import { logitLens } from '../../adl/lens.ts';
import { topK } from '../../adl/topk.ts';
import type { MethodContext, TokenReadout } from '../../method/types.ts';

/** The protocol scores at most this many tokens per readout (and 5 readouts per source). */
const READOUT_TOKENS = 20;
export const READOUTS_PER_SOURCE = 5;

export function tokenReadout(ctx: MethodContext, r: Omit<TokenReadout, 'tokens'>): TokenReadout {
  return {
    ...r,
    tokenIds: r.tokenIds.slice(0, READOUT_TOKENS),
    tokens: r.tokenIds.slice(0, READOUT_TOKENS).map((id) => ctx.tokenizer.displayToken(id)),
  };
}

/** Readout of the `k` highest-scoring tokens of a [V] score. */
export function topTokenReadout(
  ctx: MethodContext,
  score: ArrayLike<number>,
  r: Omit<TokenReadout, 'tokens' | 'tokenIds'>,
  k = READOUT_TOKENS,
): TokenReadout {
  return tokenReadout(ctx, { ...r, tokenIds: topK(score, Math.min(k, READOUT_TOKENS)) });
}

/** Logit-lens readouts of [H] vectors: one per vector, at the layer and position given with it. */
export async function lensReadouts(
  ctx: MethodContext,
  items: { vector: Float32Array; variant: string; layer: number; position: number }[],
): Promise<TokenReadout[]> {
  if (items.length === 0) return [];
  const lens = await logitLens(
    ctx.finetuned,
    items.map((i) => i.vector),
    READOUT_TOKENS,
  );
  return items.map((item, i) =>
    tokenReadout(ctx, {
      source: 'logitlens',
      variant: item.variant,
      layer: item.layer,
      position: item.position,
      tokenIds: lens[i].ids,
      probs: lens[i].probs,
    }),
  );
}

/** The text around token `pos` of a document: up to `before` tokens of context, the token itself in [[ ]]. */
export function contextText(ctx: MethodContext, doc: number[], pos: number, before = 10): string {
  const left = doc.slice(Math.max(0, pos - before), pos);
  return `${left.length ? ctx.tokenizer.decode(left) : ''}[[${ctx.tokenizer.decode([doc[pos]])}]]`;
}
