// Maps a checkpoint (+ optional LoRA adapter) onto the runtime's logical weight names and writes
// them as one float32 file that the ONNX graph references as external data.
//   linear weights are stored transposed, [in, out], so the graph can MatMul activations [B,T,in] by them;
//   q/k/v and gate/up are packed into one weight each (PACKS_*), whatever the checkpoint's layout;
//   Gemma's (1 + w) norm gain is folded in;
//   LoRA A is stored as [in, r] and B as [r, out], with B pre-multiplied by lora_alpha / r (or / sqrt(r)).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Checkpoint } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import type { Adapter } from './lora.ts';
import { toHalf } from '../onnx/half.ts';
import { withTemp } from './temp-files.ts';
import {
  embeddingName,
  finalNormSource,
  hasBias,
  linearDims,
  linearSource,
  normSources,
  qkNormSource,
} from './tensor-names.ts';

/** Byte range of one tensor in the weight file; dtype is float32 unless it says uint8 (packed quantised weights). */
export interface WeightEntry {
  offset: number;
  length: number;
  dims: number[];
  dtype?: 'uint8' | 'int8' | 'float16';
}
export type WeightIndex = Record<string, WeightEntry>;

interface Planned {
  name: string;
  dims: number[];
  produce: () => Float32Array | Uint8Array | Int8Array | Uint16Array;
}

/**
 * Decoder linears by stored weight: projections that read the same input are packed side by side into one
 * [in, Σout] weight (`layers.i.qkv`, `layers.i.gate_up`) so that one MatMul computes them; each part keeps
 * its own bias slice and LoRA factors under its own name (`layers.i.q.lora_a`).
 */
const PACKS_GATED: [string, string[]][] = [
  ['qkv', ['q', 'k', 'v']],
  ['o', ['o']],
  ['gate_up', ['gate', 'up']],
  ['down', ['down']],
];
const PACKS_PLAIN: [string, string[]][] = [
  ['qkv', ['q', 'k', 'v']],
  ['o', ['o']],
  ['fc', ['fc']],
  ['proj', ['proj']],
];

function sliceRows(w: Float32Array, cols: number, rows?: [number, number]): Float32Array {
  return rows ? w.subarray(rows[0] * cols, rows[1] * cols) : w;
}

/** Row-major matrices [rows, widths[j]] side by side: [rows, Σ widths]. */
function concatColumns(parts: Float32Array[], rows: number, widths: number[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const total = widths.reduce((a, b) => a + b);
  const out = new Float32Array(rows * total);
  for (let r = 0, col = 0; r < rows; r++, col = 0)
    for (const [j, w] of parts.entries()) {
      out.set(w.subarray(r * widths[j], (r + 1) * widths[j]), r * total + col);
      col += widths[j];
    }
  return out;
}

/** [rows, cols] -> [cols, rows] */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

export function planWeights(spec: ModelSpec, ckpt: Checkpoint, adapter?: Adapter): Planned[] {
  const plan: Planned[] = [];
  const add = (name: string, dims: number[], produce: () => Float32Array) => plan.push({ name, dims, produce });
  const gpt2 = spec.family.naming === 'gpt2';
  const plusOne = (w: Float32Array) => (spec.family.normPlusOne ? w.map((x) => x + 1) : w);
  const norm = (name: string, src: string, dim: number) => {
    add(`${name}.weight`, [dim], () => plusOne(ckpt.read(`${src}.weight`)));
    if (spec.family.norm === 'layer') add(`${name}.bias`, [dim], () => ckpt.read(`${src}.bias`));
  };

  add('embed', [spec.vocab, spec.hidden], () => ckpt.read(embeddingName(spec)));
  if (gpt2) add('pos_embed', [spec.maxPositions, spec.hidden], () => ckpt.read('transformer.wpe.weight'));

  const qd = spec.heads * spec.headDim,
    kd = spec.kvHeads * spec.headDim;
  const dims = linearDims(spec);
  const linear = (i: number, kind: string) => {
    const src = linearSource(spec, i, kind);
    const [inDim, outDim] = dims[kind];
    const weight = (): Float32Array => {
      const w = ckpt.read(`${src.module}.weight`);
      if (src.conv1d) {
        // Conv1D stores [in, out_total]: take columns
        if (!src.rows) return w;
        const total = ckpt.shape(`${src.module}.weight`)[1];
        const out = new Float32Array(inDim * outDim);
        for (let r = 0; r < inDim; r++)
          out.set(w.subarray(r * total + src.rows[0], r * total + src.rows[1]), r * outDim);
        return out;
      }
      return transpose(sliceRows(w, inDim, src.rows), outDim, inDim);
    };
    const bias = hasBias(spec, kind) ? () => sliceRows(ckpt.read(`${src.module}.bias`), 1, src.rows) : undefined;
    return { src, inDim, outDim, weight, bias };
  };
  const packs = spec.family.mlp === 'gated' ? PACKS_GATED : PACKS_PLAIN;
  for (let i = 0; i < spec.numLayers; i++) {
    for (const [role, src] of Object.entries(normSources(spec, i))) norm(`layers.${i}.${role}`, src, spec.hidden);
    if (spec.family.qkNorm !== 'none') {
      const full = spec.family.qkNorm === 'full';
      norm(`layers.${i}.q_norm`, qkNormSource(i, 'q'), full ? qd : spec.headDim);
      norm(`layers.${i}.k_norm`, qkNormSource(i, 'k'), full ? kd : spec.headDim);
    }
    for (const [pack, kinds] of packs) {
      const parts = kinds.map((kind) => linear(i, kind));
      const inDim = parts[0].inDim,
        widths = parts.map((p) => p.outDim),
        outDim = widths.reduce((a, b) => a + b);
      add(`layers.${i}.${pack}.weight`, [inDim, outDim], () =>
        concatColumns(
          parts.map((p) => p.weight()),
          inDim,
          widths,
        ),
      );
      if (parts[0].bias)
        add(`layers.${i}.${pack}.bias`, [outDim], () =>
          concatColumns(
            parts.map((p) => p.bias!()),
            1,
            widths,
          ),
        );
      for (const [j, kind] of kinds.entries()) {
        const { src, outDim } = parts[j];
        const lora = adapter?.forModule(src.module);
        if (!lora) continue;
        if (lora.inDim !== inDim || (src.rows ? src.rows[1] - src.rows[0] > lora.outDim : lora.outDim !== outDim))
          throw new Error(
            `${adapter!.dir}: adapter module '${src.module}' has shape in=${lora.inDim} out=${lora.outDim}, but the model's ${kind} projection is in=${inDim} out=${outDim}`,
          );
        const name = `layers.${i}.${kind}`;
        add(`${name}.lora_a`, [inDim, lora.rank], () => transpose(lora.readA(), lora.rank, inDim));
        add(`${name}.lora_b`, [lora.rank, outDim], () =>
          transpose(sliceRows(lora.readB(), lora.rank, src.rows), outDim, lora.rank).map((x) => x * lora.scale),
        );
      }
    }
  }
  norm('final_norm', finalNormSource(spec), spec.hidden);
  if (!spec.tiedEmbeddings) add('lm_head', [spec.vocab, spec.hidden], () => ckpt.read('lm_head.weight'));
  return plan;
}

/** Is `name` the main weight of a decoder linear layer (the ones weight-only quantisation applies to)? */
function isLinearWeight(name: string): boolean {
  return /^layers\.\d+\.(qkv|o|gate_up|down|fc|proj)\.weight$/.test(name);
}

export interface BlockQuant {
  bits: 4 | 8;
  block: number;
}
export type WeightQuant = ({ kind: 'nbits' } & BlockQuant) | { kind: 'rowint8' };

/** Symmetric int8 quantisation of W [K,N] with one scale per output column: w ≈ code·scale, codes in −127..127. */
export function quantizeColumns(w: Float32Array, K: number, N: number): { codes: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(N),
    codes = new Int8Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) scales[n] = Math.max(scales[n], Math.abs(w[k * N + n]));
  for (let n = 0; n < N; n++) scales[n] = Math.fround(scales[n] / 127);
  for (let k = 0; k < K; k++)
    for (let n = 0; n < N; n++) codes[k * N + n] = scales[n] === 0 ? 0 : Math.round(w[k * N + n] / scales[n]);
  return { codes, scales };
}

/**
 * Symmetric block-wise quantisation of W [K,N] (stored [in,out]) in MatMulNBits' layout: for each output
 * column n and each block of `block` inputs, one float scale and `block` codes q with w ≈ (q − 2^(bits−1))·scale.
 * The value of largest magnitude maps to the most negative code (−2^(bits−1)), so no code range is wasted.
 * codes: [N, blocks, block·bits/8] (4-bit: element 2i in the low nibble, 2i+1 in the high one); scales: [N·blocks].
 */
export function quantizeBlocks(
  w: Float32Array,
  K: number,
  N: number,
  q: BlockQuant,
): { codes: Uint8Array; scales: Float32Array } {
  const blocks = Math.ceil(K / q.block),
    blob = (q.block * q.bits) / 8;
  const lo = -(2 ** (q.bits - 1)),
    hi = 2 ** (q.bits - 1) - 1,
    zero = -lo;
  const codes = new Uint8Array(N * blocks * blob);
  const scales = new Float32Array(N * blocks);
  const col = new Float32Array(q.block);
  for (let n = 0; n < N; n++)
    for (let b = 0; b < blocks; b++) {
      let extreme = 0;
      for (let j = 0; j < q.block; j++) {
        const k = b * q.block + j;
        col[j] = k < K ? w[k * N + n] : 0;
        if (Math.abs(col[j]) > Math.abs(extreme)) extreme = col[j];
      }
      const scale = Math.fround(extreme / lo);
      scales[n * blocks + b] = scale;
      const inv = scale === 0 ? 0 : 1 / scale;
      const base = (n * blocks + b) * blob;
      for (let j = 0; j < q.block; j++) {
        const c = Math.min(hi, Math.max(lo, Math.round(col[j] * inv))) + zero;
        if (q.bits === 8) codes[base + j] = c;
        else codes[base + (j >> 1)] |= j & 1 ? c << 4 : c;
      }
    }
  return { codes, scales };
}

/** Replaces each decoder linear weight [K,N] by its codes (`.weight.q`) and scales (`.weight.scales`). */
export function quantizePlan(plan: Planned[], q: WeightQuant): Planned[] {
  return plan.flatMap((p) => {
    if (!isLinearWeight(p.name)) return [p];
    const [K, N] = p.dims;
    let memo: { codes: Uint8Array | Int8Array; scales: Float32Array } | undefined;
    const get = () =>
      (memo ??=
        q.kind === 'nbits'
          ? quantizeBlocks(p.produce() as Float32Array, K, N, q)
          : quantizeColumns(p.produce() as Float32Array, K, N));
    const codeDims = q.kind === 'nbits' ? [N, Math.ceil(K / q.block), (q.block * q.bits) / 8] : [K, N];
    const scaleDims = q.kind === 'nbits' ? [N * Math.ceil(K / q.block)] : [N];
    return [
      { name: `${p.name}.q`, dims: codeDims, produce: () => get().codes },
      {
        name: `${p.name}.scales`,
        dims: scaleDims,
        produce: () => {
          const s = get().scales;
          memo = undefined;
          return s;
        },
      },
    ];
  });
}

/** Every float32 tensor as float16 (precision 'fp16': weights and compute in half precision, graph/context.ts dtype). */
export function halfPlan(plan: Planned[]): Planned[] {
  return plan.map((p) => ({
    ...p,
    produce: () => {
      const d = p.produce();
      return d instanceof Float32Array ? toHalf(d) : d;
    },
  }));
}

const ALIGN = 4096;

/** The weight file as written: its index, byte size and sha256 (what weight-cache.ts verifies on load). */
export interface WrittenWeights {
  index: WeightIndex;
  bytes: number;
  sha256: string;
}

/**
 * Writes the planned tensors to `file` atomically (via `<file>.<pid>.tmp`, removed on failure, SIGINT and
 * SIGTERM) and returns the index. Yields to the event loop between tensors so that a signal is handled mid-way.
 */
export async function writeWeights(
  plan: Planned[],
  file: string,
  onProgress?: (done: number, total: number) => void,
): Promise<WrittenWeights> {
  const tmp = `${file}.${process.pid}.tmp`;
  const written = await withTemp(tmp, async () => {
    const index: WeightIndex = {};
    const hash = crypto.createHash('sha256');
    const fd = fs.openSync(tmp, 'w');
    let offset = 0;
    try {
      for (const p of plan) {
        const data = p.produce();
        const expected = p.dims.reduce((a, b) => a * b, 1);
        if (data.length !== expected)
          throw new Error(`weight '${p.name}': expected ${expected} values for shape [${p.dims}], got ${data.length}`);
        const aligned = Math.ceil(offset / ALIGN) * ALIGN;
        hash.update(new Uint8Array(aligned - offset)); // the gap reads back as zeros
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        fs.writeSync(fd, bytes, 0, data.byteLength, aligned);
        hash.update(bytes);
        const dtype =
          data instanceof Uint8Array
            ? ('uint8' as const)
            : data instanceof Int8Array
              ? ('int8' as const)
              : data instanceof Uint16Array
                ? ('float16' as const)
                : undefined;
        index[p.name] = { offset: aligned, length: data.byteLength, dims: p.dims, ...(dtype ? { dtype } : {}) };
        offset = aligned + data.byteLength;
        onProgress?.(Object.keys(index).length, plan.length);
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      fs.closeSync(fd);
    }
    return { index, bytes: offset, sha256: hash.digest('hex') };
  });
  fs.renameSync(tmp, file);
  return written;
}
