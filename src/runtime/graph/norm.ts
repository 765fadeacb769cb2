// RMSNorm and LayerNorm over the last axis. Gemma's (1 + w) is folded into w when weights are written.
// The fused variant uses the single-kernel ops (opset-23 RMSNormalization, LayerNormalization) and,
// where a residual add feeds a norm, com.microsoft's Skip(Simplified)LayerNormalization.
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';

export function norm(c: BuildContext, x: string, name: string): string {
  const { g, spec } = c;
  if (spec.family.norm === 'layer')
    return g.op('LayerNormalization', [x, c.weight(`${name}.weight`), c.weight(`${name}.bias`)], {
      axis: attr.i(-1),
      epsilon: attr.f(spec.normEps),
    });
  return rmsNorm(c, x, c.weight(`${name}.weight`));
}

/** x / sqrt(mean(x²) + eps) · w */
export function rmsNorm(c: BuildContext, x: string, w: string): string {
  const { g } = c;
  if (c.fused)
    return g.op('RMSNormalization', [x, w], {
      axis: attr.i(-1),
      epsilon: attr.f(c.spec.normEps),
      stash_type: attr.i(1),
    });
  const ms = g.op('ReduceMean', [g.op('Mul', [x, x]), g.ints([-1])], { keepdims: attr.i(1) });
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, c.float(c.spec.normEps)])])]);
  return g.op('Mul', [g.op('Mul', [x, inv]), w]);
}

/** { sum: x + y, normed: norm(x + y) }; one kernel in the fused variant (x, y: [B,T,H]). */
export function addNorm(c: BuildContext, x: string, y: string, name: string): { sum: string; normed: string } {
  const { g, spec } = c;
  if (!c.fused) {
    const sum = g.op('Add', [x, y]);
    return { sum, normed: norm(c, sum, name) };
  }
  const eps = { epsilon: attr.f(spec.normEps) };
  const [normed, , , sum] =
    spec.family.norm === 'layer'
      ? g.opN(
          'SkipLayerNormalization',
          [y, x, c.weight(`${name}.weight`), c.weight(`${name}.bias`)],
          4,
          eps,
          undefined,
          'com.microsoft',
        )
      : g.opN(
          'SkipSimplifiedLayerNormalization',
          [y, x, c.weight(`${name}.weight`)],
          4,
          eps,
          undefined,
          'com.microsoft',
        );
  return { sum, normed };
}
