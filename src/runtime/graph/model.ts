// The whole decoder as one ONNX graph: embeddings, decoder layers with hook points, final norm, logits.
//
// Inputs (B = batch, T = new tokens, P = cached tokens, S = P + T, L = layers, H = hidden, M = logit rows):
//   input_ids [B,T] int64, position_ids [B,T] int64
//   mask_full, mask_sliding [B,1,1,T,S] float: additive attention masks (0 = attend)
//   past_key.i, past_value.i [B,kvHeads,P,headDim]
//   steer [B,1,L·H]: steer[b,0,i·H:(i+1)·H] is added to the output of layer i (zeros when unused)
//   patch_index.i [N,2] int64, patch_rows.i [N,H]: the output of layer i at (b,t) = patch_index.i[n] is replaced
//   by patch_rows.i[n] (N = 0 when unused)
//   lora_scale [B] (adapters only), logit_rows [M] int64: rows of the flattened [B*T] stream to unembed
//   continue.e bool [] for each exit layer e (LoadOptions.exitLayers): false = the layers after e see one position
// Outputs: resid_pre.0, resid_post.i, final_norm [B,T,H]; logits [M,V]; present_key.i, present_value.i.
import { attr, Graph } from '../../onnx/graph.ts';
import type { ModelSpec } from '../config.ts';
import type { WeightIndex } from '../weights.ts';
import type { BuildContext, QuantSpec } from './context.ts';
import { decoderBlock } from './block.ts';
import { norm } from './norm.ts';
import { rotaryTables, type RotaryTables } from './rotary.ts';

export const OPSET = 21; // Split with num_outputs needs >= 18
/** The fused variant needs opset 23 (RMSNormalization, RotaryEmbedding, Attention) and com.microsoft ops. */
const FUSED_OPSETS = { '': 23, 'com.microsoft': 1 };

/** How the graph is built: fused kernels or the plain decomposition; float32 or quantised linear weights. */
export interface GraphVariant {
  fused: boolean;
  quant: QuantSpec | null;
  /** Layers after which a forward may stop early (see exitAfter). */
  exits?: number[];
  /**
   * Fused variant with per-head q/k norms: one RMSNormalization over q and k together (default true). WebGPU's
   * kernel accepts only a gain of the normalised axis' size ([hd], not [heads+kvHeads, hd]): false there.
   */
  jointQkNorm?: boolean;
  /** Fused variant: the opset-23 Attention kernel where it matches (default true; WebGPU has none, ORT would run it on the CPU). */
  fusedAttention?: boolean;
  /** Residual + block update + steering as one Sum (default true); WebGPU has no Sum kernel: two Adds there. */
  sumKernel?: boolean;
  /**
   * Weights, activations and KV cache in float16 (precision 'fp16', for GPUs); inputs other than the KV cache and
   * all hook/logit outputs stay float32 (cast at the graph's edge), rotary tables are computed in float32.
   */
  half?: boolean;
}
const REFERENCE_VARIANT: GraphVariant = { fused: false, quant: null };

function context(g: Graph, spec: ModelSpec, index: WeightIndex, weightsFile: string, v: GraphVariant): BuildContext {
  const names = new Map<string, string>();
  const entry = (name: string) => {
    const e = index[name];
    if (!e) throw new Error(`graph needs weight '${name}', which the weight file does not have`);
    return e;
  };
  return {
    g,
    spec,
    fused: v.fused,
    quant: v.quant,
    dtype: v.half ? 'float16' : 'float32',
    float: (x) => g.constant([x], [], v.half ? 'float16' : 'float32'),
    jointQkNorm: v.jointQkNorm ?? true,
    fusedAttention: v.fused && (v.fusedAttention ?? true),
    memo: new Map(),
    hasWeight: (name) => name in index,
    weightDims: (name) => entry(name).dims,
    weight(name) {
      const e = entry(name);
      let init = names.get(name);
      if (!init) {
        init = g.external(`w.${name}`, e.dims, weightsFile, e.offset, e.length, e.dtype ?? 'float32');
        names.set(name, init);
      }
      return init;
    },
  };
}

function opsets(v: GraphVariant): Record<string, number> {
  return v.fused || v.quant ? FUSED_OPSETS : { '': OPSET };
}

const ONNX_FLOAT = 1,
  ONNX_FLOAT16 = 10;

/** A float32 graph input in the activation dtype (float16 graphs: one Cast; `clamp` keeps -1e30 masks finite). */
function activationInput(c: BuildContext, input: string, clamp?: number): string {
  if (c.dtype === 'float32') return input;
  const x = clamp === undefined ? input : c.g.op('Max', [input, c.g.scalar(clamp)]);
  return c.g.op('Cast', [x], { to: attr.i(ONNX_FLOAT16) });
}

/** Declares `value` as float32 graph output `name` (float16 graphs: the Cast back is the output node). */
function outputF32(c: BuildContext, value: string, name: string, dims: (number | string)[]): void {
  c.g.output(
    c.dtype === 'float32' ? value : c.g.op('Cast', [value], { to: attr.i(ONNX_FLOAT) }, name),
    name,
    'float32',
    dims,
  );
}

/**
 * Masked scores in float16 graphs: -30000 rather than -1e30, which is -inf in float16 (a row whose keys are all
 * masked would then depend on how each provider's Softmax treats a row of -inf; a finite value keeps it finite).
 */
const HALF_MASKED = -30000;

/** Logits of rows [M,H]: final-norm output -> unembedding (-> soft-cap). */
function unembed(c: BuildContext, rows: string): string {
  const { g, spec } = c;
  const head = c.hasWeight('lm_head') ? c.weight('lm_head') : c.weight('embed');
  let logits = g.op('Gemm', [rows, head], { transB: attr.i(1) });
  if (spec.finalSoftcap)
    logits = g.op('Mul', [
      g.op('Tanh', [g.op('Div', [logits, c.float(spec.finalSoftcap)])]),
      c.float(spec.finalSoftcap),
    ]);
  return logits;
}

export function buildDecoderGraph(
  spec: ModelSpec,
  index: WeightIndex,
  weightsFile: string,
  withLora: boolean,
  v: GraphVariant = REFERENCE_VARIANT,
): Uint8Array {
  const g = new Graph();
  const { numLayers: L, hidden: H, kvHeads, headDim, vocab } = spec;
  const ids = g.input('input_ids', 'int64', ['B', 'T']);
  const positions = g.input('position_ids', 'int64', ['B', 'T']);
  const c = context(g, spec, index, weightsFile, v);
  const maskFull = activationInput(c, g.input('mask_full', 'float32', ['B', 1, 1, 'T', 'S']), HALF_MASKED);
  const maskSliding = spec.layerTypes.includes('sliding')
    ? activationInput(c, g.input('mask_sliding', 'float32', ['B', 1, 1, 'T', 'S']), HALF_MASKED)
    : maskFull;
  const steer = activationInput(c, g.input('steer', 'float32', ['B', 1, L * H]));
  const logitRows = g.input('logit_rows', 'int64', ['M']);
  if (withLora)
    c.loraScale = g.op('Reshape', [activationInput(c, g.input('lora_scale', 'float32', ['B'])), g.ints([-1, 1, 1])]);

  let x = g.op('Gather', [c.weight('embed'), ids]); // [B,T,H]
  if (spec.embedScale !== 1) x = g.op('Mul', [x, c.float(spec.embedScale)]);
  if (c.hasWeight('pos_embed')) x = g.op('Add', [x, g.op('Gather', [c.weight('pos_embed'), positions])]);
  outputF32(c, x, 'resid_pre.0', ['B', 'T', H]);

  const rotary: Partial<Record<'full' | 'sliding', RotaryTables>> = {};
  if (spec.rope) for (const t of new Set(spec.layerTypes)) rotary[t] = rotaryTables(c, positions, spec.rope[t]);

  // [B,1,T,S] masks for the fused Attention kernel, squeezed once for all layers
  const mask4 = (m: string) => (c.fusedAttention ? g.op('Squeeze', [m, g.ints([1])]) : undefined);
  const full = { mask: maskFull, mask4: mask4(maskFull) };
  const masks: LayerIO['masks'] = {
    full,
    sliding: maskSliding === maskFull ? full : { mask: maskSliding, mask4: mask4(maskSliding) },
  };
  // steer[i] as [B,1,H]: one Split of the [B,1,L·H] input
  const steers = L === 1 ? [steer] : g.opN('Split', [steer], L, { axis: attr.i(2), num_outputs: attr.i(L) });

  const pastKeys = Array.from({ length: L }, (_, i) => g.input(`past_key.${i}`, c.dtype, ['B', kvHeads, 'P', headDim]));
  const pastValues = Array.from({ length: L }, (_, i) =>
    g.input(`past_value.${i}`, c.dtype, ['B', kvHeads, 'P', headDim]),
  );
  const exits = new Set((v.exits ?? []).filter((e) => e >= 0 && e < L - 1));
  // the masks and rotary tables the layers read; after an exit, copies cut to the kept positions
  const attnMask = c.fusedAttention && !spec.attnSoftcap ? 'mask4' : 'mask'; // what attention() reads (its fused path)
  const exitDims: ExitDims = {
    dtype: c.dtype,
    hidden: H,
    rotary: (t) => (c.fused ? ['B', 'T', t.rotaryDim / 2] : ['B', 'T', 1, t.rotaryDim]),
  };
  let io = { masks, rotary };
  for (let i = 0; i < L; i++) {
    const type = spec.layerTypes[i];
    const block = decoderBlock(c, x, i, {
      ...io.masks[type],
      rotary: io.rotary[type],
      pastKey: pastKeys[i],
      pastValue: pastValues[i],
    });
    // steering: residual + block update + steer[i] (one [H] vector per row, broadcast over positions), one kernel
    const steered =
      (v.sumKernel ?? true)
        ? g.op('Sum', [...block.residualTerms, steers[i]])
        : g.op('Add', [g.op('Add', block.residualTerms), steers[i]]);
    // patching: the given rows replace those positions; a copy and N row writes, no pass over [B,T,H] like
    // Where (reports/perf/NOTES.md change 19). Named as the graph output: no Identity copy.
    const patchIndex = g.input(`patch_index.${i}`, 'int64', [`N${i}`, 2]);
    const patchRows = activationInput(c, g.input(`patch_rows.${i}`, 'float32', [`N${i}`, H]));
    x = g.op('ScatterND', [steered, patchIndex, patchRows], {}, c.dtype === 'float32' ? `resid_post.${i}` : undefined);
    outputF32(c, x, `resid_post.${i}`, ['B', 'T', H]);
    g.output(block.key, `present_key.${i}`, c.dtype, ['B', kvHeads, 'S', headDim]);
    g.output(block.value, `present_value.${i}`, c.dtype, ['B', kvHeads, 'S', headDim]);
    if (exits.has(i)) ({ x, io } = exitAfter(g, i, x, pastKeys[0], io, attnMask, exitDims));
  }
  const normed = norm(c, x, 'final_norm');
  outputF32(c, normed, 'final_norm', ['B', 'T', H]);
  const rows = g.op('Gather', [g.op('Reshape', [normed, g.ints([-1, H])]), logitRows]);
  outputF32(c, unembed(c, rows), 'logits', ['M', vocab]);
  return g.serialize(opsets(v));
}

type LayerIO = {
  masks: Record<'full' | 'sliding', { mask: string; mask4?: string }>;
  rotary: Partial<Record<'full' | 'sliding', RotaryTables>>;
};

/**
 * Early exit after layer e (LoadOptions.exitLayers): the residual and every per-position input of the later
 * layers keep all T positions when the bool input `continue.e` is true and only the first when it is false, so
 * the later layers, the final norm and the logits then cost one position per row. (Zero positions would be
 * cheaper still, but several ORT kernels reject empty inputs.) ONNX Runtime runs every node whatever is fetched;
 * an If around the later layers would skip them too, but ORT 1.30 keeps a branch's weights next to their
 * prepacked copies (reports/perf/NOTES.md change 18), while these few Slices keep every weight in place.
 */
function exitAfter(
  g: Graph,
  e: number,
  x: string,
  pastKey: string,
  io: LayerIO,
  attnMask: 'mask' | 'mask4',
  dims: ExitDims,
): { x: string; io: LayerIO } {
  const go = g.input(`continue.${e}`, 'bool', []);
  const keep = g.op('Where', [go, g.op('Shape', [x], { start: attr.i(1), end: attr.i(2) }), g.ints([1])]); // [T] or [1]
  const keys = g.op('Add', [g.op('Shape', [pastKey], { start: attr.i(2), end: attr.i(3) }), keep]); // [P + kept]
  // Each cut value is declared with its full-length shape: shape inference cannot see through the data-dependent
  // Slice, and with unknown shapes ORT's memory plan reuses fewer buffers (measured: +85 MiB peak at 256x32).
  // When a forward stops early the declared T is wrong, and ORT allocates those few tensors on the fly.
  const cut = (t: string, axis: number, shape: (number | string)[]) =>
    g.shape(g.op('Slice', [t, g.ints([0]), keep, g.ints([axis])]), dims.dtype, shape);
  const cutMask = (m: string, tAxis: number, shape: (number | string)[]) =>
    g.shape(
      g.op('Slice', [m, g.ints([0, 0]), g.op('Concat', [keep, keys], { axis: attr.i(0) }), g.ints([tAxis, tAxis + 1])]),
      dims.dtype,
      shape,
    );
  const cutMasks = (m: { mask: string; mask4?: string }) =>
    attnMask === 'mask4' && m.mask4
      ? { mask: m.mask, mask4: cutMask(m.mask4, 2, ['B', 1, 'T', 'S']) }
      : { ...m, mask: cutMask(m.mask, 3, ['B', 1, 1, 'T', 'S']) };
  const full = cutMasks(io.masks.full);
  const sliding = io.masks.sliding === io.masks.full ? full : cutMasks(io.masks.sliding);
  const rotary: LayerIO['rotary'] = {};
  for (const [type, t] of Object.entries(io.rotary) as ['full' | 'sliding', RotaryTables][])
    rotary[type] = { ...t, cos: cut(t.cos, 1, dims.rotary(t)), sin: cut(t.sin, 1, dims.rotary(t)) };
  return { x: cut(x, 1, ['B', 'T', dims.hidden]), io: { masks: { full, sliding }, rotary } };
}

/** Full-length shapes of the values exitAfter cuts (rotaryTables: [B,T,rot/2] fused, [B,T,1,rot] reference). */
interface ExitDims {
  dtype: 'float32' | 'float16';
  hidden: number;
  rotary: (t: RotaryTables) => (number | string)[];
}

/** The logit lens: residual vectors [N,H] -> final norm -> logits [N,V] (soft-capped or not). */
export function buildLensGraph(
  spec: ModelSpec,
  index: WeightIndex,
  weightsFile: string,
  softcap: boolean,
  half = false,
): Uint8Array {
  const g = new Graph();
  const c = context(g, spec, index, weightsFile, { ...REFERENCE_VARIANT, half });
  const resid = activationInput(c, g.input('resid', 'float32', ['N', spec.hidden]));
  const s = softcap ? spec : { ...spec, finalSoftcap: null };
  outputF32(c, unembed({ ...c, spec: s }, norm(c, resid, 'final_norm')), 'logits', ['N', spec.vocab]);
  return g.serialize({ '': OPSET });
}
