// The diagnostic data path end to end through the harness on one zoo organism: a method that declares
// needs.finetuningData gets the organism's finetuning texts and its result file records
// method.readsGroundTruth (schema-checked on read); a blind method gets no texts and no mark.
import { describe, expect, it } from 'vitest';
import { offlineGraders } from '../../src/cli/compose.ts';
import type { LoadedMethod } from '../../src/harness/load-method.ts';
import { runOrganism } from '../../src/harness/run.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import type { DiffingMethod, MethodOutput } from '../../src/method/types.ts';
import { shortHash } from '../../src/results/hash.ts';
import { readResults } from '../../src/results/store.ts';
import { tempDir } from '../helpers.ts';

/** Reports how many finetuning texts (-1: no function) and chat texts it was given, and one text as a finding. */
const probe = (id: string, reads: boolean): DiffingMethod => ({
  id,
  version: '1',
  configSchema: { type: 'object' },
  defaultConfig: {},
  needs: { generation: false, unrelatedText: false, finetuningData: reads, chatData: true },
  async run(ctx): Promise<MethodOutput> {
    const texts = ctx.finetuningTexts ? await ctx.finetuningTexts(2) : undefined;
    return {
      scalars: { 'probe.finetuning_texts': texts?.length ?? -1, 'probe.chat': ctx.chatTexts ? 1 : 0 },
      findings: texts?.length ? [texts[0].slice(0, 80)] : ['no finetuning texts'],
    };
  },
});
const loaded = (m: DiffingMethod): LoadedMethod => ({
  method: m,
  source: 'test/methods/diagnostic-harness.test.ts',
  codeHash: shortHash(m.run.toString()),
});

describe('the harness and needs.finetuningData', () => {
  it('gives the texts and marks the result only where the method declares the need; the zoo suite has no chat data', async () => {
    const suite = loadSuite('zoo');
    const resultsDir = tempDir('db-diagnostic-');
    for (const [id, reads] of [
      ['probe-reads', true],
      ['probe-blind', false],
    ] as const) {
      await runOrganism('zoo/cake_bake', {
        suite,
        settings: 'fast',
        resultsDir,
        method: loaded(probe(id, reads)),
        baselines: [],
        nullOrganism: null,
        graders: offlineGraders(),
      });
    }
    const byId = Object.fromEntries(readResults(resultsDir).map((f) => [f.result.method.id, f.result]));
    expect(byId['probe-reads'].method.readsGroundTruth).toBe(true);
    expect(byId['probe-reads'].metrics['scalar.probe.finetuning_texts'].estimate).toBe(2);
    expect(byId['probe-blind'].method).not.toHaveProperty('readsGroundTruth');
    expect(byId['probe-blind'].metrics['scalar.probe.finetuning_texts'].estimate).toBe(-1);
    for (const r of Object.values(byId)) expect(r.metrics['scalar.probe.chat'].estimate).toBe(0);
  }, 300_000);
});
