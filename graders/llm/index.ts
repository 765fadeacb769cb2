// Builds the four LLM graders from configuration and environment (see src/llm/README.md).
import { LlmClient, type LlmClientOptions } from '../../src/llm/client.ts';
import type { GraderInstructions } from '../../src/toolkit/index.ts';
import {
  hasEndpoint,
  LlmConfigError,
  NO_ENDPOINT_MESSAGE,
  resolveEndpoint,
  type LlmSettings,
} from '../../src/llm/config.ts';
import { LlmCoherenceGrader } from './coherence.ts';
import { LlmHypothesisGrader, type HypothesisOptions } from './hypothesis.ts';
import { LlmPatchscopeScaleGrader, type PatchscopeGraderOptions } from './patchscope.ts';
import { LlmTokenRelevanceGrader, type RelevanceOptions } from './relevance.ts';

export { LlmCoherenceGrader } from './coherence.ts';
export { coherencePercentage } from '../../src/metrics/labels.ts';
export { LlmHypothesisGrader } from './hypothesis.ts';
export { LlmPatchscopeScaleGrader } from './patchscope.ts';
export { LlmTokenRelevanceGrader, combineVotes } from './relevance.ts';
export { loadRubric } from './rubrics.ts';

export interface LlmGraders {
  relevance: LlmTokenRelevanceGrader;
  patchscope: LlmPatchscopeScaleGrader;
  coherence: LlmCoherenceGrader;
  hypothesis: LlmHypothesisGrader;
  /** Endpoint settings per grader, safe to write into results (no keys). */
  describe(): Record<string, Record<string, unknown>>;
}

export interface BuildLlmGradersOptions {
  env?: Record<string, string | undefined>;
  instructions?: GraderInstructions;
  settings?: LlmSettings;
  relevance?: RelevanceOptions;
  patchscope?: PatchscopeGraderOptions;
  hypothesis?: HypothesisOptions;
  client?: LlmClientOptions;
}

/**
 * The harness's entry point for `--graders llm`. Throws LlmConfigError with NO_ENDPOINT_MESSAGE when no
 * endpoint is configured for some grader, and a message naming the variable for any other bad setting.
 */
export function buildLlmGradersFromEnv(opts: BuildLlmGradersOptions = {}): LlmGraders {
  const env = opts.env ?? process.env;
  const roles = ['relevance', 'patchscope', 'coherence', 'hypothesis'] as const;
  const missing = roles.filter((r) => !hasEndpoint(r, env, opts.settings));
  if (missing.length === roles.length) throw new LlmConfigError(NO_ENDPOINT_MESSAGE);
  if (missing.length > 0) throw new LlmConfigError(`${NO_ENDPOINT_MESSAGE} (missing for: ${missing.join(', ')})`);
  const client = (role: (typeof roles)[number]) =>
    new LlmClient(resolveEndpoint(role, env, opts.settings), { env, ...opts.client });
  const ins = opts.instructions;
  const graders = {
    relevance: new LlmTokenRelevanceGrader(client('relevance'), { ...opts.relevance, system: ins?.relevance }),
    patchscope: new LlmPatchscopeScaleGrader(client('patchscope'), { ...opts.patchscope, system: ins?.patchscope }),
    coherence: new LlmCoherenceGrader(client('coherence'), { system: ins?.coherence }),
    hypothesis: new LlmHypothesisGrader(client('hypothesis'), {
      ...opts.hypothesis,
      system: ins?.hypothesis,
      rubrics: ins?.rubrics,
    }),
  };
  return {
    ...graders,
    describe: () =>
      Object.fromEntries(Object.entries(graders).map(([k, g]) => [k, { ...g.client.describe(), grader: g.grader }])),
  };
}
