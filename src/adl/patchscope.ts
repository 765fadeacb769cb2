// Step 3 (docs/toolkit.md#patchscope): token-identity Patchscope. The latent, rescaled to unit direction × target norm ×
// scale, REPLACES the residual after layer L at the last token ('?') of three `word -> word` repeat
// prompts; tokens count only if they are in the top-k of all three prompts (probabilities averaged);
// 20 tokens per scale; a scale grader picks the best scale and a coherent subset.
import { failedCalls } from '../llm/failed-calls.ts';
import type { PatchscopeScaleGrader } from '../method/graders.ts';
import type { LanguageModel, PromptPrefix } from '../runtime/types.ts';
import { softmaxRows } from '../runtime/vocab-ops.ts';
import { topK } from './topk.ts';
import { unit } from '../vector.ts';

/** The toolkit's identity prompts: nnterp's repeat_prompt over three word triples. */
export const IDENTITY_WORDS: string[][] = [
  ['man', '1135', 'hello'],
  ['bear', '42', 'blue'],
  ['921', 'target', 'anna'],
];

export function repeatPrompt(words: string[]): string {
  return `${words.map((w) => `${w} -> ${w}`).join('\n')}\n?`;
}

export interface ScaleTokens {
  scale: number;
  tokenIds: number[];
  tokens: string[];
  probs: number[];
}

export interface PatchscopeResult {
  scales: ScaleTokens[];
  bestScale: number;
  tokensAtBestScale: string[];
  tokenIdsAtBestScale: number[];
  probsAtBestScale: number[];
  selectedTokens: string[];
  grader: { id: string; version: string };
}

export interface PatchscopeOptions {
  layer: number;
  targetNorm: number;
  scales: number[];
  intersectionTopK: number;
  tokensK: number;
  /** loraScale of the patched model (base mean → base, difference and ft mean → finetuned). */
  loraScale?: number;
  encode: (text: string) => number[];
  displayToken: (id: number) => string;
}

function unitLatent(v: Float32Array): Float32Array {
  const u = unit(v);
  if (!u) throw new Error('patchscope: the latent has zero norm');
  return Float32Array.from(u);
}

// The identity prompts' KV caches per model and LoRA scale: every latent and scale patches only the last
// token ('?'), and nothing before it attends to it, so the prompt up to it is computed once per process.
const prefixes = new WeakMap<LanguageModel, Map<string, Promise<PromptPrefix>>>();

function prefixOf(
  model: LanguageModel & Required<Pick<LanguageModel, 'prefill'>>,
  ids: number[],
  loraScale: number | undefined,
): Promise<PromptPrefix> {
  let m = prefixes.get(model);
  if (!m) prefixes.set(model, (m = new Map()));
  const key = `${loraScale ?? ''}|${ids.join(',')}`;
  let p = m.get(key);
  if (!p) m.set(key, (p = model.prefill(ids, { loraScale })));
  return p;
}

/** Next-token logits [rows, V] of `ids` with the last position patched per row (through the prompt's cached prefix when the model has one). */
async function patchedLast(
  model: LanguageModel,
  ids: number[],
  rows: number,
  layer: number,
  vectors: Float32Array,
  loraScale: number | undefined,
): Promise<Float32Array> {
  const patch = [{ layer, position: -1, vector: vectors }];
  if (!model.prefill || ids.length < 2) {
    return (
      await model.forward({ inputIds: Array.from({ length: rows }, () => ids), patch, logits: 'last', loraScale })
    ).logits!.data;
  }
  const prefix = await prefixOf(
    model as LanguageModel & Required<Pick<LanguageModel, 'prefill'>>,
    ids.slice(0, -1),
    loraScale,
  );
  return (
    await model.forward({
      inputIds: Array.from({ length: rows }, () => [ids.at(-1)!]),
      prefix,
      patch,
      logits: 'last',
      loraScale,
    })
  ).logits!.data;
}

/** Averaged next-token probabilities per scale, zero for tokens outside any prompt's top-k. */
export async function patchscopeScales(
  model: LanguageModel,
  latent: Float32Array,
  opts: PatchscopeOptions,
): Promise<ScaleTokens[]> {
  const H = model.info.hiddenSize;
  const V = model.info.vocabSize;
  const direction = unitLatent(latent);
  const S = opts.scales.length;
  const vectors = new Float32Array(S * H);
  opts.scales.forEach((s, i) =>
    vectors.set(
      direction.map((x) => x * opts.targetNorm * s),
      i * H,
    ),
  );
  const sum = opts.scales.map(() => new Float64Array(V));
  const hits = opts.scales.map(() => new Uint8Array(V));
  const k = Math.min(opts.intersectionTopK, V);
  for (const words of IDENTITY_WORDS) {
    const logits = await patchedLast(model, opts.encode(repeatPrompt(words)), S, opts.layer, vectors, opts.loraScale);
    const probs = await softmaxRows(logits, S, V, 1);
    for (let i = 0; i < S; i++) {
      const p = probs.subarray(i * V, (i + 1) * V);
      const kept = k >= V ? null : new Set(topK(p, k));
      for (let t = 0; t < V; t++) {
        if (kept && !kept.has(t)) continue;
        sum[i][t] += p[t];
        hits[i][t]++;
      }
    }
  }
  const P = IDENTITY_WORDS.length;
  return opts.scales.map((scale, i) => {
    const avg = sum[i].map((x, t) => (hits[i][t] === P ? x / P : 0));
    const ids = topK(avg, opts.tokensK).filter((t) => avg[t] > 0);
    return { scale, tokenIds: ids, tokens: ids.map(opts.displayToken), probs: ids.map((t) => avg[t]) };
  });
}

export async function patchscope(
  model: LanguageModel,
  latent: Float32Array,
  grader: PatchscopeScaleGrader,
  opts: PatchscopeOptions,
): Promise<PatchscopeResult> {
  const scales = await patchscopeScales(model, latent, opts);
  const choice = await grader.choose(scales.map((s) => ({ scale: s.scale, tokens: s.tokens, tokenIds: s.tokenIds })));
  const best = scales.find((s) => Math.abs(s.scale - choice.bestScale) < 1e-9);
  if (Number.isNaN(choice.bestScale)) {
    const { count, last } = failedCalls();
    throw new Error(
      `patchscope: grader ${grader.grader.id} could not choose a scale${count > 0 ? ` (${count} grader call(s) failed after their retries${last ? `; last: ${last}` : ''})` : ''}`,
    );
  }
  if (!best)
    throw new Error(`patchscope: grader ${grader.grader.id} chose scale ${choice.bestScale}, which was not offered`);
  return {
    scales,
    bestScale: best.scale,
    tokensAtBestScale: best.tokens,
    tokenIdsAtBestScale: best.tokenIds,
    probsAtBestScale: best.probs,
    selectedTokens: choice.selectedTokens,
    grader: grader.grader,
  };
}
