// The agent tier on one organism (docs/toolkit.md#agents): the method agent (the method's overview, drill-down tools and
// live steered generation through the runtime) and the black-box agent (unsteered samples + ask_model),
// `runs` times at each model-interaction budget; each description graded against the organism-type rubric.
// Transcripts go to `<result name>.agents/<agent>_mi<budget>/run<k>/` next to the result file.
import { join, relative } from 'node:path';
import type { OrganismContext } from '../method/graders.ts';
import {
  runBlackboxAgent,
  runMethodAgent,
  runtimeModelAccess,
  unsteeredExamples,
  type AgentRun,
} from '../agent/index.ts';
import type { MethodContext, MethodOutput, ModelPair } from '../method/types.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import type { AgentRecord, HypothesisGradeRecord } from '../results/types.ts';
import type { SteerIntervention } from '../runtime/types.ts';
import type { LlmTier } from './tier.ts';
import { norm } from '../vector.ts';

/**
 * The vector the method steered with at `position`, rebuilt from its output: the steering entry's layer
 * and strength (the 'difference' variant first), the vector at that layer and position ('mean_diff'
 * first), scaled as ADL and the mean-diff example do: unit(vector) × target norm × strength, with the
 * target norm from the scalar `target_norm.L<layer>` or `target_norm`; without one, vector × strength.
 */
export function steeringIntervention(output: MethodOutput, position: number): SteerIntervention | undefined {
  const entries = [...(output.steering ?? [])].sort(
    (a, b) => Number(b.variant === 'difference') - Number(a.variant === 'difference'),
  );
  const vectors = [...(output.vectors ?? [])].sort(
    (a, b) => Number(b.name === 'mean_diff') - Number(a.name === 'mean_diff'),
  );
  const entry =
    entries.find((s) => s.position === position) ??
    entries.find((s) => vectors.some((v) => v.layer === s.layer && v.position === position));
  const vector = entry ? vectors.find((v) => v.layer === entry.layer && v.position === position) : undefined;
  if (!entry || !vector) return undefined;
  const target = output.scalars?.[`target_norm.L${entry.layer}`] ?? output.scalars?.target_norm;
  const n = norm(vector.data);
  if (!(n > 0)) return undefined;
  const scale = target !== undefined ? (target / n) * entry.strength : entry.strength;
  return { layer: entry.layer, vector: Float32Array.from(vector.data, (x) => x * scale) };
}

export interface AgentTierInput {
  methodId: string;
  /** The output the method agent reads (the LLM-graded variant's under --graders llm|both). */
  output: MethodOutput;
  models: ModelPair;
  tokenizer: MethodContext['tokenizer'];
  truth: OrganismContext;
  tier: LlmTier;
  seed: string;
  /** The transcripts' folder (agentsFolder(result path)). */
  dir: string;
  /** Transcript paths in the result are relative to this folder (the result file's). */
  resultFolder: string;
  progress?: MethodContext['progress'];
}

async function grade(
  tier: LlmTier,
  truth: OrganismContext,
  description: string,
): Promise<{ record: HypothesisGradeRecord | null; reasoning: string[] }> {
  if (description.trim() === '') return { record: null, reasoning: [] };
  const g = await tier.graders.hypothesis.grade(truth, description);
  return { record: { score: Number.isFinite(g.score) ? g.score : null, scores: g.scores }, reasoning: g.reasoning };
}

export async function runAgentTier(input: AgentTierInput): Promise<AgentRecord[]> {
  const { tier, models: loaded, output } = input;
  const client = tier.agentClient;
  if (!client) return [];
  const cfg = tier.agents;
  const models = runtimeModelAccess({
    base: loaded.base,
    finetuned: loaded.finetuned,
    baseScale: loaded.baseScale,
    finetunedScale: loaded.finetunedScale,
    tokenizer: input.tokenizer,
    maxNewTokens: cfg.askMaxNewTokens,
    steeredMaxNewTokens: cfg.steeredMaxNewTokens,
    seed: `${input.seed}|agents`,
    steering: (position) => steeringIntervention(output, position),
  });
  const examples = unsteeredExamples(output);
  const jobs = [
    ...cfg.method.map((mi) => ({
      name: `method-${input.methodId.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
      kind: 'method' as const,
      mi,
    })),
    ...cfg.blackbox.map((mi) => ({ name: 'blackbox', kind: 'blackbox' as const, mi })),
  ].flatMap((j) => Array.from({ length: cfg.runs }, (_, k) => ({ ...j, k })));
  const records: AgentRecord[] = [];
  for (const [i, job] of jobs.entries()) {
    input.progress?.('agents', i, jobs.length);
    const outDir = join(input.dir, `${job.name}_mi${job.mi}`, `run${job.k}`);
    const opts = {
      client,
      models,
      runIndex: job.k,
      outDir,
      budgets: { modelInteractions: job.mi, llmCalls: cfg.llmCalls, generatedTokens: cfg.generatedTokens },
      ...(tier.agentPrompts ? { toolkit: tier.agentPrompts[job.kind] } : {}),
    };
    const run: AgentRun =
      job.kind === 'method'
        ? await runMethodAgent(input.methodId, output, opts)
        : await runBlackboxAgent(examples, opts);
    const { record: g, reasoning } = await grade(tier, input.truth, run.description);
    writeJsonAtomic(join(outDir, 'hypothesis_grade.json'), {
      grader: tier.graders.hypothesis.grader,
      ...(g ?? { score: null, scores: [] }),
      reasoning,
    });
    records.push({
      agent: run.agent,
      modelInteractions: job.mi,
      runIndex: job.k,
      status: run.status,
      description: run.description,
      grade: g,
      stats: { ...run.stats, ...(run.error ? { error: run.error } : {}) },
      transcript: relative(input.resultFolder, outDir),
    });
  }
  input.progress?.('agents', jobs.length, jobs.length);
  return records;
}
