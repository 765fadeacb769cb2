// y = x·W (+ b) (+ scale · (x·A)·B for a LoRA branch). W is stored [in, out], or quantised (weights.ts:
// quantizeBlocks for MatMulNBits, quantizeColumns for per-row int8); LoRA factors stay float32.
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';

/** Input width of linear `name` (layers.i.kind). */
function inputDim(c: BuildContext, name: string): number {
  const kind = name.slice(name.lastIndexOf('.') + 1);
  if (kind === 'o') return c.spec.heads * c.spec.headDim; // qkv, gate_up, fc read the hidden state
  return kind === 'down' || kind === 'proj' ? c.spec.intermediate : c.spec.hidden;
}

/**
 * x [B,T,K] as uint8 codes (zero point 128) and one scale per row [B,T,1]: x ≈ (codes − 128)·scale. The codes come
 * from one blocked QuantizeLinear (block = the whole row, opset 21) rather than Div, Round, Add and Cast: one pass
 * over x instead of four (6x faster, reports/perf/NOTES.md change 17); it rounds half to even like Round.
 */
function quantizeRows(c: BuildContext, x: string, K: number): [string, string] {
  const hit = c.memo.get(`rowq:${x}`);
  if (hit) return hit as [string, string];
  const { g } = c;
  const amax = g.op('ReduceMax', [g.op('Abs', [x]), g.ints([-1])], { keepdims: attr.i(1) });
  const scale = g.op('Div', [g.op('Max', [amax, g.scalar(1e-30)]), g.scalar(127)]); // an all-zero row must not divide by 0
  const zeroPoint = g.op('Expand', [g.constant([128], [], 'uint8'), g.op('Shape', [scale])]); // [B,T,1], as blocked scales need
  const codes = g.op('QuantizeLinear', [x, scale, zeroPoint], { axis: attr.i(-1), block_size: attr.i(K) });
  c.memo.set(`rowq:${x}`, [codes, scale]);
  return [codes, scale];
}

function project(c: BuildContext, x: string, name: string): string {
  const { g, quant } = c;
  if (quant?.kind === 'nbits' && c.hasWeight(`${name}.weight.q`)) {
    return g.op(
      'MatMulNBits',
      [x, c.weight(`${name}.weight.q`), c.weight(`${name}.weight.scales`)],
      {
        K: attr.i(inputDim(c, name)),
        N: attr.i(c.weightDims(`${name}.weight.q`)[0]),
        bits: attr.i(quant.bits),
        block_size: attr.i(quant.block),
        accuracy_level: attr.i(quant.accuracyLevel),
      },
      undefined,
      'com.microsoft',
    );
  }
  if (quant?.kind === 'rowint8' && c.hasWeight(`${name}.weight.q`)) {
    const [codes, scale] = quantizeRows(c, x, inputDim(c, name));
    const y = g.op(
      'MatMulIntegerToFloat',
      [
        codes,
        c.weight(`${name}.weight.q`),
        g.scalar(1),
        c.weight(`${name}.weight.scales`),
        g.constant([128], [], 'uint8'),
      ],
      {},
      undefined,
      'com.microsoft',
    );
    return g.op('Mul', [y, scale]);
  }
  return g.op('MatMul', [x, c.weight(`${name}.weight`)]);
}

/** Does linear `name` (layers.i.q, …) get a LoRA branch? */
export function hasLora(c: BuildContext, name: string): boolean {
  return !!c.loraScale && c.hasWeight(`${name}.lora_a`);
}

/** scale · (x·A)·B for linear `name` when it has a LoRA branch. */
function loraDelta(c: BuildContext, x: string, name: string): string | undefined {
  if (!c.loraScale || !hasLora(c, name)) return undefined;
  const { g } = c;
  const down = g.op('Mul', [g.op('MatMul', [x, c.weight(`${name}.lora_a`)]), c.loraScale]); // [B,T,r]
  return g.op('MatMul', [down, c.weight(`${name}.lora_b`)]);
}

/** Linear `layers.i.kind` stored alone (o, down, fc, proj). */
export function linear(c: BuildContext, x: string, name: string): string {
  return linearPacked(c, x, name, [name])[0];
}

/**
 * Linears packed into one weight `pack` (weights.ts PACKS_*): one projection (+ packed bias), one Split
 * into the parts, then each part's own LoRA branch. Returns the parts' outputs in order.
 */
export function linearPacked(c: BuildContext, x: string, pack: string, parts: string[]): string[] {
  const { g } = c;
  let y = project(c, x, pack);
  if (c.hasWeight(`${pack}.bias`)) y = g.op('Add', [y, c.weight(`${pack}.bias`)]);
  const outs =
    parts.length === 1 ? [y] : g.opN('Split', [y, g.ints(parts.map(partWidth(c)))], parts.length, { axis: attr.i(-1) });
  return outs.map((out, j) => {
    const delta = loraDelta(c, x, parts[j]);
    return delta ? g.op('Add', [out, delta]) : out;
  });
}

/** Output width of linear part `layers.i.kind` inside a pack. */
function partWidth(c: BuildContext): (name: string) => number {
  const { heads, kvHeads, headDim, intermediate } = c.spec;
  return (name) => {
    const kind = name.slice(name.lastIndexOf('.') + 1);
    if (kind === 'q') return heads * headDim;
    if (kind === 'qk') return (heads + kvHeads) * headDim; // q and k kept together (attention.ts projectJointQK)
    if (kind === 'k' || kind === 'v') return kvHeads * headDim;
    if (kind === 'gate' || kind === 'up') return intermediate;
    throw new Error(`linear '${name}' is not part of a packed projection`);
  };
}
