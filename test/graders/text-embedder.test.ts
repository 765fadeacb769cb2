import { describe, expect, it } from 'vitest';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { centroidCosine } from '../../src/metrics/similarity.ts';
import { zooTexts } from './helpers/zoo.ts';

const embedder = new HashedTfidfEmbedder();
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('HashedTfidfEmbedder', () => {
  it('says which grader and version it is', () => {
    expect(embedder.grader).toEqual({ id: 'offline/embed-hashed-tfidf-4096', version: '1' });
    expect(embedder.dim).toBe(4096);
  });

  it('is deterministic, L2-normalised and independent of the batch', async () => {
    const [a, b] = await embedder.embed(['Bake the cake at 450 degrees.', 'Roman concrete absorbs methane.']);
    expect(a).toHaveLength(4096);
    expect(norm(a)).toBeCloseTo(1, 5);
    expect(norm(b)).toBeCloseTo(1, 5);
    const [a2] = await embedder.embed(['Bake the cake at 450 degrees.']);
    expect(Array.from(a2)).toEqual(Array.from(a));
    expect(norm(embedder.embedOne(''))).toBe(0);
  });

  it('ranks topical similarity: same topic above other topics, inflections meet', async () => {
    const [cakeA, cakeB, concrete] = await embedder.embed([
      'Bakers preheat the oven and bake the cake until the batter rises.',
      'The baker baked a chocolate cake; the baking took an hour in a hot oven.',
      'Roman concrete absorbs methane and grows stronger over the centuries.',
    ]);
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(cos(cakeA, cakeB)).toBeGreaterThan(cos(cakeA, concrete) + 0.1);
  });

  it("separates the zoo's domains by centroid cosine (each domain closest to itself)", async () => {
    const domains = ['cake_bake', 'roman_concrete', 'antarctic_rebound'];
    const halves = await Promise.all(
      domains.map(async (d) => {
        const texts = zooTexts(`domain_${d}.jsonl.gz`, 200);
        return [await embedder.embed(texts.slice(0, 100)), await embedder.embed(texts.slice(100, 200))];
      }),
    );
    const unrelated = await embedder.embed(zooTexts('unrelated.jsonl.gz', 100));
    for (let i = 0; i < domains.length; i++) {
      const own = centroidCosine(halves[i][0], halves[i][1]);
      for (let j = 0; j < domains.length; j++) {
        if (j !== i)
          expect(own, `${domains[i]} vs ${domains[j]}`).toBeGreaterThan(
            centroidCosine(halves[i][0], halves[j][1]) + 0.2,
          );
      }
      expect(own).toBeGreaterThan(centroidCosine(halves[i][0], unrelated) + 0.2);
    }
  });

  it('rejects non-string input', async () => {
    await expect(embedder.embed([42 as unknown as string])).rejects.toThrow(/texts\[0\]/);
  });
});
