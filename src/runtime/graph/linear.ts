// y = x·W (+ b) (+ scale · (x·A)·B for a LoRA branch). W is stored [in, out], or, quantised, as
// MatMulNBits codes and scales (weights.ts: quantizeBlocks); LoRA factors stay float32.
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';

/** Input width of linear `name` (layers.i.kind). */
function inputDim(c: BuildContext, name: string): number {
  const kind = name.slice(name.lastIndexOf('.') + 1);
  if (kind === 'o') return c.spec.heads * c.spec.headDim;
  return kind === 'down' || kind === 'proj' ? c.spec.intermediate : c.spec.hidden;
}

function project(c: BuildContext, x: string, name: string): string {
  const { g } = c;
  if (!c.quant || !c.hasWeight(`${name}.weight.q`)) return g.op('MatMul', [x, c.weight(`${name}.weight`)]);
  const codes = c.weight(`${name}.weight.q`);
  return g.op('MatMulNBits', [x, codes, c.weight(`${name}.weight.scales`)], {
    K: attr.i(inputDim(c, name)), N: attr.i(c.weightDims(`${name}.weight.q`)[0]), bits: attr.i(c.quant.bits),
    block_size: attr.i(c.quant.block), accuracy_level: attr.i(c.quant.accuracyLevel),
  }, undefined, 'com.microsoft');
}

export function linear(c: BuildContext, x: string, name: string): string {
  const { g } = c;
  let y = project(c, x, name);
  if (c.hasWeight(`${name}.bias`)) y = g.op('Add', [y, c.weight(`${name}.bias`)]);
  if (c.loraScale && c.hasWeight(`${name}.lora_a`)) {
    const down = g.op('Mul', [g.op('MatMul', [x, c.weight(`${name}.lora_a`)]), c.loraScale]); // [B,T,r]
    y = g.op('Add', [y, g.op('MatMul', [down, c.weight(`${name}.lora_b`)])]);
  }
  return y;
}
