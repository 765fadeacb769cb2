// Patchscope scale grader without an LLM (docs/toolkit.md#patchscope): the best scale is the one whose non-generic
// tokens point the most in the same direction in the model's unembedding space, preferring scales
// with more such tokens; its coherent subset is found by peeling off the least similar tokens.
import type { GraderId, PatchscopeScaleGrader, ScaleCandidate, ScaleChoice } from '../../src/method/graders.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { isGenericToken } from './generic-tokens.ts';
import { dot, unit } from '../../src/vector.ts';

export interface UnembeddingScaleOptions {
  /** The unembedding (output embedding) row of a token id. */
  unembedding: (tokenId: number) => Float32Array;
  /** How far above the background similarity a token's mean similarity to the subset must be. */
  margin?: number;
  /** A member's mean similarity to the subset must also reach this share of the subset's median. */
  relativeAffinity?: number;
}

interface ScaleScore {
  scale: number;
  tokens: string[];
  /** Indices (into tokens) of the coherent subset. */
  subset: number[];
  score: number;
  meanSimilarity: number;
}

/** Tokens the toolkit removes before grading (docs/toolkit.md#patchscope) plus the generic-token rule. */
export function isScaleGradingNoise(token: string): boolean {
  return token.includes('->') || token.includes('=>') || isGenericToken(token);
}

/** v / ‖v‖, the zero vector for a zero v. */
function unitOrZero(v: Float32Array): Float64Array {
  return unit(v) ?? new Float64Array(v.length);
}

function meanPairwise(sim: number[][], members: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < members.length; a++) {
    for (let b = a + 1; b < members.length; b++) {
      sum += sim[members[a]][members[b]];
      pairs++;
    }
  }
  return pairs ? sum / pairs : 0;
}

export class UnembeddingScaleGrader implements PatchscopeScaleGrader {
  readonly grader: GraderId = { id: 'offline/patchscope-scale-unembedding', version: '1' };
  private readonly unembedding: (tokenId: number) => Float32Array;
  private readonly margin: number;
  private readonly relativeAffinity: number;

  constructor(options: UnembeddingScaleOptions) {
    this.unembedding = options.unembedding;
    this.margin = options.margin ?? 0.1;
    this.relativeAffinity = options.relativeAffinity ?? 0.5;
  }

  async choose(candidates: ScaleCandidate[]): Promise<ScaleChoice> {
    return this.chooseSync(candidates);
  }

  chooseSync(candidates: ScaleCandidate[]): ScaleChoice {
    if (candidates.length === 0) throw new Error('UnembeddingScaleGrader: no scales to choose from');
    const vectors = new Map<number, Float64Array>();
    const scales = candidates.map((c) => this.kept(c, vectors));
    const background = this.backgroundSimilarity(scales, vectors);
    const scored = scales.map((s) => this.score(s, vectors, background));
    const eligible = scored.filter((s) => s.subset.length >= 2);
    if (eligible.length > 0) {
      // More coherent tokens and higher similarity both raise the score; ties go to the smaller scale.
      const best = eligible.reduce((a, b) => (b.score > a.score + 1e-12 ? b : a));
      return { bestScale: best.scale, selectedTokens: best.subset.map((i) => best.tokens[i]) };
    }
    // Fallback as in the toolkit: the first scale with any non-trivial token, else the first scale.
    const any = scored.find((s) => s.tokens.length > 0);
    return { bestScale: (any ?? scored[0]).scale, selectedTokens: any ? [any.tokens[0]] : [] };
  }

  /** The scale's non-noise tokens (unique ids) and their unit unembedding vectors (cached by id). */
  private kept(
    c: ScaleCandidate,
    vectors: Map<number, Float64Array>,
  ): { scale: number; tokens: string[]; ids: number[] } {
    if (!Number.isFinite(c.scale))
      throw new Error(`UnembeddingScaleGrader: scale must be a finite number, got ${c.scale}`);
    if (!c.tokenIds || c.tokenIds.length !== c.tokens.length) {
      throw new Error(
        `UnembeddingScaleGrader: scale ${c.scale} needs tokenIds parallel to its ${c.tokens.length} tokens (got ${c.tokenIds?.length ?? 'none'})`,
      );
    }
    const tokens: string[] = [];
    const ids: number[] = [];
    c.tokens.forEach((token, i) => {
      const id = c.tokenIds![i];
      if (isScaleGradingNoise(token) || ids.includes(id)) return;
      if (!vectors.has(id)) vectors.set(id, unitOrZero(this.unembedding(id)));
      tokens.push(token);
      ids.push(id);
    });
    return { scale: c.scale, tokens, ids };
  }

  /** Mean pairwise similarity over all distinct kept tokens of all scales: what "unrelated" looks like here. */
  private backgroundSimilarity(scales: { ids: number[] }[], vectors: Map<number, Float64Array>): number {
    const ids = [...new Set(scales.flatMap((s) => s.ids))];
    if (ids.length < 2) return 0;
    const sum = new Float64Array(vectors.get(ids[0])!.length);
    for (const id of ids) vectors.get(id)!.forEach((x, i) => (sum[i] += x));
    return (dot(sum, sum) - ids.length) / (ids.length * (ids.length - 1));
  }

  private score(
    s: { scale: number; tokens: string[]; ids: number[] },
    vectors: Map<number, Float64Array>,
    background: number,
  ): ScaleScore {
    const sim = s.ids.map((a) => s.ids.map((b) => dot(vectors.get(a)!, vectors.get(b)!)));
    const subset = s.ids.map((_, i) => i);
    // Peel off the token least similar to the rest until every member is similar enough to the others:
    // above the background by `margin`, and not far below the subset's typical member.
    while (subset.length >= 2) {
      const affinity = subset.map(
        (i) => subset.reduce((acc, j) => (j === i ? acc : acc + sim[i][j]), 0) / (subset.length - 1),
      );
      const sorted = [...affinity].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const threshold = Math.max(background + this.margin, this.relativeAffinity * median);
      const worst = affinity.indexOf(sorted[0]);
      if (affinity[worst] >= threshold) break;
      subset.splice(worst, 1);
    }
    if (subset.length < 2) return { ...s, subset: [], score: -Infinity, meanSimilarity: 0 };
    const meanSimilarity = meanPairwise(sim, subset);
    // (mean similarity above background) x size: roughly how many standard errors the subset's pairs stand out.
    return { ...s, subset, score: (meanSimilarity - background) * subset.length, meanSimilarity };
  }
}

/** The unembedding scale grader of a model, its unembedding matrix [V,H] read on first use. */
export function modelScaleGrader(
  model: LanguageModel,
  options: Omit<UnembeddingScaleOptions, 'unembedding'> = {},
): PatchscopeScaleGrader {
  let grader: Promise<UnembeddingScaleGrader> | undefined;
  const load = async () => {
    const U = await model.unembeddings();
    const H = U.dims[1];
    return new UnembeddingScaleGrader({ ...options, unembedding: (id) => U.data.subarray(id * H, (id + 1) * H) });
  };
  return {
    grader: new UnembeddingScaleGrader({ ...options, unembedding: () => new Float32Array(0) }).grader,
    choose: async (candidates) => (await (grader ??= load())).choose(candidates),
  };
}
