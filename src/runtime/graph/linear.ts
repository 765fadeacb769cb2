// y = x·W (+ b) (+ scale · (x·A)·B for a LoRA branch). W is stored [in, out].
import type { BuildContext } from './context.ts';

export function linear(c: BuildContext, x: string, name: string): string {
  const { g } = c;
  let y = g.op('MatMul', [x, c.weight(`${name}.weight`)]);
  if (c.hasWeight(`${name}.bias`)) y = g.op('Add', [y, c.weight(`${name}.bias`)]);
  if (c.loraScale && c.hasWeight(`${name}.lora_a`)) {
    const down = g.op('Mul', [g.op('MatMul', [x, c.weight(`${name}.lora_a`)]), c.loraScale]); // [B,T,r]
    y = g.op('Add', [y, g.op('MatMul', [down, c.weight(`${name}.lora_b`)])]);
  }
  return y;
}
