// BatchTopK training (dictionary_learning's BatchTopKTrainer / BatchTopKCrossCoderTrainer, in TypeScript):
// each step runs the ONNX training graph (forward, loss, AuxK, gradients) and then, in JavaScript over the
// flat parameter arrays: (SAE) removal of the decoder gradient parallel to each latent's direction, clipping
// of the global gradient norm to 1, Adam (β 0.9 / 0.999) with linear warm-up, (SAE) decoder rows back to
// unit norm, the dead-latent counters and the EMA of the inference threshold. The decoder bias starts at
// the geometric median of the first batch; rows are visited in a seeded order per epoch.
import ort from 'onnxruntime-node';
import seedrandom from 'seedrandom';
import { dictionarySession } from './graphs.ts';
import { geometricMedian, initialWeights } from './init.ts';
import { fitNormalizer, normalizeRows } from './normalize.ts';
import { sidesOf, type DictionaryKind, type DictionaryWeights } from './types.ts';
import { dot } from '../../vector.ts';

export interface TrainOptions {
  kind: DictionaryKind;
  /** Latents = expansion · H (H = the model's hidden size, the library's activation_dim). */
  expansion: number;
  k: number;
  /** Crosscoder k annealing: k starts at kMax and falls linearly to k over kAnnealSteps (0 = fixed k). */
  kMax: number;
  kAnnealSteps: number;
  lr: number;
  batchSize: number;
  epochs: number;
  warmupSteps: number;
  auxAlpha: number;
  /** A latent that has not fired for this many training rows is dead (AuxK revives it). */
  deadAfterRows: number;
  thresholdBeta: number;
  thresholdStartStep: number;
  /** Normalised activations have this RMS norm per side (null: no normaliser). */
  targetRms: number | null;
  seed: string;
}

export interface TrainLog {
  steps: number;
  rows: number;
  /** Mean loss (main term) over the first and the last 10% of steps. */
  lossStart: number;
  lossEnd: number;
  auxLossEnd: number;
  /** Latents dead at the end (not fired for deadAfterRows rows). */
  deadEnd: number;
  /** Fraction of variance of the normalised rows left unexplained by the final dictionary on the training rows. */
  fvu: number;
  ms: number;
}

function adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, t: number): void {
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  const c1 = 1 - b1 ** t,
    c2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}

/** Subtracts from each decoder row's gradient its component along the (unit) row. decW, g: [F, D]. */
function removeParallel(decW: Float32Array, g: Float32Array, F: number, D: number): void {
  for (let f = 0; f < F; f++) {
    let dot = 0;
    for (let d = 0; d < D; d++) dot += decW[f * D + d] * g[f * D + d];
    for (let d = 0; d < D; d++) g[f * D + d] -= dot * decW[f * D + d];
  }
}

function unitRows(decW: Float32Array, F: number, D: number): void {
  for (let f = 0; f < F; f++) {
    let n = 0;
    for (let d = 0; d < D; d++) n += decW[f * D + d] ** 2;
    n = Math.sqrt(n);
    if (n > 0) for (let d = 0; d < D; d++) decW[f * D + d] /= n;
  }
}

/**
 * Trains a dictionary on activation rows [N, S·H] (crosscoder: base then finetuned per row; SAE: the
 * difference). Deterministic for a given seed, rows and options.
 */
export async function trainDictionary(
  rows: Float32Array,
  N: number,
  H: number,
  opts: TrainOptions,
  progress: (done: number, total: number) => void = () => {},
): Promise<{ weights: DictionaryWeights; log: TrainLog }> {
  const started = Date.now();
  const S = sidesOf(opts.kind);
  const D = S * H;
  if (rows.length !== N * D) throw new Error(`trainDictionary: ${rows.length} values is not ${N} rows of ${D}`);
  const F = Math.round(opts.expansion * H);
  const B = Math.min(opts.batchSize, N);
  if (opts.k * B > B * F || opts.kMax > F)
    throw new Error(`trainDictionary: k (${Math.max(opts.k, opts.kMax)}) must not exceed the ${F} latents`);
  const w = initialWeights(opts.kind, H, F, opts.k, opts.seed);
  w.normalizer = opts.targetRms === null ? null : fitNormalizer(rows, N, S, H, opts.targetRms);
  const x = normalizeRows(rows, H, w.normalizer);

  const shape = { kind: opts.kind, sides: S, H, F };
  const session = await dictionarySession('train', shape);
  const params = [w.encW, w.encB, w.decW, w.decB];
  const m = params.map((p) => new Float32Array(p.length));
  const v = params.map((p) => new Float32Array(p.length));
  const sinceFired = new Float64Array(F);
  const perEpoch = Math.floor(N / B);
  const steps = perEpoch * opts.epochs;
  if (steps < 1) throw new Error(`trainDictionary: ${N} rows make no batch of ${B}`);
  const rng = seedrandom(`dictionary-order/${opts.seed}`);
  const batch = new Float32Array(B * D);
  const losses: number[] = [];
  let auxLoss = 0;
  let order: Uint32Array = new Uint32Array(0);
  for (let step = 0; step < steps; step++) {
    if (step % perEpoch === 0) {
      order = Uint32Array.from({ length: N }, (_, i) => i);
      for (let i = N - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    const off = (step % perEpoch) * B;
    for (let b = 0; b < B; b++) batch.set(x.subarray(order[off + b] * D, (order[off + b] + 1) * D), b * D);
    if (step === 0) w.decB.set(geometricMedian(batch, B, S, H));

    const k =
      opts.kAnnealSteps > 0 && step < opts.kAnnealSteps
        ? Math.max(1, Math.round(opts.kMax - ((opts.kMax - opts.k) * step) / opts.kAnnealSteps))
        : opts.k;
    const dead = Float32Array.from(sinceFired, (t) => (t >= opts.deadAfterRows ? 1 : 0));
    const nDead = dead.reduce((s, d) => s + d, 0);
    const kAux = Math.max(1, Math.min(Math.floor(H / 2), nDead));
    const out = await session.run({
      x: new ort.Tensor('float32', batch, [B, D]),
      encW: new ort.Tensor('float32', w.encW, [D, F]),
      encB: new ort.Tensor('float32', w.encB, [F]),
      decW: new ort.Tensor('float32', w.decW, [F, D]),
      decB: new ort.Tensor('float32', w.decB, [D]),
      kTotal: new ort.Tensor('int64', BigInt64Array.of(BigInt(k * B)), [1]),
      dead: new ort.Tensor('float32', dead, [F]),
      kAux: new ort.Tensor('int64', BigInt64Array.of(BigInt(kAux)), [1]),
      auxAlpha: new ort.Tensor('float32', Float32Array.of(nDead > 0 ? opts.auxAlpha : 0), []),
    });
    const grads = [out.gEncW, out.gEncB, out.gDecW, out.gDecB].map((t) => t.data as Float32Array);
    losses.push((out.loss.data as Float32Array)[0]);
    auxLoss = nDead > 0 ? (out.auxLoss.data as Float32Array)[0] : 0;
    const fired = out.fired.data as Float32Array;
    for (let f = 0; f < F; f++) sinceFired[f] = fired[f] > 0 ? 0 : sinceFired[f] + B;

    if (opts.kind === 'sae-diff') removeParallel(w.decW, grads[2], F, D);
    const gNorm = Math.sqrt(grads.reduce((s, g) => s + dot(g, g), 0));
    if (gNorm > 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] /= gNorm;
    const lr = opts.lr * (step < opts.warmupSteps ? step / opts.warmupSteps : 1);
    params.forEach((p, i) => adam(p, grads[i], m[i], v[i], lr, step + 1));
    if (opts.kind === 'sae-diff') unitRows(w.decW, F, D);

    if (step > opts.thresholdStartStep) {
      const minActive = (out.minActive.data as Float32Array)[0];
      const value = Number.isFinite(minActive) ? minActive : 0;
      w.threshold = w.threshold < 0 ? value : opts.thresholdBeta * w.threshold + (1 - opts.thresholdBeta) * value;
    }
    progress(step + 1, steps);
  }
  const tail = Math.max(1, Math.floor(steps / 10));
  const mean = (a: number[]) => a.reduce((s, y) => s + y, 0) / a.length;
  return {
    weights: w,
    log: {
      steps,
      rows: N,
      lossStart: mean(losses.slice(0, tail)),
      lossEnd: mean(losses.slice(-tail)),
      auxLossEnd: auxLoss,
      deadEnd: sinceFired.reduce((s, t) => s + (t >= opts.deadAfterRows ? 1 : 0), 0),
      fvu: NaN,
      ms: Date.now() - started,
    },
  };
}
