// The grader mode (--graders offline|llm|both|paper), resolved once at the start of a run into what runs:
//   offline  the caller's graders (src/cli/compose.ts: graders/offline/);
//   llm      LLM relevance, coherence, hypothesis graders and the agent tier; the method's Patchscope
//            scale choice by the LLM, its steering search keeps the context's (offline) coherence grader;
//   both     offline metrics, plus the llm tier's and the agreement between the two;
//   paper    as the paper's toolkit grades: llm, and every grader the method sees is the LLM's (the steering
//            search's coherence too, no offline calibration); the embedder is the caller's (the CLI's
//            default under paper: Qwen3-Embedding-0.6B).
// The run's steps read the plan's fields; none of them tests the mode.
import type { TextEmbedder } from '../method/graders.ts';
import { shortHash } from '../results/hash.ts';
import type { AgentTierConfig, GraderMode, LlmTier } from '../llm-tier/tier.ts';
import type { HarnessGraders } from './graders.ts';
import type { LoadedMethod } from './load-method.ts';

/** The LLM tier of a run (--graders llm|both|paper). */
export interface LlmPlan {
  tier: LlmTier;
  /** The LLM tier's section of the result file records this mode. */
  mode: Exclude<GraderMode, 'offline'>;
  /** The method with its internal graders swapped for the LLM ones (the run's method when it grades nothing). */
  method: LoadedMethod;
  /** Whether `method` differs from the run's method (its outputs are computed and cached apart). */
  swapsMethodGraders: boolean;
  /**
   * The top-level metrics stay offline; the LLM-graded metrics of `method`'s output go into the LLM section,
   * with the offline-vs-LLM agreement (--graders both).
   */
  alongsideOffline: boolean;
  /** The result file's note on which graders the method itself used. */
  methodVariantNote: string;
  /** The agent runs per organism; null when the agent tier is off. */
  agents: AgentTierConfig | null;
}

export interface GraderPlan {
  /** The mode as given, recorded in the result key and file; the steps read the fields below. */
  mode: GraderMode;
  /** The graders of the run's metrics and of the method's context (ctx.graders). */
  graders: HarnessGraders;
  /** Embeds the steered samples for the `steering.*` metrics. */
  embedder: TextEmbedder;
  /** The method whose output the top-level metrics score (on the organism and on the null organism). */
  scoredMethod: LoadedMethod;
  /** Who grades the top-level metrics: the LLM graders (llm, paper; their own result file) or the run's. */
  metricsGradedBy: 'llm' | 'offline';
  /** The coherence grader of the method's steering-strength search: 'llm' only under paper. */
  searchCoherence: 'llm' | 'offline';
  /** Methods run with their `paperConfig` over the settings preset (the toolkit's computation; paper only). */
  paperConfig: boolean;
  /** Absent offline. */
  llm?: LlmPlan;
}

/** What a grader mode asks of the command that starts a run, before any model loads. */
export interface GraderModeNeeds {
  /** The LLM graders and the agent tier are built (an endpoint must be configured). */
  llmTier: boolean;
  /** The steering-similarity embedder when none is chosen: the paper's (Qwen3-Embedding-0.6B) or the offline one. */
  embedder: 'paper' | 'offline';
  /** The steering prompts and grader instructions when none are chosen: the toolkit's own text or DiffBench's. */
  prompts: 'toolkit' | 'diffbench';
}

export function graderModeNeeds(mode: GraderMode): GraderModeNeeds {
  const paper = mode === 'paper';
  return {
    llmTier: mode !== 'offline',
    embedder: paper ? 'paper' : 'offline',
    prompts: paper ? 'toolkit' : 'diffbench',
  };
}

/** The result file's note on which graders the method itself used. */
function methodVariantNote(paperGraders: boolean, swapped: boolean): string {
  if (paperGraders)
    return "the method's own graders are the LLM ones: Patchscope scale choice and the steering search's coherence grader (the paper's toolkit)";
  if (!swapped) return 'the method grades nothing itself: the LLM graders score its unchanged output';
  return "the method's own graders swapped for the LLM ones (Patchscope scale choice); the steering search keeps its offline coherence grader";
}

/** Under paper the LLM graders replace relevance, coherence and the graders the method sees. */
function paperGraders(graders: HarnessGraders, llm: LlmTier): HarnessGraders {
  const { relevance, coherence, patchscope } = llm.graders;
  return { ...graders, relevance, coherence, forMethod: () => ({ coherence, scale: patchscope }) };
}

/**
 * The method with its internal graders swapped for the LLM ones (ADL: Patchscope scale choice); its outputs are
 * cached apart. Under paper the context's graders are the LLM ones already (paperGraders), the search's coherence too.
 */
function llmVariant(method: LoadedMethod, llm: LlmTier, paper: boolean): LoadedMethod {
  const { patchscope, coherence } = llm.graders;
  const tag = paper ? `paper${shortHash([patchscope.grader, coherence.grader])}` : `llm${shortHash(patchscope.grader)}`;
  if (!method.withGraders) return paper ? { ...method, codeHash: `${method.codeHash}-${tag}` } : method;
  return { ...method, method: method.withGraders({ patchscope }), codeHash: `${method.codeHash}-${tag}` };
}

function agentsOf(tier: LlmTier): AgentTierConfig | null {
  return tier.agentClient ? tier.agents : null;
}

/** Resolves `mode` into the plan of a run; throws when a mode that needs the LLM tier has none. */
export function graderPlan(
  mode: GraderMode,
  graders: HarnessGraders,
  method: LoadedMethod,
  llm: LlmTier | undefined,
): GraderPlan {
  const offline: GraderPlan = {
    mode,
    graders,
    embedder: graders.embedder,
    scoredMethod: method,
    metricsGradedBy: 'offline',
    searchCoherence: 'offline',
    paperConfig: false,
  };
  if (mode === 'offline') return offline;
  if (!llm) throw new Error(`graderMode '${mode}' needs opts.llm (build it with llmTier in src/cli/compose.ts)`);
  const paper = mode === 'paper';
  const variant = llmVariant(method, llm, paper);
  const alongsideOffline = mode === 'both';
  const runGraders = paper ? paperGraders(graders, llm) : graders;
  return {
    ...offline,
    graders: runGraders,
    embedder: runGraders.embedder,
    scoredMethod: alongsideOffline ? method : variant,
    metricsGradedBy: alongsideOffline ? 'offline' : 'llm',
    searchCoherence: paper ? 'llm' : 'offline',
    paperConfig: paper,
    llm: {
      tier: llm,
      mode,
      method: variant,
      swapsMethodGraders: variant !== method,
      alongsideOffline,
      methodVariantNote: methodVariantNote(paper, variant !== method),
      agents: agentsOf(llm),
    },
  };
}
