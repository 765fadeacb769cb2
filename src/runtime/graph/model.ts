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
//   continue.e bool [] for each exit layer e (LoadOptions.exitLayers): false skips the layers after e
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
  /** Layers after which a forward may stop (the rest runs inside an If on the `continue.{layer}` input). */
  exits?: number[];
}
export const REFERENCE_VARIANT: GraphVariant = { fused: false, quant: null };

function context(g: Graph, spec: ModelSpec, index: WeightIndex, weightsFile: string, v: GraphVariant): BuildContext {
  const names = new Map<string, string>();
  const entry = (name: string) => {
    const e = index[name];
    if (!e) throw new Error(`graph needs weight '${name}', which the weight file does not have`);
    return e;
  };
  return {
    g, spec, fused: v.fused, quant: v.quant, memo: new Map(),
    hasWeight: (name) => name in index,
    weightDims: (name) => entry(name).dims,
    weight(name) {
      const e = entry(name);
      let init = names.get(name);
      if (!init) {
        // registered in the body graph that first uses it (this.g: the root, or an If branch)
        init = this.g.external(`w.${name}`, e.dims, weightsFile, e.offset, e.length, e.dtype ?? 'float32');
        names.set(name, init);
      }
      return init;
    },
  };
}

function opsets(v: GraphVariant): Record<string, number> {
  return v.fused || v.quant ? FUSED_OPSETS : { '': OPSET };
}

/** Logits of rows [M,H]: final-norm output -> unembedding (-> soft-cap). */
function unembed(c: BuildContext, rows: string): string {
  const { g, spec } = c;
  const head = c.hasWeight('lm_head') ? c.weight('lm_head') : c.weight('embed');
  let logits = g.op('Gemm', [rows, head], { transB: attr.i(1) });
  if (spec.finalSoftcap)
    logits = g.op('Mul', [g.op('Tanh', [g.op('Div', [logits, g.scalar(spec.finalSoftcap)])]), g.scalar(spec.finalSoftcap)]);
  return logits;
}

export function buildDecoderGraph(spec: ModelSpec, index: WeightIndex, weightsFile: string, withLora: boolean, v: GraphVariant = REFERENCE_VARIANT): Uint8Array {
  const g = new Graph();
  const { numLayers: L, hidden: H, kvHeads, headDim, vocab } = spec;
  const ids = g.input('input_ids', 'int64', ['B', 'T']);
  const positions = g.input('position_ids', 'int64', ['B', 'T']);
  const maskFull = g.input('mask_full', 'float32', ['B', 1, 1, 'T', 'S']);
  const maskSliding = spec.layerTypes.includes('sliding') ? g.input('mask_sliding', 'float32', ['B', 1, 1, 'T', 'S']) : maskFull;
  const steer = g.input('steer', 'float32', ['B', 1, L * H]);
  // patching: per layer, the (row, position) pairs to replace [N,2] and their vectors [N,H] (N may be 0)
  const patchIndex = Array.from({ length: L }, (_, i) => g.input(`patch_index.${i}`, 'int64', [`N${i}`, 2]));
  const patchRows = Array.from({ length: L }, (_, i) => g.input(`patch_rows.${i}`, 'float32', [`N${i}`, H]));
  const logitRows = g.input('logit_rows', 'int64', ['M']);
  const c = context(g, spec, index, weightsFile, v);
  if (withLora) c.loraScale = g.op('Reshape', [g.input('lora_scale', 'float32', ['B']), g.ints([-1, 1, 1])]);

  let x = g.op('Gather', [c.weight('embed'), ids]); // [B,T,H]
  if (spec.embedScale !== 1) x = g.op('Mul', [x, g.scalar(spec.embedScale)]);
  if (c.hasWeight('pos_embed')) x = g.op('Add', [x, g.op('Gather', [c.weight('pos_embed'), positions])]);
  g.output(x, 'resid_pre.0', 'float32', ['B', 'T', H]);

  const rotary: Partial<Record<'full' | 'sliding', RotaryTables>> = {};
  if (spec.rope) for (const t of new Set(spec.layerTypes)) rotary[t] = rotaryTables(c, positions, spec.rope[t]);

  // [B,1,T,S] masks for the fused Attention kernel, squeezed once for all layers
  const mask4 = (m: string) => (c.fused ? g.op('Squeeze', [m, g.ints([1])]) : undefined);
  const masks = { full: { mask: maskFull, mask4: mask4(maskFull) }, sliding: { mask: maskSliding, mask4: maskSliding === maskFull ? undefined : mask4(maskSliding) } };
  if (!masks.sliding.mask4) masks.sliding.mask4 = masks.full.mask4;
  // steer[i] as [B,1,H]: one Split of the [B,1,L·H] input
  const steers = L === 1 ? [steer] : g.opN('Split', [steer], L, { axis: attr.i(2), num_outputs: attr.i(L) });

  const pastKeys = Array.from({ length: L }, (_, i) => g.input(`past_key.${i}`, 'float32', ['B', kvHeads, 'P', headDim]));
  const pastValues = Array.from({ length: L }, (_, i) => g.input(`past_value.${i}`, 'float32', ['B', kvHeads, 'P', headDim]));
  const exits = [...new Set(v.exits ?? [])].filter((e) => e >= 0 && e < L - 1).sort((a, b) => a - b);
  const continues = new Map(exits.map((e) => [e, g.input(`continue.${e}`, 'bool', [])]));
  const outDims = (name: string): (number | string)[] =>
    name.startsWith('present') ? ['B', kvHeads, 'S', headDim] : name === 'logits' ? ['M', vocab] : ['B', 'T', H];

  // Layers from..L-1 written into body graph `c.g`. After each exit layer e the rest sits inside an If on
  // `continue.e`, so a forward that needs nothing beyond layer e skips it (ONNX Runtime otherwise runs every node
  // whatever is fetched). A branch holds its layers' weights itself: read from the outer scope they would stay
  // there next to the kernels' prepacked copies (measured: +80% of those weights). Values are named `name` at
  // depth 0 and `name@depth` inside branches (ONNX names are unique across scopes); returns the names produced.
  const layers = (c: BuildContext, x: string, from: number, depth: number): string[] => {
    const { g: body } = c;
    const name = (n: string) => (depth === 0 ? n : `${n}@${depth}`);
    const produced: string[] = [];
    const emit = (value: string, n: string) => {
      body.output(value, name(n), 'float32', outDims(n));
      produced.push(n);
    };
    for (let i = from; i < L; i++) {
      const type = spec.layerTypes[i];
      const block = decoderBlock(c, x, i, { ...masks[type], rotary: rotary[type], pastKey: pastKeys[i], pastValue: pastValues[i] });
      // steering: residual + block update + steer[i] (one [H] vector per row, broadcast over positions), one kernel
      const steered = body.op('Sum', [...block.residualTerms, steers[i]]);
      // patching: the given rows replace those positions; a copy and N row writes, no pass over [B,T,H]
      // like Where (reports/perf/NOTES.md change 19). Named as the output: no Identity copy.
      x = body.op('ScatterND', [steered, patchIndex[i], patchRows[i]], {}, name(`resid_post.${i}`));
      emit(x, `resid_post.${i}`);
      emit(block.key, `present_key.${i}`);
      emit(block.value, `present_value.${i}`);
      const go = continues.get(i);
      if (!go) continue;
      const then = body.branch(`after_layer_${i}`);
      const inner = layers({ ...c, g: then, memo: new Map() }, x, i + 1, depth + 1);
      // empty tensors with the fixed dims kept (the final norm after the branches needs its hidden size)
      const skip = body.branch(`skip_after_layer_${i}`);
      const empty = (n: string) => outDims(n).map((d) => (typeof d === 'number' ? d : 0));
      for (const n of inner) skip.output(skip.constant([], empty(n)), `${n}@${depth + 1}~`, 'float32', empty(n));
      body.opN('If', [go], inner.length, { then_branch: attr.graph(then), else_branch: attr.graph(skip) }, inner.map(name));
      for (const n of inner) {
        body.declareOutput(name(n), 'float32', outDims(n));
        produced.push(n);
      }
      return produced;
    }
    return produced;
  };
  layers(c, x, 0, 0);
  // outside every branch: the tied embedding stays one initializer; after an early exit the last residual is an
  // empty tensor and logit_rows is empty, so these run on nothing
  const normed = norm(c, `resid_post.${L - 1}`, 'final_norm');
  g.output(normed, 'final_norm', 'float32', ['B', 'T', H]);
  const rows = g.op('Gather', [g.op('Reshape', [normed, g.ints([-1, H])]), logitRows]);
  g.output(unembed(c, rows), 'logits', 'float32', ['M', vocab]);
  return g.serialize(opsets(v));
}

/** The logit lens: residual vectors [N,H] -> final norm -> logits [N,V] (soft-capped or not). */
export function buildLensGraph(spec: ModelSpec, index: WeightIndex, weightsFile: string, softcap: boolean): Uint8Array {
  const g = new Graph();
  const resid = g.input('resid', 'float32', ['N', spec.hidden]);
  const c = context(g, spec, index, weightsFile, REFERENCE_VARIANT);
  const s = softcap ? spec : { ...spec, finalSoftcap: null };
  g.output(unembed({ ...c, spec: s }, norm(c, resid, 'final_norm')), 'logits', 'float32', ['N', spec.vocab]);
  return g.serialize({ '': OPSET });
}
