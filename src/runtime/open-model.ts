// Everything about a checkpoint (+ adapter) that can be checked without converting or running it: the files
// and their layout, config.json and generation_config.json, the adapter's config, every tensor's shape, and
// finite weights. loadModel starts here; the harness calls it while planning, so a bad file is an input
// error before any model loads.
import path from 'node:path';
import { type Checkpoint, openCheckpoint, withCausalLmNames } from './checkpoint.ts';
import { type ModelSpec, parseConfig } from './config.ts';
import { assertFiniteWeights } from './finite-check.ts';
import { type GenerationDefaults, generationDefaults } from './generation-config.ts';
import { type Adapter, openAdapter } from './lora.ts';
import { checkShapes } from './tensor-shapes.ts';

export interface OpenedModel {
  ckpt: Checkpoint & { bare: boolean };
  /** The config as parsed (an embedding checkpoint without lm_head reads as tied). */
  spec: ModelSpec;
  /** False for a bare embedding checkpoint with untied embeddings: hidden states only. */
  hasLogits: boolean;
  adapter?: Adapter;
  generationDefaults: GenerationDefaults;
  /** The files whose bytes make the model (the content hash's input). */
  files: string[];
}

export function openModel(modelDir: string, adapterDir: string | undefined, cacheRoot: string): OpenedModel {
  const opened = openCheckpoint(modelDir);
  const config = parseConfig(opened.config, path.join(modelDir, 'config.json'), opened.generationConfig);
  const ckpt = withCausalLmNames(opened, config.family.prefix);
  const hasLogits = config.tiedEmbeddings || ckpt.has('lm_head.weight');
  const spec: ModelSpec = hasLogits ? config : { ...config, tiedEmbeddings: true };
  const defaults = generationDefaults(ckpt.generationConfig, path.join(modelDir, 'generation_config.json'));
  const adapter = adapterDir ? openAdapter(adapterDir) : undefined;
  checkShapes(spec, ckpt, adapter);
  const files = [path.join(modelDir, 'config.json'), ...ckpt.files, ...(adapter?.files ?? [])];
  assertFiniteWeights(files, cacheRoot);
  return { ckpt, spec, hasLogits, adapter, generationDefaults: defaults, files };
}
