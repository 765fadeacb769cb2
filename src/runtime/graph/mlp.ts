// Feed-forward block: gated (down(act(gate(x)) · up(x))) or plain (proj(act(fc(x)))).
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';
import { linear, linearPacked } from './linear.ts';

export function activation(c: BuildContext, x: string): string {
  const { g } = c;
  switch (c.spec.activation) {
    case 'silu':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    case 'gelu_tanh':
      return g.op('Gelu', [x], { approximate: attr.s('tanh') });
    case 'gelu':
      return g.op('Gelu', [x]);
    case 'relu':
      return g.op('Relu', [x]);
  }
}

export function mlp(c: BuildContext, x: string, layer: number): string {
  const p = `layers.${layer}`;
  if (c.spec.family.mlp === 'plain') return linear(c, activation(c, linear(c, x, `${p}.fc`)), `${p}.proj`);
  const [gate, up] = linearPacked(c, x, `${p}.gate_up`, [`${p}.gate`, `${p}.up`]);
  const gated = c.g.op('Mul', [activation(c, gate), up]);
  return linear(c, gated, `${p}.down`);
}
