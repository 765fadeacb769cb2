// Running a method and its baselines on one organism of a suite, scoring them and writing the result
// file. Method outputs are cached by content (method + config + model revisions + data + seed), so a
// rerun, the null organism shared by every organism, and an interrupted suite reuse finished work.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { HeuristicCoherenceGrader } from '../../graders/offline/coherence.ts';
import type { TextEmbedder, TokenRelevanceGrader } from '../method/graders.ts';
import { sampleDocuments, sampleTexts } from '../data/index.ts';
import type { DiffingMethod, MethodContext, MethodOutput } from '../method/types.ts';
import { openModelWeights } from '../method/weights.ts';
import { datasetRevisions } from './datasets.ts';
import { getOrganism, locate, type Organism } from '../registry/index.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { environment, REPO_ROOT } from '../results/environment.ts';
import { shortHash } from '../results/hash.ts';
import { stepDelta, stepSnapshot, stepTimingsRecord, timedMethod, timeStep } from '../results/step-timings.ts';
import { agentsFolder, methodFolder, readResult, resultPath, writeResult } from '../results/store.ts';
import type { AgreementEntry, LlmSection, Metrics, ResultFile } from '../results/types.ts';
import { runAgentTier } from './agents.ts';
import { agentMetrics, coherenceAgreement, gradeCoherence, gradeFindings, patchscopeAgreement, RecordingRelevanceGrader, relevanceAgreement } from './llm-scoring.ts';
import type { GraderMode, LlmTier } from './llm-tier.ts';
import type { LoadedMethod } from './load-method.ts';
import { layeredConfig } from './method-config.ts';
import { dirname } from 'node:path';
import { finetuningTexts, groundTruth, loadOrganism, organismRevisions, tokenizerView, type LoadedOrganism } from './organism.ts';
import type { ProgressFn } from './progress.ts';
import { scoreOutput, type ScoringContext } from './score.ts';
import { validateMethodOutput } from '../method/validate.ts';
import { protocolOf } from './protocol.ts';
import { loadThresholds, suiteSettings, type Suite } from './suite.ts';
import { evaluateThreshold, thresholdApplies } from './thresholds.ts';
import { describeThrown, during } from '../errors.ts';

export function defaultCacheDir(): string {
  return process.env.DIFFBENCH_CACHE ?? join(homedir(), '.cache', 'diffbench');
}

/** Where results go: DIFFBENCH_RESULTS, else ./results for full settings and the cache for fast ones (npm test). */
export function defaultResultsDir(settings: string): string {
  if (process.env.DIFFBENCH_RESULTS) return process.env.DIFFBENCH_RESULTS;
  return settings === 'full' ? join(REPO_ROOT, 'results') : join(defaultCacheDir(), `results-${settings}`);
}

export interface HarnessOptions {
  suite: Suite;
  /** 'fast' (npm test) or 'full' (npm run bench). */
  settings: string;
  resultsDir: string;
  method: LoadedMethod;
  /** Config overrides on top of the suite's settings for this method. */
  configOverrides?: Record<string, unknown>;
  baselines?: LoadedMethod[];
  seed?: string;
  cacheDir?: string;
  threads?: number;
  progress?: ProgressFn;
  /** Recompute even when a result file exists (method outputs are still reused). */
  recompute?: boolean;
  relevance?: TokenRelevanceGrader;
  embedder?: TextEmbedder;
  /** 'offline' (default), 'llm' (LLM graders + agent tier) or 'both' (offline metrics + the LLM tier + their agreement). */
  graders?: GraderMode;
  /** The LLM graders and agent settings; required unless graders is 'offline' (see llmTierFromEnv). */
  llm?: LlmTier;
}

export interface OrganismRun {
  result: ResultFile;
  path: string;
  reused: boolean;
}

const noProgress: ProgressFn = () => {};

function configFor(opts: HarnessOptions, method: DiffingMethod, extra: Record<string, unknown> = {}) {
  return layeredConfig(method, opts.suite, opts.settings, extra);
}

/** Everything a method's outputs depend on, besides the method: models, unrelated data, seed. */
function outputKey(opts: HarnessOptions, revisions: LoadedOrganism['revisions'], seed: string): string {
  return shortHash({ base: revisions.base.contentHash, finetuned: revisions.finetuned.contentHash, unrelated: opts.suite.unrelated, seed });
}

function methodContext(loaded: LoadedOrganism, opts: HarnessOptions, cacheDir: string, seed: string, organismCtx: MethodContext['organism']): MethodContext {
  const { unrelated } = opts.suite;
  const tok = loaded.tokenizer;
  return {
    organism: organismCtx,
    base: loaded.base,
    finetuned: loaded.finetuned,
    baseScale: loaded.baseScale,
    finetunedScale: loaded.finetunedScale,
    tokenizer: tokenizerView(tok),
    weights: openModelWeights(loaded.base.info, loaded.finetuned.info),
    unrelatedDocuments: (n, tokens) =>
      sampleDocuments({
        source: locate(unrelated.source),
        column: unrelated.column,
        n,
        minTokens: tokens,
        tokenizer: tok,
        order: unrelated.order,
        seed,
        addSpecialTokens: unrelated.addSpecialTokens,
      }),
    cacheDir,
    seed,
    progress: opts.progress ?? noProgress,
  };
}

/** The method's output on a loaded organism, from the output cache or by running it. */
async function methodOutput(
  lm: LoadedMethod,
  config: Record<string, unknown>,
  configHash: string,
  loaded: LoadedOrganism,
  organismCtx: MethodContext['organism'],
  opts: HarnessOptions,
  seed: string,
): Promise<{ output: MethodOutput; seconds: number; cached: boolean }> {
  const cacheRoot = opts.cacheDir ?? defaultCacheDir();
  const folder = methodFolder({ id: lm.method.id, version: lm.method.version, configHash });
  const name = `${loaded.organism.id.replace(/\//g, '__')}--${outputKey(opts, loaded.revisions, seed)}-${lm.codeHash}`;
  const file = join(cacheRoot, 'outputs', folder, `${name}.json`);
  const validate = (output: unknown) => validateMethodOutput(output, {
    methodId: lm.method.id, hiddenSize: loaded.finetuned.info.hiddenSize, numLayers: loaded.finetuned.info.numLayers, budget: protocolOf(opts.suite),
  });
  if (existsSync(file)) {
    try {
      return { output: validate(JSON.parse(readFileSync(file, 'utf8'))), seconds: 0, cached: true };
    } catch {
      // A corrupt or outdated cache entry is recomputed (and validated again below).
    }
  }
  const started = performance.now();
  // One work folder per organism and data, shared by all methods: ADL's baselines reuse ADL's collected means.
  const workName = `${loaded.organism.id.replace(/\//g, '__')}--${outputKey(opts, loaded.revisions, seed)}`;
  const ctx = methodContext(loaded, opts, join(cacheRoot, 'work', workName), seed, organismCtx);
  let output: unknown;
  try {
    output = await during(`method '${lm.method.id}' (${lm.source}) on ${loaded.organism.id}`, () => lm.method.run(ctx, config));
  } catch (err) {
    throw new Error(`method '${lm.method.id}' (${lm.source}) failed on ${loaded.organism.id}: ${describeThrown(err)}`, { cause: err });
  }
  const valid = validate(output);
  writeJsonAtomic(file, valid);
  return { output: valid, seconds: (performance.now() - started) / 1000, cached: false };
}

function summarize(output: MethodOutput): ResultFile['summary'] {
  return {
    readouts: (output.readouts ?? [])
      .slice(0, 40)
      .map((r) => ({ source: r.source, variant: r.variant, layer: r.layer, position: r.position, tokens: (r.selectedTokens ?? r.tokens).slice(0, 10) })),
    samples: (output.steering ?? []).flatMap((s) => s.steered.flat()).slice(0, 5),
    findings: (output.findings ?? []).slice(0, 20),
  };
}

export function evaluateAll(suite: Suite, organismId: string, methodId: string, settings: string, scored: Pick<ResultFile, 'metrics' | 'baselines'>) {
  return loadThresholds(suite)
    .filter((th) => thresholdApplies(th, organismId, methodId, settings, suite.nullOrganism))
    .map((th) => evaluateThreshold(th, scored));
}

/** Runs `opts.method` (and baselines, and the null organism) on one organism; writes and returns its result file. */
export async function runOrganism(organismId: string, opts: HarnessOptions): Promise<OrganismRun> {
  const t0 = performance.now();
  const { suite } = opts;
  const seed = opts.seed ?? suite.seed;
  const settings = suiteSettings(suite, opts.settings);
  const organism = getOrganism(organismId);
  const { method } = opts.method;
  const mode = opts.graders ?? 'offline';
  if (mode !== 'offline' && !opts.llm) throw new Error(`runOrganism: graders '${mode}' needs opts.llm (build it with llmTierFromEnv)`);
  const llm = mode === 'offline' ? undefined : opts.llm;
  const { config, configHash } = configFor(opts, method, opts.configOverrides);
  const revisions = await organismRevisions(organism, opts.cacheDir);
  const key = {
    suite: { id: suite.id, version: suite.version },
    method: { id: method.id, version: method.version, configHash },
    organism: { id: organism.id, ...revisions },
    seed,
    ...(mode === 'llm' ? { llm: { mode } } : {}),
  };
  const path = resultPath(opts.resultsDir, key);
  if (!opts.recompute && existsSync(path)) {
    const result = readResult(path);
    const gradedAsAsked = mode === 'offline' || result.llm?.mode === mode;
    if (result.suite.settings === opts.settings && result.method.codeHash === opts.method.codeHash && gradedAsAsked) {
      // Thresholds may have changed since: evaluate the current ones on the stored metrics.
      result.thresholds = evaluateAll(suite, organism.id, method.id, opts.settings, result);
      return { result, path: writeResult(opts.resultsDir, result), reused: true };
    }
  }

  const steps0 = stepSnapshot();
  const timings: Record<string, number> = {};
  const clock = (name: string, since: number) => (timings[name] = (timings[name] ?? 0) + (performance.now() - since) / 1000);

  let t = performance.now();
  const loaded = await timeStep('load', () => loadOrganism(organism, { threads: opts.threads, cacheDir: opts.cacheDir }));
  for (const side of ['base', 'finetuned'] as const) {
    if (loaded.revisions[side].contentHash !== revisions[side].contentHash) {
      throw new Error(`internal: the ${side} model's content hash from the runtime differs from src/harness/organism.ts's recipe; update checkpointHash to match src/runtime/cache.ts`);
    }
  }
  const truth = await groundTruth(organism, loaded.tokenizer);
  clock('load', t);

  const offlineRelevance = timedMethod(opts.relevance ?? new LexicalRelevanceGrader(), 'grade', 'grader:relevance');
  const llmRelevance = llm ? new RecordingRelevanceGrader(llm.graders.relevance) : undefined;
  const relevance = mode === 'llm' ? llmRelevance! : offlineRelevance;
  const embedder = timedMethod(opts.embedder ?? new HashedTfidfEmbedder(), 'embed', 'grader:embedder');
  // The method with its own graders swapped for the LLM ones (ADL: Patchscope scale choice); its outputs are cached apart.
  const llmMethod: LoadedMethod | undefined = llm
    ? opts.method.withGraders
      ? { ...opts.method, method: opts.method.withGraders({ patchscope: llm.graders.patchscope }), codeHash: `${opts.method.codeHash}-llm${shortHash(llm.graders.patchscope.grader)}` }
      : opts.method
    : undefined;
  const primary = mode === 'llm' ? llmMethod! : opts.method;
  t = performance.now();
  const scoring: ScoringContext = {
    organism: truth,
    relevance,
    embedder,
    finetuneTexts: await finetuningTexts(organism, settings.finetuneTexts, seed),
    unrelatedTexts:
      settings.unrelatedTexts > 0
        ? await sampleTexts({ source: locate(suite.unrelated.source), column: suite.unrelated.column, n: settings.unrelatedTexts, seed: `${seed}|unrelated-texts` })
        : [],
    seed,
    bootstrap: settings.bootstrap,
    coherence: new HeuristicCoherenceGrader(),
  };
  clock('scoring', t);

  let metrics: Metrics;
  const baselines: ResultFile['baselines'] = {};
  let summary: ResultFile['summary'];
  let llmSection: LlmSection | undefined;
  try {
    const main = await timeStep('method', () => methodOutput(primary, config, configHash, loaded, truth, opts, seed));
    timings.method = main.seconds;
    t = performance.now();
    metrics = await timeStep('scoring', () => scoreOutput(main.output, scoring));
    summary = summarize(main.output);
    clock('scoring', t);

    if (llm && llmMethod) {
      const variant = mode === 'both' && llmMethod !== opts.method ? await methodOutput(llmMethod, config, configHash, loaded, truth, opts, seed) : main;
      timings.method += variant === main ? 0 : variant.seconds;
      t = performance.now();
      const llmMetrics = mode === 'both' ? await scoreOutput(variant.output, { ...scoring, relevance: llmRelevance! }) : metrics;
      const coherence = await gradeCoherence(variant.output, llm.graders.coherence, seed, settings.bootstrap);
      Object.assign(llmMetrics, coherence.metrics);
      const findings = await gradeFindings(variant.output, truth, llm.graders.hypothesis);
      if (findings.metric) llmMetrics['hypothesis.findings'] = findings.metric;
      clock('llm-grading', t);
      t = performance.now();
      const agents = await runAgentTier({
        methodId: method.id, output: variant.output, loaded, truth, tier: llm, seed,
        dir: agentsFolder(path), resultFolder: dirname(path), progress: opts.progress,
      });
      Object.assign(llmMetrics, agentMetrics(agents, seed, settings.bootstrap));
      clock('agents', t);
      const agreement: AgreementEntry[] = [];
      if (mode === 'both') {
        t = performance.now();
        agreement.push(...(await relevanceAgreement(llmRelevance!, offlineRelevance)));
        const offlineCoherence = await gradeCoherence(variant.output, new HeuristicCoherenceGrader(), seed, settings.bootstrap);
        agreement.push(...coherenceAgreement(offlineCoherence.labels, coherence.labels));
        agreement.push(...patchscopeAgreement(main.output, variant.output));
        clock('agreement', t);
      }
      llmSection = {
        mode: mode as LlmSection["mode"],
        endpoints: llm.endpoints(),
        methodVariant: llmMethod === opts.method
          ? 'the method grades nothing itself: the LLM graders score its unchanged output'
          : "the method's own graders swapped for the LLM ones (Patchscope scale choice); the steering search keeps its offline coherence grader",
        ...(mode === 'both' ? { metrics: llmMetrics } : {}),
        findings: findings.record,
        agents,
        agreement,
      };
    }

    for (const baseline of opts.baselines ?? []) {
      const bc = configFor(opts, baseline.method);
      const out = await timeStep(`baseline:${baseline.method.id.replace(/^baseline\//, '')}`, () => methodOutput(baseline, bc.config, bc.configHash, loaded, truth, opts, seed));
      timings.baselines = (timings.baselines ?? 0) + out.seconds;
      t = performance.now();
      baselines[baseline.method.id.startsWith('baseline/') ? baseline.method.id : `baseline/${baseline.method.id}`] = {
        description: `baseline method ${baseline.method.id}@${baseline.method.version} (${baseline.source}) on this organism`,
        metrics: await timeStep('scoring', () => scoreOutput(out.output, scoring)),
      };
      clock('scoring', t);
    }
  } finally {
    await loaded.dispose();
  }

  if (suite.nullOrganism && suite.nullOrganism !== organism.id) {
    t = performance.now();
    const nullOrganism = getOrganism(suite.nullOrganism);
    const nullLoaded = await timeStep('null-organism', () => loadOrganism(nullOrganism, { threads: opts.threads, cacheDir: opts.cacheDir }));
    try {
      const nullCtx = await groundTruth(nullOrganism, nullLoaded.tokenizer);
      const out = await timeStep('null-organism', () => methodOutput(primary, config, configHash, nullLoaded, nullCtx, opts, seed));
      clock('null', t);
      t = performance.now();
      // The null organism's outputs judged against *this* organism's ground truth: what a method
      // "finds" when there is nothing to find.
      baselines.null = {
        description: `the method on the null organism ${nullOrganism.id}, scored against ${organism.id}'s ground truth`,
        metrics: await timeStep('scoring', () => scoreOutput(out.output, scoring)),
      };
      clock('scoring', t);
    } finally {
      await nullLoaded.dispose();
    }
  }

  const thresholds = evaluateAll(suite, organism.id, method.id, opts.settings, { metrics, baselines });
  timings.total = (performance.now() - t0) / 1000;
  Object.assign(timings, stepTimingsRecord(stepDelta(steps0)));

  const result: ResultFile = {
    schema: 'diffbench-result@1',
    suite: { id: suite.id, version: suite.version, settings: opts.settings },
    method: { id: method.id, version: method.version, config, configHash, source: opts.method.source, codeHash: opts.method.codeHash },
    organism: { id: organism.id, type: organism.type, ...revisions },
    datasets: await datasetRevisions(organism, suite),
    seed,
    createdAt: new Date().toISOString(),
    environment: environment(opts.threads ?? null),
    graders: [
      { role: 'token-relevance', ...relevance.grader },
      { role: 'text-embedder', ...embedder.grader },
      ...(llm
        ? [
            ...(mode === 'both' ? [{ role: 'llm:token-relevance', ...llm.graders.relevance.grader }] : []),
            ...(llmMethod !== opts.method ? [{ role: 'llm:patchscope-scale', ...llm.graders.patchscope.grader }] : []),
            { role: 'llm:coherence', ...llm.graders.coherence.grader },
            { role: 'llm:hypothesis', ...llm.graders.hypothesis.grader },
            ...(llm.agentClient ? [{ role: 'llm:agent', id: `llm/agent/${llm.agentClient.config.model}`, version: '1' }] : []),
          ]
        : []),
    ],
    timings,
    metrics,
    baselines,
    thresholds,
    ...(llmSection ? { llm: llmSection } : {}),
    summary,
  };
  return { result, path: writeResult(opts.resultsDir, result), reused: false };
}

export type { Organism };
