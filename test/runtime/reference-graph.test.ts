// The reference graph (the plain decomposition, kept as the readable ground truth of the fused one)
// must pass the same conformance as the default fused graph, every tensor of all three reference sets
// within 1e-4 relative. The fused graph is the default, so test/runtime/conformance.test.ts covers it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverCases } from '../../src/conformance/cases.ts';
import { checkCaseWith, REL_TOLERANCE } from '../../src/conformance/check.ts';
import { testCacheDir } from '../helpers.ts';

const sets = ['hf-reference', 'hf-reference-stress', 'hf-reference-holdout'];
describe.each((['reference'] as const).flatMap((graph) => sets.map((set) => [graph, set] as const)))(
  "graph '%s': conformance with transformers on %s",
  (graph, set) => {
    const cases = discoverCases(path.join('test', 'fixtures', set));
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const checks = await checkCaseWith(c, { cacheDir: testCacheDir(), graph });
      const worst = checks
        .filter((r) => r.tensor !== 'generate.output')
        .reduce((a, r) => (r.relError > a.relError ? r : a));
      console.log(`${graph} ${set}/${c.name}: worst ${worst.tensor} rel ${worst.relError.toExponential(2)}`);
      expect(checks.length).toBeGreaterThanOrEqual(10);
      for (const r of checks)
        expect({ tensor: r.tensor, rel: r.relError, pass: r.pass }).toEqual({
          tensor: r.tensor,
          rel: r.relError,
          pass: true,
        });
      expect(worst.relError).toBeLessThanOrEqual(REL_TOLERANCE);
    });
  },
);
