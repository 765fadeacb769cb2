// A Hugging Face checkpoint folder: config.json + model.safetensors or a sharded index + shards.
import { InputError } from '../errors.ts';
import fs from 'node:fs';
import path from 'node:path';
import { readSafetensorsHeader, readTensorF32, type TensorEntry } from './safetensors.ts';

/** A checkpoint or config that cannot be used: an input error (exit 2). */
export class CheckpointError extends InputError {}

export interface Checkpoint {
  dir: string;
  config: Record<string, unknown>;
  /** Extra generation defaults (eos ids) from generation_config.json, if present. */
  generationConfig: Record<string, unknown>;
  tensors: Map<string, TensorEntry>;
  files: string[];
  has(name: string): boolean;
  /** Reads a tensor as float32; a missing tensor is a clear error naming the checkpoint. */
  read(name: string): Float32Array;
  shape(name: string): number[];
}

const PICKLE = /\.(bin|pt|pth|ckpt|pkl)$/;

/** Lists the safetensors weight files of a folder, refusing pickle-only checkpoints. */
function weightFiles(dir: string, prefix = 'model'): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CheckpointError(`${dir}: not a folder`);
  const index = path.join(dir, `${prefix}.safetensors.index.json`);
  const single = path.join(dir, `${prefix}.safetensors`);
  if (fs.existsSync(index)) {
    let map: Record<string, string>;
    try {
      map = JSON.parse(fs.readFileSync(index, 'utf8')).weight_map;
    } catch (e) {
      throw new CheckpointError(`${index}: not valid JSON (${(e as Error).message})`);
    }
    if (!map || typeof map !== 'object' || Array.isArray(map))
      throw new CheckpointError(`${index}: missing field 'weight_map'`);
    const shards = [...new Set(Object.values(map))].map((f) => shardPath(index, dir, f));
    for (const s of shards)
      if (!fs.existsSync(s))
        throw new CheckpointError(`${index}: names shard ${path.basename(s)}, which is missing from ${dir}`);
      else if (!fs.statSync(s).isFile()) throw new CheckpointError(`${index}: names shard ${s}, which is not a file`);
    return shards;
  }
  if (fs.existsSync(single)) return [single];
  const files = fs.readdirSync(dir);
  const anySafe = files.filter((f) => f.endsWith('.safetensors'));
  if (anySafe.length) return anySafe.sort().map((f) => path.join(dir, f));
  const pickles = files.filter((f) => PICKLE.test(f));
  if (pickles.length)
    throw new CheckpointError(
      `${dir}: only pickle weights (${pickles.join(', ')}); DiffBench loads safetensors only and never executes pickled checkpoints. Convert it to safetensors first.`,
    );
  throw new CheckpointError(`${dir}: no ${prefix}.safetensors or ${prefix}.safetensors.index.json found`);
}

/**
 * A shard named by an index: a file name inside the model folder (or a subfolder), never an absolute path or
 * one that climbs out with '..', so that an index cannot make the loader read files elsewhere.
 */
function shardPath(index: string, dir: string, name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw new CheckpointError(`${index}: weight_map value ${JSON.stringify(name)} is not a shard file name`);
  const resolved = path.resolve(dir, name);
  const inside = path.relative(path.resolve(dir), resolved);
  if (
    path.isAbsolute(name) ||
    inside === '' ||
    inside === '..' ||
    inside.startsWith(`..${path.sep}`) ||
    path.isAbsolute(inside)
  )
    throw new CheckpointError(
      `${index}: weight_map names shard '${name}', which is outside the model folder ${dir}; shards must be files in that folder`,
    );
  return path.join(dir, name);
}

export function readJson(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new CheckpointError(`${file}: file not found`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The checkpoint under the names of its *ForCausalLM class: a bare base-model checkpoint (no tensor name starts
 * with `prefix`, e.g. Qwen3Model's `layers.0...` for `model.layers.0...`) is read as if it had the prefix.
 * `bare` says whether it was one.
 */
export function withCausalLmNames(ckpt: Checkpoint, prefix: string): Checkpoint & { bare: boolean } {
  const names = [...ckpt.tensors.keys()];
  if (names.length === 0 || names.some((n) => n.startsWith(prefix))) return { ...ckpt, bare: false };
  const head = (n: string) => n.startsWith('lm_head.');
  const tensors = new Map(names.map((n) => [head(n) ? n : prefix + n, ckpt.tensors.get(n)!]));
  const local = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  return {
    ...ckpt,
    tensors,
    bare: true,
    has: (name) => tensors.has(name),
    read: (name) => ckpt.read(local(name)),
    shape: (name) => ckpt.shape(local(name)),
  };
}

export function openCheckpoint(dir: string): Checkpoint {
  const config = readJson(path.join(dir, 'config.json'));
  const genFile = path.join(dir, 'generation_config.json');
  const generationConfig = fs.existsSync(genFile) ? readJson(genFile) : {};
  const files = weightFiles(dir);
  const tensors = new Map<string, TensorEntry>();
  for (const f of files) for (const [k, v] of readSafetensorsHeader(f)) tensors.set(k, v);
  return {
    dir,
    config,
    generationConfig,
    tensors,
    files,
    has: (name) => tensors.has(name),
    read(name) {
      const e = tensors.get(name);
      if (!e)
        throw new CheckpointError(
          `${dir}: tensor '${name}' is missing from the checkpoint (${files.map((f) => path.basename(f)).join(', ')})`,
        );
      return readTensorF32(e);
    },
    shape(name) {
      const e = tensors.get(name);
      if (!e) throw new CheckpointError(`${dir}: tensor '${name}' is missing from the checkpoint`);
      return e.shape;
    },
  };
}
