// RMSNorm and LayerNorm over the last axis. Gemma's (1 + w) is folded into w when weights are written.
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';

export function norm(c: BuildContext, x: string, name: string): string {
  const { g, spec } = c;
  if (spec.family.norm === 'layer')
    return g.op('LayerNormalization', [x, c.weight(`${name}.weight`), c.weight(`${name}.bias`)], {
      axis: attr.i(-1), epsilon: attr.f(spec.normEps),
    });
  return rmsNorm(c, x, c.weight(`${name}.weight`));
}

/** x / sqrt(mean(x²) + eps) · w */
export function rmsNorm(c: BuildContext, x: string, w: string): string {
  const { g } = c;
  const ms = g.op('ReduceMean', [g.op('Mul', [x, x]), g.ints([-1])], { keepdims: attr.i(1) });
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, g.scalar(c.spec.normEps)])])]);
  return g.op('Mul', [g.op('Mul', [x, inv]), w]);
}
