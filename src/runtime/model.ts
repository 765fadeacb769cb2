// LanguageModel over ONNX Runtime: one decoder session (forward, hooks, interventions, KV cache) and a
// lazily built lens session, both reading one float32 weight file from the content-keyed cache.
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import seedrandom from 'seedrandom';
import { attentionMask, padBatch, positionIds } from './batch.ts';
import { contentHash, defaultCacheDir, sha256, writeFileAtomic } from './cache.ts';
import { graphCodeKey, weightsCodeKey } from './code-keys.ts';
import { assertDeviceAvailable, executionProviders, parseDevice, type Device } from './device.ts';
import type { ModelSpec } from './config.ts';
import type { QuantSpec } from './graph/context.ts';
import { buildDecoderGraph, buildLensGraph, type GraphVariant } from './graph/model.ts';
import { assertAdapterFits } from './lora.ts';
import { resolveSampling } from './generation-config.ts';
import { drawFromProbs, nextToken, probabilitySampling } from './sampling.ts';
import { softmaxRows } from './vocab-ops.ts';
import { PlacedSession } from './placement.ts';
import { adapterWarnings } from './adapter-warnings.ts';
import { halfPlan, planWeights, quantizePlan, type WeightIndex } from './weights.ts';
import { cachedWeights } from './weight-cache.ts';
import { openModel } from './open-model.ts';
import { fromHalf } from '../onnx/half.ts';
import type {
  ForwardOptions,
  ForwardResult,
  GenerateOptions,
  GenerateResult,
  LanguageModel,
  LoadOptions,
  ModelInfo,
  PatchIntervention,
  PromptPrefix,
  SteerIntervention,
  Tensor,
} from './types.ts';

type Feeds = Record<string, ort.Tensor>;
const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const i64 = (data: BigInt64Array, dims: number[]) => new ort.Tensor('int64', data, dims);

/** The graph variant used when LoadOptions.graph is not given (chosen from the measurements in reports/perf/NOTES.md). */
export const DEFAULT_GRAPH: NonNullable<LoadOptions['graph']> = 'fused';

/** Weight-only quantisation of each precision (block and accuracy level measured in reports/perf/NOTES.md). */
const PRECISIONS: Record<NonNullable<LoadOptions['precision']>, QuantSpec | null> = {
  fp32: null,
  fp16: null, // not a quantisation: float16 weights and compute (GraphVariant.half)
  int8: { kind: 'rowint8' },
  int4: { kind: 'nbits', bits: 4, block: 32, accuracyLevel: 4 },
};

type Variant = {
  graph: NonNullable<LoadOptions['graph']>;
  precision: NonNullable<LoadOptions['precision']>;
  device: Device;
  variant: GraphVariant;
};

function graphVariant(opts: LoadOptions): Variant {
  const graph = opts.graph ?? DEFAULT_GRAPH;
  const precision = opts.precision ?? 'fp32';
  const device = parseDevice(opts.device, 'LoadOptions.device');
  if (graph !== 'reference' && graph !== 'fused')
    throw new Error(`LoadOptions.graph: expected 'reference' or 'fused', got '${String(graph)}'`);
  if (!(precision in PRECISIONS))
    throw new Error(
      `LoadOptions.precision: expected ${Object.keys(PRECISIONS)
        .map((p) => `'${p}'`)
        .join(', ')}, got '${String(precision)}'`,
    );
  return {
    graph,
    precision,
    device,
    variant: {
      fused: graph === 'fused',
      quant: PRECISIONS[precision],
      half: precision === 'fp16',
      ...DEVICE_VARIANTS[device],
    },
  };
}

/**
 * Graph differences per device where a provider's kernels differ from the CPU's (measured on WebGPU through
 * lavapipe: its RMSNormalization rejects the joint q/k gain [heads+kvHeads, hd]; it has no opset-23 Attention
 * and no Sum kernel, which ORT would run on the CPU with copies both ways). CUDA uses the CPU's graph
 * (unverified here: no CUDA machine). Decoder graph files of a non-CPU device carry its name (cache key).
 */
const DEVICE_VARIANTS: Record<Device, Partial<GraphVariant>> = {
  cpu: {},
  webgpu: { jointQkNorm: false, fusedAttention: false, sumKernel: false },
  cuda: {},
};

/** Exit layers of the decoder graph (LoadOptions.exitLayers; default the middle layer), checked and sorted. */
function exitLayers(opts: LoadOptions, spec: ModelSpec): number[] {
  const L = spec.numLayers;
  const given = opts.exitLayers ?? [Math.floor((L - 1) / 2)];
  for (const e of given)
    if (!Number.isInteger(e) || e < 0 || e >= L)
      throw new Error(`LoadOptions.exitLayers: ${e} is not a layer of this model (0..${L - 1})`);
  return [...new Set(given)].filter((e) => e < L - 1).sort((a, b) => a - b);
}

export async function loadModel(modelDir: string, opts: LoadOptions = {}): Promise<LanguageModel> {
  const { graph, precision, device, variant: graphVar } = graphVariant(opts);
  await assertDeviceAvailable(device);
  const cacheRoot = opts.cacheDir ?? defaultCacheDir();
  // before any conversion; shapes against the config, not test overrides
  const {
    ckpt,
    spec: parsed,
    hasLogits,
    adapter,
    generationDefaults,
    files,
  } = openModel(modelDir, opts.adapter, cacheRoot);
  const spec: ModelSpec = { ...parsed, ...opts.specOverrides };
  if (adapter)
    for (const w of adapterWarnings(parsed, adapter, modelDir, ckpt.config)) (opts.onWarning ?? warnOnStderr)(w);
  const hash = contentHash(files, cacheRoot);
  // the weight file depends on the checkpoint, spec overrides and precision; the graph file also on the variant
  const variant =
    (opts.specOverrides ? `-${sha256(JSON.stringify(opts.specOverrides)).slice(0, 12)}` : '') +
    (graphVar.quant ? `-${precision}-${sha256(JSON.stringify(graphVar.quant)).slice(0, 8)}` : '') +
    (graphVar.half ? '-fp16' : '');
  const dir = path.join(cacheRoot, 'models', `${hash.slice(0, 32)}-w${weightsCodeKey()}${variant}`);
  const weightsFile = path.join(dir, 'weights.bin');
  const index = await cachedWeights({
    dir,
    cacheRoot,
    warn: opts.onWarning ?? warnOnStderr,
    plan: () => {
      const planned = planWeights(spec, ckpt, adapter);
      if (adapter) assertAdapterFits(adapter);
      return graphVar.quant ? quantizePlan(planned, graphVar.quant) : graphVar.half ? halfPlan(planned) : planned;
    },
    onProgress: conversionProgress(
      modelDir,
      precision,
      [...ckpt.tensors.values()].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0),
    ),
  });
  const exits = exitLayers(opts, spec);
  // a non-CPU device's graph file carries the device and a hash of its kernel choices (DEVICE_VARIANTS)
  const deviceKey = device === 'cpu' ? '' : `-${device}-${sha256(JSON.stringify(DEVICE_VARIANTS[device])).slice(0, 8)}`;
  const decoderFile = path.join(
    dir,
    `decoder-${graph}${deviceKey}${exits.length ? `-exit${exits.join('_')}` : ''}-g${graphCodeKey()}.onnx`,
  );
  if (!fs.existsSync(decoderFile))
    writeFileAtomic(
      decoderFile,
      buildDecoderGraph(spec, index, 'weights.bin', Boolean(adapter), { ...graphVar, exits }),
    );
  const session = await PlacedSession.create(decoderFile, sessionOptions(opts, exits));
  const info: ModelInfo = {
    modelType: spec.modelType,
    numLayers: spec.numLayers,
    hiddenSize: spec.hidden,
    vocabSize: spec.vocab,
    eosTokenIds: spec.eosTokenIds,
    padTokenId: spec.padTokenId,
    generationDefaults,
    logits: hasLogits,
    modelPath: modelDir,
    adapterPath: opts.adapter,
    contentHash: hash,
    device,
    precision,
  };
  return new OnnxLanguageModel(info, spec, session, {
    dir,
    index,
    weightsFile,
    hasAdapter: Boolean(adapter),
    opts,
    exits,
  });
}

const warnOnStderr = (message: string) => process.stderr.write(`warning: ${message}\n`);

/** Converting a large checkpoint takes a while: say what, how far and how long on stderr. */
function conversionProgress(
  modelDir: string,
  precision: string,
  params: number,
): ((done: number, total: number) => void) | undefined {
  if (params < 50_000_000) return undefined;
  const started = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 2000) return;
    last = now;
    const s = (now - started) / 1000;
    const eta = done ? (s / done) * (total - done) : 0;
    process.stderr.write(
      `converting ${modelDir} (${(params / 1e6).toFixed(0)}M params) to the runtime's ${precision} cache: ${done}/${total} tensors, ${s.toFixed(0)}s elapsed, ~${eta.toFixed(0)}s left\n`,
    );
  };
}

function sessionOptions(opts: LoadOptions, exits: number[] = []): ort.InferenceSession.SessionOptions {
  const spin = opts.spinning ? '1' : '0';
  return {
    graphOptimizationLevel: 'all',
    executionProviders: executionProviders(parseDevice(opts.device, 'LoadOptions.device')),
    ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    // operators one after another (the graph is a chain), and worker threads sleep instead of busy-waiting
    // between operators (LoadOptions.spinning; reports/perf/NOTES.md change 21)
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
    // after an early exit the later layers see 1 position where the memory plan (symbolic T) expected T: ORT
    // warns on every such run and allocates those tensors on the fly, which is correct
    ...(exits.length ? { logSeverityLevel: 3 as const } : {}),
  };
}

interface StoredPrefix extends PromptPrefix {
  owner: OnnxLanguageModel;
  /** past_key.i / past_value.i [1,kvH,P,hd] */
  past: Feeds;
}

interface Built {
  dir: string;
  index: WeightIndex;
  weightsFile: string;
  hasAdapter: boolean;
  opts: LoadOptions;
  exits: number[];
}

class OnnxLanguageModel implements LanguageModel {
  private lensSessions = new Map<boolean, PlacedSession>();

  constructor(
    readonly info: ModelInfo,
    private spec: ModelSpec,
    private session: PlacedSession,
    private built: Built,
  ) {}

  /** Fills padding slots (always masked, so any in-vocabulary id works). */
  private get padId(): number {
    const p = this.spec.padTokenId ?? this.spec.eosTokenIds[0] ?? 0;
    return p >= 0 && p < this.spec.vocab ? p : 0;
  }

  private checkIds(rows: number[][], what: string): void {
    const V = this.spec.vocab;
    rows.forEach((r, b) =>
      r.forEach((t, j) => {
        if (!Number.isInteger(t) || t < 0 || t >= V)
          throw new Error(`${what}: token id ${t} at row ${b}, position ${j} is outside the vocabulary (0..${V - 1})`);
      }),
    );
  }

  /** Per-row vectors [B*H] from [H] or [B*H] inputs. */
  private rows(v: Float32Array, B: number, what: string): Float32Array {
    const H = this.spec.hidden;
    if (v.length === H) {
      const out = new Float32Array(B * H);
      for (let b = 0; b < B; b++) out.set(v, b * H);
      return out;
    }
    if (v.length === B * H) return v;
    throw new Error(`${what}: vector has ${v.length} values; expected ${H} (hidden size) or ${B}×${H} (one per row)`);
  }

  private checkLayer(layer: number, what: string): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.spec.numLayers)
      throw new Error(`${what}: layer ${layer} is out of range (model has layers 0..${this.spec.numLayers - 1})`);
  }

  /** steer [B,1,L·H]; per layer i patch_index.i [N,2] (row, position) and patch_rows.i [N,H] (see graph/model.ts). */
  private interventionFeeds(
    B: number,
    T: number,
    lengths: number[],
    steer: SteerIntervention[] = [],
    patch: PatchIntervention[] = [],
  ): Feeds {
    const { numLayers: L, hidden: H } = this.spec;
    const steerT = new Float32Array(B * L * H);
    for (const s of steer) {
      this.checkLayer(s.layer, 'steer');
      const v = this.rows(s.vector, B, 'steer');
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) steerT[(b * L + s.layer) * H + h] += v[b * H + h];
    }
    // per layer: (row·T + position) -> that row's vector; a later patch of the same position replaces an earlier one
    const patched = Array.from({ length: L }, () => new Map<number, Float32Array>());
    for (const p of patch) {
      this.checkLayer(p.layer, 'patch');
      const v = this.rows(p.vector, B, 'patch');
      for (let b = 0; b < B; b++) {
        const pos = Array.isArray(p.position) ? p.position[b] : p.position;
        const t = pos < 0 ? lengths[b] + pos : pos;
        if (t < 0 || t >= T) throw new Error(`patch: position ${pos} is outside row ${b} (length ${lengths[b]})`);
        patched[p.layer].set(b * T + t, v.subarray(b * H, (b + 1) * H));
      }
    }
    const feeds: Feeds = { steer: f32(steerT, [B, 1, L * H]) };
    patched.forEach((rows, i) => {
      const index = new BigInt64Array(2 * rows.size),
        values = new Float32Array(rows.size * H);
      [...rows].forEach(([bt, v], n) => {
        index[2 * n] = BigInt(Math.floor(bt / T));
        index[2 * n + 1] = BigInt(bt % T);
        values.set(v, n * H);
      });
      feeds[`patch_index.${i}`] = i64(index, [rows.size, 2]);
      feeds[`patch_rows.${i}`] = f32(values, [rows.size, H]);
    });
    return feeds;
  }

  private loraFeed(B: number, scale: number | number[] | undefined): Feeds {
    if (!this.built.hasAdapter) {
      if (scale !== undefined && (Array.isArray(scale) ? scale : [scale]).some((s) => s !== 0 && s !== 1))
        throw new Error('loraScale given, but this model was loaded without an adapter');
      return {};
    }
    const s = scale ?? this.built.opts.defaultLoraScale ?? 1;
    const arr = Array.isArray(s) ? s : new Array(B).fill(s);
    if (arr.length !== B) throw new Error(`loraScale has ${arr.length} entries for ${B} rows`);
    return { lora_scale: f32(Float32Array.from(arr), [B]) };
  }

  /** continue.{e} for each exit layer e: true when anything beyond layer e is needed (`depth` = deepest layer needed). */
  private continueFeeds(depth: number): Feeds {
    const feeds: Feeds = {};
    for (const e of this.built.exits)
      feeds[`continue.${e}`] = new ort.Tensor('bool', Uint8Array.of(depth > e ? 1 : 0), []);
    return feeds;
  }

  /** Precision 'fp16': float16 weights, activations and KV cache (GraphVariant.half). */
  private get half(): boolean {
    return this.info.precision === 'fp16';
  }

  private emptyPast(B: number): Feeds {
    const feeds: Feeds = {};
    const dims = [B, this.spec.kvHeads, 0, this.spec.headDim];
    for (let i = 0; i < this.spec.numLayers; i++) {
      feeds[`past_key.${i}`] = this.half
        ? new ort.Tensor('float16', new Uint16Array(0), dims)
        : f32(new Float32Array(0), dims);
      feeds[`past_value.${i}`] = this.half
        ? new ort.Tensor('float16', new Uint16Array(0), dims)
        : f32(new Float32Array(0), dims);
    }
    return feeds;
  }

  private maskFeeds(keyMask: number[][], T: number): Feeds {
    const B = keyMask.length,
      S = keyMask[0].length;
    const feeds: Feeds = { mask_full: f32(attentionMask(keyMask, T, null), [B, 1, 1, T, S]) };
    if (this.spec.layerTypes.includes('sliding'))
      feeds.mask_sliding = f32(attentionMask(keyMask, T, this.spec.slidingWindow), [B, 1, 1, T, S]);
    return feeds;
  }

  /** A checkpoint without an unembedding (bare base model, untied) gives hidden states only. */
  private needLogits(what: string): void {
    if (!this.info.logits)
      throw new Error(
        `${what}: ${this.info.modelPath} has no lm_head (a base-model checkpoint such as an embedding model); it gives hidden states only (forward with logits: 'none')`,
      );
  }

  async prefill(ids: number[], opts: { loraScale?: number } = {}): Promise<PromptPrefix> {
    this.checkIds([ids], 'prefill');
    const L = this.spec.numLayers,
      T = ids.length;
    const feeds: Feeds = {
      input_ids: i64(BigInt64Array.from(ids, BigInt), [1, T]),
      position_ids: i64(
        BigInt64Array.from(ids, (_, t) => BigInt(t)),
        [1, T],
      ),
      logit_rows: i64(BigInt64Array.of(BigInt(T - 1)), [1]),
      ...this.maskFeeds([new Array(T).fill(1)], T),
      ...this.emptyPast(1),
      ...this.interventionFeeds(1, T, [T]),
      ...this.loraFeed(1, opts.loraScale),
      ...this.continueFeeds(L),
    };
    const names = Array.from({ length: L }, (_, i) => [`key.${i}`, `value.${i}`]).flat();
    const out = await this.session.run(
      feeds,
      names.map((n) => `present_${n}`),
    );
    const prefix: StoredPrefix = {
      length: T,
      loraScale: opts.loraScale,
      owner: this,
      past: Object.fromEntries(names.map((n) => [`past_${n}`, out[`present_${n}`]])),
    };
    return prefix;
  }

  /** The prefix's KV cache repeated for B rows ([1,kvH,P,hd] -> [B,kvH,P,hd]). */
  private prefixFeeds(prefix: PromptPrefix, B: number, opts: ForwardOptions): Feeds {
    const p = prefix as StoredPrefix;
    if (p.owner !== this) throw new Error('forward: the prefix was computed by another model (prefill on this one)');
    if (opts.loraScale !== p.loraScale)
      throw new Error(
        `forward: loraScale ${JSON.stringify(opts.loraScale)} differs from the prefix's ${JSON.stringify(p.loraScale)}`,
      );
    if (opts.steer?.length) throw new Error('forward: steering with a prefix (the prefix was computed unsteered)');
    const feeds: Feeds = {};
    for (const [name, t] of Object.entries(p.past)) {
      const data = t.data as Float32Array | Uint16Array;
      const tiled = new (data.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(data.length * B);
      for (let b = 0; b < B; b++) tiled.set(data, b * data.length);
      feeds[name] = new ort.Tensor(t.type as 'float32', tiled as Float32Array, [B, ...t.dims.slice(1)]);
    }
    return feeds;
  }

  async forward(opts: ForwardOptions): Promise<ForwardResult> {
    this.checkIds(opts.inputIds, 'forward');
    if ((opts.logits ?? 'all') !== 'none') this.needLogits('forward');
    const batch = padBatch(opts.inputIds, this.padId, 'right', opts.attentionMask);
    const { B, T } = batch;
    const mode = opts.logits ?? 'all';
    const rows: number[] = [];
    if (mode === 'all') for (let i = 0; i < B * T; i++) rows.push(i);
    if (mode === 'last') for (let b = 0; b < B; b++) rows.push(b * T + lastReal(batch.mask[b]));
    const P = opts.prefix?.length ?? 0;
    const feeds: Feeds = {
      input_ids: i64(batch.ids, [B, T]),
      position_ids: i64(positionIds(batch.mask, T, new Array(B).fill(P)), [B, T]),
      logit_rows: i64(BigInt64Array.from(rows, BigInt), [rows.length]),
      ...this.maskFeeds(
        batch.mask.map((m) => [...new Array(P).fill(1), ...m]),
        T,
      ),
      ...(opts.prefix ? this.prefixFeeds(opts.prefix, B, opts) : this.emptyPast(B)),
      ...this.loraFeed(B, opts.loraScale),
    };
    const capture = opts.capture ?? [];
    for (const h of capture) this.checkHook(h);
    const L = this.spec.numLayers;
    // a prefix's cache holds every layer; an early exit would cut the positions the later layers attend from
    const depth = opts.prefix
      ? L
      : Math.max(
          mode === 'none' ? -1 : L,
          ...capture.map((h) =>
            h === 'resid_pre.0' ? -1 : h === 'final_norm' ? L : Number(h.slice('resid_post.'.length)),
          ),
        );
    // after an early exit the later layers see one position: their patches cannot matter and must not index the rest
    const stop = Math.min(L, ...this.built.exits.filter((e) => depth <= e));
    const patch = (opts.patch ?? []).filter((p) => !(Number.isInteger(p.layer) && p.layer > stop && p.layer < L)); // bad layers still throw
    Object.assign(feeds, this.continueFeeds(depth), this.interventionFeeds(B, T, batch.lengths, opts.steer, patch));
    const fetches = [...capture, ...(mode === 'none' ? [] : ['logits'])];
    if (!fetches.length) return { hooks: {} };
    const out = await this.session.run(feeds, fetches);
    const result: ForwardResult = { hooks: {} };
    for (const h of capture) result.hooks[h] = toTensor(out[h]);
    if (mode !== 'none') {
      const logits = toTensor(out.logits);
      result.logits = mode === 'all' ? { data: logits.data, dims: [B, T, this.spec.vocab] } : logits;
    }
    return result;
  }

  private checkHook(h: string): void {
    const m = /^resid_post\.(\d+)$/.exec(h);
    if (h === 'resid_pre.0' || h === 'final_norm' || (m && Number(m[1]) < this.spec.numLayers)) return;
    throw new Error(`unknown hook '${h}' (hooks: resid_pre.0, resid_post.0..${this.spec.numLayers - 1}, final_norm)`);
  }

  async lens(resid: Float32Array, opts: { softcap?: boolean } = {}): Promise<Tensor> {
    this.needLogits('lens');
    const softcap = opts.softcap ?? true;
    let s = this.lensSessions.get(softcap);
    if (!s) {
      const file = path.join(this.built.dir, `${softcap ? 'lens' : 'lens-nocap'}-g${graphCodeKey()}.onnx`);
      if (!fs.existsSync(file))
        writeFileAtomic(file, buildLensGraph(this.spec, this.built.index, 'weights.bin', softcap, this.half));
      s = await PlacedSession.create(file, sessionOptions(this.built.opts));
      this.lensSessions.set(softcap, s);
    }
    const H = this.spec.hidden;
    if (resid.length % H) throw new Error(`lens: ${resid.length} values is not a multiple of the hidden size ${H}`);
    const out = await s.run({ resid: f32(resid, [resid.length / H, H]) });
    return toTensor(out.logits);
  }

  async generate(opts: GenerateOptions): Promise<GenerateResult> {
    this.needLogits('generate');
    const { numLayers: L } = this.spec;
    this.checkIds(opts.prompts, 'generate');
    const batch = padBatch(opts.prompts, this.padId, 'left');
    const { B } = batch;
    const eos = new Set(opts.eosTokenIds ?? this.spec.eosTokenIds);
    if (opts.rowSeeds && opts.rowSeeds.length !== B)
      throw new Error(`generate: ${opts.rowSeeds.length} rowSeeds for ${B} prompts`);
    const rands = Array.from({ length: B }, (_, b) => seedrandom(opts.rowSeeds?.[b] ?? `${opts.seed ?? 0}/${b}`));
    const sampling = resolveSampling(opts, this.info.generationDefaults);
    // the repetition penalty's memory: each row's real prompt tokens, then what it generates (transformers also
    // counts the pad id of left-padded rows; here a row's tokens never depend on the other rows of its batch)
    const history: number[][] = opts.prompts.map((p) => [...p]);
    const keyMask = batch.mask.map((r) => [...r]);
    const seen = batch.mask.map((r) => r.reduce((a, b) => a + b, 0));
    const lora = this.loraFeed(B, opts.loraScale);
    let past = this.emptyPast(B);
    let ids = batch.ids,
      T = batch.T;
    let positions = positionIds(batch.mask, T);
    const tokens: number[][] = Array.from({ length: B }, () => []);
    const done = new Array(B).fill(false);
    for (let step = 0; step < opts.maxNewTokens && done.includes(false); step++) {
      const lastRows = BigInt64Array.from({ length: B }, (_, b) => BigInt(b * T + T - 1));
      const feeds: Feeds = {
        input_ids: i64(ids, [B, T]),
        position_ids: i64(positions, [B, T]),
        logit_rows: i64(lastRows, [B]),
        ...this.maskFeeds(keyMask, T),
        ...past,
        ...this.interventionFeeds(B, T, new Array(B).fill(T), opts.steer),
        ...lora,
        ...this.continueFeeds(L),
      };
      const fetches = [
        'logits',
        ...Array.from({ length: L }, (_, i) => [`present_key.${i}`, `present_value.${i}`]).flat(),
      ];
      const out = await this.session.run(feeds, fetches);
      const logits = out.logits.data as Float32Array;
      const V = this.spec.vocab;
      const probs = probabilitySampling(sampling) ? await softmaxRows(logits, B, V, sampling.temperature!) : undefined;
      const next = new BigInt64Array(B);
      for (let b = 0; b < B; b++) {
        if (done[b]) {
          next[b] = BigInt(this.padId);
          continue;
        }
        const tok = probs
          ? drawFromProbs(probs, logits, b * V, V, sampling.topK, rands[b])
          : nextToken(logits, b * V, V, history[b], sampling, rands[b]);
        tokens[b].push(tok);
        history[b].push(tok);
        next[b] = BigInt(tok);
        if (eos.has(tok)) done[b] = true;
      }
      past = {};
      for (let i = 0; i < L; i++) {
        past[`past_key.${i}`] = out[`present_key.${i}`];
        past[`past_value.${i}`] = out[`present_value.${i}`];
      }
      ids = next;
      T = 1;
      positions = BigInt64Array.from(seen, (s) => BigInt(s));
      for (let b = 0; b < B; b++) {
        keyMask[b].push(1);
        seen[b]++;
      }
    }
    return { tokens, sampling };
  }

  private readWeight(name: string): Tensor {
    const e = this.built.index[name];
    const buf = Buffer.alloc(e.length);
    const fd = fs.openSync(this.built.weightsFile, 'r');
    try {
      fs.readSync(fd, buf, 0, e.length, e.offset);
    } finally {
      fs.closeSync(fd);
    }
    if (e.dtype === 'float16')
      return { data: fromHalf(new Uint16Array(buf.buffer, buf.byteOffset, e.length / 2)), dims: e.dims };
    return { data: new Float32Array(buf.buffer, buf.byteOffset, e.length / 4), dims: e.dims };
  }

  async embeddings(): Promise<Tensor> {
    return this.readWeight('embed');
  }

  async unembeddings(): Promise<Tensor> {
    return this.readWeight(this.built.index.lm_head ? 'lm_head' : 'embed');
  }

  async dispose(): Promise<void> {
    await this.session.release();
    for (const s of this.lensSessions.values()) await s.release();
  }
}

function lastReal(mask: number[]): number {
  for (let t = mask.length - 1; t >= 0; t--) if (mask[t]) return t;
  return mask.length - 1;
}

function toTensor(t: ort.Tensor): Tensor {
  return { data: t.data as Float32Array, dims: [...t.dims] };
}
