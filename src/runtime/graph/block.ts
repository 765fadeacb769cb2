// One decoder layer: attention and MLP sub-blocks around the residual stream, with the norm layout of
// the family ('pre', 'sandwich' or 'post'). The layer's output is the sum of `residualTerms`, left to the
// caller so that steering joins the same Sum kernel.
import type { BuildContext } from './context.ts';
import { attention, type AttentionIO } from './attention.ts';
import { mlp } from './mlp.ts';
import { addNorm, norm } from './norm.ts';

export function decoderBlock(
  c: BuildContext,
  x: string,
  layer: number,
  io: AttentionIO,
): { residualTerms: [string, string]; key: string; value: string } {
  const { g } = c;
  const p = `layers.${layer}`;
  const layout = c.spec.family.layout;
  const attnIn = layout === 'post' ? x : norm(c, x, `${p}.attn_norm`);
  const a = attention(c, attnIn, layer, io);
  let h: string, mlpIn: string;
  const attnOut = layout === 'pre' ? a.out : norm(c, a.out, `${p}.attn_post_norm`);
  if (layout === 'post') mlpIn = h = g.op('Add', [x, attnOut]);
  else ({ sum: h, normed: mlpIn } = addNorm(c, x, attnOut, `${p}.mlp_norm`));
  const m = mlp(c, mlpIn, layer);
  return { residualTerms: [h, layout === 'pre' ? m : norm(c, m, `${p}.mlp_post_norm`)], key: a.key, value: a.value };
}
