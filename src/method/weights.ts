// Read-only weight access for diffing methods (MethodContext.weights): the loaded organism's base and
// finetuned tensors, its LoRA factors and the finetune's weight deltas, read lazily from the same
// safetensors files the runtime loaded (src/runtime/checkpoint.ts, lora.ts), never from the runtime's
// converted cache. Nothing is kept in memory between calls: a method that reads a tensor twice pays twice.
//
// Names: any tensor name of the base checkpoint ('model.layers.3.mlp.down_proj.weight'), or a logical
// name that means the same in every family: 'layers.{i}.self_attn.{q,k,v,o}_proj' and
// 'layers.{i}.mlp.{gate,up,down}_proj' (gpt2: up_proj = c_fc, down_proj = c_proj; phi3's packed
// qkv_proj / gate_up_proj are sliced). Linear weights come back as [out, in] (PyTorch's nn.Linear
// layout) whatever the checkpoint stores (gpt2's Conv1D is [in, out] and is transposed).
import path from 'node:path';
import { openCheckpoint, type Checkpoint } from '../runtime/checkpoint.ts';
import { parseConfig, type ModelSpec } from '../runtime/config.ts';
import { openAdapter, type Adapter } from '../runtime/lora.ts';
import type { ModelInfo } from '../runtime/types.ts';
import { transpose } from '../runtime/weights.ts';
import { linearSource } from '../runtime/tensor-names.ts';

/** A dense float32 tensor, row-major. */
export interface WeightTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A LoRA module: ΔW = scale · B · A, [out, in]. */
export interface LoraFactors {
  /** The logical name ('layers.2.mlp.down_proj'). */
  module: string;
  rank: number;
  /** lora_alpha / r (or / sqrt(r) for rsLoRA). */
  scale: number;
  /** [rank, in] */
  A: WeightTensor;
  /** [out, rank] */
  B: WeightTensor;
}

export interface ModelWeights {
  /** 'lora': the finetune is an adapter on the base; 'full': a separate checkpoint. */
  kind: 'lora' | 'full';
  numLayers: number;
  hiddenSize: number;
  /** Tensor names of the base checkpoint. */
  names(): string[];
  /** Logical names of the decoder's linear layers ('layers.{i}.mlp.down_proj', ...), in layer order. */
  linearNames(): string[];
  /** [out, in] for linears; the checkpoint's shape otherwise. */
  base(name: string): WeightTensor;
  /** The finetuned weight; for a LoRA organism W + scale·B·A. */
  finetuned(name: string): WeightTensor;
  /** finetuned − base; for a LoRA organism scale·B·A (zeros where the adapter has no module). */
  delta(name: string): WeightTensor;
  /** Logical names of the linears the adapter changes ([] for a full finetune). */
  loraModules(): string[];
  /** The adapter's factors for a linear (logical or checkpoint name), or undefined. */
  lora(name: string): LoraFactors | undefined;
}

const LINEAR = /^layers\.(\d+)\.(self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj$/;
const KINDS_GATED: [string, string][] = [
  ['self_attn', 'q'],
  ['self_attn', 'k'],
  ['self_attn', 'v'],
  ['self_attn', 'o'],
  ['mlp', 'gate'],
  ['mlp', 'up'],
  ['mlp', 'down'],
];
const KINDS_PLAIN: [string, string][] = [
  ['self_attn', 'q'],
  ['self_attn', 'k'],
  ['self_attn', 'v'],
  ['self_attn', 'o'],
  ['mlp', 'up'],
  ['mlp', 'down'],
];

/** Shapes [out, in] of each logical linear kind. */
function linearDims(spec: ModelSpec, kind: string): [number, number] {
  const qd = spec.heads * spec.headDim,
    kd = spec.kvHeads * spec.headDim;
  const dims: Record<string, [number, number]> = {
    q: [qd, spec.hidden],
    k: [kd, spec.hidden],
    v: [kd, spec.hidden],
    o: [spec.hidden, qd],
    gate: [spec.intermediate, spec.hidden],
    up: [spec.intermediate, spec.hidden],
    down: [spec.hidden, spec.intermediate],
  };
  return dims[kind];
}

interface ResolvedLinear {
  logical: string;
  layer: number;
  /** The runtime's kind (q, k, v, o, gate, up, down, fc, proj). */
  runtimeKind: string;
  out: number;
  in: number;
  src: ReturnType<typeof linearSource>;
}

function element(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** [out, in] weight of a linear from a checkpoint, whatever the family's storage. */
function readLinear(ckpt: Checkpoint, r: ResolvedLinear): Float32Array {
  const name = `${r.src.module}.weight`;
  const w = ckpt.read(name);
  if (r.src.conv1d) {
    // Conv1D: [in, outTotal]; take the columns, then transpose to [out, in]
    const total = ckpt.shape(name)[1];
    const [c0, c1] = r.src.rows ?? [0, total];
    const cols = new Float32Array(r.in * r.out);
    for (let i = 0; i < r.in; i++) cols.set(w.subarray(i * total + c0, i * total + c1), i * r.out);
    return transpose(cols, r.in, r.out);
  }
  return r.src.rows ? w.slice(r.src.rows[0] * r.in, r.src.rows[1] * r.in) : w;
}

/** C = A·B for row-major A [m,k], B [k,n], times `scale`. */
function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const s = a[i * k + p] * scale;
      if (s === 0) continue;
      const row = p * n,
        o = i * n;
      for (let j = 0; j < n; j++) out[o + j] += s * b[row + j];
    }
  return out;
}

/**
 * Weight access for a loaded organism: `base` and `finetuned` are the ModelInfo of the two models
 * (the same model with adapterPath set for a LoRA organism).
 */
export function openModelWeights(
  base: Pick<ModelInfo, 'modelPath'>,
  finetuned: Pick<ModelInfo, 'modelPath' | 'adapterPath'>,
): ModelWeights {
  const baseCkpt = openCheckpoint(base.modelPath);
  const spec = parseConfig(baseCkpt.config, path.join(base.modelPath, 'config.json'), baseCkpt.generationConfig);
  const adapter: Adapter | undefined = finetuned.adapterPath ? openAdapter(finetuned.adapterPath) : undefined;
  let ftCkpt: Checkpoint | undefined;
  const finetunedCkpt = () =>
    (ftCkpt ??= finetuned.modelPath === base.modelPath ? baseCkpt : openCheckpoint(finetuned.modelPath));
  const plain = spec.family.mlp === 'plain';
  const kinds = plain ? KINDS_PLAIN : KINDS_GATED;

  const resolveLinear = (name: string): ResolvedLinear | undefined => {
    const m = LINEAR.exec(name);
    if (!m) {
      // a checkpoint name of a linear maps back to its logical name (hf naming only; others go by logical name)
      const hf = /^model\.layers\.(\d+)\.(self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj(?:\.weight)?$/.exec(name);
      return hf && spec.family.naming === 'hf' ? resolveLinear(`layers.${hf[1]}.${hf[2]}.${hf[3]}_proj`) : undefined;
    }
    const layer = Number(m[1]),
      kind = m[3];
    if (layer >= spec.numLayers)
      throw new Error(
        `weights: '${name}': layer ${layer} does not exist (the model has layers 0..${spec.numLayers - 1})`,
      );
    if (plain && kind === 'gate')
      throw new Error(`weights: '${name}': ${spec.modelType} has no gated MLP (use mlp.up_proj / mlp.down_proj)`);
    const runtimeKind = plain ? (({ up: 'fc', down: 'proj' } as Record<string, string>)[kind] ?? kind) : kind;
    const [out, inDim] = linearDims(spec, kind);
    return {
      logical: `layers.${layer}.${m[2]}.${kind}_proj`,
      layer,
      runtimeKind,
      out,
      in: inDim,
      src: linearSource(spec, layer, runtimeKind),
    };
  };

  const plainTensor = (ckpt: Checkpoint, name: string): WeightTensor => ({
    name,
    shape: ckpt.shape(name),
    data: ckpt.read(name),
  });

  const loraFor = (r: ResolvedLinear): LoraFactors | undefined => {
    const mod = adapter?.forModule(r.src.module);
    if (!mod) return undefined;
    const A = mod.readA(); // [rank, in] (PEFT's lora_A/lora_B are nn.Linear also on gpt2's Conv1D)
    let B = mod.readB(); // [outTotal, rank]
    if (r.src.rows) B = B.slice(r.src.rows[0] * mod.rank, r.src.rows[1] * mod.rank);
    if (A.length !== mod.rank * r.in || B.length !== r.out * mod.rank)
      throw new Error(
        `weights: adapter module '${r.src.module}' has A ${mod.rank}x${mod.inDim}, B ${mod.outDim}x${mod.rank}; the model's ${r.logical} is ${r.out}x${r.in}`,
      );
    return {
      module: r.logical,
      rank: mod.rank,
      scale: mod.scale,
      A: { name: `${r.logical}.lora_A`, shape: [mod.rank, r.in], data: A },
      B: { name: `${r.logical}.lora_B`, shape: [r.out, mod.rank], data: B },
    };
  };

  const loraDelta = (r: ResolvedLinear): Float32Array => {
    const f = loraFor(r);
    return f ? matmul(f.B.data, f.A.data, r.out, f.rank, r.in, f.scale) : new Float32Array(r.out * r.in);
  };

  const weights: ModelWeights = {
    kind: adapter ? 'lora' : 'full',
    numLayers: spec.numLayers,
    hiddenSize: spec.hidden,
    names: () => [...baseCkpt.tensors.keys()],
    linearNames: () =>
      Array.from({ length: spec.numLayers }, (_, i) =>
        kinds.map(([block, kind]) => `layers.${i}.${block}.${kind}_proj`),
      ).flat(),
    base(name) {
      const r = resolveLinear(name);
      return r ? { name: r.logical, shape: [r.out, r.in], data: readLinear(baseCkpt, r) } : plainTensor(baseCkpt, name);
    },
    finetuned(name) {
      const r = resolveLinear(name);
      if (!adapter)
        return r
          ? { name: r.logical, shape: [r.out, r.in], data: readLinear(finetunedCkpt(), r) }
          : plainTensor(finetunedCkpt(), name);
      const b = weights.base(name);
      if (!r) return b; // the adapter changes linears only
      const d = loraDelta(r);
      return { ...b, data: b.data.map((x, i) => x + d[i]) };
    },
    delta(name) {
      const r = resolveLinear(name);
      if (adapter) {
        if (r) return { name: r.logical, shape: [r.out, r.in], data: loraDelta(r) };
        const shape = baseCkpt.shape(name);
        return { name, shape, data: new Float32Array(element(shape)) };
      }
      const b = weights.base(name),
        f = weights.finetuned(name);
      if (f.data.length !== b.data.length)
        throw new Error(`weights: '${name}' has shape [${b.shape}] in the base but [${f.shape}] in the finetune`);
      return { ...b, data: f.data.map((x, i) => x - b.data[i]) };
    },
    loraModules: () =>
      adapter ? weights.linearNames().filter((n) => adapter.forModule(resolveLinear(n)!.src.module)) : [],
    lora(name) {
      const r = resolveLinear(name);
      if (!r) throw new Error(`weights.lora: '${name}' is not a linear layer (expected e.g. 'layers.0.mlp.down_proj')`);
      return loraFor(r);
    },
  };
  return weights;
}
