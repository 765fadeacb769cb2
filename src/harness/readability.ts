// "Too readable?": cheap signals of how visible a finetune is in activation differences on unrelated
// text, compared with a null organism: ‖mean(finetuned − base)‖ at position 0 and over positions 1..P-1
// of the middle layer, each with a bootstrap CI over documents, and the mean difference (and the plain base / finetuned means, the
// baselines) at the readout layer, read through the logit lens (the Patchscope: readability-method.ts).
// The decision rule is in readability-verdict.ts.
import seedrandom from 'seedrandom';
import type { MetricValue } from '../results/types.ts';
import type { ModelPair } from '../method/types.ts';

export interface ReadabilityOptions {
  documents: number[][];
  /** Relative layer (default 0.5 = the toolkit's middle layer). */
  layer?: number;
  /** Absolute layer whose means are read through the lens (default: the norm's layer). */
  readoutLayer?: number;
  positions?: number;
  bootstrap?: number;
  seed: string;
}

export interface Readability {
  layer: number;
  /** The layer of the lens readouts and of `difference`. */
  readoutLayer: number;
  /** Mean (finetuned − base) at positions 0..P-1 of the readout layer: [P*H]. */
  difference: Float64Array;
  /** Finetuned mean activation norm at the readout layer (positions >= P). */
  targetNorm: number;
  /** ‖mean diff‖ per position, position 0 with a bootstrap CI over documents. */
  diffNorm: MetricValue[];
  /**
   * ‖mean diff‖ over positions 1..P-1 together (the norm of their concatenation), with a bootstrap CI:
   * check-organism's norm evidence. Position 0 (the document's first token) moves with any finetune and
   * differs up to 2.3x between two null finetunes of one recipe; positions 1-4 by at most 15% (README "Too readable?").
   */
  laterNorm?: MetricValue;
  /** Top lens tokens of the mean difference / base mean / finetuned mean at each position. */
  lens: { variant: 'difference' | 'base' | 'finetuned'; position: number; tokens: string[]; tokenIds: number[] }[];
}

/**
 * Per-document (finetuned − base) activations at positions 0..P-1 of `layer`: [N][P*H]; the base and
 * finetuned means at positions 0..P-1 of `readoutLayer`, and the finetuned model's mean activation norm
 * there over positions >= P (the Patchscope's target norm; positions >= 1 when documents have only P tokens).
 */
async function documentDiffs(
  loaded: ModelPair,
  docs: number[][],
  layer: number,
  readoutLayer: number,
  P: number,
): Promise<{ diffs: Float32Array[]; base: Float64Array; ft: Float64Array; targetNorm: number }> {
  const H = loaded.finetuned.info.hiddenSize;
  const hook = `resid_post.${layer}` as const;
  const readHook = `resid_post.${readoutLayer}` as const;
  const capture = [...new Set([hook, readHook])];
  const T = Math.min(...docs.map((d) => d.length));
  const tail = T > P ? P : 1;
  const diffs: Float32Array[] = [];
  const base = new Float64Array(P * H);
  const ft = new Float64Array(P * H);
  let normSum = 0;
  let normCount = 0;
  for (let start = 0; start < docs.length; start += 32) {
    const inputIds = docs.slice(start, start + 32).map((d) => d.slice(0, T));
    const b = (await loaded.base.forward({ inputIds, capture, logits: 'none', loraScale: loaded.baseScale })).hooks;
    const f = (await loaded.finetuned.forward({ inputIds, capture, logits: 'none', loraScale: loaded.finetunedScale }))
      .hooks;
    const bd = b[hook]!.data,
      fd = f[hook]!.data,
      br = b[readHook]!.data,
      fr = f[readHook]!.data;
    for (let i = 0; i < inputIds.length; i++) {
      const d = new Float32Array(P * H);
      for (let k = 0; k < P * H; k++) {
        d[k] = fd[i * T * H + k] - bd[i * T * H + k];
        base[k] += br[i * T * H + k] / docs.length;
        ft[k] += fr[i * T * H + k] / docs.length;
      }
      diffs.push(d);
      for (let t = tail; t < T; t++) {
        let s = 0;
        for (let h = 0; h < H; h++) s += fr[(i * T + t) * H + h] ** 2;
        normSum += Math.sqrt(s);
        normCount++;
      }
    }
  }
  return { diffs, base, ft, targetNorm: normSum / normCount };
}

function normOfMean(diffs: Float32Array[], idx: number[], offset: number, H: number): number {
  const m = new Float64Array(H);
  for (const i of idx) for (let h = 0; h < H; h++) m[h] += diffs[i][offset + h];
  let s = 0;
  for (let h = 0; h < H; h++) s += (m[h] / idx.length) ** 2;
  return Math.sqrt(s);
}

export async function measureReadability(
  loaded: ModelPair,
  tokenDisplay: (id: number) => string,
  opts: ReadabilityOptions,
): Promise<Readability> {
  const { numLayers, hiddenSize: H } = loaded.finetuned.info;
  const layer = Math.floor((opts.layer ?? 0.5) * (numLayers - 1));
  const P = opts.positions ?? 5;
  const readoutLayer = opts.readoutLayer ?? layer;
  if (!(Number.isInteger(readoutLayer) && readoutLayer >= 0 && readoutLayer < numLayers))
    throw new Error(`readability: readout layer ${readoutLayer} is not a layer of a ${numLayers}-layer model`);
  const short = opts.documents.find((d) => d.length < P);
  if (short) throw new Error(`readability: every document needs at least ${P} tokens`);
  const { diffs, base, ft, targetNorm } = await documentDiffs(loaded, opts.documents, layer, readoutLayer, P);
  const all = diffs.map((_, i) => i);
  const B = opts.bootstrap ?? 200;
  /** ‖mean diff‖ over dims [offset, offset + length) with a percentile-bootstrap CI over documents. */
  const withCI = (offset: number, length: number, seed: string): MetricValue => {
    const rng = seedrandom(seed);
    const estimate = normOfMean(diffs, all, offset, length);
    const stats = Array.from({ length: B }, () =>
      normOfMean(
        diffs,
        all.map(() => Math.floor(rng() * all.length)),
        offset,
        length,
      ),
    ).sort((a, b) => a - b);
    const q = (x: number) => stats[Math.min(B - 1, Math.max(0, Math.round(x * (B - 1))))];
    return {
      estimate,
      lower: q(0.025),
      upper: q(0.975),
      n: diffs.length,
      alpha: 0.05,
      ci: 'bootstrap',
      over: 'documents',
    };
  };
  const diffNorm: MetricValue[] = [withCI(0, H, opts.seed)];
  for (let p = 1; p < P; p++) {
    const estimate = normOfMean(diffs, all, p * H, H);
    diffNorm.push({ estimate, lower: estimate, upper: estimate, n: 1, alpha: 0.05, ci: 'none' });
  }
  const laterNorm = P > 1 ? withCI(H, (P - 1) * H, `${opts.seed}|later`) : undefined;
  const lens: Readability['lens'] = [];
  const difference = Float64Array.from(ft, (x, k) => x - base[k]);
  const vectors = { difference, base, finetuned: ft };
  for (const variant of ['difference', 'base', 'finetuned'] as const) {
    const logits = await loaded.finetuned.lens(Float32Array.from(vectors[variant]));
    const V = logits.dims[1];
    for (let p = 0; p < P; p++) {
      const row = logits.data.subarray(p * V, (p + 1) * V);
      const top = Array.from(row.keys())
        .sort((a, b) => row[b] - row[a])
        .slice(0, 20);
      lens.push({ variant, position: p, tokens: top.map(tokenDisplay), tokenIds: top });
    }
  }
  return { layer, readoutLayer, difference, targetNorm, diffNorm, ...(laterNorm ? { laterNorm } : {}), lens };
}
