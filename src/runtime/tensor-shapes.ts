// The exact shape of every checkpoint and adapter tensor, derived from the config through the family's
// naming (tensor-names.ts), checked before any conversion: a checkpoint whose q_proj has too few rows, or
// whose down_proj was saved transposed, is refused with the file, tensor and both shapes.
// (A transposed square matrix has the same shape and cannot be told apart by shape.)
import { InputError } from '../errors.ts';
import path from 'node:path';
import type { Checkpoint } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import type { Adapter } from './lora.ts';
import type { TensorEntry } from './safetensors.ts';
import {
  embeddingName,
  finalNormSource,
  hasBias,
  linearDims,
  linearKinds,
  linearSource,
  normSources,
  qkNormSource,
} from './tensor-names.ts';

/** A checkpoint or config that cannot be used: an input error (exit 2). */
export class ShapeError extends InputError {}

export interface ExpectedTensor {
  shape: number[];
  /** How the shape follows from the config, for error messages. */
  why: string;
  /** Checked when present, not required (lm_head of a model with tied embeddings). */
  optional?: boolean;
}

/** A decoder linear module: its input and output sizes and whether it is stored [in, out] (Conv1D). */
export interface ExpectedLinear {
  inDim: number;
  outDim: number;
  conv1d: boolean;
  inWhy: string;
  outWhy: string;
}

const HEADS = 'num_attention_heads × head_dim',
  KV = 'num_key_value_heads × head_dim';
const OUT_WHY: Record<string, string> = {
  q: HEADS,
  k: KV,
  v: KV,
  o: 'hidden_size',
  gate: 'intermediate_size',
  up: 'intermediate_size',
  down: 'hidden_size',
  fc: 'intermediate_size',
  proj: 'hidden_size',
};
const IN_WHY: Record<string, string> = {
  q: 'hidden_size',
  k: 'hidden_size',
  v: 'hidden_size',
  o: HEADS,
  gate: 'hidden_size',
  up: 'hidden_size',
  down: 'intermediate_size',
  fc: 'hidden_size',
  proj: 'intermediate_size',
};

/** Decoder linear modules by checkpoint module name (packed modules: outputs of their parts summed). */
export function expectedLinears(spec: ModelSpec): Map<string, ExpectedLinear> {
  const dims = linearDims(spec);
  const out = new Map<string, ExpectedLinear>();
  for (let i = 0; i < spec.numLayers; i++)
    for (const kind of linearKinds(spec)) {
      const src = linearSource(spec, i, kind);
      const [inDim, outDim] = dims[kind];
      const prev = out.get(src.module);
      const end = src.rows ? src.rows[1] : outDim;
      if (!prev)
        out.set(src.module, {
          inDim,
          outDim: end,
          conv1d: Boolean(src.conv1d),
          inWhy: IN_WHY[kind],
          outWhy: OUT_WHY[kind],
        });
      else if (end > prev.outDim)
        out.set(src.module, { ...prev, outDim: end, outWhy: `${prev.outWhy} + ${OUT_WHY[kind]}` });
    }
  return out;
}

/** Every tensor the runtime reads from the checkpoint, with its exact shape. */
function expectedTensors(spec: ModelSpec): Map<string, ExpectedTensor> {
  const out = new Map<string, ExpectedTensor>();
  const H = spec.hidden,
    hidden = { shape: [H], why: '[hidden_size]' };
  const norm = (src: string, e: ExpectedTensor) => {
    out.set(`${src}.weight`, e);
    if (spec.family.norm === 'layer') out.set(`${src}.bias`, e);
  };
  out.set(embeddingName(spec), { shape: [spec.vocab, H], why: '[vocab_size, hidden_size]' });
  if (spec.family.positions === 'learned')
    out.set('transformer.wpe.weight', { shape: [spec.maxPositions, H], why: '[n_positions, hidden_size]' });
  const linears = expectedLinears(spec);
  for (let i = 0; i < spec.numLayers; i++) {
    for (const src of Object.values(normSources(spec, i))) norm(src, hidden);
    if (spec.family.qkNorm === 'head')
      for (const w of ['q', 'k'] as const)
        norm(qkNormSource(i, w), { shape: [spec.headDim], why: '[head_dim] (one norm per head)' });
    if (spec.family.qkNorm === 'full') {
      norm(qkNormSource(i, 'q'), { shape: [spec.heads * spec.headDim], why: `[${HEADS}]` });
      norm(qkNormSource(i, 'k'), { shape: [spec.kvHeads * spec.headDim], why: `[${KV}]` });
    }
    for (const kind of linearKinds(spec)) {
      const src = linearSource(spec, i, kind);
      const l = linears.get(src.module)!;
      out.set(
        `${src.module}.weight`,
        l.conv1d
          ? { shape: [l.inDim, l.outDim], why: `[in, out] of a Conv1D: in = ${l.inWhy}, out = ${l.outWhy}` }
          : { shape: [l.outDim, l.inDim], why: `[out, in] of a Linear: out = ${l.outWhy}, in = ${l.inWhy}` },
      );
      if (hasBias(spec, kind)) out.set(`${src.module}.bias`, { shape: [l.outDim], why: `[out]: ${l.outWhy}` });
    }
  }
  norm(finalNormSource(spec), hidden);
  out.set('lm_head.weight', {
    shape: [spec.vocab, H],
    why: '[vocab_size, hidden_size]',
    optional: spec.tiedEmbeddings,
  });
  return out;
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const mismatch = (e: TensorEntry, want: ExpectedTensor, configFile: string) =>
  `${e.file}: tensor '${e.name}' has shape [${e.shape}], expected [${want.shape}] (${want.why}, from ${configFile})`;

/** Shape problems of a checkpoint, one line each (empty when every tensor fits the config). */
export function checkpointShapeProblems(spec: ModelSpec, ckpt: Checkpoint): string[] {
  const configFile = path.join(ckpt.dir, 'config.json');
  const problems: string[] = [];
  for (const [name, want] of expectedTensors(spec)) {
    const e = ckpt.tensors.get(name);
    if (!e) {
      if (!want.optional)
        problems.push(
          `${ckpt.dir}: tensor '${name}' is missing from the checkpoint (${ckpt.files.map((f) => path.basename(f)).join(', ')})`,
        );
    } else if (!same(e.shape, want.shape)) problems.push(mismatch(e, want, configFile));
  }
  return problems;
}

/** Shape problems of a LoRA adapter against the model: lora_A [r, in], lora_B [out, r], r from adapter_config.json. */
function adapterShapeProblems(spec: ModelSpec, adapter: Adapter): string[] {
  const linears = expectedLinears(spec);
  const cfgFile = path.join(adapter.dir, 'adapter_config.json');
  const problems: string[] = [];
  for (const [key, m] of adapter.modules) {
    const module = [...linears.keys()].find((k) => k === key || key.endsWith(`.${k}`) || k.endsWith(`.${key}`));
    if (!module) continue; // not a module of this model: reported by the target-module check
    const l = linears.get(module)!;
    const r = `r = ${m.rank} (${cfgFile}: r / rank_pattern)`;
    const a: ExpectedTensor = { shape: [m.rank, l.inDim], why: `[r, in]: ${r}, in = ${l.inWhy}` };
    const b: ExpectedTensor = { shape: [l.outDim, m.rank], why: `[out, r]: out = ${l.outWhy}, ${r}` };
    if (!same(m.a.shape, a.shape)) problems.push(mismatch(m.a, a, 'config.json'));
    if (!same(m.b.shape, b.shape)) problems.push(mismatch(m.b, b, 'config.json'));
  }
  return problems;
}

/** Throws one ShapeError listing every problem (the first 10) of the checkpoint and adapter. */
export function checkShapes(spec: ModelSpec, ckpt: Checkpoint, adapter?: Adapter): void {
  const problems = [...checkpointShapeProblems(spec, ckpt), ...(adapter ? adapterShapeProblems(spec, adapter) : [])];
  if (!problems.length) return;
  const more = problems.length > 10 ? `\n... and ${problems.length - 10} more` : '';
  throw new ShapeError(
    `checkpoint or adapter tensors do not match the config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${problems.slice(0, 10).join('\n')}${more}`,
  );
}
