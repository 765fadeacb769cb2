// npm run perf [-- --json] [--threads N] [--reps N] [--only prefill,precision,decode,adl,kl,memory,contention,gpu] [--no-peer]
//              [--graph reference|fused] [--precision fp32|int8|int4]
// Prints a table of DiffBench vs PyTorch eager vs the onnxruntime MatMul ceiling, and writes the figures
// as JSON to reports/perf/ (with --json the same object goes to stdout; logs always go to stderr).
import os from 'node:os';
import path from 'node:path';
import { table } from 'table';
import { writeFileAtomic } from '../results/atomic.ts';
import type { LoadOptions } from '../runtime/types.ts';
import { rerunWithAllocatorEnv } from './allocator.ts';
import { runBenchmark, type BenchReport, type DecodeFigure, type PrefillFigure } from '../perf/bench.ts';
import type { GpuPrefill } from '../perf/gpu.ts';
import type { KlFigure } from '../perf/kl.ts';
import { parseDevice } from '../runtime/device.ts';
import { writableDir } from './args.ts';
import { runCli } from './main.ts';
import { describePlacement } from '../runtime/placement.ts';
import { datedFileName, readLatest, writeLatest } from '../perf/latest.ts';

const HELP = `Usage: npm run perf -- [options]

Throughput and memory of the DiffBench runtime, side by side with PyTorch eager on the CPU (same weights,
tokens and threads; the Debian python3-torch package, skipped with a note when absent) and with the
onnxruntime fp32 MatMul ceiling for the same shapes, measured in the same run. Workloads: zoo prefill
1x128 and 32x128, a synthetic Qwen3-1.7B-layer-shaped model, greedy decoding with the KV cache vs
recomputing the prefix (and the model's MatMuls alone for both: what a KV cache can reach on this machine),
the ADL collection on the zoo (with and without an early exit after the collected layer), peak RSS of base
vs base + LoRA, and two processes on the same cores: the ADL collection alone vs two at once (slowdown
ratio, ONNX Runtime's spinning threads off as the runtime sets them, and on). Takes ~10 minutes.

Figures are printed as tables and written as JSON to reports/perf/ (--out): this run whole in a dated file,
perf-<date>.json, and merged into latest.json, which holds the most recent figures of every workload section:
the sections this run measured replace theirs, the others stay as they were, and latest.json's
measured.<section> names the run each section comes from (dated file, machine, peer, method, load options).
So \`--only decode\` updates the decode figures and keeps the rest. A group replaces its sections whole:
prefill's table gets its int8/int4 rows only when precision runs with it (--only prefill,precision).

Options:
  --json                      print this run's JSON object on stdout (logs stay on stderr)
  --threads N                 threads for both stacks (default: min(cores, 2))
  --reps N                    repetitions per figure (default 3)
  --only GROUPS               comma-separated: prefill,precision,decode,adl,kl,memory,contention,gpu (gpu: the
                              WebGPU provider, float32 and float16; by default only when a GPU is present; on a
                              software adapter such as Mesa lavapipe a smoke test, its figures are not GPU figures)
  --no-peer                   skip PyTorch
  --graph reference|fused     runtime graph variant (default fused)
  --precision fp32|fp16|int8|int4  weight precision of the runtime (default fp32)
  --device cpu|webgpu|cuda    where the runtime's workloads run (default cpu; the PyTorch peer stays on the CPU)
  --out DIR                   where the JSON goes (default reports/perf; its latest.json is merged into)
  -h, --help                  this help`;

function parseArgs(argv: string[]) {
  const args = {
    help: false,
    json: false,
    threads: Math.min(os.cpus().length, 2),
    reps: 3,
    only: undefined as string[] | undefined,
    noPeer: false,
    out: path.join('reports', 'perf'),
    load: {} as Partial<LoadOptions>,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a}: expected a positive integer, got '${v}'`);
      return n;
    };
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--json') args.json = true;
    else if (a === '--threads') args.threads = int(value());
    else if (a === '--reps') args.reps = int(value());
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--no-peer') args.noPeer = true;
    else if (a === '--out') args.out = value();
    else if (a === '--graph') args.load.graph = value() as LoadOptions['graph'];
    else if (a === '--precision') args.load.precision = value() as LoadOptions['precision'];
    else if (a === '--device') args.load.device = parseDevice(value());
    else
      throw new Error(
        `unknown option '${a}' (options: --json --threads N --reps N --only prefill,precision,decode,adl,kl,memory,contention,gpu --no-peer --out DIR --graph reference|fused --precision fp32|fp16|int8|int4 --device cpu|webgpu|cuda)`,
      );
  }
  for (const g of args.only ?? [])
    if (!['prefill', 'precision', 'decode', 'adl', 'kl', 'memory', 'contention', 'gpu'].includes(g))
      throw new Error(`--only: unknown workload group '${g}'`);
  return args;
}

const fmt = (x: number | undefined, digits = 0) => (x === undefined ? '–' : x.toFixed(digits));

function printTables(r: BenchReport): void {
  const out: string[] = [];
  const prefill = r.prefill as PrefillFigure[] | undefined;
  if (prefill)
    out.push(
      table([
        ['prefill', 'tok/s', 'GFLOP/s', 'ceiling GFLOP/s (fp32)', 'of ceiling', 'torch fp32 tok/s', 'ratio vs torch'],
        ...prefill.map((f) => [
          `${f.model} ${f.batch}x${f.tokens} ${f.graph} ${f.precision}`,
          fmt(f.tokens_per_s),
          fmt(f.gflops, 1),
          fmt(f.ceiling_gflops, 1),
          `${(100 * f.ceiling_utilisation).toFixed(0)}%`,
          fmt(f.torch_tokens_per_s),
          fmt(f.torch_ratio, 2),
        ]),
      ]),
    );
  const decode = r.decode as DecodeFigure[] | undefined;
  if (decode)
    out.push(
      table([
        [
          'greedy decode (zoo, 128 ctx)',
          'KV cache tok/s',
          'recompute tok/s',
          'speedup',
          'step ms (cache / recompute)',
          'per-token speedup',
          'MatMuls alone: step / recompute ms (speedup)',
          'step over its MatMuls',
          'torch (cache) tok/s',
          'ratio vs torch',
          'same tokens',
        ],
        ...decode.map((f) => [
          `batch ${f.batch}`,
          fmt(f.cache_tokens_per_s),
          fmt(f.recompute_tokens_per_s),
          fmt(f.cache_speedup, 1),
          `${fmt(f.cache_step_ms, 2)} / ${fmt(f.recompute_step_ms, 2)}`,
          fmt(f.per_token_speedup, 1),
          `${fmt(f.matmul_bound.step_ms, 2)} / ${fmt(f.matmul_bound.recompute_ms, 2)} (x${fmt(f.matmul_bound.speedup, 1)})`,
          `${fmt(f.step_over_matmul, 1)}x`,
          fmt(f.torch_cache_tokens_per_s),
          fmt(f.torch_ratio, 2),
          f.tokens_match_torch === undefined ? '–' : String(f.tokens_match_torch),
        ]),
      ]),
    );
  const adl = r.adl as Record<string, number> | undefined;
  if (adl)
    out.push(
      table([
        ['ADL collection (zoo base + LoRA)', 'seconds', 'docs/s'],
        ['separate passes (scale 0, then 1)', fmt(adl.separate_seconds, 2), fmt(adl.separate_docs_per_s)],
        ['one joint batch (per-row scale)', fmt(adl.joint_seconds, 2), fmt(adl.joint_docs_per_s)],
        [
          `joint, early exit after layer ${adl.layer} (exitLayers)`,
          fmt(adl.joint_exit_seconds, 2),
          fmt(adl.joint_exit_docs_per_s),
        ],
      ]) +
        `joint vs separate difference vectors: relative difference ${adl.joint_vs_separate_rel_diff.toExponential(2)}; early exit vs joint: ${adl.joint_exit_vs_joint_rel_diff.toExponential(2)}\n`,
    );
  const kl = r.kl as KlFigure | undefined;
  if (kl)
    out.push(
      `kl method's per-token KL at a ${kl.vocab}-token vocabulary (${kl.rows} synthetic rows): JavaScript float64 ` +
        `${kl.js_ms_per_token.toFixed(2)} ms, ONNX Runtime float32 ${kl.ort_ms_per_token.toFixed(2)} ms ` +
        `(x${kl.ort_speedup.toFixed(1)}); max |KL error| ${kl.max_abs_error.toExponential(2)} nats\n`,
    );
  const variants = r.graph_variants as Record<string, number>[] | undefined;
  if (variants)
    out.push(
      table([
        ['graph variant (zoo prefill)', 'reference ms', 'fused ms', 'fused speedup'],
        ...variants.map((v) => [
          `${v.batch}x${v.tokens}`,
          fmt(v.reference_ms, 1),
          fmt(v.fused_ms, 1),
          fmt(v.fused_speedup, 2),
        ]),
      ]),
    );
  const dev = r.precision_deviation as
    | Record<string, { residual_rel_error_max: number; adl_difference_rel_error: number }>
    | undefined;
  if (dev)
    out.push(
      table([
        [
          'precision vs fp32 (zoo + LoRA)',
          'residual rel. error (max over layers)',
          'ADL difference vectors rel. error',
        ],
        ...(['int8', 'int4'] as const).map((p) => [
          p,
          dev[p].residual_rel_error_max.toExponential(2),
          dev[p].adl_difference_rel_error.toExponential(2),
        ]),
      ]),
    );
  const contention = r.contention as
    | { variants: Record<string, number | boolean>[]; documents: number; tokens: number }
    | undefined;
  if (contention)
    out.push(
      table([
        [
          `two processes on the same cores (ADL collection, ${contention.documents} docs x ${contention.tokens} tokens)`,
          'alone s',
          'two at once s (each)',
          'slowest s',
          'slowdown',
        ],
        ...contention.variants.map((v) => [
          `ONNX Runtime spinning ${v.spinning ? 'on' : 'off (default)'}`,
          fmt(v.solo_seconds as number, 2),
          fmt(v.pair_seconds as number, 2),
          fmt(v.pair_max_seconds as number, 2),
          `x${fmt(v.slowdown as number, 2)}`,
        ]),
      ]),
    );
  const gpu = r.gpu as
    | {
        available: boolean;
        reason?: string;
        note?: string;
        prefill?: GpuPrefill[];
        decode?: Record<string, number>[];
        adl?: Record<string, number>;
        precision_deviation?: Record<string, { residual_rel_error_max: number; adl_difference_rel_error: number }>;
      }
    | undefined;
  if (gpu && !gpu.available) out.push(`WebGPU: skipped (${gpu.reason})\n`);
  if (gpu?.available)
    out.push(
      `${table([
        ['WebGPU provider', 'tok/s', 'GFLOP/s'],
        ...gpu.prefill!.map((f) => [
          `prefill ${f.model} ${f.batch}x${f.tokens} ${f.precision}`,
          fmt(f.tokens_per_s),
          fmt(f.gflops, 1),
        ]),
        ...gpu.decode!.map((f) => [
          `decode zoo b${f.batch} ${f.precision} (${f.context} ctx + ${f.new_tokens}, KV cache)`,
          fmt(f.tokens_per_s),
          '–',
        ]),
        [
          `ADL collection zoo + LoRA (docs/s, ${gpu.adl!.documents} x ${gpu.adl!.tokens})`,
          fmt(gpu.adl!.docs_per_s),
          '–',
        ],
        [
          'fp16 vs fp32 on WebGPU: residual rel. error (max) / ADL difference rel. error',
          gpu.precision_deviation!.fp16.residual_rel_error_max.toExponential(2),
          gpu.precision_deviation!.fp16.adl_difference_rel_error.toExponential(2),
        ],
      ])}${gpu.note}\n`,
    );
  const mem = r.memory as Record<string, number> | undefined;
  if (mem)
    out.push(
      table([
        ['peak RSS (MiB)', 'empty process', 'zoo base', 'base + LoRA', 'LoRA / base'],
        ['', fmt(mem.empty_mib), fmt(mem.base_mib), fmt(mem.lora_mib), fmt(mem.lora_over_base, 3)],
      ]),
    );
  const peer = r.peer as Record<string, unknown>;
  out.push(
    peer.available
      ? `PyTorch peer: torch ${peer.torch}, ${peer.blas_info}, BLAS libraries loaded: ${(peer.blas_libraries as string[]).join(', ')}\n`
      : `PyTorch peer: not available (${peer.reason}); DiffBench figures only\n`,
  );
  process.stdout.write(out.join('\n'));
}

// Same allocator settings as the peer (see MALLOC_ENV): glibc reads them at start, so re-run with them.
rerunWithAllocatorEnv();
runCli('perf', async () => {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
    if (!args.help) writableDir('out', args.out);
  } catch (err) {
    process.stderr.write(`perf: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const latestFile = path.join(args.out, 'latest.json');
  readLatest(latestFile); // a file there that is not a perf report stops the command before any measuring
  const report = await runBenchmark({
    threads: args.threads,
    reps: args.reps,
    only: args.only,
    noPeer: args.noPeer,
    load: args.load,
    zooDir: path.join('organisms', 'zoo', 'base'),
    adapter: path.join('organisms', 'zoo', 'organisms', 'cake_bake'),
    cacheDir: process.env.DIFFBENCH_CACHE ?? path.join(os.tmpdir(), 'diffbench-perf-cache'),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const body = `${JSON.stringify(report, null, 2)}\n`;
  writeFileAtomic(path.join(args.out, datedFileName(report)), body);
  const kept = writeLatest(latestFile, report);
  const ranOn = `ran on ${describePlacement(args.load.device ?? 'cpu')}`;
  const written = `figures written to ${path.join(args.out, datedFileName(report))} and merged into ${latestFile}${kept}`;
  if (args.json) {
    process.stdout.write(body);
    process.stderr.write(`${written}; ${ranOn}\n`);
  } else {
    printTables(report);
    process.stdout.write(`${written}; ${ranOn}\n`);
  }
});
