// Running a method and its baselines on one organism of a suite, scoring them and writing the result
// file: `runOrganism` is a sequence of named steps (reuse a finished result, load the models, run and
// score the method, the LLM tier, the baselines, the null organism, write the result). Method outputs
// are cached by content (src/harness/method-output.ts), so a rerun, the null organism shared by every
// organism, and an interrupted suite reuse finished work.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { sampleTexts } from '../data/index.ts';
import type { OrganismContext, TokenRelevanceGrader } from '../method/graders.ts';
import type { DiffingMethod, MethodOutput } from '../method/types.ts';
import { defaultCacheDir } from '../paths.ts';
import { getOrganism, locate, type Organism } from '../registry/index.ts';
import { environment } from '../results/environment.ts';
import { stepDelta, stepSnapshot, stepTimingsRecord, timedMethod, timeStep } from '../results/step-timings.ts';
import { agentsFolder, readResult, resultPath, sameKey, writeResult, type ResultKey } from '../results/store.ts';
import type { AgreementEntry, LlmSection, Metrics, ResultFile } from '../results/types.ts';
import { runAgentTier } from '../llm-tier/agents.ts';
import { cachedEmbedder } from './cached-embedder.ts';
import { datasetRevisions } from './datasets.ts';
import type { HarnessGraders } from './graders.ts';
import {
  agentMetrics,
  coherenceAgreement,
  gradeCoherence,
  gradeFindings,
  patchscopeAgreement,
  RecordingRelevanceGrader,
  relevanceAgreement,
} from '../llm-tier/scoring.ts';
import { GraderFailures } from './grader-failures.ts';
import { graderPlan, type GraderPlan, type LlmPlan } from './grader-plan.ts';
import type { GraderMode, LlmTier } from '../llm-tier/tier.ts';
import { mergeConfig, type LoadedMethod } from './load-method.ts';
import { layeredConfig } from './method-config.ts';
import { methodOutput, type ComputedOutput, type OutputRequest } from './method-output.ts';
import { dataNeeds } from '../method/needs.ts';
import {
  finetuningTexts,
  groundTruth,
  loadOrganism,
  organismRevisions,
  tokenizerView,
  type LoadedOrganism,
} from './organism.ts';
import type { ProgressFn } from './progress.ts';
import { samplingRecord } from './sampling-record.ts';
import { scoreOutput, type ScoringContext } from './score.ts';
import { loadThresholds, suiteSettings, type Suite, type SuiteSettings } from './suite.ts';
import { evaluateThreshold, thresholdApplies } from './thresholds.ts';
import { toolkitRecord, type ToolkitText } from '../toolkit/index.ts';
import type { SteeringPromptSet } from '../method/types.ts';

export interface HarnessOptions {
  suite: Suite;
  /** 'fast' (npm test) or 'full' (npm run bench). */
  settings: string;
  resultsDir: string;
  method: LoadedMethod;
  /** Config overrides on top of the suite's settings for this method. */
  configOverrides?: Record<string, unknown>;
  /** The baseline methods run and scored beside the method (baselines["baseline/<id>"] in the result). */
  baselines?: LoadedMethod[];
  /** The concrete graders (src/cli/compose.ts builds the default ones). */
  graders: HarnessGraders;
  /** The null organism run through the same pipeline (default: the suite's; null: none). */
  nullOrganism?: string | Organism | null;
  seed?: string;
  cacheDir?: string;
  threads?: number;
  /** LoadOptions.device: 'cpu' (default), 'webgpu' or 'cuda'; recorded as environment.executionProvider. */
  device?: 'cpu' | 'webgpu' | 'cuda';
  progress?: ProgressFn;
  /** Recompute even when a result file exists (method outputs are still reused). */
  recompute?: boolean;
  /** Also score pooled_relevance.<source> for the method and the null organism (src/harness/score.ts). */
  pooledRelevance?: boolean;
  /** 'offline' (default), 'llm' (LLM graders + agent tier) or 'both' (offline metrics + the LLM tier + their agreement). */
  graderMode?: GraderMode;
  /** The LLM graders and agent settings; required unless graderMode is 'offline' (see src/cli/compose.ts). */
  llm?: LlmTier;
  /**
   * The toolkit's own text (--graders paper, --prompts toolkit): its steering prompts replace the methods' own
   * (the LLM graders get its instructions through `llm`); the result file records its commit and file hashes.
   */
  toolkit?: ToolkitText;
}

export interface OrganismRun {
  result: ResultFile;
  path: string;
  reused: boolean;
  /** The method's output (absent when a finished result was reused). */
  output?: MethodOutput;
}

/** What every step of one organism's run shares. */
interface RunPlan {
  opts: HarnessOptions;
  suite: Suite;
  organism: Organism;
  settings: SuiteSettings;
  seed: string;
  cacheDir: string;
  /** Which graders, embedder, search grader and agent tier run (the grader mode, resolved). */
  grading: GraderPlan;
  main: OutputRequest;
  revisions: LoadedOrganism['revisions'];
  /** What the result file records and its path is made of (a reused file must record the same). */
  key: ResultKey;
  path: string;
  /** Grader calls that failed in this run, and metrics left without a graded item. */
  graderFailures: GraderFailures;
  timings: Record<string, number>;
}

/** Seconds spent in `f`, added to `plan.timings[name]`. */
async function timed<T>(plan: RunPlan, name: string, f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    plan.timings[name] = (plan.timings[name] ?? 0) + (performance.now() - t) / 1000;
  }
}

/**
 * A method's config in layers (src/harness/method-config.ts) with `extra` on top. A baseline whose
 * suite entry reuses the running method's (ADL's baselines share ADL's config) gets the run's
 * overrides (--set, --config) too, so it always sees the data the method saw.
 */
function configFor(
  opts: HarnessOptions,
  grading: GraderPlan,
  method: DiffingMethod,
  extra: Record<string, unknown> = {},
) {
  const alias = suiteSettings(opts.suite, opts.settings).methodConfig[method.id];
  const shared = method !== opts.method.method && alias === opts.method.method.id;
  return layeredConfig(
    method,
    opts.suite,
    opts.settings,
    shared ? mergeConfig(opts.configOverrides ?? {}, extra) : extra,
    grading.paperConfig,
  );
}

export function evaluateAll(
  suite: Suite,
  organismId: string,
  methodId: string,
  settings: string,
  scored: Pick<ResultFile, 'metrics' | 'baselines'>,
) {
  return loadThresholds(suite)
    .filter((th) => thresholdApplies(th, organismId, methodId, settings, suite.nullOrganism))
    .map((th) => evaluateThreshold(th, scored));
}

/** Step 0: config, model revisions and the result file's path, without loading anything. */
async function planRun(organismId: string | Organism, given: HarnessOptions): Promise<RunPlan> {
  const { suite } = given;
  const opts = given;
  const grading = graderPlan(given.graderMode ?? 'offline', given.graders, given.method, given.llm);
  const organism = typeof organismId === 'string' ? getOrganism(organismId) : organismId;
  const seed = opts.seed ?? suite.seed;
  const { method } = opts.method;
  const { config, configHash } = configFor(opts, grading, method, opts.configOverrides);
  const revisions = await organismRevisions(organism, opts.cacheDir);
  const key: ResultKey = {
    suite: { id: suite.id, version: suite.version },
    method: { id: method.id, version: method.version, configHash },
    organism: { id: organism.id, ...revisions },
    seed,
    ...(grading.llm && grading.metricsGradedBy === 'llm' ? { llm: { mode: grading.llm.mode } } : {}),
    ...(given.toolkit ? { toolkit: { commit: given.toolkit.commit } } : {}),
  };
  return {
    opts,
    suite,
    organism,
    seed,
    grading,
    revisions,
    settings: suiteSettings(suite, opts.settings),
    cacheDir: opts.cacheDir ?? defaultCacheDir(),
    main: { method: opts.method, config, configHash },
    key,
    path: resultPath(opts.resultsDir, key),
    graderFailures: new GraderFailures(),
    timings: {},
  };
}

/** Step 1: a finished result of the same settings, code and grading, with the current thresholds re-evaluated. */
function reuseCachedResult(plan: RunPlan): OrganismRun | undefined {
  const { opts } = plan;
  if (opts.recompute || !existsSync(plan.path)) return undefined;
  const result = readResult(plan.path);
  const gradedAsAsked = !plan.grading.llm || result.llm?.mode === plan.grading.llm.mode;
  if (!sameKey(result, plan.key)) return undefined;
  if (result.suite.settings !== opts.settings || result.method.codeHash !== opts.method.codeHash || !gradedAsAsked)
    return undefined;
  // Thresholds may have changed since: evaluate the current ones on the stored metrics.
  result.thresholds = evaluateAll(plan.suite, plan.organism.id, result.method.id, opts.settings, result);
  return { result, path: writeResult(opts.resultsDir, result), reused: true };
}

interface Loaded {
  loaded: LoadedOrganism;
  truth: OrganismContext;
}

/** Step 2: the organism's models and tokenizer, and its ground truth for the graders. */
async function loadModels(plan: RunPlan, organism: Organism): Promise<Loaded> {
  const { opts } = plan;
  const loaded = await loadOrganism(organism, { threads: opts.threads, cacheDir: opts.cacheDir, device: opts.device });
  try {
    const truth = await timeStep('ground-truth', () =>
      groundTruth(organism, loaded.tokenizer, (texts, tokenize) =>
        plan.grading.graders.frequentTokens(texts, tokenize),
      ),
    );
    return { loaded, truth };
  } catch (err) {
    await loaded.dispose();
    throw err;
  }
}

function checkRevisions(plan: RunPlan, loaded: LoadedOrganism): void {
  for (const side of ['base', 'finetuned'] as const) {
    if (loaded.revisions[side].contentHash !== plan.revisions[side].contentHash) {
      throw new Error(
        `internal: the ${side} model's content hash from the runtime differs from src/harness/organism.ts's recipe; update checkpointHash to match src/runtime/cache.ts`,
      );
    }
  }
}

/** The texts and graders every output of this organism is scored with (the null organism's included). */
async function scoringContext(
  plan: RunPlan,
  truth: OrganismContext,
  relevance: TokenRelevanceGrader,
): Promise<ScoringContext> {
  const { suite, settings, seed } = plan;
  return {
    organism: truth,
    relevance,
    // one cache per organism: the method, each baseline and the null organism embed the same texts
    embedder: timedMethod(cachedEmbedder(plan.grading.embedder), 'embed', 'grader:embedder'),
    finetuneTexts: await timeStep('scoring-texts', () => finetuningTexts(plan.organism, settings.finetuneTexts, seed)),
    unrelatedTexts:
      settings.unrelatedTexts > 0
        ? await sampleTexts({
            source: locate(suite.unrelated.source),
            column: suite.unrelated.column,
            split: suite.unrelated.split,
            n: settings.unrelatedTexts,
            seed: `${seed}|unrelated-texts`,
          })
        : [],
    // the toolkit's chat series: first assistant replies, as many as finetuning texts (docs/toolkit.md#steering-similarity)
    chatTexts: suite.chat
      ? await sampleTexts({
          source: locate(suite.chat.source),
          column: suite.chat.column,
          split: suite.chat.split,
          n: settings.finetuneTexts,
          seed: `${seed}|chat-texts`,
          chat: 'assistant',
        })
      : [],
    seed,
    bootstrap: settings.bootstrap,
    coherence: plan.grading.graders.coherence,
    ...(plan.opts.pooledRelevance ? { pooledRelevance: true } : {}),
  };
}

function output(plan: RunPlan, req: OutputRequest, on: Loaded): Promise<ComputedOutput> {
  const { opts } = plan;
  return methodOutput(req, on.loaded, on.truth, {
    suite: plan.suite,
    seed: plan.seed,
    cacheDir: plan.cacheDir,
    graders: plan.grading.graders,
    progress: opts.progress,
    ...(opts.toolkit ? { steeringPrompts: toolkitSteeringPrompts(opts.toolkit) } : {}),
  });
}

function toolkitSteeringPrompts(t: ToolkitText): SteeringPromptSet {
  return { ...t.steering, source: `${t.repository}@${t.commit.slice(0, 7)}` };
}

/** Step 3: the method's output (the LLM variant under --graders llm) and its metrics. */
async function runMethod(
  plan: RunPlan,
  on: Loaded,
  scoring: ScoringContext,
): Promise<{ computed: ComputedOutput; metrics: Metrics }> {
  const req = { ...plan.main, method: plan.grading.scoredMethod };
  const computed = await timeStep('method', () => output(plan, req, on));
  plan.timings.method = computed.seconds;
  const metrics = await timed(plan, 'scoring', () => timeStep('scoring', () => scoreOutput(computed.output, scoring)));
  plan.graderFailures.check('the method', computed.output, metrics);
  return { computed, metrics };
}

/** Step 4 (--graders llm|both): LLM-graded metrics, findings, the agent tier and the offline-vs-LLM agreement. */
async function runLlmTier(
  plan: RunPlan,
  on: Loaded,
  main: ComputedOutput,
  metrics: Metrics,
  scoring: ScoringContext,
  llmRelevance: RecordingRelevanceGrader,
  tierPlan: LlmPlan,
): Promise<LlmSection> {
  const { opts, seed, settings } = plan;
  const { tier: llm, alongsideOffline } = tierPlan;
  const variant =
    alongsideOffline && tierPlan.swapsMethodGraders
      ? await output(plan, { ...plan.main, method: tierPlan.method }, on)
      : main;
  plan.timings.method += variant === main ? 0 : variant.seconds;
  const llmMetrics = alongsideOffline
    ? plan.graderFailures.check(
        'the method (LLM-graded)',
        variant.output,
        await timed(plan, 'llm-grading', () => scoreOutput(variant.output, { ...scoring, relevance: llmRelevance })),
      )
    : metrics;
  const coherence = await timed(plan, 'llm-grading', () =>
    gradeCoherence(variant.output, llm.graders.coherence, seed, settings.bootstrap),
  );
  Object.assign(llmMetrics, coherence.metrics);
  const findings = await timed(plan, 'llm-grading', () =>
    gradeFindings(variant.output, on.truth, llm.graders.hypothesis),
  );
  if (findings.metric) llmMetrics['hypothesis.findings'] = findings.metric;
  const agents = await timed(plan, 'agents', () =>
    runAgentTier({
      methodId: opts.method.method.id,
      output: variant.output,
      models: on.loaded,
      tokenizer: tokenizerView(on.loaded.tokenizer),
      truth: on.truth,
      tier: llm,
      seed,
      dir: agentsFolder(plan.path),
      resultFolder: dirname(plan.path),
      progress: opts.progress,
    }),
  );
  Object.assign(llmMetrics, agentMetrics(agents, seed, settings.bootstrap));
  const agreement: AgreementEntry[] = [];
  if (alongsideOffline) {
    await timed(plan, 'agreement', async () => {
      const offline = plan.grading.graders;
      agreement.push(...(await relevanceAgreement(llmRelevance, offline.relevance)));
      const offlineCoherence = await gradeCoherence(variant.output, offline.coherence, seed, settings.bootstrap);
      agreement.push(...coherenceAgreement(offlineCoherence.labels, coherence.labels));
      agreement.push(...patchscopeAgreement(main.output, variant.output));
    });
  }
  return {
    mode: tierPlan.mode,
    endpoints: llm.endpoints(),
    methodVariant: tierPlan.methodVariantNote,
    ...(alongsideOffline ? { metrics: llmMetrics } : {}),
    findings: findings.record,
    agents,
    agreement,
  };
}

/** The key of a baseline in the result file. */
function baselineKey(id: string): string {
  return id.startsWith('baseline/') ? id : `baseline/${id}`;
}

/** Step 5: each baseline of the list, run and scored like the method. */
async function runBaselines(plan: RunPlan, on: Loaded, scoring: ScoringContext): Promise<ResultFile['baselines']> {
  const out: ResultFile['baselines'] = {};
  for (const baseline of plan.opts.baselines ?? []) {
    const { config, configHash } = configFor(plan.opts, plan.grading, baseline.method);
    const computed = await timeStep(`baseline:${baseline.method.id.replace(/^baseline\//, '')}`, () =>
      output(plan, { method: baseline, config, configHash }, on),
    );
    plan.timings.baselines = (plan.timings.baselines ?? 0) + computed.seconds;
    out[baselineKey(baseline.method.id)] = {
      description: `baseline method ${baseline.method.id}@${baseline.method.version} (${baseline.source}) on this organism`,
      metrics: plan.graderFailures.check(
        baselineKey(baseline.method.id),
        computed.output,
        await timed(plan, 'scoring', () => timeStep('scoring', () => scoreOutput(computed.output, scoring))),
      ),
    };
  }
  return out;
}

/** The null organism of this run: the option's, else the suite's; none for the null organism itself. */
function nullOrganismOf(plan: RunPlan): Organism | undefined {
  const spec = plan.opts.nullOrganism === undefined ? plan.suite.nullOrganism : plan.opts.nullOrganism;
  const nullOrganism = typeof spec === 'string' ? getOrganism(spec) : (spec ?? undefined);
  return nullOrganism && nullOrganism.id !== plan.organism.id ? nullOrganism : undefined;
}

/**
 * Step 6: the method on the null organism, judged against *this* organism's ground truth and data:
 * what a method "finds" when there is nothing to find.
 */
async function runNullOrganism(
  plan: RunPlan,
  nullOrganism: Organism,
  scoring: ScoringContext,
  warnings: string[],
): Promise<ResultFile['baselines'][string]> {
  const on = await timed(plan, 'null', () => timeStep('null-organism', () => loadModels(plan, nullOrganism)));
  warnings.push(...on.loaded.warnings.map((w) => `null organism ${nullOrganism.id}: ${w}`));
  try {
    const req = { ...plan.main, method: plan.grading.scoredMethod };
    const computed = await timed(plan, 'null', () => timeStep('null-organism', () => output(plan, req, on)));
    return {
      description: `the method on the null organism ${nullOrganism.id}, scored against ${plan.organism.id}'s ground truth`,
      metrics: plan.graderFailures.check(
        'the null organism',
        computed.output,
        await timed(plan, 'scoring', () => timeStep('scoring', () => scoreOutput(computed.output, scoring))),
      ),
    };
  } finally {
    await on.loaded.dispose();
  }
}

function summarize(output: MethodOutput): ResultFile['summary'] {
  return {
    readouts: (output.readouts ?? []).slice(0, 40).map((r) => ({
      source: r.source,
      variant: r.variant,
      layer: r.layer,
      position: r.position,
      tokens: (r.selectedTokens ?? r.tokens).slice(0, 10),
    })),
    samples: (output.steering ?? []).flatMap((s) => s.steered.flat()).slice(0, 5),
    findings: (output.findings ?? []).slice(0, 20),
  };
}

function gradersUsed(plan: RunPlan, relevance: TokenRelevanceGrader): ResultFile['graders'] {
  const tierPlan = plan.grading.llm;
  const llm = tierPlan?.tier;
  return [
    { role: 'token-relevance', ...relevance.grader },
    { role: 'text-embedder', ...plan.grading.embedder.grader },
    ...(tierPlan && llm
      ? [
          ...(tierPlan.alongsideOffline ? [{ role: 'llm:token-relevance', ...llm.graders.relevance.grader }] : []),
          ...(tierPlan.swapsMethodGraders ? [{ role: 'llm:patchscope-scale', ...llm.graders.patchscope.grader }] : []),
          { role: 'llm:coherence', ...llm.graders.coherence.grader },
          { role: 'llm:hypothesis', ...llm.graders.hypothesis.grader },
          ...(llm.agentClient
            ? [{ role: 'llm:agent', id: `llm/agent/${llm.agentClient.config.model}`, version: '1' }]
            : []),
        ]
      : []),
  ];
}

interface Scored {
  output: MethodOutput;
  /** Load warnings of the organism and the null organism (recorded in the result file). */
  warnings: string[];
  metrics: Metrics;
  baselines: ResultFile['baselines'];
  llm?: LlmSection;
  relevance: TokenRelevanceGrader;
}

/** Step 7: thresholds, provenance and the result file, written atomically. */
async function writeResultFile(
  plan: RunPlan,
  scored: Scored,
  started: number,
  steps0: ReturnType<typeof stepSnapshot>,
): Promise<OrganismRun> {
  const { opts, suite, organism, main } = plan;
  const { method } = opts.method;
  const thresholds = evaluateAll(suite, organism.id, method.id, opts.settings, scored);
  plan.timings.total = (performance.now() - started) / 1000;
  // the per-step profile (src/results/step-timings.ts): 'step:<path>' wall and CPU seconds
  Object.assign(plan.timings, stepTimingsRecord(stepDelta(steps0)));
  const result: ResultFile = {
    schema: 'diffbench-result@1',
    suite: { id: suite.id, version: suite.version, settings: opts.settings },
    method: {
      id: method.id,
      version: method.version,
      config: main.config,
      configHash: main.configHash,
      source: opts.method.source,
      codeHash: opts.method.codeHash,
      // a method given the finetuning data (diagnostic) is not blind: recorded, and flagged on the leaderboard
      ...(dataNeeds(method, main.config).finetuningData ? { readsGroundTruth: true } : {}),
    },
    organism: { id: organism.id, type: organism.type, ...plan.revisions },
    datasets: await datasetRevisions(organism, suite),
    seed: plan.seed,
    createdAt: new Date().toISOString(),
    environment: environment(opts.threads ?? null, opts.device),
    graders: gradersUsed(plan, scored.relevance),
    timings: plan.timings,
    metrics: scored.metrics,
    baselines: scored.baselines,
    thresholds,
    ...(samplingRecord(scored.output) ? { sampling: samplingRecord(scored.output) } : {}),
    ...(scored.warnings.length ? { warnings: scored.warnings } : {}),
    ...(scored.llm ? { llm: scored.llm } : {}),
    ...(opts.toolkit ? { toolkit: toolkitRecord(opts.toolkit) } : {}),
    summary: summarize(scored.output),
  };
  return { result, path: writeResult(opts.resultsDir, result), reused: false, output: scored.output };
}

/**
 * Runs `opts.method` (and baselines, and the null organism) on one organism (a registry id, or an
 * Organism for one that is not registered); writes and returns its result file.
 */
export async function runOrganism(organismId: string | Organism, opts: HarnessOptions): Promise<OrganismRun> {
  const started = performance.now();
  const plan = await planRun(organismId, opts);
  const reused = reuseCachedResult(plan);
  if (reused) return reused;

  // the null organism's files are checked now too, so that a bad one stops the run before any model loads
  const nullOrganism = nullOrganismOf(plan);
  if (nullOrganism) await organismRevisions(nullOrganism, plan.opts.cacheDir);
  const steps0 = stepSnapshot();
  const on = await timed(plan, 'load', () => timeStep('load', () => loadModels(plan, plan.organism)));
  let scored: Scored;
  let scoring: ScoringContext;
  try {
    checkRevisions(plan, on.loaded);
    const tierPlan = plan.grading.llm;
    const llmRelevance = tierPlan ? new RecordingRelevanceGrader(tierPlan.tier.graders.relevance) : undefined;
    const relevance =
      llmRelevance && plan.grading.metricsGradedBy === 'llm'
        ? llmRelevance
        : timedMethod(plan.grading.graders.relevance, 'grade', 'grader:relevance');
    scoring = await timed(plan, 'scoring', () => scoringContext(plan, on.truth, relevance));
    const { computed, metrics } = await runMethod(plan, on, scoring);
    const llm =
      tierPlan && llmRelevance
        ? await runLlmTier(plan, on, computed, metrics, scoring, llmRelevance, tierPlan)
        : undefined;
    const baselines = await runBaselines(plan, on, scoring);
    scored = { output: computed.output, warnings: [...on.loaded.warnings], metrics, baselines, llm, relevance };
  } finally {
    await on.loaded.dispose();
  }
  if (nullOrganism) scored.baselines.null = await runNullOrganism(plan, nullOrganism, scoring, scored.warnings);
  const failures = plan.graderFailures.warning();
  if (failures) {
    scored.warnings.push(failures);
    process.stderr.write(`warning: ${plan.organism.id}: ${failures}\n`);
  }
  return writeResultFile(plan, scored, started, steps0);
}

export type { Organism };
