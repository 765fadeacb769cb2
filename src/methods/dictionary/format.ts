// Dictionaries on disk in the layout dictionary_learning's save_pretrained / push_to_hub writes (and the
// diffing toolkit publishes): a folder with
//   model.safetensors    the state dict, under the library's tensor names
//   config.json          the constructor arguments (activation_dim, dict_size, k, ...) and dict_class
//   trainer_config.json  {"trainer": {"dict_class": ...}} (what the toolkit reads to pick the class)
// BatchTopKCrossCoder: encoder.weight [2, H, F], encoder.bias [F], decoder.weight [2, F, H], decoder.bias [2, H]
// BatchTopKSAE:        encoder.weight [F, H], encoder.bias [F], decoder.weight [H, F], b_dec [H]
// both: k, threshold, and the normaliser activation_mean / activation_std / target_rms / activation_global_scale.
// Pickle checkpoints (the trainer's model_final.pt) are refused: they can run code when loaded.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../results/atomic.ts';
import { readSafetensorsHeader, type TensorEntry } from '../../runtime/safetensors.ts';
import { sideScales } from './normalize.ts';
import type { DictionaryKind, DictionaryMeta, DictionaryWeights } from './types.ts';

const DICT_CLASS: Record<DictionaryKind, string> = { crosscoder: 'BatchTopKCrossCoder', 'sae-diff': 'BatchTopKSAE' };
const PICKLE = /\.(pt|pth|bin|ckpt|pkl)$/;
/** dictionary_learning's CodeNormalization.CROSSCODER (enum auto() value). */
const CODE_NORMALIZATION_CROSSCODER = 1;

type Tensor = { dtype: 'F32' | 'I32' | 'I64'; shape: number[]; data: ArrayLike<number> };

function writeTensors(file: string, tensors: Record<string, Tensor>): void {
  const header: Record<string, unknown> = {};
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes =
      t.dtype === 'F32'
        ? Buffer.from(Float32Array.from(t.data).buffer)
        : t.dtype === 'I32'
          ? Buffer.from(Int32Array.from(t.data).buffer)
          : Buffer.from(BigInt64Array.from(Array.from(t.data), (v) => BigInt(v)).buffer);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify({ __metadata__: { format: 'pt' }, ...header });
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileAtomic(file, Buffer.concat([len, Buffer.from(json), ...parts]));
}

/** [A, B, C] → [B, A, C] of a flat array. */
function swap01(data: Float32Array, A: number, B: number, C: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++) out.set(data.subarray((a * B + b) * C, (a * B + b + 1) * C), (b * A + a) * C);
  return out;
}

function transpose(data: Float32Array, R: number, C: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = data[r * C + c];
  return out;
}

/** Writes a dictionary folder (atomic per file). */
export function saveDictionary(dir: string, w: DictionaryWeights, meta: DictionaryMeta): void {
  const { H, F, sides: S } = w;
  const n = w.normalizer;
  const nan = (len: number) => new Float32Array(len).fill(Number.NaN);
  const normal: Record<string, Tensor> = {
    activation_mean: { dtype: 'F32', shape: S === 2 ? [2, H] : [H], data: n ? n.mean : nan(S * H) },
    activation_std: { dtype: 'F32', shape: S === 2 ? [2, H] : [H], data: n ? n.std : nan(S * H) },
    target_rms: { dtype: 'F32', shape: [], data: [n ? n.targetRms : 1] },
    activation_global_scale: {
      dtype: 'F32',
      shape: S === 2 ? [2] : [],
      data: n ? n.scale : new Float32Array(S).fill(1),
    },
  };
  const tensors: Record<string, Tensor> =
    w.kind === 'crosscoder'
      ? {
          'encoder.weight': { dtype: 'F32', shape: [2, H, F], data: w.encW },
          'encoder.bias': { dtype: 'F32', shape: [F], data: w.encB },
          'decoder.weight': { dtype: 'F32', shape: [2, F, H], data: swap01(w.decW, F, 2, H) },
          'decoder.bias': { dtype: 'F32', shape: [2, H], data: w.decB },
          code_normalization_id: { dtype: 'I64', shape: [], data: [CODE_NORMALIZATION_CROSSCODER] },
          k: { dtype: 'I32', shape: [], data: [w.k] },
          threshold: { dtype: 'F32', shape: [], data: [w.threshold] },
          ...normal,
        }
      : {
          'encoder.weight': { dtype: 'F32', shape: [F, H], data: transpose(w.encW, H, F) },
          'encoder.bias': { dtype: 'F32', shape: [F], data: w.encB },
          'decoder.weight': { dtype: 'F32', shape: [H, F], data: transpose(w.decW, F, H) },
          b_dec: { dtype: 'F32', shape: [H], data: w.decB },
          k: { dtype: 'I32', shape: [], data: [w.k] },
          threshold: { dtype: 'F32', shape: [], data: [w.threshold] },
          ...normal,
        };
  fs.mkdirSync(dir, { recursive: true });
  writeTensors(path.join(dir, 'model.safetensors'), tensors);
  const config = {
    dict_class: DICT_CLASS[w.kind],
    activation_dim: H,
    dict_size: F,
    k: w.k,
    ...(w.kind === 'crosscoder' ? { num_layers: 2, code_normalization: 'CROSSCODER' } : {}),
    target_rms: n ? n.targetRms : null,
    diffbench: { kind: w.kind, layer: meta.layer, training: meta.training ?? null },
  };
  writeJsonAtomic(path.join(dir, 'config.json'), config);
  writeJsonAtomic(path.join(dir, 'trainer_config.json'), {
    trainer: { dict_class: DICT_CLASS[w.kind], activation_dim: H, dict_size: F, k: w.k, layer: meta.layer },
  });
}

function readNumbers(e: TensorEntry): Float64Array {
  const raw = Buffer.alloc(e.byteLength);
  const fd = fs.openSync(e.file, 'r');
  try {
    fs.readSync(fd, raw, 0, e.byteLength, e.offset);
  } finally {
    fs.closeSync(fd);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = { F32: 4, F64: 8, I32: 4, I64: 8, BF16: 2, F16: 2 } as Record<string, number>;
  const width = size[e.dtype];
  if (!width)
    throw new InputError(
      `${e.file}: tensor '${e.name}' has dtype ${e.dtype}; expected F32, F64, BF16, F16, I32 or I64`,
    );
  const out = new Float64Array(e.byteLength / width);
  for (let i = 0; i < out.length; i++) {
    const o = i * width;
    out[i] =
      e.dtype === 'F32'
        ? view.getFloat32(o, true)
        : e.dtype === 'F64'
          ? view.getFloat64(o, true)
          : e.dtype === 'I32'
            ? view.getInt32(o, true)
            : e.dtype === 'I64'
              ? Number(view.getBigInt64(o, true))
              : e.dtype === 'BF16'
                ? new Float32Array(Uint32Array.of(view.getUint16(o, true) << 16).buffer)[0]
                : halfToFloat(view.getUint16(o, true));
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** A dictionary folder: model.safetensors + config.json (+ trainer_config.json). */
export function loadDictionary(dir: string): { weights: DictionaryWeights; meta: DictionaryMeta; dictClass: string } {
  const file = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(file)) {
    const pickles = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => PICKLE.test(f)) : [];
    throw new InputError(
      pickles.length
        ? `${dir}: only pickle checkpoints (${pickles.join(', ')}); DiffBench never loads pickle (it can run code). ` +
            `Save the dictionary with save_pretrained / push_to_hub (model.safetensors + config.json)`
        : `${dir}: no model.safetensors (expected a dictionary_learning save_pretrained folder: model.safetensors + ` +
            'config.json; DiffBench never loads pickle checkpoints such as model_final.pt)',
    );
  }
  const configFile = path.join(dir, 'config.json');
  let config: Record<string, unknown> = {};
  if (fs.existsSync(configFile)) {
    try {
      config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    } catch (e) {
      throw new InputError(`${configFile}: not valid JSON (${(e as Error).message})`);
    }
  }
  const trainerFile = path.join(dir, 'trainer_config.json');
  const trainer = fs.existsSync(trainerFile)
    ? ((JSON.parse(fs.readFileSync(trainerFile, 'utf8')) as { trainer?: Record<string, unknown> }).trainer ?? {})
    : {};
  const header = readSafetensorsHeader(file);
  const need = (name: string, shape?: number[]): Float64Array => {
    const e = header.get(name);
    if (!e) throw new InputError(`${file}: missing tensor '${name}' (tensors: ${[...header.keys()].join(', ')})`);
    if (shape && (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])))
      throw new InputError(`${file}: tensor '${name}' has shape [${e.shape}]; expected [${shape}]`);
    return readNumbers(e);
  };
  const enc = header.get('encoder.weight');
  if (!enc) throw new InputError(`${file}: missing tensor 'encoder.weight' (not a dictionary_learning dictionary)`);
  const dictClass = String(
    config.dict_class ?? trainer.dict_class ?? (enc.shape.length === 3 ? 'BatchTopKCrossCoder' : 'BatchTopKSAE'),
  );
  const kind: DictionaryKind | undefined =
    dictClass === 'BatchTopKCrossCoder' ? 'crosscoder' : dictClass === 'BatchTopKSAE' ? 'sae-diff' : undefined;
  if (!kind)
    throw new InputError(
      `${configFile}: dict_class '${dictClass}' is not supported (expected BatchTopKCrossCoder or BatchTopKSAE)`,
    );
  const f32 = (a: Float64Array) => Float32Array.from(a);
  let w: DictionaryWeights;
  if (kind === 'crosscoder') {
    if (enc.shape.length !== 3 || enc.shape[0] !== 2)
      throw new InputError(
        `${file}: encoder.weight has shape [${enc.shape}]; a two-model crosscoder has [2, activation_dim, dict_size]`,
      );
    const [, H, F] = enc.shape;
    const cn = header.has('code_normalization_id') ? need('code_normalization_id')[0] : CODE_NORMALIZATION_CROSSCODER;
    if (cn !== CODE_NORMALIZATION_CROSSCODER)
      throw new InputError(
        `${file}: code_normalization_id ${cn} is not supported (only CROSSCODER = ${CODE_NORMALIZATION_CROSSCODER})`,
      );
    w = {
      kind,
      sides: 2,
      H,
      F,
      k: Number(header.has('k') ? need('k')[0] : config.k),
      encW: f32(need('encoder.weight', [2, H, F])),
      encB: f32(need('encoder.bias', [F])),
      decW: swap01(f32(need('decoder.weight', [2, F, H])), 2, F, H),
      decB: f32(need('decoder.bias', [2, H])),
      threshold: header.has('threshold') ? need('threshold')[0] : -1,
      normalizer: null,
    };
  } else {
    if (enc.shape.length !== 2)
      throw new InputError(`${file}: encoder.weight has shape [${enc.shape}]; an SAE has [dict_size, activation_dim]`);
    const [F, H] = enc.shape;
    w = {
      kind,
      sides: 1,
      H,
      F,
      k: Number(header.has('k') ? need('k')[0] : config.k),
      encW: transpose(f32(need('encoder.weight', [F, H])), F, H),
      encB: f32(need('encoder.bias', [F])),
      decW: transpose(f32(need('decoder.weight', [H, F])), H, F),
      decB: f32(need('b_dec', [H])),
      threshold: header.has('threshold') ? need('threshold')[0] : -1,
      normalizer: null,
    };
  }
  if (!(Number.isInteger(w.k) && w.k > 0))
    throw new InputError(`${file}: k is ${w.k}; expected a positive integer (tensor 'k' or config.json k)`);
  if (header.has('activation_mean') && header.has('activation_std')) {
    const mean = f32(need('activation_mean'));
    const std = f32(need('activation_std'));
    if (mean.length !== w.sides * w.H || std.length !== mean.length)
      throw new InputError(
        `${file}: activation_mean/std have ${mean.length}/${std.length} values; expected ${w.sides * w.H}`,
      );
    if (!mean.some(Number.isNaN) && !std.some(Number.isNaN)) {
      const targetRms = header.has('target_rms') ? need('target_rms')[0] : 1;
      const scale = header.has('activation_global_scale')
        ? f32(need('activation_global_scale'))
        : sideScales(std, w.sides, w.H, targetRms);
      w.normalizer = { mean, std, scale, targetRms };
    }
  }
  const db = (config.diffbench ?? {}) as { layer?: number; training?: Record<string, unknown> };
  const layer = Number(db.layer ?? trainer.layer ?? config.layer ?? Number.NaN);
  return { weights: w, meta: { layer, ...(db.training ? { training: db.training } : {}) }, dictClass };
}
