// DiffBench's performance benchmark: our runtime next to PyTorch eager (same weights, tokens, threads)
// and next to onnxruntime's own fp32 MatMul ceiling, on the workloads of issue 7.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { sampleDocuments } from '../data/index.ts';
import { loadModel } from '../runtime/index.ts';
import { DEFAULT_GRAPH } from '../runtime/model.ts';
import type { LanguageModel, LoadOptions } from '../runtime/types.ts';
import { loadTokenizer } from '../tokenizer/index.ts';
import { collectDifference, relativeError } from './adl.ts';
import { layerLinears, matmulCeiling } from './ceiling.ts';
import { contentionFigure } from './contention.ts';
import { klFigure } from './kl.ts';
import { ratiosOf } from './latest.ts';
import { gpuFigure, hardwareGpuPresent } from './gpu.ts';
import { MALLOC_ENV, peerAvailable, peerEnv, runPeer } from './peer.ts';
import { matmulFlops, QWEN3_1_7B_LAYERS, writeSyntheticQwen3, type SyntheticShape } from './synthetic.ts';
import { peerReps, timeBest, timeBestInterleaved } from './timing.ts';

/** Short workloads are repeated for at least this long (both stacks), see timing.ts. */
const MIN_SECONDS = 1.5;

export interface ThroughputOptions {
  threads: number;
  reps: number;
  zooDir: string;
  adapter: string;
  /** Skip the PyTorch peer even when it is installed. */
  noPeer?: boolean;
  /** Workload groups to run (default all but gpu): prefill, precision, decode, adl, kl, memory, contention, gpu. */
  only?: string[];
  /** Extra runtime load options (e.g. a reduced-precision mode), applied to our model only. */
  load?: Partial<LoadOptions>;
  cacheDir: string;
  log: (msg: string) => void;
}

export interface PrefillFigure {
  model: string;
  batch: number;
  tokens: number;
  /** graph variant and weight precision of our runtime for this figure */
  graph: string;
  precision: string;
  tokens_per_s: number;
  gflops: number;
  ceiling_gflops: number;
  ceiling_utilisation: number;
  torch_tokens_per_s?: number;
  torch_ratio?: number;
}

export interface DecodeFigure {
  batch: number;
  context: number;
  new_tokens: number;
  /** end to end: generate() of new_tokens (incl. the prompt's prefill) vs recomputing the prefix per token */
  cache_tokens_per_s: number;
  recompute_tokens_per_s: number;
  cache_speedup: number;
  /** per token: one decode step with the KV cache (generate(1 + n) − generate(1), over n) vs one full recompute */
  cache_step_ms: number;
  recompute_step_ms: number;
  per_token_speedup: number;
  /** the model's MatMuls alone for one step and one recompute (see decodeBound) */
  matmul_bound: DecodeBound;
  /** cache_step_ms over the step's MatMuls alone: what the rest of a step (small kernels, KV round trip, JS) adds */
  step_over_matmul: number;
  torch_cache_tokens_per_s?: number;
  torch_ratio?: number;
  tokens_match_torch?: boolean;
}

export type BenchReport = Record<string, unknown> & { ratios: Record<string, number> };

function randomIds(rows: number, tokens: number, vocab: number, seed: string): number[][] {
  const rand = seedrandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: tokens }, () => 1 + Math.floor(rand() * (vocab - 1))));
}

function writeIds(dir: string, ids: number[][]): string {
  const file = path.join(dir, `ids-${ids.length}x${ids[0].length}.json`);
  fs.writeFileSync(file, JSON.stringify(ids));
  return file;
}

function shapeOf(config: Record<string, number>, layers: number): SyntheticShape {
  return {
    layers,
    hidden: config.hidden_size,
    intermediate: config.intermediate_size,
    heads: config.num_attention_heads,
    kvHeads: config.num_key_value_heads,
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
    vocab: config.vocab_size,
  };
}

export async function runBenchmark(o: ThroughputOptions): Promise<BenchReport> {
  const want = (g: string) => !o.only || o.only.includes(g);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diffbench-perf-'));
  const peer = o.noPeer ? ({ ok: false, reason: 'disabled (--no-peer)' } as const) : peerAvailable(o.threads);
  if (peer.ok)
    o.log(
      `peer: torch ${peer.info.torch}, ${peer.info.blas_info || 'BLAS_INFO unknown'}, BLAS loaded: ${peer.info.blas_libraries.join(', ') || 'none found'}`,
    );
  else o.log(`peer: PyTorch not available (${peer.reason}); printing DiffBench figures alone`);
  if (peer.ok && !peer.info.openblas)
    o.log('WARNING: the peer did not load OpenBLAS; its figures are not a fair comparison');
  const report: BenchReport = {
    machine: machineInfo(o.threads),
    peer: peer.ok
      ? { available: true, ...peer.info, env: peerEnv(o.threads) }
      : { available: false, reason: peer.reason },
    method: `best of ${o.reps} runs after one warm-up, both stacks; ${o.threads} threads`,
    ratios: {},
  };
  const load: LoadOptions = { cacheDir: o.cacheDir, threads: o.threads, ...o.load };
  const label = { graph: load.graph ?? DEFAULT_GRAPH, precision: load.precision ?? 'fp32' };
  report.load = label;
  try {
    const zooConfig = JSON.parse(fs.readFileSync(path.join(o.zooDir, 'config.json'), 'utf8'));
    const zooShape = shapeOf(zooConfig, zooConfig.num_hidden_layers);
    if (want('prefill')) {
      const prefill: PrefillFigure[] = [];
      const zoo = await loadModel(o.zooDir, load);
      for (const [B, T] of [
        [1, 128],
        [32, 128],
      ])
        prefill.push(await prefillFigure(o, zoo, 'zoo', o.zooDir, zooShape, B, T, peer.ok, tmp, label));
      await zoo.dispose();
      report.graph_variants = await graphVariantFigures(o, load, zooShape);
      const synthDir = path.join(tmp, 'qwen3-1.7b-layers');
      o.log(`writing a random ${QWEN3_1_7B_LAYERS.layers}-layer Qwen3-1.7B-shaped model to ${synthDir}`);
      writeSyntheticQwen3(synthDir, QWEN3_1_7B_LAYERS);
      const synth = await loadModel(synthDir, load);
      for (const [B, T] of [
        [1, 128],
        [32, 128],
      ])
        prefill.push(
          await prefillFigure(o, synth, 'qwen3_1.7b_layers', synthDir, QWEN3_1_7B_LAYERS, B, T, peer.ok, tmp, label),
        );
      await synth.dispose();
      if (want('precision')) {
        // reduced precision on the 1.7B shapes, against the same torch fp32 figure (same ids, same run)
        for (const precision of REDUCED) {
          const q = await loadModel(synthDir, { ...load, precision });
          for (const [B, T] of [
            [1, 128],
            [32, 128],
          ]) {
            const fp = prefill.find(
              (f) => f.model === 'qwen3_1.7b_layers' && f.batch === B && f.precision === label.precision,
            )!;
            prefill.push(
              await prefillFigure(
                o,
                q,
                'qwen3_1.7b_layers',
                synthDir,
                QWEN3_1_7B_LAYERS,
                B,
                T,
                false,
                tmp,
                { ...label, precision },
                fp.torch_tokens_per_s,
              ),
            );
          }
          await q.dispose();
        }
      }
      fs.rmSync(synthDir, { recursive: true, force: true });
      report.prefill = prefill;
    }
    if (want('decode')) {
      const zoo = await loadModel(o.zooDir, load);
      const decode: DecodeFigure[] = [];
      for (const B of [1, 16]) decode.push(await decodeFigure(o, zoo, B, zooShape, peer.ok, tmp));
      await zoo.dispose();
      report.decode = decode;
    }
    if (want('adl')) report.adl = await adlFigure(o, load);
    if (want('kl')) report.kl = await klFigure(o.reps);
    if (want('precision')) report.precision_deviation = await deviationFigure(o, load);
    if (want('contention')) {
      // threads as npm run bench runs them (ONNX Runtime's default), not --threads
      report.contention = await contentionFigure({
        zooDir: o.zooDir,
        adapter: o.adapter,
        cacheDir: o.cacheDir,
        reps: Math.min(o.reps, 2),
        log: o.log,
      });
    }
    // the WebGPU provider: by default only on a GPU (a software adapter makes it minutes of CPU time), see gpu.ts
    if (o.only ? o.only.includes('gpu') : await hardwareGpuPresent())
      report.gpu = await gpuFigure({
        zooDir: o.zooDir,
        adapter: o.adapter,
        cacheDir: o.cacheDir,
        reps: o.reps,
        log: o.log,
        deviation: (l, p) => deviationFigure(o, l, p),
      });
    if (want('memory')) report.memory = await memoryFigure(o, load);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  report.ratios = ratiosOf(report);
  return report;
}

function machineInfo(threads: number): Record<string, unknown> {
  const ortPkg = JSON.parse(fs.readFileSync(path.join('node_modules', 'onnxruntime-node', 'package.json'), 'utf8'));
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    onnxruntime_node: ortPkg.version,
    threads,
    malloc_env: Object.fromEntries(Object.keys(MALLOC_ENV).map((k) => [k, process.env[k] ?? null])),
    date: new Date().toISOString(),
    // 1-minute load average when the run started: above the thread count, other processes shared the cores
    load_average_1min: +os.loadavg()[0].toFixed(2),
  };
}

async function prefillFigure(
  o: ThroughputOptions,
  model: LanguageModel,
  name: string,
  dir: string,
  shape: SyntheticShape,
  B: number,
  T: number,
  withPeer: boolean,
  tmp: string,
  label: { graph: string; precision: string },
  torchTokensPerS?: number,
): Promise<PrefillFigure> {
  const ids = randomIds(B, T, shape.vocab, `${name}-${B}x${T}`);
  const seconds = await timeBest(() => model.forward({ inputIds: ids, logits: 'all' }), o.reps, MIN_SECONDS);
  const flops = matmulFlops(shape, B * T);
  const ceiling = await matmulCeiling([...layerLinears(shape), [shape.hidden, shape.vocab]], B * T, o.threads, o.reps);
  const f: PrefillFigure = {
    model: name,
    batch: B,
    tokens: T,
    ...label,
    tokens_per_s: (B * T) / seconds,
    gflops: flops / seconds / 1e9,
    ceiling_gflops: ceiling.gflops,
    ceiling_utilisation: flops / seconds / 1e9 / ceiling.gflops,
  };
  if (withPeer) {
    const r = runPeer(
      [
        'prefill',
        '--model',
        dir,
        '--ids',
        writeIds(tmp, ids),
        '--reps',
        String(peerReps(o.reps, seconds, MIN_SECONDS)),
      ],
      o.threads,
    );
    f.torch_tokens_per_s = r.tokens_per_s!;
    f.torch_ratio = f.tokens_per_s / f.torch_tokens_per_s;
  } else if (torchTokensPerS) {
    f.torch_tokens_per_s = torchTokensPerS;
    f.torch_ratio = f.tokens_per_s / torchTokensPerS;
  }
  o.log(
    `prefill ${name} ${B}x${T} (${label.graph}, ${label.precision}): ${f.tokens_per_s.toFixed(0)} tok/s, ${f.gflops.toFixed(1)} GFLOP/s (ceiling ${f.ceiling_gflops.toFixed(1)})` +
      (f.torch_tokens_per_s
        ? `, torch ${f.torch_tokens_per_s.toFixed(0)} tok/s, ratio ${f.torch_ratio!.toFixed(2)}`
        : ''),
  );
  return f;
}

export interface DecodeBound {
  step_ms: number;
  recompute_ms: number;
  speedup: number;
  recompute_rows: number;
}

/**
 * The model's own MatMuls alone (q/k/v and gate/up packed as the runtime runs them, every layer with its own
 * weights, plus the unembedding of the last rows), timed for one decode step (B rows) and one recompute (B x mean
 * context rows through the layers). A b1 step streams every weight once for a single row, so where the weights
 * come from DRAM rather than cache, `speedup` is what a KV cache can reach when both sides are pure MatMul; the
 * step's time over `step_ms` is what its other kernels, the KV round trip and JavaScript add.
 */
export async function decodeBound(
  shape: SyntheticShape,
  B: number,
  contextRows: number,
  threads: number,
  reps: number,
  minSeconds = MIN_SECONDS,
): Promise<DecodeBound> {
  const qkv = (shape.heads + 2 * shape.kvHeads) * shape.headDim;
  const layer: [number, number][] = [
    [shape.hidden, qkv],
    [shape.heads * shape.headDim, shape.hidden],
    [shape.hidden, 2 * shape.intermediate],
    [shape.intermediate, shape.hidden],
  ];
  const layers = Array.from({ length: shape.layers }, () => layer).flat();
  const unembed: [number, number][] = [[shape.hidden, shape.vocab]];
  const step = (await matmulCeiling([...layers, ...unembed], B, threads, reps, minSeconds)).seconds;
  const recompute =
    (await matmulCeiling(layers, B * contextRows, threads, reps, minSeconds)).seconds +
    (await matmulCeiling(unembed, B, threads, reps, minSeconds)).seconds;
  return {
    step_ms: 1000 * step,
    recompute_ms: 1000 * recompute,
    speedup: recompute / step,
    recompute_rows: B * contextRows,
  };
}

async function decodeFigure(
  o: ThroughputOptions,
  model: LanguageModel,
  B: number,
  shape: SyntheticShape,
  withPeer: boolean,
  tmp: string,
): Promise<DecodeFigure> {
  const context = 128,
    N = 16;
  const prompts = randomIds(B, context, shape.vocab, `decode-${B}`);
  let tokens: number[][] = [];
  const cacheSeconds = await timeBest(
    async () => {
      tokens = (await model.generate({ prompts, maxNewTokens: N, eosTokenIds: [] })).tokens;
    },
    o.reps,
    MIN_SECONDS,
  );
  // One decode step = (generate(1 + N) − generate(1)) / N: the prompt's prefill cancels out. Both are timed
  // interleaved with recomputing the whole prefix for every new token (no KV cache), so that the per-token
  // ratio compares figures taken under the same load.
  const recompute = async () => {
    const seqs = prompts.map((p) => [...p]);
    for (let step = 0; step < N; step++) {
      const out = await model.forward({ inputIds: seqs, logits: 'last' });
      const V = out.logits!.dims[1],
        data = out.logits!.data;
      for (let b = 0; b < B; b++) {
        let best = 0;
        for (let v = 1; v < V; v++) if (data[b * V + v] > data[b * V + best]) best = v;
        seqs[b].push(best);
      }
    }
  };
  const [firstSeconds, longSeconds, recomputeSeconds] = await timeBestInterleaved(
    [
      () => model.generate({ prompts, maxNewTokens: 1, eosTokenIds: [] }),
      () => model.generate({ prompts, maxNewTokens: 1 + N, eosTokenIds: [] }),
      recompute,
    ],
    o.reps,
    2 * MIN_SECONDS,
  );
  const f: DecodeFigure = {
    batch: B,
    context,
    new_tokens: N,
    cache_tokens_per_s: (B * N) / cacheSeconds,
    recompute_tokens_per_s: (B * N) / recomputeSeconds,
    cache_speedup: recomputeSeconds / cacheSeconds,
    cache_step_ms: (1000 * Math.max(longSeconds - firstSeconds, 1e-9)) / N,
    recompute_step_ms: (1000 * recomputeSeconds) / N,
    per_token_speedup: recomputeSeconds / Math.max(longSeconds - firstSeconds, 1e-9),
    // the recompute loop runs contexts context .. context + N - 1
    matmul_bound: await decodeBound(shape, B, Math.round(context + (N - 1) / 2), o.threads, o.reps),
    step_over_matmul: 0,
  };
  f.step_over_matmul = f.cache_step_ms / f.matmul_bound.step_ms;
  if (withPeer) {
    const r = runPeer(
      [
        'decode',
        '--model',
        o.zooDir,
        '--ids',
        writeIds(tmp, prompts),
        '--new',
        String(N),
        '--reps',
        String(peerReps(o.reps, cacheSeconds, MIN_SECONDS)),
      ],
      o.threads,
    );
    f.torch_cache_tokens_per_s = r.tokens_per_s!;
    f.torch_ratio = f.cache_tokens_per_s / f.torch_cache_tokens_per_s;
    f.tokens_match_torch = JSON.stringify(r.tokens) === JSON.stringify(tokens);
  }
  o.log(
    `decode b${B}: cache ${f.cache_tokens_per_s.toFixed(0)} tok/s, recompute ${f.recompute_tokens_per_s.toFixed(0)} tok/s (x${f.cache_speedup.toFixed(1)}); ` +
      `per token: step ${f.cache_step_ms.toFixed(2)} ms vs recompute ${f.recompute_step_ms.toFixed(2)} ms (x${f.per_token_speedup.toFixed(1)}); ` +
      `MatMuls alone: ${f.matmul_bound.step_ms.toFixed(2)} / ${f.matmul_bound.recompute_ms.toFixed(2)} ms (x${f.matmul_bound.speedup.toFixed(1)}; the step is ${f.step_over_matmul.toFixed(1)}x its MatMuls)` +
      (f.torch_cache_tokens_per_s
        ? `, torch ${f.torch_cache_tokens_per_s.toFixed(0)} tok/s, ratio ${f.torch_ratio!.toFixed(2)}, same tokens: ${f.tokens_match_torch}`
        : ''),
  );
  return f;
}

async function adlFigure(o: ThroughputOptions, load: LoadOptions): Promise<Record<string, unknown>> {
  const nDocs = 1000,
    T = 32,
    batchSize = 50;
  const tokenizer = loadTokenizer(o.zooDir);
  const docs = await sampleDocuments({
    source: path.join(o.zooDir, '..', 'data', 'unrelated.jsonl.gz'),
    n: nDocs,
    minTokens: T,
    tokenizer,
    seed: 42,
    maxChars: 10 * T,
  });
  const model = await loadModel(o.zooDir, { ...load, adapter: o.adapter });
  const layer = Math.floor(model.info.numLayers / 2);
  // the same model with LoadOptions.exitLayers at the collected layer (the default exit, the middle layer
  // floor((L-1)/2), lies before it): in the joint pass the layers after it see one position per row
  const exiting = await loadModel(o.zooDir, { ...load, adapter: o.adapter, exitLayers: [layer] });
  const result: Record<string, unknown> = {
    documents: nDocs,
    tokens: T,
    layer,
    batch_docs: batchSize,
    adapter: path.basename(o.adapter),
  };
  const diffs: Record<string, Float32Array> = {};
  const runs = { separate: [model, 'separate'], joint: [model, 'joint'], joint_exit: [exiting, 'joint'] } as const;
  // interleaved, best of 2 rounds: the figures are compared with each other
  const seconds = await timeBestInterleaved(
    Object.entries(runs).map(([name, [m, mode]]) => async () => {
      diffs[name] = await collectDifference(m, docs, layer, batchSize, mode);
    }),
    2,
  );
  Object.keys(runs).forEach((name, i) => {
    result[`${name}_seconds`] = seconds[i];
    result[`${name}_docs_per_s`] = nDocs / seconds[i];
    const label = name === 'joint_exit' ? `joint, early exit after layer ${layer}` : name;
    o.log(`adl ${label}: ${seconds[i].toFixed(2)} s for ${nDocs} docs x ${T} tokens (base + finetuned)`);
  });
  result.joint_vs_separate_rel_diff = relativeError(diffs.joint, diffs.separate);
  result.joint_exit_vs_joint_rel_diff = relativeError(diffs.joint_exit, diffs.joint);
  await model.dispose();
  await exiting.dispose();
  return result;
}

async function memoryFigure(
  o: ThroughputOptions,
  load: LoadOptions,
): Promise<{
  empty_mib: number;
  base_mib: number;
  lora_mib: number;
  lora_over_base: number;
  lora_extra_over_base_weights: number;
}> {
  // Build (or find) both cached graphs first, so the children only load.
  for (const adapter of [undefined, o.adapter]) await (await loadModel(o.zooDir, { ...load, adapter })).dispose();
  const child = (...args: string[]) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join('src', 'perf', 'rss-child.ts'), o.cacheDir, ...args],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!).maxRssMiB as number;
  };
  const empty = child('-'),
    base = child(o.zooDir),
    lora = child(o.zooDir, o.adapter);
  const fig = {
    empty_mib: empty,
    base_mib: base,
    lora_mib: lora,
    lora_over_base: lora / base,
    lora_extra_over_base_weights: (lora - empty) / (base - empty),
  };
  o.log(
    `memory: peak RSS empty ${empty.toFixed(0)} MiB, base ${base.toFixed(0)} MiB, base+LoRA ${lora.toFixed(0)} MiB (x${fig.lora_over_base.toFixed(3)})`,
  );
  return fig;
}

const REDUCED = ['int8', 'int4'] as const;

/** Zoo prefill with each graph variant, interleaved in one place so the comparison sees the same load. */
async function graphVariantFigures(
  o: ThroughputOptions,
  load: LoadOptions,
  shape: SyntheticShape,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const models = {
    reference: await loadModel(o.zooDir, { ...load, graph: 'reference' }),
    fused: await loadModel(o.zooDir, { ...load, graph: 'fused' }),
  };
  for (const [B, T] of [
    [1, 128],
    [32, 128],
  ]) {
    const ids = randomIds(B, T, shape.vocab, `variants-${B}x${T}`);
    const seconds: Record<string, number> = {};
    for (let round = 0; round < 2; round++)
      for (const [name, m] of Object.entries(models))
        seconds[name] = Math.min(
          seconds[name] ?? Infinity,
          await timeBest(() => m.forward({ inputIds: ids, logits: 'all' }), o.reps, MIN_SECONDS / 2),
        );
    out.push({
      model: 'zoo',
      batch: B,
      tokens: T,
      reference_ms: 1000 * seconds.reference,
      fused_ms: 1000 * seconds.fused,
      fused_speedup: seconds.reference / seconds.fused,
    });
    o.log(
      `graph variants zoo ${B}x${T}: reference ${(1000 * seconds.reference).toFixed(1)} ms, fused ${(1000 * seconds.fused).toFixed(1)} ms (x${(seconds.reference / seconds.fused).toFixed(2)})`,
    );
  }
  for (const m of Object.values(models)) await m.dispose();
  return out;
}

/**
 * How far each reduced precision moves the numbers DiffBench uses, relative to float32 (same graph variant):
 * the residual stream of every layer on random documents, and the ADL difference vectors (finetuned − base,
 * averaged over documents) of the zoo LoRA organism.
 */
async function deviationFigure(
  o: ThroughputOptions,
  load: LoadOptions,
  precisions: readonly NonNullable<LoadOptions['precision']>[] = REDUCED,
): Promise<Record<string, unknown>> {
  const nDocs = 200,
    T = 32;
  const tokenizer = loadTokenizer(o.zooDir);
  const docs = await sampleDocuments({
    source: path.join(o.zooDir, '..', 'data', 'unrelated.jsonl.gz'),
    n: nDocs,
    minTokens: T,
    tokenizer,
    seed: 7,
    maxChars: 10 * T,
  });
  const fp = await loadModel(o.zooDir, { ...load, adapter: o.adapter, precision: 'fp32' });
  const L = fp.info.numLayers,
    layer = Math.floor(L / 2);
  const hooks = Array.from({ length: L }, (_, i) => `resid_post.${i}` as const);
  const probe = docs.slice(0, 32);
  const residuals = async (m: LanguageModel) =>
    (await m.forward({ inputIds: probe, capture: hooks, logits: 'none', loraScale: 0 })).hooks;
  const ref = await residuals(fp);
  const refDiff = await collectDifference(fp, docs, layer, 50, 'joint');
  await fp.dispose();
  const result: Record<string, unknown> = {
    documents: nDocs,
    tokens: T,
    adl_layer: layer,
    adapter: path.basename(o.adapter),
    residual_probe_documents: probe.length,
  };
  for (const precision of precisions) {
    const q = await loadModel(o.zooDir, { ...load, adapter: o.adapter, precision });
    const got = await residuals(q);
    const perLayer = hooks.map((h) => relativeError(got[h]!.data, ref[h]!.data));
    const diff = await collectDifference(q, docs, layer, 50, 'joint');
    await q.dispose();
    const fig = {
      residual_rel_error_per_layer: perLayer,
      residual_rel_error_max: Math.max(...perLayer),
      adl_difference_rel_error: relativeError(diff, refDiff),
    };
    result[precision] = fig;
    o.log(
      `precision ${precision}${load.device ? ` on ${load.device}` : ''} vs fp32: residual relative error up to ${fig.residual_rel_error_max.toExponential(2)}, ADL difference vectors ${fig.adl_difference_rel_error.toExponential(2)}`,
    );
  }
  return result;
}
