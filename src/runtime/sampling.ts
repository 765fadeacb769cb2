// Next-token choice as transformers' generate makes it: the repetition penalty (greedy and sampling);
// when sampling, the warpers in transformers' order (temperature, top-k, top-p, min-p), then a seeded draw
// from the softmax of what is left. Each processor works in place on one row's scores [V] and has
// transformers' semantics (min_tokens_to_keep = 1; a removed token gets -Infinity).
// nextToken runs once per row per generated token over the whole vocabulary, so it reuses its buffers and
// top-p sorts only the tokens above a cut (nucleusOrder), never the whole vocabulary.
import type { SamplingSettings } from './generation-config.ts';

function argmax(logits: Float32Array | Float64Array, offset: number, V: number): number {
  let best = offset;
  for (let i = offset + 1; i < offset + V; i++) if (logits[i] > logits[best]) best = i;
  return best - offset;
}

/** RepetitionPenaltyLogitsProcessor: every token already in the row gets score·p when negative, score/p otherwise. */
export function applyRepetitionPenalty(scores: Float64Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const t of new Set(seen)) scores[t] = scores[t] < 0 ? scores[t] * penalty : scores[t] / penalty;
}

/** TemperatureLogitsWarper: scores / t. */
export function applyTemperature(scores: Float64Array, t: number): void {
  if (t === 1) return;
  for (let i = 0; i < scores.length; i++) scores[i] /= t;
}

/** TopKLogitsWarper: tokens scoring below the k-th largest score are removed (ties with it are kept). */
export function applyTopK(scores: Float64Array, k: number): void {
  const V = scores.length;
  k = Math.max(k, 1);
  if (k >= V) return;
  const kth = kthLargest(scores, k);
  for (let i = 0; i < V; i++) if (scores[i] < kth) scores[i] = -Infinity;
}

/** The k-th largest value (1-based) with a size-k min-heap: O(V log k). */
function kthLargest(xs: Float64Array | Float32Array, k: number): number {
  const heap = new Float64Array(k);
  let n = 0;
  for (const x of xs) {
    if (n < k) {
      let i = n++;
      heap[i] = x;
      while (i > 0 && heap[(i - 1) >> 1] > heap[i]) {
        const p = (i - 1) >> 1;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (x > heap[0]) {
      heap[0] = x;
      for (let i = 0; ; ) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < n && heap[l] < heap[m]) m = l;
        if (r < n && heap[r] < heap[m]) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
  }
  return heap[0];
}

/** softmax(scores) in float64 into `out`; removed tokens get 0. */
export function softmax(scores: Float64Array, out = new Float64Array(scores.length)): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += out[i] = scores[i] === -Infinity ? 0 : Math.exp(scores[i] - max);
  for (let i = 0; i < scores.length; i++) out[i] /= sum;
  return out;
}

let probScratch = new Float64Array(0);
/** softmax into a buffer reused across calls (valid until the next call). */
function probsOf(scores: Float64Array): Float64Array {
  if (probScratch.length < scores.length) probScratch = new Float64Array(scores.length);
  return softmax(scores, probScratch.subarray(0, scores.length));
}

/**
 * TopPLogitsWarper: a token is removed when the probability mass of the tokens ranked above it is already
 * >= p (transformers: cumulative ascending mass <= 1 − p); the most probable token always stays. Ties rank
 * by lower token id first.
 */
export function applyTopP(scores: Float64Array, p: number): void {
  if (p >= 1) return;
  const probs = probsOf(scores);
  const order = nucleusOrder(probs, p);
  const keep = new Set<number>();
  let above = 0;
  for (const i of order) {
    if (keep.size > 0 && above >= p) break;
    keep.add(i);
    above += probs[i];
  }
  for (let i = 0; i < scores.length; i++) if (!keep.has(i)) scores[i] = -Infinity;
}

/**
 * Token ids in descending probability (ties: lower id first), at least up to where the running sum
 * passes `mass`: only tokens above a cut are sorted, the cut lowered until they hold `mass`. Every
 * token left out is below every token kept, so the prefix equals that of a full sort.
 */
function nucleusOrder(probs: Float64Array, mass: number): number[] {
  const V = probs.length;
  let max = 0;
  for (let i = 0; i < V; i++) if (probs[i] > max) max = probs[i];
  for (let cut = max * 1e-2; cut > max * 1e-12; cut *= 1e-2) {
    const kept: number[] = [];
    let held = 0;
    for (let i = 0; i < V; i++)
      if (probs[i] >= cut) {
        kept.push(i);
        held += probs[i];
      }
    // a margin for rounding: the sorted prefix sums the same terms in another order
    if (held > mass * (1 + 1e-9)) return kept.sort((a, b) => probs[b] - probs[a] || a - b);
  }
  const all: number[] = [];
  for (let i = 0; i < V; i++) if (probs[i] > 0) all.push(i);
  return all.sort((a, b) => probs[b] - probs[a] || a - b);
}

/** MinPLogitsWarper: tokens less probable than minP × the top probability are removed (the top token stays). */
export function applyMinP(scores: Float64Array, minP: number): void {
  const probs = probsOf(scores);
  let top = 0;
  for (const q of probs) if (q > top) top = q;
  for (let i = 0; i < scores.length; i++) if (probs[i] < minP * top) scores[i] = -Infinity;
}

/** One draw from softmax(scores) with `rand` in [0, 1), over the tokens left in id order. */
export function drawToken(scores: Float64Array, rand: () => number): number {
  const probs = probsOf(scores);
  let r = rand();
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    last = i;
    r -= probs[i];
    if (r < 0) return i;
  }
  return last;
}

/**
 * Whether a step's choice needs nothing but softmax(logits / T) and top-k: sampling without a repetition
 * penalty, top-p or min-p. Then the probabilities come in one batched call (src/runtime/softmax-session.ts,
 * float32) and drawFromProbs makes the draw.
 */
export function probabilitySampling(s: SamplingSettings): boolean {
  return s.doSample && s.repetitionPenalty === 1 && s.topP >= 1 && s.minP === null;
}

/**
 * One draw with `rand` in [0, 1) from probs[offset, offset+V) = softmax(logits/T) of the row, in id order.
 * Top-k as TopKLogitsWarper: tokens whose logit is below the k-th largest are left out and the rest
 * renormalised (the draw walks r·mass over what is kept, which equals a softmax over the kept tokens).
 */
export function drawFromProbs(
  probs: Float32Array,
  logits: Float32Array,
  offset: number,
  V: number,
  topK: number,
  rand: () => number,
): number {
  const kth = topK > 0 && topK < V ? kthLargest(logits.subarray(offset, offset + V), topK) : -Infinity;
  let mass = 1;
  if (kth > -Infinity) {
    mass = 0;
    for (let i = 0; i < V; i++) if (logits[offset + i] >= kth) mass += probs[offset + i];
  }
  let r = rand() * mass;
  let last = -1;
  for (let i = 0; i < V; i++) {
    const p = probs[offset + i];
    if (p === 0 || logits[offset + i] < kth) continue;
    last = i;
    r -= p;
    if (r < 0) return i;
  }
  return last;
}

let scoreScratch = new Float64Array(0);

/** The next token of one row: logits[offset, offset+V) of the model, the row's tokens so far (prompt + generated). */
export function nextToken(
  logits: Float32Array,
  offset: number,
  V: number,
  seen: Iterable<number>,
  s: SamplingSettings,
  rand: () => number,
): number {
  if (scoreScratch.length < V) scoreScratch = new Float64Array(V);
  const scores = scoreScratch.subarray(0, V);
  for (let i = 0; i < V; i++) scores[i] = logits[offset + i];
  applyRepetitionPenalty(scores, seen, s.repetitionPenalty);
  if (!s.doSample) return argmax(scores, 0, V);
  applyTemperature(scores, s.temperature!);
  if (s.topK > 0) applyTopK(scores, s.topK);
  applyTopP(scores, s.topP);
  if (s.minP !== null) applyMinP(scores, s.minP);
  return drawToken(scores, rand);
}
