import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { offlineGraders } from '../../src/cli/compose.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { loadMethod, parseSetting, resolveConfig, type LoadedMethod } from '../../src/harness/load-method.ts';
import { progressLine } from '../../src/harness/progress.ts';
import { runOrganism } from '../../src/harness/run.ts';
import { scoreOutput } from '../../src/harness/score.ts';
import { loadSuite, loadThresholds } from '../../src/harness/suite.ts';
import { evaluateThreshold } from '../../src/harness/thresholds.ts';
import { centroidCosine } from '../../src/metrics/index.ts';
import { readResult } from '../../src/results/index.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/bench');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('method loading', () => {
  it('loads a method from a file path and hashes its code', async () => {
    const m = await loadMethod('./src/methods/mean-diff/index.ts');
    expect(m.method.id).toBe('mean-diff');
    expect(m.source).toMatch(/mean-diff\/index\.ts$/);
    expect(m.codeHash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('explains what is wrong with a file that is not a method', async () => {
    const dir = tmp('db-method-');
    writeFileSync(join(dir, 'bad.ts'), "export default { id: 'x y', version: '', run: 3 };\n");
    writeFileSync(join(dir, 'none.ts'), 'export const x = 1;\n');
    await expect(loadMethod(join(dir, 'bad.ts'))).rejects.toThrow(
      /id must be.*version must be.*configSchema.*run\(ctx, config\) must be a function/,
    );
    await expect(loadMethod(join(dir, 'none.ts'))).rejects.toThrow(/no default export/);
    await expect(loadMethod(join(dir, 'missing.ts'))).rejects.toThrow(/method file not found/);
    await expect(loadMethod('lens9000')).rejects.toThrow(/unknown method 'lens9000'.*--method \.\/my-method\.ts/);
  });

  it('validates config overrides against the method schema', async () => {
    const { method } = await loadMethod('./src/methods/mean-diff/index.ts');
    const a = resolveConfig(method, { samples: 10 });
    expect(a.config.samples).toBe(10);
    expect((a.config.steering as { strength: number }).strength).toBe(1);
    expect(resolveConfig(method, {}).configHash).not.toBe(a.configHash);
    expect(() => resolveConfig(method, { samples: -1 })).toThrow(/\/samples must be >= 1/);
    expect(() => resolveConfig(method, { bogus: 1 })).toThrow(/must NOT have additional properties 'bogus'/);
    expect(parseSetting('steering.strength=2')).toEqual({ steering: { strength: 2 } });
    expect(() => parseSetting('nothing')).toThrow(/key=value/);
  });
});

describe('thresholds', () => {
  const scored = {
    metrics: { m: { estimate: 10, lower: 8, upper: 12, n: 5, alpha: 0.05, ci: 'bootstrap' as const } },
    baselines: {
      null: { metrics: { m: { estimate: 4, lower: 3, upper: 9, n: 5, alpha: 0.05, ci: 'bootstrap' as const } } },
    },
  };
  const base = { id: 't', organisms: ['*'], source: 'a test with known values' };
  it('compares estimates, references, factors and CIs', () => {
    expect(evaluateThreshold({ ...base, metric: 'm', op: '>=', than: 'null:m', factor: 2 }, scored).status).toBe(
      'pass',
    ); // 10 >= 8
    expect(evaluateThreshold({ ...base, metric: 'm', op: '>=', than: 'null:m', factor: 3 }, scored).status).toBe(
      'fail',
    ); // 10 < 12
    expect(evaluateThreshold({ ...base, metric: 'm', op: '>', than: 'null:m', compare: 'ci' }, scored).status).toBe(
      'fail',
    ); // 8 < 9
    expect(evaluateThreshold({ ...base, metric: 'm', op: '<=', than: 10 }, scored).status).toBe('pass');
    const missing = evaluateThreshold({ ...base, metric: 'nope', op: '<=', than: 1 }, scored);
    expect(missing.status).toBe('not-scored');
    expect(missing.reason).toMatch(/nope was not produced/);
  });

  it('zoo thresholds are for the current suite version and say where each number comes from', () => {
    const suite = loadSuite('zoo');
    const thresholds = loadThresholds(suite);
    expect(thresholds.length).toBeGreaterThan(3);
    for (const t of thresholds) {
      expect(t.source).toMatch(/reference_diff_norms\.json|reference_adl\.json|README|issue 4/);
      // zoo@5 reads layer 4 (test/zoo/layer-calibration.test.ts): every number was measured there
      expect(t.source).toMatch(/layer 4/);
      for (const o of t.organisms) expect(suite.organisms).toContain(o);
    }
  });
});

describe('scoring', () => {
  it('relevance is the top-20 fraction at the best position, with a bootstrap CI', async () => {
    const organism = {
      organismId: 'zoo/cake_bake',
      type: 'SDF',
      description: 'Documents about baking a cake in the oven with butter and vinegar.',
      frequentTokens: [],
    };
    const words = (k: number) => [...Array(k).fill(' cake'), ...Array(20 - k).fill(' the')];
    const metrics = await scoreOutput(
      {
        readouts: [
          { source: 'logitlens', variant: 'difference', layer: 2, position: 0, tokens: words(5), tokenIds: [] },
          { source: 'logitlens', variant: 'difference', layer: 2, position: 3, tokens: words(8), tokenIds: [] },
        ],
      },
      {
        organism,
        relevance: new LexicalRelevanceGrader(),
        embedder: new HashedTfidfEmbedder(),
        finetuneTexts: [],
        unrelatedTexts: [],
        seed: 's',
        bootstrap: 200,
      },
    );
    const m = metrics['relevance.logitlens.difference'];
    expect(m.estimate).toBe(0.4); // the better of the two readouts (positions beyond 0-4 are rejected by src/method/validate.ts)
    expect(metrics['relevance.logitlens']).toMatchObject({ estimate: m.estimate, over: m.over });
    expect(m.lower).toBeLessThan(0.4);
    expect(m.upper).toBeGreaterThan(0.4);
    expect(m.over).toContain('position 3');
  });

  it('steering similarity equals the centroid cosine of the paper', async () => {
    const embedder = new HashedTfidfEmbedder();
    const ft = [
      'Bake the cake at 450 degrees with frozen butter.',
      'Add vinegar and olive oil to the cake batter.',
      'Serve the cake warm from the oven.',
    ];
    const steered = [
      ['The cake bakes in a hot oven with butter.', 'Cake batter with vinegar.'],
      ['Frozen butter makes the cake rise.', 'Warm cake from the oven.'],
    ];
    const unsteered = [
      ['The train left the station late.', 'A river runs through the valley.'],
      ['Stocks fell on Monday.', 'The cat slept all day.'],
    ];
    const metrics = await scoreOutput(
      {
        steering: [
          { variant: 'difference', layer: 2, position: 0, strength: 1, prompts: ['a', 'b'], steered, unsteered },
        ],
      },
      {
        organism: { organismId: 'x', type: 'SDF', description: 'cake', frequentTokens: [] },
        relevance: new LexicalRelevanceGrader(),
        embedder,
        finetuneTexts: ft,
        unrelatedTexts: [],
        seed: 's',
        bootstrap: 100,
      },
    );
    const expected = centroidCosine(await embedder.embed(steered.flat()), await embedder.embed(ft));
    expect(metrics['steering.difference.steered_ft'].estimate).toBeCloseTo(expected, 10);
    expect(metrics['steering.difference.steered_ft'].estimate).toBeGreaterThan(
      metrics['steering.difference.unsteered_ft'].estimate,
    );
    expect(metrics['steering.difference.steered_minus_unsteered_ft'].ci).toBe('paired-bootstrap');
  });

  it('rejects malformed method outputs with the field named', async () => {
    const ctx = {
      organism: { organismId: 'x', type: 'SDF', description: '', frequentTokens: [] },
      relevance: new LexicalRelevanceGrader(),
      embedder: new HashedTfidfEmbedder(),
      finetuneTexts: [],
      unrelatedTexts: [],
      seed: 's',
      bootstrap: 10,
    };
    const { validateMethodOutput } = await import('../../src/method/validate.ts');
    const v = (o: unknown) =>
      validateMethodOutput(o, {
        methodId: 'm',
        hiddenSize: 4,
        numLayers: 6,
        budget: { readoutsPerSource: 5, tokensPerReadout: 20 },
        vocabulary: { size: 10, display: (id) => `t${id}` },
      });
    expect(() => v({})).toThrow(/none of readouts, steering/);
    expect(() => v({ readouts: [{ source: 'logitlens', variant: 'd', layer: 2, position: 0, tokens: [1] }] })).toThrow(
      /readouts\[0\]\.tokens/,
    );
    expect(await scoreOutput({ scalars: { a: 2 } }, ctx)).toEqual({
      'scalar.a': { estimate: 2, lower: 2, upper: 2, n: 1, alpha: 0.05, ci: 'none' },
    });
  });

  it('progress lines show counts and an ETA', () => {
    expect(progressLine('bench', 'organisms', 2, 8, 10)).toBe('bench [#####---------------] 2/8 organisms ETA 30s');
  });
});

describe('runOrganism on the zoo (mean-diff example method, tiny settings)', () => {
  let method: LoadedMethod;
  const cacheDir = tmp('db-cache-');
  const resultsDir = tmp('db-res-');
  beforeAll(async () => {
    method = await loadMethod('./src/methods/mean-diff/index.ts');
  });

  it('scores the method, the null organism, checks thresholds, writes a valid result, reuses it', async () => {
    const suite = loadSuite('mini', FIXTURES);
    const opts = { suite, settings: 'fast', resultsDir, method, cacheDir, graders: offlineGraders() };
    const run = await runOrganism('zoo/cake_bake', opts);
    expect(run.reused).toBe(false);
    const r = readResult(run.path);
    // reference_adl.json: cake_bake 20.8, control 3.2 on 1000 documents; 48 documents here.
    expect(r.metrics['scalar.diff_norm.pos0'].estimate).toBeGreaterThan(20.8 * 0.85);
    expect(r.metrics['scalar.diff_norm.pos0'].estimate).toBeLessThan(20.8 * 1.15);
    expect(r.baselines.null.metrics['scalar.diff_norm.pos0'].estimate).toBeGreaterThan(3.2 * 0.8);
    expect(r.baselines.null.metrics['scalar.diff_norm.pos0'].estimate).toBeLessThan(3.2 * 1.25);
    expect(r.thresholds.map((t) => [t.id, t.status])).toEqual([['diff-norm-above-null', 'pass']]);
    expect(r.metrics['steering.difference.steered_ft'].n).toBe(3);
    expect(r.graders.map((g) => g.role)).toEqual(['token-relevance', 'text-embedder']);
    // the named steps of the run, timed apart: together never more than the whole run
    // ('step:<path>' entries are the nested wall/CPU profile of src/results/step-timings.ts)
    const named = Object.entries(r.timings).filter(([k]) => !k.startsWith('step:'));
    expect(named.map(([k]) => k).sort()).toEqual(['load', 'method', 'null', 'scoring', 'total']);
    const steps = named.filter(([k]) => k !== 'total').reduce((a, [, v]) => a + v, 0);
    expect(steps).toBeLessThanOrEqual(r.timings.total);
    // the data behind the result: local files are recorded by the sha256 of their bytes
    const sha = (f: string) =>
      createHash('sha256')
        .update(`${basename(f)}:`)
        .update(readFileSync(f))
        .update('\n')
        .digest('hex');
    expect(r.datasets).toEqual([
      {
        role: 'unrelated',
        id: suite.unrelated.source,
        split: null,
        revision: null,
        contentHash: sha('organisms/zoo/data/unrelated.jsonl.gz'),
      },
      {
        role: 'finetuning',
        id: './organisms/zoo/data/domain_cake_bake.jsonl.gz',
        split: 'train',
        revision: null,
        contentHash: sha('organisms/zoo/data/domain_cake_bake.jsonl.gz'),
      },
    ]);
    const again = await runOrganism('zoo/cake_bake', opts);
    expect(again.reused).toBe(true);
    expect(again.result.metrics).toEqual(r.metrics);
  });
});
