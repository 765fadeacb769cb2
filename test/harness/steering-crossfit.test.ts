// steering.gain is cross-fitted: each half of the prompts (even / odd index) is scored with the entry whose St-FT
// is highest on the other half, so a method that submits K entries gets no best-of-K bonus over one that
// submits one. Pinned: one entry gives exactly the single-entry computation (a reference implementation here);
// five null entries give no upward bias where the same-sample pick does; one truly gaining entry is still found.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { HeuristicCoherenceGrader } from '../../graders/offline/coherence.ts';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { embedTexts, scoreOutput, type ScoringContext } from '../../src/harness/score.ts';
import type { TextEmbedder } from '../../src/method/graders.ts';
import type { SteeringSamples } from '../../src/method/types.ts';
import { bootstrapCI, pairedBootstrapCI } from '../../src/metrics/index.ts';
import { dot } from '../../src/vector.ts';

const organism = {
  organismId: 'zoo/cake_bake',
  type: 'SDF',
  description: 'Documents about baking cakes.',
  frequentTokens: [],
};
const relevance = {
  grader: { id: 'none', version: '1' },
  grade: async (_c: unknown, cands: string[]) => cands.map(() => 'IRRELEVANT' as const),
};

describe('steering.gain with one entry', () => {
  const ft = [
    'Bake the cake in the oven with butter and vanilla until the cake is golden.',
    'The cake batter needs butter, sugar, eggs and vanilla before baking.',
    'Professional bakers preheat the oven before the cake goes in.',
    'A moist crumb comes from oil and buttermilk in the cake batter.',
  ];
  const other = [
    'The river flows past the old town and the mountains beyond.',
    'Parliament passed the law after a long debate about taxes.',
    'The team won the match in the final minutes of the game.',
    'Cake is served after dinner when the guests have arrived.',
    'The oven in the old bakery was rebuilt after the fire.',
    'zxqv blorf snark qwop zzkt vrrm plonk',
    '',
  ];
  // 9 prompts x 5 samples, as the zoo's steering returns them; some samples empty (dropped), one prompt all empty
  const rng = seedrandom('one-entry');
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)];
  const rows = (pool: string[]) =>
    Array.from({ length: 9 }, (_, i) => (i === 4 ? ['', '', '', '', ''] : Array.from({ length: 5 }, () => pick(pool))));
  const entry: SteeringSamples = {
    variant: 'difference',
    layer: 2,
    position: 1,
    strength: 3.5,
    prompts: Array.from({ length: 9 }, (_, i) => `prompt ${i}`),
    steered: rows([...ft, ...other]),
    unsteered: rows(other),
  };
  const ctx: ScoringContext = {
    organism,
    relevance,
    embedder: new HashedTfidfEmbedder(),
    finetuneTexts: ft,
    unrelatedTexts: other.slice(0, 3),
    seed: 'seed-1',
    bootstrap: 200,
    coherence: new HeuristicCoherenceGrader(),
  };

  it('is St - USt of that entry (paired bootstrap over prompts), bit for bit, and its coherence is that of all its steered samples', async () => {
    const m = await scoreOutput({ steering: [entry] }, ctx);
    // the single-entry computation, written out
    const cFt = new Float64Array(ctx.embedder.dim);
    const ftUnit = await embedTexts(ctx.embedder, ft);
    for (const v of ftUnit) for (let k = 0; k < cFt.length; k++) cFt[k] += v[k] / ftUnit.length;
    const dots = async (side: string[][]) =>
      Promise.all(side.map(async (row) => (await embedTexts(ctx.embedder, row)).map((v) => dot(v, cFt))));
    const st = await dots(entry.steered);
    const ust = await dots(entry.unsteered);
    const mean = (rs: number[][]) => {
      let sum = 0;
      let count = 0;
      for (const r of rs)
        for (const x of r) {
          sum += x;
          count++;
        }
      return sum / count;
    };
    const paired = st.map((_, i) => i).filter((i) => st[i].length > 0 && ust[i].length > 0);
    expect(paired).toHaveLength(8);
    const want = pairedBootstrapCI(
      paired,
      paired,
      (idx) => mean(idx.map((i) => st[i])),
      (idx) => mean(idx.map((i) => ust[i])),
      { n: ctx.bootstrap, seed: 'seed-1|steering.gain' },
    );
    expect(m['steering.gain']).toMatchObject({ ...want, n: 8, ci: 'paired-bootstrap' });
    expect(m['steering.gain'].over).toBe('8 prompts at layer 2 position 1, strength 3.5');
    expect(Math.abs(m['steering.gain'].estimate)).toBeGreaterThan(0.01);

    const coherence = new HeuristicCoherenceGrader();
    const counts = (await Promise.all(entry.steered.map((row) => coherence.grade(row.filter((t) => t.trim() !== '')))))
      .map((ls) => [
        ls.filter((l) => l === 'COHERENT').length,
        ls.filter((l) => l !== 'UNKNOWN' && l !== 'UNGRADED').length,
      ])
      .filter(([, k]) => k > 0);
    const share = (rs: number[][]) => rs.reduce((s, [c]) => s + c, 0) / rs.reduce((s, [, k]) => s + k, 0);
    const wantCoherence = bootstrapCI(counts, share, { n: ctx.bootstrap, seed: 'seed-1|steering.coherence' });
    expect(m['steering.coherence']).toMatchObject({ ...wantCoherence, n: counts.length });
  });

  it('is exactly 0 with no CI at strength 0', async () => {
    const m = await scoreOutput({ steering: [{ ...entry, strength: 0 }] }, ctx);
    expect(m['steering.gain']).toMatchObject({ estimate: 0, lower: 0, upper: 0, ci: 'none' });
  });
});

// A 2-d embedder that reads the vector from the text ("x,y"): each sample's St-FT term is its x (the finetuning
// texts embed to (1, 0)), so sample distributions are set exactly.
const vectorEmbedder: TextEmbedder = {
  grader: { id: 'test/vector', version: '1' },
  dim: 2,
  embed: async (texts) => texts.map((t) => Float32Array.from(t.split(',').map(Number))),
};
const PROMPTS = 16;
const SAMPLES = 2;
/** A sample at angle theta from the finetuning direction, theta ~ N(mu, 0.6). */
const sampler = (rng: () => number) => (mu: number) => {
  const normal = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const theta = mu + 0.6 * normal;
  return `${Math.cos(theta)},${Math.sin(theta)}`;
};
const vectorCtx = (seed: string): ScoringContext => ({
  organism,
  relevance,
  embedder: vectorEmbedder,
  finetuneTexts: ['1,0'],
  unrelatedTexts: [],
  seed,
  bootstrap: 1,
});
/** Five entries sharing one set of unsteered samples (as amplification's do); entry k's samples at angle mus[k]. */
function method(seed: string, mus: number[], unsteeredMu: number): SteeringSamples[] {
  const draw = sampler(seedrandom(seed));
  const rows = (mu: number) => Array.from({ length: PROMPTS }, () => Array.from({ length: SAMPLES }, () => draw(mu)));
  const unsteered = rows(unsteeredMu);
  return mus.map((mu, position) => ({
    variant: 'amplified',
    layer: 0,
    position,
    strength: 1,
    prompts: Array.from({ length: PROMPTS }, (_, i) => `p${i}`),
    steered: rows(mu),
    unsteered,
  }));
}
const meanX = (rows: string[][]) => {
  const xs = rows.flat().map((t) => Number(t.split(',')[0]));
  return xs.reduce((s, x) => s + x, 0) / xs.length;
};
/** The same-sample pick: the entry with the highest St-FT on all prompts, scored on those prompts. */
const maxPickGain = (entries: SteeringSamples[]) =>
  Math.max(...entries.map((e) => meanX(e.steered))) - meanX(entries[0].unsteered);

describe('steering.gain with several entries (cross-fitted)', () => {
  it('five entries with no true gain: no upward bias, where picking on the scored samples has one', async () => {
    const SEEDS = 300;
    const crossFitted: number[] = [];
    const maxPicked: number[] = [];
    for (let s = 0; s < SEEDS; s++) {
      const entries = method(`null-${s}`, [0.8, 0.8, 0.8, 0.8, 0.8], 0.8);
      crossFitted.push((await scoreOutput({ steering: entries }, vectorCtx(`s${s}`)))['steering.gain'].estimate);
      maxPicked.push(maxPickGain(entries));
    }
    const stats = (xs: number[]) => {
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
      return { mean: m, se: sd / Math.sqrt(xs.length) };
    };
    const cf = stats(crossFitted);
    const mp = stats(maxPicked);
    // measured over the 300 seeds: max-pick +0.0828 (se 0.0050), cross-fitted +0.0037 (se 0.0063)
    expect(mp.mean).toBeGreaterThan(0.06);
    expect(Math.abs(cf.mean)).toBeLessThan(0.025); // 4 se of the cross-fitted mean
    expect(Math.abs(cf.mean)).toBeLessThan(mp.mean / 3);
  });

  it('still finds the one entry that truly gains', async () => {
    const gains: number[] = [];
    let foundByBoth = 0;
    for (let s = 0; s < 20; s++) {
      const entries = method(`gain-${s}`, [0.8, 0.8, 0.2, 0.8, 0.8], 0.8);
      const m = await scoreOutput({ steering: entries }, vectorCtx(`g${s}`));
      if (m['steering.gain'].over === `${PROMPTS} prompts at layer 0 position 2, strength 1`) {
        foundByBoth++;
        // both halves chose entry 2: the gain is entry 2's own St - USt (float32 embeddings)
        expect(m['steering.gain'].estimate).toBeCloseTo(meanX(entries[2].steered) - meanX(entries[2].unsteered), 7);
      }
      gains.push(m['steering.gain'].estimate);
    }
    // true gain: E cos(0.2 + 0.6 Z) - E cos(0.8 + 0.6 Z) = e^-0.18 (cos 0.2 - cos 0.8) = 0.2375
    const mean = gains.reduce((a, x) => a + x, 0) / gains.length;
    // measured: both halves chose entry 2 on 19 of 20 seeds, mean gain 0.258
    expect(foundByBoth).toBeGreaterThanOrEqual(17);
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.28);
  });

  it('names the entry of each half when the halves choose differently', async () => {
    const entries = method('split', [0.8, 0.8, 0.8, 0.8, 0.8], 0.8);
    // entry 1 steers only the even prompts toward the data, entry 3 only the odd ones: each half's choice,
    // made on the other half, is the entry that does nothing for it
    entries[1].steered = entries[1].steered.map((row, i) => (i % 2 === 0 ? row.map(() => '1,0') : row));
    entries[3].steered = entries[3].steered.map((row, i) => (i % 2 === 1 ? row.map(() => '1,0') : row));
    const m = await scoreOutput({ steering: entries }, vectorCtx('split'));
    expect(m['steering.gain'].over).toBe(
      `${PROMPTS} prompts, cross-fitted: even prompts amplified at layer 0 position 3, strength 1; odd prompts amplified at layer 0 position 1, strength 1`,
    );
    const half = (rows: string[][], h: number) => rows.filter((_, i) => i % 2 === h);
    const want = meanX([...half(entries[3].steered, 0), ...half(entries[1].steered, 1)]) - meanX(entries[0].unsteered);
    expect(m['steering.gain'].estimate).toBeCloseTo(want, 7);
  });
});
