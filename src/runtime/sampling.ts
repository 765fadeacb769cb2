// Next-token choice: greedy argmax, or temperature + top-p (nucleus) sampling from a seeded generator.
// sampleToken runs once per row per generated token over the whole vocabulary, so it avoids per-call
// index arrays and full sorts; every path adds the same float64 terms in the same order as the plain
// definition (probabilities in descending order, ties by token id, for top-p; token-id order without),
// so a seed gives the same tokens as before (test/runtime/sampling.test.ts checks against that definition).

export function argmax(logits: Float32Array, offset: number, V: number): number {
  let best = offset;
  for (let i = offset + 1; i < offset + V; i++) if (logits[i] > logits[best]) best = i;
  return best - offset;
}

let scratch = new Float64Array(0);

/** exp((logit − max) / temperature) per token into a reused buffer [V]; returns it and their sum. */
function weights(logits: Float32Array, offset: number, V: number, temperature: number): { probs: Float64Array; sum: number } {
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[offset + i]);
  if (scratch.length < V) scratch = new Float64Array(V);
  const probs = scratch;
  let sum = 0;
  for (let i = 0; i < V; i++) sum += probs[i] = Math.exp((logits[offset + i] - max) / temperature);
  return { probs, sum };
}

export function sampleToken(logits: Float32Array, offset: number, V: number, temperature: number, topP: number, rand: () => number): number {
  const { probs, sum } = weights(logits, offset, V, temperature);
  if (!(topP < 1)) {
    let total = 0;
    for (let i = 0; i < V; i++) total += probs[i];
    let r = rand() * total;
    for (let i = 0; i < V; i++) {
      r -= probs[i];
      if (r <= 0) return i;
    }
    return V - 1;
  }
  const order = nucleusOrder(probs, V, topP * sum);
  let keep = 0;
  for (let acc = 0; keep < order.length && acc < topP * sum; keep++) acc += probs[order[keep]];
  let total = 0;
  for (let k = 0; k < keep; k++) total += probs[order[k]];
  let r = rand() * total;
  for (let k = 0; k < keep; k++) {
    r -= probs[order[k]];
    if (r <= 0) return order[k];
  }
  return order[keep - 1];
}

/**
 * Token ids in descending probability (ties: lower id first), at least up to where the running sum
 * reaches `mass`: only tokens above a cut are sorted, the cut lowered until they hold `mass`. Every
 * token left out is below every token kept, so the prefix equals that of a full sort.
 */
function nucleusOrder(probs: Float64Array, V: number, mass: number): number[] {
  let max = 0;
  for (let i = 0; i < V; i++) if (probs[i] > max) max = probs[i];
  for (let cut = max * 1e-2; cut > max * 1e-12; cut *= 1e-2) {
    const kept: number[] = [];
    let held = 0;
    for (let i = 0; i < V; i++) if (probs[i] >= cut) {
      kept.push(i);
      held += probs[i];
    }
    // a margin for rounding: the sorted prefix sums the same terms in another order
    if (held > mass * (1 + 1e-9)) return kept.sort((a, b) => probs[b] - probs[a] || a - b);
  }
  return Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
}
