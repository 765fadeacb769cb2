// Amplified copies of a finetune, written to the method's work folder (cached by content, a and layers):
// for a LoRA organism an adapter whose lora_B of the amplified layers is multiplied by a (the toolkit
// compiles its amplification presets the same way); for a full finetune a checkpoint with
// base + a·(ft − base) in those layers and the finetune's tensors elsewhere (the tensors are held in memory
// while writing, so this path is for models that fit in memory a few times).
import fs from 'node:fs';
import path from 'node:path';
import type { MethodContext } from '../../method/types.ts';
import { writeSafetensors } from '../../perf/synthetic.ts';
import { openCheckpoint } from '../../runtime/checkpoint.ts';
import { readAllF32 } from '../../runtime/safetensors.ts';

/** Python's round() (half to even), as the toolkit resolves relative layers. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Layers start..end of a relative range [start, end], each round(r·(L−1)), as the toolkit's LayerRange. */
export function amplifiedLayers(range: [number, number], numLayers: number): number[] {
  const [start, end] = range.map((r) => roundHalfEven(r * (numLayers - 1)));
  return Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => start + i);
}

const layerOf = (tensor: string) => {
  const m = /\.layers\.(\d+)\./.exec(tensor);
  return m ? Number(m[1]) : undefined;
};

/** Writes `files` into `dir` atomically (a temporary folder renamed into place); returns dir. */
function writeFolder(dir: string, write: (tmp: string) => void): string {
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  write(tmp);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

const workDir = (ctx: MethodContext, kind: string, a: number, layers: number[]) =>
  path.join(
    ctx.cacheDir,
    'amplification',
    `${kind}-${ctx.finetuned.info.contentHash.slice(0, 16)}-a${a}-L${layers[0] ?? 'none'}-${layers.at(-1) ?? 'none'}-v2`,
  ); // v2: bump when the recipe changes

/** The organism's adapter with lora_B of `layers` multiplied by a. */
export function amplifiedAdapter(ctx: MethodContext, adapterDir: string, a: number, layers: number[]): string {
  const dir = workDir(ctx, 'adapter', a, layers);
  if (fs.existsSync(path.join(dir, 'adapter_model.safetensors'))) return dir;
  const file = path.join(adapterDir, 'adapter_model.safetensors');
  if (!fs.existsSync(file)) throw new Error(`amplification: ${file} not found (the adapter's weights)`);
  const chosen = new Set(layers);
  const tensors: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const [name, t] of readAllF32(file)) {
    const layer = layerOf(name);
    const scale = name.includes('lora_B') && layer !== undefined && chosen.has(layer) ? a : 1;
    tensors[name] = { dims: t.shape, data: scale === 1 ? t.data : t.data.map((x) => x * scale) };
  }
  return writeFolder(dir, (tmp) => {
    fs.copyFileSync(path.join(adapterDir, 'adapter_config.json'), path.join(tmp, 'adapter_config.json'));
    writeSafetensors(path.join(tmp, 'adapter_model.safetensors'), tensors);
  });
}

/** A checkpoint with base + a·(ft − base) for the tensors of `layers` (every tensor when `all`), the finetune's elsewhere. */
export function amplifiedCheckpoint(ctx: MethodContext, a: number, layers: number[], all: boolean): string {
  const dir = workDir(ctx, all ? 'model-all' : 'model', a, layers);
  if (fs.existsSync(path.join(dir, 'model.safetensors'))) return dir;
  const base = openCheckpoint(ctx.base.info.modelPath),
    ft = openCheckpoint(ctx.finetuned.info.modelPath);
  const chosen = new Set(layers);
  const tensors: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const name of ft.tensors.keys()) {
    const f = ft.read(name);
    const layer = layerOf(name);
    if (!all && (layer === undefined || !chosen.has(layer))) {
      tensors[name] = { dims: ft.shape(name), data: f };
      continue;
    }
    if (!base.has(name))
      throw new Error(
        `amplification: the finetune's tensor '${name}' is not in the base checkpoint ${ctx.base.info.modelPath}`,
      );
    const b = base.read(name);
    if (b.length !== f.length)
      throw new Error(
        `amplification: tensor '${name}' has shape [${base.shape(name)}] in the base but [${ft.shape(name)}] in the finetune`,
      );
    tensors[name] = { dims: ft.shape(name), data: f.map((x, i) => b[i] + a * (x - b[i])) };
  }
  return writeFolder(dir, (tmp) => {
    for (const file of ['config.json', 'generation_config.json']) {
      const src = path.join(ctx.finetuned.info.modelPath, file);
      if (fs.existsSync(src)) fs.copyFileSync(src, path.join(tmp, file));
    }
    writeSafetensors(path.join(tmp, 'model.safetensors'), tensors);
  });
}
