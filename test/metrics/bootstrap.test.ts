import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { bootstrapCI, mean, pairedBootstrapCI } from '../../src/metrics/bootstrap.ts';
import { centroidCosine } from '../../src/metrics/similarity.ts';

function normals(n: number, mu: number, sigma: number, seed: string): number[] {
  const rng = seedrandom(seed);
  return Array.from(
    { length: n },
    () => mu + sigma * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
}

describe('bootstrapCI', () => {
  it('is reproducible for a seed and changes with the seed', () => {
    const x = normals(50, 0, 1, 'x');
    const a = bootstrapCI(x, mean, { seed: 's1' });
    expect(bootstrapCI(x, mean, { seed: 's1' })).toEqual(a);
    expect(bootstrapCI(x, mean, { seed: 's2' }).lower).not.toBe(a.lower);
    expect(a.estimate).toBeCloseTo(mean(x), 12);
    expect(a.n).toBe(1000);
    expect(a.alpha).toBe(0.05);
  });

  it('matches the normal-theory interval of a mean (±1.96 s/√n) within 15%', () => {
    const x = normals(400, 3, 2, 'normal');
    const ci = bootstrapCI(x, mean, { n: 2000, seed: 'ci' });
    const s = Math.sqrt(x.reduce((acc, v) => acc + (v - mean(x)) ** 2, 0) / (x.length - 1));
    const half = (1.96 * s) / Math.sqrt(x.length);
    expect(ci.lower).toBeLessThan(ci.estimate);
    expect(ci.upper).toBeGreaterThan(ci.estimate);
    expect((ci.upper - ci.lower) / 2).toBeGreaterThan(half * 0.85);
    expect((ci.upper - ci.lower) / 2).toBeLessThan(half * 1.15);
  });

  it('covers the true mean about 95% of the time', () => {
    let covered = 0;
    for (let t = 0; t < 100; t++) {
      const ci = bootstrapCI(normals(40, 5, 1, `cov${t}`), mean, { n: 300, seed: `b${t}` });
      if (ci.lower <= 5 && 5 <= ci.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(85); // 95% nominal; percentile CIs run slightly narrow at n = 40
  });

  it('rejects bad input', () => {
    expect(() => bootstrapCI([], mean, { seed: 'x' })).toThrow(/no samples/);
    expect(() => bootstrapCI([1], mean, { seed: 'x', alpha: 1 })).toThrow(/alpha/);
  });
});

describe('pairedBootstrapCI', () => {
  it('is much narrower than an unpaired one when the pairs share noise', () => {
    const shared = normals(60, 0, 5, 'shared');
    const a = shared.map((v, i) => v + 1 + 0.1 * normals(60, 0, 1, 'na')[i]);
    const b = shared.map((v, i) => v + 0.1 * normals(60, 0, 1, 'nb')[i]);
    const paired = pairedBootstrapCI(a, b, mean, mean, { seed: 'p' });
    expect(paired.estimate).toBeCloseTo(mean(a) - mean(b), 12);
    expect(paired.lower).toBeGreaterThan(0.8);
    expect(paired.upper).toBeLessThan(1.2);
    const unpairedWidth = bootstrapCI(a, mean, { seed: 'u' }).upper - bootstrapCI(a, mean, { seed: 'u' }).lower;
    expect(paired.upper - paired.lower).toBeLessThan(unpairedWidth / 5);
    expect(() => pairedBootstrapCI([1, 2], [1], mean, mean, { seed: 'x' })).toThrow(/differ in length/);
  });
});

describe('bootstrap over embeddings (steering similarity)', () => {
  it('gives a CI around the centroid cosine of steered samples vs finetuning texts', () => {
    const rng = seedrandom('emb');
    const topic = Float32Array.from({ length: 32 }, () => rng() - 0.5);
    const near = (k: number) => Array.from({ length: k }, () => topic.map((t) => t + 0.5 * (rng() - 0.5)));
    const far = (k: number) => Array.from({ length: k }, () => Float32Array.from({ length: 32 }, () => rng() - 0.5));
    const finetune = near(50);
    const steered = bootstrapCI(near(40), (s) => centroidCosine(s, finetune), { seed: 'st' });
    const control = bootstrapCI(far(40), (s) => centroidCosine(s, finetune), { seed: 'ct' });
    expect(steered.lower).toBeLessThanOrEqual(steered.estimate);
    expect(steered.upper).toBeGreaterThanOrEqual(steered.estimate);
    expect(steered.lower).toBeGreaterThan(control.upper);
  });
});
