// A valid result file for tests.
import { loadSuite } from '../../src/harness/suite.ts';
import { environment, type ResultFile } from '../../src/results/index.ts';

/** The zoo suite's current version: sample results belong to it. */
export const ZOO_VERSION = loadSuite('zoo').version;

export function sampleResult(over: Partial<ResultFile> = {}): ResultFile {
  const metric = {
    estimate: 0.5,
    lower: 0.4,
    upper: 0.6,
    n: 20,
    alpha: 0.05,
    ci: 'bootstrap' as const,
    over: 'prompts',
  };
  return {
    schema: 'diffbench-result@1',
    suite: { id: 'zoo', version: ZOO_VERSION, settings: 'full' },
    method: {
      id: 'mean-diff',
      version: '1',
      config: { samples: 10 },
      configHash: 'abcdefabcdef',
      source: 'builtin:mean-diff',
      codeHash: '0123456789ab',
    },
    organism: {
      id: 'zoo/cake_bake',
      type: 'SDF',
      base: { id: './organisms/zoo/base', revision: null, contentHash: 'a'.repeat(64) },
      finetuned: {
        id: './organisms/zoo/organisms/cake_bake',
        revision: null,
        contentHash: 'b'.repeat(64),
        kind: 'adapter',
      },
    },
    seed: 's1',
    createdAt: '2026-01-01T00:00:00.000Z',
    environment: environment(2),
    graders: [{ role: 'token-relevance', id: 'offline/relevance-lexical', version: '1' }],
    timings: { total: 1.5 },
    metrics: { 'steering.difference.steered_ft': metric },
    baselines: {
      null: {
        description: 'null organism',
        metrics: { 'steering.difference.steered_ft': { ...metric, estimate: 0.1, lower: 0.05, upper: 0.15 } },
      },
    },
    thresholds: [],
    summary: { readouts: [], samples: ['a sample'], findings: [] },
    ...over,
  };
}
