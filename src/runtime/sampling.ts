// Next-token choice: greedy argmax, or temperature + top-p (nucleus) sampling from a seeded generator.

export function argmax(logits: Float32Array, offset: number, V: number): number {
  let best = offset;
  for (let i = offset + 1; i < offset + V; i++) if (logits[i] > logits[best]) best = i;
  return best - offset;
}

export function sampleToken(logits: Float32Array, offset: number, V: number, temperature: number, topP: number, rand: () => number): number {
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[offset + i]);
  const probs = new Float64Array(V);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += probs[i] = Math.exp((logits[offset + i] - max) / temperature);
  const order = Array.from({ length: V }, (_, i) => i);
  let keep = V;
  if (topP < 1) {
    order.sort((a, b) => probs[b] - probs[a]);
    let acc = 0;
    for (keep = 0; keep < V && acc < topP * sum; keep++) acc += probs[order[keep]];
  }
  let total = 0;
  for (let k = 0; k < keep; k++) total += probs[order[k]];
  let r = rand() * total;
  for (let k = 0; k < keep; k++) {
    r -= probs[order[k]];
    if (r <= 0) return order[k];
  }
  return order[keep - 1];
}
