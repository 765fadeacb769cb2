// The runtime on ONNX Runtime's WebGPU provider (npm run perf -- --only gpu): prefill of the zoo and of the
// Qwen3-1.7B-layer shapes in float32 and float16, greedy decoding with the KV cache and the ADL collection, all
// on the same adapter. Skipped with the reason when no WebGPU adapter is found. On Mesa's lavapipe (software
// Vulkan, what CI and a GPU-less machine have) these figures time the CPU through a GPU API: a smoke test of
// the path, not GPU figures (`software_adapter` says which the run saw).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { assertDeviceAvailable } from '../runtime/device.ts';
import { loadModel } from '../runtime/index.ts';
import type { LanguageModel, LoadOptions } from '../runtime/types.ts';
import { collectDifference } from './adl.ts';
import { matmulFlops, QWEN3_1_7B_LAYERS, writeSyntheticQwen3, type SyntheticShape } from './synthetic.ts';
import { timeBest } from './timing.ts';

export interface GpuPrefill {
  model: string;
  precision: string;
  batch: number;
  tokens: number;
  tokens_per_s: number;
  gflops: number;
}

export interface GpuOptions {
  zooDir: string;
  adapter: string;
  cacheDir: string;
  reps: number;
  log: (msg: string) => void;
  /** bench.ts deviationFigure: the given precisions against float32, both with these load options. */
  deviation: (load: LoadOptions, precisions: 'fp16'[]) => Promise<Record<string, unknown>>;
}

/** A WebGPU adapter backed by a GPU: the gpu group runs by default only then (a software one: when asked for). */
export async function hardwareGpuPresent(): Promise<boolean> {
  return (
    !softwareAdapter() &&
    (await assertDeviceAvailable('webgpu').then(
      () => true,
      () => false,
    ))
  );
}

/** No GPU device node: a WebGPU adapter on Linux is then a software one (lavapipe). */
function softwareAdapter(): boolean {
  if (process.platform !== 'linux') return false;
  const dev = (d: string) => {
    try {
      return fs.readdirSync(d);
    } catch {
      return [];
    }
  };
  return !dev('/dev/dri').some((f) => f.startsWith('renderD')) && !dev('/dev').some((f) => /^nvidia\d/.test(f));
}

function ids(rows: number, tokens: number, vocab: number, seed: string): number[][] {
  const rand = seedrandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: tokens }, () => 1 + Math.floor(rand() * (vocab - 1))));
}

async function prefill(
  o: GpuOptions,
  m: LanguageModel,
  model: string,
  shape: Omit<SyntheticShape, 'vocab'> & { vocab: number },
  precision: string,
  B: number,
  T: number,
): Promise<GpuPrefill> {
  const batch = ids(B, T, shape.vocab, `gpu-${model}-${B}x${T}`);
  const seconds = await timeBest(() => m.forward({ inputIds: batch, logits: 'all' }), o.reps, 1);
  const f = {
    model,
    precision,
    batch: B,
    tokens: T,
    tokens_per_s: (B * T) / seconds,
    gflops: matmulFlops(shape, B * T) / seconds / 1e9,
  };
  o.log(
    `gpu prefill ${model} ${B}x${T} ${precision}: ${f.tokens_per_s.toFixed(0)} tok/s, ${f.gflops.toFixed(1)} GFLOP/s`,
  );
  return f;
}

export async function gpuFigure(o: GpuOptions): Promise<Record<string, unknown>> {
  const unavailable = await assertDeviceAvailable('webgpu').then(
    () => null,
    (e: Error) => e.message.split('\n')[0],
  );
  if (unavailable) {
    o.log(`gpu: skipped (${unavailable})`);
    return { available: false, reason: unavailable };
  }
  const software = softwareAdapter();
  if (software)
    o.log(
      'gpu: no GPU device node: the adapter is a software one (Mesa lavapipe); these are CPU figures through WebGPU, a smoke test',
    );
  const load = (precision: 'fp32' | 'fp16', adapter?: string): LoadOptions => ({
    cacheDir: o.cacheDir,
    device: 'webgpu',
    precision,
    adapter,
  });
  const zooConfig = JSON.parse(fs.readFileSync(path.join(o.zooDir, 'config.json'), 'utf8'));
  const zooShape = {
    layers: zooConfig.num_hidden_layers,
    hidden: zooConfig.hidden_size,
    intermediate: zooConfig.intermediate_size,
    heads: zooConfig.num_attention_heads,
    kvHeads: zooConfig.num_key_value_heads,
    headDim: zooConfig.head_dim,
    vocab: zooConfig.vocab_size,
  };
  // a software adapter runs ~1 GFLOP/s: small sizes there (a smoke test), the CPU workloads' sizes on a GPU
  const size = software
    ? { T: 32, rows: 4, decodeRows: 4, newTokens: 4, docs: 16 }
    : { T: 128, rows: 32, decodeRows: 16, newTokens: 16, docs: 64 };
  const prefills: GpuPrefill[] = [];
  const decode: Record<string, number | string>[] = [];
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffbench-gpu-perf-'));
  try {
    writeSyntheticQwen3(synthDir, QWEN3_1_7B_LAYERS);
    for (const precision of ['fp32', 'fp16'] as const) {
      const zoo = await loadModel(o.zooDir, load(precision));
      for (const B of [1, size.rows]) prefills.push(await prefill(o, zoo, 'zoo', zooShape, precision, B, size.T));
      for (const B of [1, size.decodeRows]) {
        const prompts = ids(B, size.T, zooShape.vocab, `gpu-decode-${B}`);
        const gen = () => zoo.generate({ prompts, maxNewTokens: size.newTokens, eosTokenIds: [] });
        const seconds = await timeBest(gen, o.reps, 1);
        decode.push({
          model: 'zoo',
          precision,
          batch: B,
          context: size.T,
          new_tokens: size.newTokens,
          tokens_per_s: (B * size.newTokens) / seconds,
        });
        o.log(
          `gpu decode zoo b${B} ${precision}: ${((B * size.newTokens) / seconds).toFixed(0)} tok/s (${size.T}-token prompt + ${size.newTokens} new, KV cache)`,
        );
      }
      await zoo.dispose();
      const synth = await loadModel(synthDir, load(precision));
      prefills.push(await prefill(o, synth, 'qwen3_1.7b_layers', QWEN3_1_7B_LAYERS, precision, 1, size.T));
      await synth.dispose();
    }
    const lora = await loadModel(o.zooDir, load('fp32', o.adapter));
    const docs = ids(size.docs, 32, zooShape.vocab, 'gpu-adl');
    const adlSeconds = await timeBest(
      () => collectDifference(lora, docs, Math.floor((zooShape.layers - 1) / 2), 32, 'joint'),
      o.reps,
      1,
    );
    await lora.dispose();
    o.log(
      `gpu ADL collection zoo + LoRA (${size.docs} docs x 32 tokens, joint batches of 32): ${(size.docs / adlSeconds).toFixed(1)} docs/s`,
    );
    const deviation = await o.deviation({ cacheDir: o.cacheDir, device: 'webgpu' }, ['fp16']);
    return {
      available: true,
      software_adapter: software,
      note: software
        ? 'software adapter (Mesa lavapipe): CPU figures through WebGPU, a smoke test of the GPU path, not GPU figures'
        : 'hardware adapter',
      prefill: prefills,
      decode,
      adl: { documents: size.docs, tokens: 32, seconds: adlSeconds, docs_per_s: size.docs / adlSeconds },
      precision_deviation: deviation,
    };
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
}
