// One decoder layer: attention and MLP sub-blocks around the residual stream, with the norm layout of
// the family ('pre', 'sandwich' or 'post').
import type { BuildContext } from './context.ts';
import { attention, type AttentionIO } from './attention.ts';
import { mlp } from './mlp.ts';
import { norm } from './norm.ts';

export function decoderBlock(c: BuildContext, x: string, layer: number, io: AttentionIO): { out: string; key: string; value: string } {
  const { g } = c;
  const p = `layers.${layer}`;
  const layout = c.spec.family.layout;
  const attnIn = layout === 'post' ? x : norm(c, x, `${p}.attn_norm`);
  const a = attention(c, attnIn, layer, io);
  const h = g.op('Add', [x, layout === 'pre' ? a.out : norm(c, a.out, `${p}.attn_post_norm`)]);
  const m = mlp(c, layout === 'post' ? h : norm(c, h, `${p}.mlp_norm`), layer);
  const out = g.op('Add', [h, layout === 'pre' ? m : norm(c, m, `${p}.mlp_post_norm`)]);
  return { out, key: a.key, value: a.value };
}
