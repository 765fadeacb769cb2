// sampleToken's fast paths against the plain definition (softmax with temperature, full stable sort,
// nucleus prefix, one uniform draw): same token for the same draw, with and without top-p, with ties.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { sampleToken } from '../../src/runtime/sampling.ts';

function reference(logits: Float32Array, offset: number, V: number, temperature: number, topP: number, rand: () => number): number {
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

describe('sampleToken', () => {
  const V = 2000;
  const rng = seedrandom('sampling-test');
  // rows: peaked, flat, and coarse (many exact ties)
  const rows = [
    Float32Array.from({ length: V }, () => 8 * (rng() - 0.5)),
    Float32Array.from({ length: V }, () => 0.01 * rng()),
    Float32Array.from({ length: V }, () => Math.round(4 * rng())),
    Float32Array.from({ length: V }, (_, i) => (i === 7 ? 30 : rng())),
  ];
  const logits = new Float32Array(2 * V);
  for (const [temperature, topP] of [[0.8, 1], [1.2, 1], [0.8, 0.9], [1.1, 0.95], [0.5, 0.3], [1, 0.999999]] as const) {
    it(`matches the plain definition at T=${temperature}, top-p=${topP}`, () => {
      for (const row of rows) {
        logits.set(row, V); // offset V: the row is not at the start of the buffer
        for (let draw = 0; draw < 60; draw++) {
          const u = rng();
          expect(sampleToken(logits, V, V, temperature, topP, () => u)).toBe(reference(logits, V, V, temperature, topP, () => u));
        }
      }
    });
  }
});
