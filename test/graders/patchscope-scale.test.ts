import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { ScaleCandidate } from '../../src/method/graders.ts';
import { UnembeddingScaleGrader, isScaleGradingNoise } from '../../graders/offline/patchscope-scale.ts';

const DIM = 64;

/** A random unembedding table with a planted cluster: ids 1000..1009 are close to one direction. */
function plantedTable(seed: string) {
  const rng = seedrandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const direction = Float32Array.from({ length: DIM }, gauss);
  const table = new Map<number, Float32Array>();
  return (id: number): Float32Array => {
    if (!table.has(id)) {
      const noise = Float32Array.from({ length: DIM }, gauss);
      table.set(id, id >= 1000 && id < 1010 ? direction.map((d, i) => d + 0.3 * noise[i]) : noise);
    }
    return table.get(id)!;
  };
}

const scales = [0.5, 1, 2, 5, 10, 20, 50, 100, 200];
/** 20 tokens per scale; the cluster sits at `clusterScale` (8 of its tokens among random ones). */
function candidates(clusterScale: number, seed: string): ScaleCandidate[] {
  const rng = seedrandom(seed);
  return scales.map((scale, s) => {
    const ids = Array.from({ length: 20 }, (_, i) => 100 + s * 20 + i);
    if (scale === clusterScale) for (let k = 0; k < 8; k++) ids[Math.floor(rng() * 20)] = 1000 + k;
    const unique = [...new Set(ids)];
    return { scale, tokenIds: unique, tokens: unique.map((id) => (id >= 1000 ? ` cluster${id}` : ` tok${id}`)) };
  });
}

describe('UnembeddingScaleGrader', () => {
  it('says which grader and version it is', () => {
    const g = new UnembeddingScaleGrader({ unembedding: plantedTable('a') });
    expect(g.grader.id).toBe('offline/patchscope-scale-unembedding');
    expect(g.grader.version).toBe('1');
  });

  it.each([0.5, 2, 20, 200])(
    'picks the scale holding the planted cluster (%s) and selects the cluster',
    async (clusterScale) => {
      const g = new UnembeddingScaleGrader({ unembedding: plantedTable(`t${clusterScale}`) });
      const c = candidates(clusterScale, `c${clusterScale}`);
      const choice = await g.choose(c);
      expect(choice.bestScale).toBe(clusterScale);
      const cluster = c.find((x) => x.scale === clusterScale)!.tokens.filter((t) => t.startsWith(' cluster'));
      expect(cluster.length).toBeGreaterThanOrEqual(5);
      expect([...choice.selectedTokens].sort()).toEqual([...cluster].sort());
    },
  );

  it('prefers the scale with more coherent tokens', async () => {
    const unembedding = plantedTable('more');
    const g = new UnembeddingScaleGrader({ unembedding });
    const choice = await g.choose([
      { scale: 1, tokens: [' a1', ' a2', ' x1', ' x2'], tokenIds: [1000, 1001, 1, 2] },
      { scale: 2, tokens: [' b1', ' b2', ' b3', ' b4', ' b5', ' x3'], tokenIds: [1002, 1003, 1004, 1005, 1006, 3] },
    ]);
    expect(choice).toEqual({ bestScale: 2, selectedTokens: [' b1', ' b2', ' b3', ' b4', ' b5'] });
  });

  it("drops punctuation, '->'/'=>' and generic tokens before judging", async () => {
    // The cluster vectors are attached to noise tokens here: they must not make scale 1 win.
    const g = new UnembeddingScaleGrader({ unembedding: plantedTable('noise') });
    const choice = await g.choose([
      { scale: 1, tokens: [' ->', '=>', ' the', '...', ' a->b'], tokenIds: [1000, 1001, 1002, 1003, 1004] },
      { scale: 2, tokens: [' c1', ' c2', ' c3'], tokenIds: [1005, 1006, 1007] },
    ]);
    expect(choice.bestScale).toBe(2);
    expect(isScaleGradingNoise(' ->')).toBe(true);
    expect(isScaleGradingNoise(' cake')).toBe(false);
  });

  it('falls back to the first scale with a non-trivial token when nothing is coherent', async () => {
    const g = new UnembeddingScaleGrader({ unembedding: plantedTable('fallback') });
    expect(
      await g.choose([
        { scale: 1, tokens: [' ,', ' the'], tokenIds: [1, 2] },
        { scale: 3, tokens: [' lone'], tokenIds: [3] },
      ]),
    ).toEqual({ bestScale: 3, selectedTokens: [' lone'] });
    expect(await g.choose([{ scale: 4, tokens: ['.'], tokenIds: [1] }])).toEqual({ bestScale: 4, selectedTokens: [] });
  });

  it('rejects candidates without parallel token ids', async () => {
    const g = new UnembeddingScaleGrader({ unembedding: plantedTable('bad') });
    await expect(g.choose([{ scale: 1.5, tokens: [' a', ' b'] }])).rejects.toThrow(/scale 1.5 needs tokenIds/);
    await expect(g.choose([])).rejects.toThrow(/no scales/);
  });
});
