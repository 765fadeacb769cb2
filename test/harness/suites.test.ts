import { describe, expect, it } from 'vitest';
import { organismFileName, plan } from '../../benchmark/generate.ts';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentSampling } from '../../src/harness/method-context.ts';
import { BENCHMARK_DIR, listSuites, loadSuite } from '../../src/harness/suite.ts';

describe('suites', () => {
  it("zoo, paper and ablations exist; paper is the registry's 33 pairs", () => {
    expect(listSuites()).toEqual(expect.arrayContaining(['zoo', 'paper', 'ablations']));
    // the first generation's nine organisms and the second generation's ten (five domains, narrow and 1:1 mixed)
    expect(loadSuite('zoo').organisms).toHaveLength(19);
    expect(loadSuite('paper').organisms).toHaveLength(33);
    expect(loadSuite('ablations').organisms.length).toBeGreaterThan(30);
  });

  it('the per-organism benchmark files match the suites and the registry (npx tsx benchmark/generate.ts)', () => {
    const { write, remove } = plan();
    expect(write.map((w) => w.path)).toEqual([]);
    expect(remove).toEqual([]);
    expect(organismFileName(loadSuite('zoo'), 'zoo/cake_bake')).toBe('cake_bake.test.ts');
    expect(organismFileName(loadSuite('paper'), 'paper/qwen3_1_7B/cake_bake')).toBe('qwen3_1_7B__cake_bake.hubtest.ts');
  });

  it("the paper's suites draw unrelated documents as the toolkit does: train split, Dataset.shuffle(42), 10·n characters, BOS", () => {
    for (const id of ['paper', 'ablations']) {
      const sampling = documentSampling(loadSuite(id).unrelated, 'run-seed', 128);
      expect(sampling).toEqual({
        split: 'train',
        order: 'numpy',
        seed: 42,
        maxChars: 1280,
        addSpecialTokens: undefined,
      });
    }
    // the zoo keeps its own: the run's seed, no cut
    expect(documentSampling(loadSuite('zoo').unrelated, 'run-seed', 8)).toMatchObject({
      seed: 'run-seed',
      maxChars: undefined,
    });
  });

  it("a suite whose 'numpy' order has no shuffle seed is rejected, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-'));
    try {
      const suite = JSON.parse(readFileSync(join(BENCHMARK_DIR, 'paper/suite.json'), 'utf8'));
      delete suite.unrelated.shuffleSeed;
      mkdirSync(join(dir, 'paper'));
      writeFileSync(join(dir, 'paper/suite.json'), JSON.stringify(suite));
      expect(() => loadSuite('paper', dir)).toThrow(/paper\/suite.json.*shuffleSeed/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unknown suites and organisms give errors that say what exists', () => {
    expect(() => loadSuite('nope')).toThrow(/unknown suite 'nope'.*zoo/);
  });
});
