// "Too readable?": cheap signals of how visible a finetune is in activation differences on unrelated
// text, compared with a null organism. The main signal is ‖mean(finetuned − base)‖ at position 0 of
// the middle layer, with a bootstrap CI over documents; the logit lens of the mean difference (and of
// the plain base / finetuned means, the baselines) graded for relevance is shown as evidence.
import seedrandom from 'seedrandom';
import type { MetricValue } from '../results/types.ts';
import type { ModelPair } from '../method/types.ts';

export interface ReadabilityOptions {
  documents: number[][];
  /** Relative layer (default 0.5 = the toolkit's middle layer). */
  layer?: number;
  positions?: number;
  bootstrap?: number;
  seed: string;
}

export interface Readability {
  layer: number;
  /** ‖mean diff‖ per position, position 0 with a bootstrap CI over documents. */
  diffNorm: MetricValue[];
  /** Top lens tokens of the mean difference / base mean / finetuned mean at each position. */
  lens: { variant: 'difference' | 'base' | 'finetuned'; position: number; tokens: string[]; tokenIds: number[] }[];
}

/** Per-document (finetuned − base) activations at positions 0..P-1: [N][P*H]. */
async function documentDiffs(
  loaded: ModelPair,
  docs: number[][],
  layer: number,
  P: number,
): Promise<{ diffs: Float32Array[]; base: Float64Array; ft: Float64Array }> {
  const H = loaded.finetuned.info.hiddenSize;
  const hook = `resid_post.${layer}` as const;
  const diffs: Float32Array[] = [];
  const base = new Float64Array(P * H);
  const ft = new Float64Array(P * H);
  for (let start = 0; start < docs.length; start += 32) {
    const inputIds = docs.slice(start, start + 32).map((d) => d.slice(0, P));
    const b = (await loaded.base.forward({ inputIds, capture: [hook], logits: 'none', loraScale: loaded.baseScale }))
      .hooks[hook]!.data;
    const f = (
      await loaded.finetuned.forward({ inputIds, capture: [hook], logits: 'none', loraScale: loaded.finetunedScale })
    ).hooks[hook]!.data;
    for (let i = 0; i < inputIds.length; i++) {
      const d = new Float32Array(P * H);
      for (let k = 0; k < P * H; k++) {
        d[k] = f[i * P * H + k] - b[i * P * H + k];
        base[k] += b[i * P * H + k] / docs.length;
        ft[k] += f[i * P * H + k] / docs.length;
      }
      diffs.push(d);
    }
  }
  return { diffs, base, ft };
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
  const short = opts.documents.find((d) => d.length < P);
  if (short) throw new Error(`readability: every document needs at least ${P} tokens`);
  const { diffs, base, ft } = await documentDiffs(loaded, opts.documents, layer, P);
  const all = diffs.map((_, i) => i);
  const rng = seedrandom(opts.seed);
  const B = opts.bootstrap ?? 200;
  const diffNorm: MetricValue[] = [];
  for (let p = 0; p < P; p++) {
    const estimate = normOfMean(diffs, all, p * H, H);
    if (p > 0) {
      diffNorm.push({ estimate, lower: estimate, upper: estimate, n: 1, alpha: 0.05, ci: 'none' });
      continue;
    }
    const stats = Array.from({ length: B }, () =>
      normOfMean(
        diffs,
        all.map(() => Math.floor(rng() * all.length)),
        0,
        H,
      ),
    ).sort((a, b) => a - b);
    const q = (x: number) => stats[Math.min(B - 1, Math.max(0, Math.round(x * (B - 1))))];
    diffNorm.push({
      estimate,
      lower: q(0.025),
      upper: q(0.975),
      n: diffs.length,
      alpha: 0.05,
      ci: 'bootstrap',
      over: 'documents',
    });
  }
  const lens: Readability['lens'] = [];
  const vectors = { difference: Float64Array.from(ft, (x, k) => x - base[k]), base, finetuned: ft };
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
  return { layer, diffNorm, lens };
}

/** organism / null ratio of position-0 norms, with a conservative CI from the two CIs. */
export function readabilityRatio(organism: MetricValue, nullOrganism: MetricValue): MetricValue {
  return {
    estimate: organism.estimate / nullOrganism.estimate,
    lower: organism.lower / nullOrganism.upper,
    upper: organism.upper / nullOrganism.lower,
    n: Math.min(organism.n, nullOrganism.n),
    alpha: organism.alpha,
    ci: 'bootstrap',
    over: 'documents (ratio of the two intervals: conservative)',
  };
}

/** Ladder steps that are more readable than their predecessor beyond the CIs. */
export function ladderRegressions(steps: { organism: string; ratio: MetricValue }[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1],
      cur = steps[i];
    if (cur.ratio.lower > prev.ratio.upper) {
      out.push(
        `${cur.organism} (readability ${cur.ratio.estimate.toFixed(2)}, CI lower ${cur.ratio.lower.toFixed(2)}) is more readable than ${prev.organism} (${prev.ratio.estimate.toFixed(2)}, CI upper ${prev.ratio.upper.toFixed(2)}) although it should be more realistic`,
      );
    }
  }
  return out;
}
