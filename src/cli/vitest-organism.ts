// The body of every per-organism benchmark file (benchmark/<suite>/<organism>.test.ts): run the method
// and its baselines on the organism, score, write the result file, assert the suite's pass thresholds.
// Settings come from the environment: DIFFBENCH_SETTINGS (fast under `npm test`, full under
// `npm run bench`), DIFFBENCH_METHOD (built-in name or file; default adl), DIFFBENCH_RESULTS (results
// go to $DIFFBENCH_RESULTS/<settings>), DIFFBENCH_CACHE, DIFFBENCH_NO_BASELINES=1. Graders and baselines
// are the default toolkit (src/cli/compose.ts). The result travels in the test's meta, so blob reports
// of sharded runs carry it (see src/harness/vitest-reporter.ts).
import { expect, it } from 'vitest';
import { DEFAULT_METHOD, loadMethod, type LoadedMethod } from '../harness/load-method.ts';
import { runOrganism } from '../harness/run.ts';
import { currentSettings, loadSuite } from '../harness/suite.ts';
import { resultsDirFor } from '../paths.ts';
import { organismIsCached, getOrganism } from '../registry/index.ts';
import type { ResultFile } from '../results/types.ts';
import { defaultBaselines, offlineGraders } from './compose.ts';

declare module 'vitest' {
  interface TaskMeta {
    diffbenchResult?: ResultFile;
  }
}

export async function benchmarkOrganism(suiteName: string, organismId: string): Promise<void> {
  const suite = loadSuite(suiteName);
  const settings = currentSettings();
  const methodSpec = process.env.DIFFBENCH_METHOD ?? DEFAULT_METHOD;
  const name = `${suite.id}@${suite.version} ${organismId} (${methodSpec}, ${settings} settings)`;
  if (!suite.organisms.includes(organismId)) {
    it(name, () => {
      throw new Error(
        `${organismId} is not in suite ${suite.id}: regenerate the benchmark files with \`npx tsx benchmark/generate.ts\``,
      );
    });
    return;
  }
  let method: LoadedMethod;
  try {
    method = await loadMethod(methodSpec);
  } catch (err) {
    // a method that does not load is a failure, never a skip: a broken method must not pass silently
    it(name, () => {
      throw err;
    });
    return;
  }
  if (suite.requiresHub && !(await organismIsCached(getOrganism(organismId)))) {
    it.skip(`${name}: skipped, models not in the Hugging Face cache (run \`npm run bench -- --suite ${suite.id} --organisms ${organismId}\` once with Hub access)`, () => {});
    return;
  }
  it(name, async ({ task }) => {
    const run = await runOrganism(organismId, {
      suite,
      settings,
      resultsDir: resultsDirFor(settings),
      method,
      baselines: process.env.DIFFBENCH_NO_BASELINES === '1' ? [] : defaultBaselines(),
      graders: offlineGraders(),
      threads: process.env.DIFFBENCH_THREADS ? Number(process.env.DIFFBENCH_THREADS) : undefined,
    });
    task.meta.diffbenchResult = run.result;
    // not scored (a metric the threshold names is missing or not finite) fails like a failed threshold
    const failed = run.result.thresholds.filter((t) => t.status !== 'pass');
    expect(
      failed.map((t) => `${t.id} ${t.status}: ${t.reason} (threshold source: ${t.source})`),
      `result file ${run.path}`,
    ).toEqual([]);
  });
}
