// Every tensor of every Hugging Face reference case must match within REL_TOLERANCE (1e-4 relative);
// greedy generation must match token for token. The max error of each check is printed.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverCases } from '../../src/conformance/cases.ts';
import { checkCase, REL_TOLERANCE } from '../../src/conformance/check.ts';
import { testCacheDir } from '../helpers.ts';

// hf-reference: the default set; -stress: large weights (soft-caps, biases, query scaling visible);
// -holdout: other sizes, seeds, window, LoRA targets (same recipe, test/fixtures/recipes/make_goldens.py)
describe.each(['hf-reference', 'hf-reference-stress', 'hf-reference-holdout'])(
  'conformance with transformers (float64 goldens): %s',
  (set) => {
    const cases = discoverCases(path.join('test', 'fixtures', set));
    it('finds all 17 reference cases', () => {
      expect(cases.map((c) => c.name)).toHaveLength(17);
    });
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const checks = await checkCase(c, testCacheDir());
      for (const r of checks)
        console.log(
          `${r.case.padEnd(14)} ${r.tensor.padEnd(22)} max abs ${r.maxAbsError.toExponential(2)} rel ${r.relError.toExponential(2)}`,
        );
      expect(checks.length).toBeGreaterThanOrEqual(10);
      for (const r of checks)
        expect({ tensor: r.tensor, rel: r.relError, pass: r.pass }).toEqual({
          tensor: r.tensor,
          rel: r.relError,
          pass: true,
        });
      expect(
        Math.max(...checks.filter((r) => r.tensor !== 'generate.output').map((r) => r.relError)),
      ).toBeLessThanOrEqual(REL_TOLERANCE);
    });
  },
);
