// The steering-similarity series as the paper takes them (docs/toolkit.md#steering-similarity): St-FT, USt-FT, St-Chat and USt-Chat each
// maximised over positions on its own; the chat series only with a chat dataset. A lookup embedder makes every
// value computable by hand.
import { describe, expect, it } from 'vitest';
import { scoreOutput, type ScoringContext } from '../../src/harness/score.ts';
import type { TextEmbedder } from '../../src/method/graders.ts';
import type { SteeringSamples } from '../../src/method/types.ts';

const r = Math.SQRT1_2;
const VECTORS: Record<string, number[]> = { F: [1, 0, 0], C: [0, 1, 0], N: [0, 0, 1], FC: [r, r, 0] };
const embedder: TextEmbedder = {
  grader: { id: 'test/lookup', version: '1' },
  dim: 3,
  embed: async (texts) => texts.map((t) => Float32Array.from(VECTORS[t] ?? [0, 0, 0])),
};

const entry = (position: number, steered: string[], unsteered: string[]): SteeringSamples => ({
  variant: 'difference',
  layer: 2,
  position,
  strength: 1,
  prompts: ['p', 'q'],
  steered: steered.map((t) => [t]),
  unsteered: unsteered.map((t) => [t]),
});
// position 0: St-FT 1, USt-FT 0; position 1: USt-FT 0.5 (its maximum); position 2: St-Chat 1, USt-Chat (r + 1) / 2
const steering = [
  entry(0, ['F', 'F'], ['N', 'N']),
  entry(1, ['FC', 'N'], ['F', 'N']),
  entry(2, ['C', 'C'], ['FC', 'C']),
];

const ctx = (chatTexts?: string[]): ScoringContext => ({
  organism: { organismId: 'x', type: 'SDF', description: 'd', frequentTokens: [] },
  relevance: {
    grader: { id: 'none', version: '1' },
    grade: async (_c, cands) => cands.map(() => 'IRRELEVANT' as const),
  },
  embedder,
  finetuneTexts: ['F', 'F'],
  unrelatedTexts: [],
  chatTexts,
  seed: 's',
  bootstrap: 50,
});

describe('steering similarity series', () => {
  it('USt-FT is maximised over positions on its own, not taken at the position of the best St-FT', async () => {
    const m = await scoreOutput({ steering }, ctx());
    expect(m['steering.difference.steered_ft'].estimate).toBeCloseTo(1, 12);
    expect(m['steering.difference.steered_ft'].over).toMatch(/position 0/);
    expect(m['steering.difference.unsteered_ft'].estimate).toBeCloseTo(0.5, 12);
    expect(m['steering.difference.unsteered_ft'].over).toMatch(/position 1/);
    // the paired difference stays at St-FT's position (its own unsteered samples)
    expect(m['steering.difference.steered_minus_unsteered_ft'].estimate).toBeCloseTo(1, 12);
  });

  it('St-Chat and USt-Chat against the chat replies, each at its own best position; absent without a chat dataset', async () => {
    const m = await scoreOutput({ steering }, ctx(['C', 'C', 'C']));
    expect(m['steering.difference.steered_chat'].estimate).toBeCloseTo(1, 12);
    expect(m['steering.difference.unsteered_chat'].estimate).toBeCloseTo((r + 1) / 2, 12);
    expect(m['steering.difference.unsteered_chat'].over).toMatch(/position 2/);
    const none = await scoreOutput({ steering }, ctx([]));
    expect(Object.keys(none).filter((k) => k.endsWith('_chat'))).toEqual([]);
  });
});
