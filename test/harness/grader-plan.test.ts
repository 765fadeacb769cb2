// The grader mode resolved into a plan: which graders score the metrics, which method's output they
// score, what the method's own graders are, and whether the LLM tier and its agreement run. The run's
// steps read only the plan, so the mode strings appear in the plan's module and nowhere in the run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graderModeNeeds, graderPlan } from '../../src/harness/grader-plan.ts';
import type { HarnessGraders } from '../../src/harness/graders.ts';
import type { LoadedMethod } from '../../src/harness/load-method.ts';
import type { LlmTier } from '../../src/llm-tier/tier.ts';
import type { DiffingMethod } from '../../src/method/types.ts';

const id = (name: string) => ({ id: name, version: '1' });
const grader = <T>(name: string, rest: T) => ({ grader: id(name), ...rest });

const offlineGraders = {
  codeHash: 'offline',
  relevance: grader('offline/relevance', { grade: async () => [] }),
  coherence: grader('offline/coherence', { grade: async () => [] }),
  embedder: grader('offline/embedder', { dim: 2, embed: async () => [] }),
  frequentTokens: () => [],
  forMethod: () => ({ coherence: grader('offline/coherence', { grade: async () => [] }) }),
} as unknown as HarnessGraders;

const llmGraders = {
  relevance: grader('llm/relevance', { grade: async () => [] }),
  coherence: grader('llm/coherence', { grade: async () => [] }),
  patchscope: grader('llm/patchscope', { choose: async () => ({}) }),
  hypothesis: grader('llm/hypothesis', { grade: async () => ({}) }),
  describe: () => ({}),
};

const agents = {
  runs: 1,
  method: [0],
  blackbox: [0],
  llmCalls: 1,
  generatedTokens: 1,
  askMaxNewTokens: 1,
  steeredMaxNewTokens: 1,
};
const tier = (withAgent: boolean) =>
  ({ graders: llmGraders, agentClient: withAgent ? {} : null, agents, endpoints: () => ({}) }) as unknown as LlmTier;

const plain = { id: 'm', version: '1' } as unknown as DiffingMethod;
const grading: LoadedMethod = {
  method: plain,
  source: 'builtin:m',
  codeHash: 'abc',
  withGraders: (g) => ({ ...plain, id: `m+${g.patchscope.grader.id}` }) as DiffingMethod,
};
const nonGrading: LoadedMethod = { method: plain, source: 'builtin:m', codeHash: 'abc' };

describe('grader plan', () => {
  it('offline: the run graders everywhere, no LLM tier', () => {
    const plan = graderPlan('offline', offlineGraders, grading, tier(true));
    expect(plan.graders).toBe(offlineGraders);
    expect(plan.embedder).toBe(offlineGraders.embedder);
    expect(plan.scoredMethod).toBe(grading);
    expect(plan.metricsGradedBy).toBe('offline');
    expect(plan.searchCoherence).toBe('offline');
    expect(plan.paperConfig).toBe(false);
    expect(plan.llm).toBeUndefined();
  });

  it('llm: the LLM variant of the method is scored by the LLM graders; the search keeps its offline grader', () => {
    const plan = graderPlan('llm', offlineGraders, grading, tier(true));
    expect(plan.graders).toBe(offlineGraders);
    expect(plan.metricsGradedBy).toBe('llm');
    expect(plan.searchCoherence).toBe('offline');
    expect(plan.scoredMethod.method.id).toBe('m+llm/patchscope');
    expect(plan.scoredMethod.codeHash).toMatch(/^abc-llm[0-9a-f]+$/);
    expect(plan.llm).toMatchObject({ mode: 'llm', swapsMethodGraders: true, alongsideOffline: false, agents });
    expect(plan.llm?.method).toBe(plan.scoredMethod);
  });

  it('llm on a method that grades nothing: its unchanged output, and no agents without an agent client', () => {
    const plan = graderPlan('llm', offlineGraders, nonGrading, tier(false));
    expect(plan.scoredMethod).toBe(nonGrading);
    expect(plan.llm).toMatchObject({ swapsMethodGraders: false, agents: null });
    expect(plan.llm?.methodVariantNote).toMatch(/grades nothing itself/);
  });

  it('both: offline metrics on the method, the LLM variant alongside with the agreement', () => {
    const plan = graderPlan('both', offlineGraders, grading, tier(true));
    expect(plan.graders).toBe(offlineGraders);
    expect(plan.scoredMethod).toBe(grading);
    expect(plan.metricsGradedBy).toBe('offline');
    expect(plan.llm).toMatchObject({ mode: 'both', alongsideOffline: true, swapsMethodGraders: true });
    expect(plan.llm?.method.method.id).toBe('m+llm/patchscope');
  });

  it("paper: the LLM graders replace relevance, coherence and the method's graders, the search's too", async () => {
    const plan = graderPlan('paper', offlineGraders, nonGrading, tier(true));
    expect(plan.graders.relevance).toBe(llmGraders.relevance);
    expect(plan.graders.coherence).toBe(llmGraders.coherence);
    expect(plan.embedder).toBe(offlineGraders.embedder);
    const forMethod = plan.graders.forMethod({} as never, () => []);
    expect(forMethod.coherence).toBe(llmGraders.coherence);
    expect(forMethod.calibratedCoherence).toBeUndefined();
    expect(plan.metricsGradedBy).toBe('llm');
    expect(plan.searchCoherence).toBe('llm');
    expect(plan.paperConfig).toBe(true);
    // cached apart from the offline outputs even for a method that grades nothing itself
    expect(plan.scoredMethod.codeHash).toMatch(/^abc-paper[0-9a-f]+$/);
    expect(plan.llm).toMatchObject({ mode: 'paper', swapsMethodGraders: true });
    expect(plan.llm?.methodVariantNote).toMatch(/paper's toolkit/);
  });

  it('a mode that needs the LLM tier without one is an error naming the mode', () => {
    expect(() => graderPlan('both', offlineGraders, grading, undefined)).toThrow(/graderMode 'both' needs opts\.llm/);
  });

  it('what each mode asks of the command: the LLM tier, the default embedder and prompts', () => {
    expect(graderModeNeeds('offline')).toEqual({ llmTier: false, embedder: 'offline', prompts: 'diffbench' });
    expect(graderModeNeeds('llm')).toEqual({ llmTier: true, embedder: 'offline', prompts: 'diffbench' });
    expect(graderModeNeeds('both')).toEqual({ llmTier: true, embedder: 'offline', prompts: 'diffbench' });
    expect(graderModeNeeds('paper')).toEqual({ llmTier: true, embedder: 'paper', prompts: 'toolkit' });
  });

  it.each(['src/harness/run.ts', 'src/cli/run-bench.ts'])('%s never tests the mode string', (file) => {
    const run = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    expect(run).not.toMatch(/\bmode\s*[!=]==\s*['"]|['"](offline|llm|both|paper)['"]\s*[!=]==\s*\w*mode\b/);
    expect(run).not.toMatch(/[!=]==\s*['"](offline|both|paper)['"]/);
  });
});
