// PEFT LoRA adapters: adapter_config.json + adapter_model.safetensors. Applied as a low-rank branch
// x·Aᵀ·Bᵀ·scale whose overall scale is a runtime input (0 = base, 1 = finetuned).
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { readJson } from './checkpoint.ts';
import { isTargeted } from './lora-targets.ts';
import { readSafetensorsHeader, readTensorF32, type TensorEntry } from './safetensors.ts';

export interface LoraModule {
  /** r of adapter_config.json (or its rank_pattern entry); tensor-shapes.ts checks A and B against it. */
  rank: number;
  a: TensorEntry; // lora_A [r, in]
  b: TensorEntry; // lora_B [out, r]
  inDim: number;
  outDim: number;
  /** lora_alpha / r, or lora_alpha / sqrt(r) for rsLoRA. */
  scale: number;
  readA(): Float32Array; // [r, in]
  readB(): Float32Array; // [out, r]
}

export interface Adapter {
  dir: string;
  config: Record<string, any>;
  modules: Map<string, LoraModule>;
  forModule(module: string): LoraModule | undefined;
  /** Adapter modules that no model weight asked for (after planning). */
  unmatched(): string[];
  files: string[];
  configFile: string;
  weightsFile: string;
  /** Modules with LoRA tensors that adapter_config.json does not target (not applied, as in PEFT). */
  ignored: string[];
}

/** An adapter that cannot be used as given: an input error (exit 2). */
export class AdapterError extends InputError {}

const KEY = /^(?:base_model\.model\.)?(.*)\.lora_([AB])(?:\.default)?\.weight$/;

export function openAdapter(dir: string): Adapter {
  const cfgFile = path.join(dir, 'adapter_config.json');
  const config = readJson(cfgFile) as Record<string, any>;
  if (config.peft_type && config.peft_type !== 'LORA')
    throw new AdapterError(`${cfgFile}: field 'peft_type' is '${config.peft_type}'; only LORA adapters are supported`);
  if (config.use_dora)
    throw new AdapterError(`${cfgFile}: field 'use_dora' is true; DoRA adapters are not supported (only plain LoRA)`);
  const weights = path.join(dir, 'adapter_model.safetensors');
  if (!fs.existsSync(weights)) {
    const pickles = fs.readdirSync(dir).filter((f) => /\.(bin|pt|pth)$/.test(f));
    throw new AdapterError(
      pickles.length
        ? `${dir}: adapter weights are pickled (${pickles.join(', ')}); DiffBench loads adapter_model.safetensors only and never executes pickles`
        : `${weights}: file not found`,
    );
  }
  const r0 = Number(config.r),
    alpha0 = Number(config.lora_alpha ?? r0);
  if (!(Number.isInteger(r0) && r0 > 0))
    throw new AdapterError(`${cfgFile}: field 'r' must be a positive integer, got ${JSON.stringify(config.r)}`);
  if (Array.isArray(config.target_modules) && config.target_modules.length === 0)
    throw new AdapterError(`${cfgFile}: field 'target_modules' is empty: the adapter would apply to no module`);
  const pairs = new Map<string, { A?: TensorEntry; B?: TensorEntry }>();
  for (const [name, e] of readSafetensorsHeader(weights)) {
    const m = KEY.exec(name);
    if (!m) continue;
    const p = pairs.get(m[1]) ?? {};
    p[m[2] as 'A' | 'B'] = e;
    pairs.set(m[1], p);
  }
  const pattern = (table: Record<string, number> | undefined, module: string, fallback: number) => {
    for (const [k, v] of Object.entries(table ?? {}))
      if (module === k || module.endsWith(`.${k}`) || new RegExp(`(^|\\.)${k}$`).test(module)) return v;
    return fallback;
  };
  const modules = new Map<string, LoraModule>();
  const ignored: string[] = [];
  for (const [module, { A, B }] of pairs) {
    if (!isTargeted(config, module)) {
      ignored.push(module);
      continue;
    }
    if (!A || !B)
      throw new AdapterError(`${weights}: module '${module}' has lora_${A ? 'A' : 'B'} but not lora_${A ? 'B' : 'A'}`);
    const r = pattern(config.rank_pattern, module, r0);
    const alpha = pattern(config.alpha_pattern, module, alpha0);
    const scale = config.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
    modules.set(module, {
      rank: r,
      a: A,
      b: B,
      inDim: A.shape[1],
      outDim: B.shape[0],
      scale,
      readA: () => readTensorF32(A),
      readB: () => readTensorF32(B),
    });
  }
  if (!modules.size && ignored.length && ignored.some((m) => isTargeted({ ...config, layers_to_transform: null }, m)))
    throw new AdapterError(
      `${cfgFile}: field 'layers_to_transform' (${JSON.stringify(config.layers_to_transform)}) selects none of the layers of its LoRA modules (${layerRange(ignored)}); no module would be applied`,
    );
  if (!modules.size && ignored.length)
    throw new AdapterError(
      `${weights}: none of its LoRA modules (${ignored.slice(0, 3).join(', ')}, ...) is in target_modules of ${cfgFile} (${JSON.stringify(config.target_modules)})`,
    );
  if (!modules.size)
    throw new AdapterError(
      `${weights}: no LoRA tensors (expected keys like 'base_model.model.<module>.lora_A.weight')`,
    );
  const used = new Set<string>();
  return {
    dir,
    config,
    modules,
    files: [cfgFile, weights],
    configFile: cfgFile,
    weightsFile: weights,
    ignored,
    forModule(module) {
      // adapters saved from wrapped models may carry extra prefixes; match on the module path's suffix
      for (const [k, v] of modules)
        if (k === module || k.endsWith(`.${module}`) || module.endsWith(`.${k}`)) {
          used.add(k);
          return v;
        }
      return undefined;
    },
    unmatched: () => [...modules.keys()].filter((k) => !used.has(k)),
  };
}

/** The layer indices the module names carry ('layers 0..5'), for messages. */
function layerRange(modules: string[]): string {
  const layers = modules.map((m) => Number(/\.(\d+)\./.exec(m)?.[1])).filter(Number.isInteger);
  return layers.length ? `layers ${Math.min(...layers)}..${Math.max(...layers)}` : 'no layer index in their names';
}

/** After planning, every adapter module must have been matched to a model weight. */
export function assertAdapterFits(adapter: Adapter): void {
  const unused = adapter.unmatched();
  if (unused.length)
    throw new Error(
      `${adapter.dir}: adapter targets module(s) the model does not have: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`,
    );
}
