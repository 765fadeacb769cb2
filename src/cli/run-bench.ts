// A bench run as a function: scores a diffing method and the baselines on every organism of a suite,
// writes one result file per organism and the leaderboard, prints them and returns the exit status.
// `npm run bench` (src/cli/bench.ts) is a thin CLI over it; tests call it directly.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { asInput, checkedCacheDir, nameList, positiveInt, threadCount, writableDir } from './args.ts';
import { organismRevisions } from '../harness/organism.ts';
import { getOrganism, organismIsCached } from '../registry/index.ts';
import { DEFAULT_METHOD, loadMethod, mergeConfig, parseSetting, type LoadedMethod } from '../harness/load-method.ts';
import { createProgress, formatSeconds } from '../harness/progress.ts';
import { runOrganism } from '../harness/run.ts';
import {
  agentTierFor,
  parseGraderMode,
  type AgentTierConfig,
  type GraderMode,
  type LlmTier,
} from '../llm-tier/tier.ts';
import { loadSuite, type Suite } from '../harness/suite.ts';
import { parseDevice, type Device } from '../runtime/device.ts';
import { addPlacement, describePlacement, providersUsed } from '../runtime/placement.ts';
import { checkMethodConfig, configFileOverrides } from '../harness/method-config.ts';
import { summarizeOutcomes } from '../harness/thresholds.ts';
import type { ThresholdOutcome } from '../results/types.ts';
import {
  addStepTimes,
  formatStepTimes,
  gcSeconds,
  stepDelta,
  stepSnapshot,
  trackGc,
  type StepTimes,
} from '../results/step-timings.ts';
import { runInWorkers, serveWorker, type OrganismSummary, type WorkerTotals } from './organism-pool.ts';
import { inactivitySeconds } from '../harness/watchdog.ts';
import { defaultCacheDir, resultsDirFor } from '../paths.ts';
import { graderInstructions, loadToolkitFromEnv, toolkitAgentPrompts, type ToolkitText } from '../toolkit/index.ts';
import { chooseEmbedder, defaultBaselines, llmTier, offlineGraders, withEmbedder } from './compose.ts';
import { writeLeaderboard } from './reports.ts';
import { graderModeNeeds } from '../harness/grader-plan.ts';
import { removeForeignLeaderboards } from './leaderboard-files.ts';

/** The options of `npm run bench`, as given on the command line (`npm run bench -- --help` says what each does). */
export interface BenchOptions {
  /** Default 'zoo'. */
  suite?: string;
  /** A built-in method id or a method file; default 'adl'. */
  method?: string;
  /** `key=value` config overrides. */
  set?: string[];
  config?: string;
  /** Comma-separated organism ids. */
  organisms?: string;
  /** Default 'full'. */
  settings?: string;
  seed?: string;
  results?: string;
  reports?: string;
  noBaselines?: boolean;
  graders?: string;
  embedder?: string;
  /** 'toolkit' or 'diffbench'; default toolkit under --graders paper. */
  prompts?: string;
  /** A checkout of the toolkit (--prompts toolkit). */
  toolkit?: string;
  agentRuns?: string;
  agentMethodMi?: string;
  agentBlackboxMi?: string;
  threads?: string;
  device?: string;
  jobs?: string;
  recompute?: boolean;
  profile?: boolean;
}

/** Where a run prints: the leaderboard and the summary (`out`), progress and notes (`err`). */
export interface BenchIO {
  out(line: string): void;
  err(line: string): void;
}

const consoleIO: BenchIO = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** The CLI that worker processes run (`--jobs N`). */
const BENCH_CLI = fileURLToPath(new URL('./bench.ts', import.meta.url));

/** A run's options checked and resolved: everything up to the first model load. */
interface BenchPlan {
  graders: GraderMode;
  suite: Suite;
  settings: string;
  method: LoadedMethod;
  overrides: Record<string, unknown>;
  baselines: LoadedMethod[];
  organisms: string[];
  resultsDir: string;
  device: Device;
  jobs: number;
  threads: number | undefined;
  llm: LlmTier | undefined;
  toolkit: ToolkitText | undefined;
}

/** Checks the options; whatever fails here is an input error (exit 2), reported before any model is loaded. */
function planBench(o: BenchOptions, io: BenchIO): Promise<BenchPlan> {
  return asInput(async () => {
    const settings = o.settings ?? 'full';
    const suite = loadSuite(o.suite ?? 'zoo');
    const graders = parseGraderMode(o.graders ?? suite.graders ?? 'offline');
    const needs = graderModeNeeds(graders);
    const prompts = o.prompts ?? needs.prompts;
    if (prompts !== 'toolkit' && prompts !== 'diffbench')
      throw new Error(`--prompts ${prompts}: expected toolkit or diffbench`);
    if (o.toolkit !== undefined && prompts !== 'toolkit')
      throw new Error('--toolkit <dir> is read only with --prompts toolkit (the default under --graders paper)');
    // the toolkit's text, read and checked before anything else loads (a missing or changed file: exit 2)
    const toolkit =
      prompts === 'toolkit' ? await loadToolkitFromEnv({ cacheDir: defaultCacheDir(), dir: o.toolkit }) : undefined;
    if (toolkit) io.err(`bench: prompts from ${toolkit.repository}@${toolkit.commit.slice(0, 7)}`);
    const method = await loadMethod(o.method ?? DEFAULT_METHOD);
    let overrides: Record<string, unknown> = o.config
      ? configFileOverrides(o.config, method.method, settings, Object.keys(suite.settings))
      : {};
    for (const s of o.set ?? []) overrides = mergeConfig(overrides, parseSetting(s));
    checkMethodConfig(method.method, suite, settings, overrides, o.config);
    const baselines = o.noBaselines ? [] : defaultBaselines();
    const organisms = nameList('organisms', o.organisms) ?? suite.organisms;
    for (const id of organisms)
      if (!suite.organisms.includes(id))
        throw new Error(
          `--organisms: ${id} is not in suite ${suite.id}; its organisms are: ${suite.organisms.join(', ')}`,
        );
    if (!suite.settings[settings])
      throw new Error(
        `--settings ${settings}: suite ${suite.id} has settings ${Object.keys(suite.settings).join(', ')}`,
      );
    const resultsDir = writableDir('results', o.results ?? resultsDirFor(settings));
    checkedCacheDir();
    if (o.reports) writableDir('reports', o.reports);
    const device = parseDevice(o.device);
    const jobs =
      positiveInt('jobs', o.jobs) ??
      (device === 'cpu' && organisms.every((id) => id.startsWith('zoo/')) ? Math.min(2, os.availableParallelism()) : 1);
    const threads = threadCount(o.threads) ?? (jobs > 1 ? 1 : undefined);
    inactivitySeconds(); // DIFFBENCH_METHOD_INACTIVITY_S checked now, not after the models load
    let llm: LlmTier | undefined;
    if (needs.llmTier) {
      llm = llmTier({
        agents: agentTierFor(suite, settings, agentOverrides(o)),
        ...(toolkit ? { instructions: graderInstructions(toolkit), agentPrompts: toolkitAgentPrompts(toolkit) } : {}),
      });
      const a = llm.agents;
      io.err(
        `bench: graders ${graders}; agents: ${a.runs} run(s) x method agent at ${a.method.join('/') || '-'} and black-box at ${a.blackbox.join('/') || '-'} model interactions`,
      );
    }
    return {
      graders,
      suite,
      settings,
      method,
      overrides,
      baselines,
      organisms,
      resultsDir,
      device,
      jobs,
      threads,
      llm,
      toolkit,
    };
  });
}

/** --agent-runs, --agent-method-mi, --agent-blackbox-mi: comma-separated integers >= 0. */
function agentOverrides(o: BenchOptions): Partial<AgentTierConfig> {
  const list = (flag: string, s: string) =>
    s
      .split(',')
      .filter((x) => x.trim() !== '')
      .map((x) => {
        const n = Number(x);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} ${s}: expected comma-separated integers >= 0`);
        return n;
      });
  const agents: Partial<AgentTierConfig> = {};
  if (o.agentRuns !== undefined) agents.runs = list('agent-runs', o.agentRuns)[0] ?? 0;
  if (o.agentMethodMi !== undefined) agents.method = list('agent-method-mi', o.agentMethodMi);
  if (o.agentBlackboxMi !== undefined) agents.blackbox = list('agent-blackbox-mi', o.agentBlackboxMi);
  return agents;
}

/** Runs one organism at a time in this process; the text embedder is loaded on first use (each worker loads its own). */
function organismRunner(plan: BenchPlan, o: BenchOptions, io: BenchIO) {
  let embedding: ReturnType<typeof chooseEmbedder> | undefined;
  const loadEmbedder = () =>
    (embedding ??= chooseEmbedder(o.embedder ?? graderModeNeeds(plan.graders).embedder, {
      threads: plan.threads,
      progress: createProgress('  embedding'),
    }).then((e) => {
      if (e) io.err(`bench: text embedder ${e.embedder.grader.id} (${e.source.path})`);
      return e;
    }));
  const run = async (organismId: string): Promise<OrganismSummary> => {
    const embedded = await loadEmbedder();
    io.err(`  ${organismId} ...`);
    const before = stepSnapshot();
    const { path, reused, result } = await runOrganism(organismId, {
      suite: plan.suite,
      settings: plan.settings,
      resultsDir: plan.resultsDir,
      method: plan.method,
      configOverrides: plan.overrides,
      baselines: plan.baselines,
      seed: o.seed,
      threads: plan.threads,
      device: plan.device,
      recompute: o.recompute ?? false,
      graders: embedded ? withEmbedder(offlineGraders(), embedded.embedder) : offlineGraders(),
      graderMode: plan.graders,
      llm: plan.llm,
      toolkit: plan.toolkit,
      progress: createProgress(`  ${organismId}`),
    });
    const notes: string[] = [];
    if (result.llm) {
      const grades = Object.entries(result.llm.metrics ?? result.metrics).filter(
        ([k]) => k.startsWith('agent.') || k === 'hypothesis.findings',
      );
      const agreement = result.llm.agreement.map(
        (a) =>
          `${a.role} ${a.statistic === 'cohen-kappa' ? 'kappa' : 'r'}=${a.value === null ? 'n/a' : a.value.toFixed(2)} (n=${a.n})`,
      );
      notes.push(
        `  ${organismId}: hypothesis grades ${grades.map(([k, v]) => `${k}=${v.estimate.toFixed(2)}`).join(', ') || '(none)'}${agreement.length ? `; agreement ${agreement.join(', ')}` : ''}`,
      );
    }
    return {
      organism: organismId,
      path,
      reused,
      seconds: result.timings.total,
      thresholds: result.thresholds,
      notes,
      steps: [...stepDelta(before)],
    };
  };
  const dispose = async () => (await embedding)?.dispose();
  return { run, dispose };
}

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/**
 * Runs the bench: every organism (in `jobs` worker processes when there are several), then the
 * leaderboard. Returns 0 when every pass threshold holds, 1 when one fails or is not scored; throws on
 * input errors (InputError and the like: exit 2, before any model is loaded) and runtime failures (exit 3).
 */
/**
 * The files of every organism already on disk, and of the null organism, checked now (memoised by content), so
 * that a bad one stops the bench before any model loads; one still to download is checked when it is planned.
 */
async function checkOrganismFiles({ organisms, suite }: BenchPlan): Promise<void> {
  for (const id of new Set([...organisms, ...(suite.nullOrganism ? [suite.nullOrganism] : [])])) {
    const organism = getOrganism(id);
    if (await organismIsCached(organism)) await organismRevisions(organism);
  }
}

export async function runBench(o: BenchOptions = {}, io: BenchIO = consoleIO): Promise<number> {
  const plan = await planBench(o, io);
  try {
    return await runPlanned(plan, o, io);
  } finally {
    // the leaderboard is DiffBench's: a file of its name that DiffBench did not write does not outlive the run
    for (const f of removeForeignLeaderboards(plan.suite, [plan.resultsDir, o.reports ?? plan.resultsDir]))
      io.err(`bench: removed ${f}: a leaderboard file DiffBench did not write`);
  }
}

async function runPlanned(plan: BenchPlan, o: BenchOptions, io: BenchIO): Promise<number> {
  await checkOrganismFiles(plan);
  const { suite, method, baselines, organisms, jobs, settings, resultsDir } = plan;
  if (o.profile) trackGc();
  io.err(
    `bench: ${method.method.id}@${method.method.version} (${method.source}) + ${baselines.length} baseline(s) on ${suite.id}@${suite.version}, ${organisms.length} organism(s), ${settings} settings${jobs > 1 ? `, ${jobs} jobs` : ''}`,
  );
  const overall = createProgress('bench');
  const started = performance.now();
  const cpu0 = cpuSeconds();
  const outcomes: { label: string; outcome: ThresholdOutcome }[] = [];
  const steps: StepTimes = new Map();
  let finished = 0;
  const reported = new Set<string>();
  const report = (s: OrganismSummary) => {
    reported.add(s.organism);
    const mine = s.thresholds.map((outcome) => ({ label: s.organism, outcome }));
    outcomes.push(...mine);
    addStepTimes(steps, s.steps);
    const counts = summarizeOutcomes(mine);
    io.err(
      `  ${s.organism}: ${s.reused ? 'reused' : `${s.seconds.toFixed(1)}s`}, thresholds ${counts.pass} pass / ${counts.fail} fail / ${counts.notScored} not scored -> ${s.path}`,
    );
    for (const n of s.notes) io.err(n);
    overall('organisms', ++finished, organisms.length);
  };
  overall('organisms', 0, organisms.length);
  let workers: WorkerTotals = { cpu: 0, gc: 0, placement: {} };
  const inWorkers = jobs > 1 && organisms.length > 1;
  if (inWorkers) {
    // the null organism first: every other organism's null-organism step reuses its output
    const queue = [...organisms].sort((a, b) => Number(b === suite.nullOrganism) - Number(a === suite.nullOrganism));
    const args = ['--worker-options', JSON.stringify(o)];
    workers = await runInWorkers(queue, jobs, BENCH_CLI, args, report, inactivitySeconds());
  } else {
    const runner = organismRunner(plan, o, io);
    try {
      for (const organismId of organisms) report(await runner.run(organismId));
    } finally {
      await runner.dispose();
    }
  }
  // completion is proven, not assumed: every organism asked for has a result
  const missing = organisms.filter((id) => !reported.has(id));
  if (missing.length > 0)
    throw new Error(`no result for ${missing.length} of ${organisms.length} organism(s): ${missing.join(', ')}`);
  if (o.profile) {
    const wall = (performance.now() - started) / 1000;
    const where = inWorkers ? `${jobs} worker processes; CPU and GC include them` : 'one process';
    io.out(
      `profile (${organisms.length} organism(s), ${settings} settings, ${where}):\n${formatStepTimes(steps, { wall, cpu: cpuSeconds() - cpu0 + workers.cpu, gc: gcSeconds() + workers.gc })}`,
    );
  }

  const board = writeLeaderboard(suite, resultsDir, o.reports ?? resultsDir, settings);
  io.out(board.table);
  io.out(
    `summary: ${organisms.length} organism(s) in ${formatSeconds((performance.now() - started) / 1000)}; results in ${resultsDir}; leaderboard in ${board.files.join(' and ')}; ran on ${describePlacement(plan.device, addPlacement(providersUsed(), workers.placement))}`,
  );
  const summary = summarizeOutcomes(outcomes);
  io.out(`thresholds: ${summary.pass} pass / ${summary.fail} fail / ${summary.notScored} not scored`);
  if (summary.fail > 0)
    io.out(`FAILED thresholds (${summary.fail}):\n${summary.failures.map((f) => `  ${f}`).join('\n')}`);
  // Nothing missing passes: a threshold whose metric is missing or not finite is counted, never a pass.
  if (summary.notScored > 0)
    io.out(
      `NOT SCORED thresholds (${summary.notScored}; a metric they name is missing or not finite):\n${summary.unscored.map((f) => `  ${f}`).join('\n')}`,
    );
  if (summary.fail > 0 || summary.notScored > 0) return 1;
  io.out(
    summary.allPass
      ? 'all pass thresholds hold'
      : `no pass thresholds apply to ${method.method.id} on ${suite.id}@${suite.version}; see the ranking above`,
  );
  return 0;
}

/** A worker process of runBench (`--jobs N`): runs the organisms the parent sends, with the parent's options. */
export async function serveBenchWorker(o: BenchOptions, io: BenchIO = consoleIO): Promise<void> {
  const plan = await planBench(o, io);
  if (o.profile) trackGc();
  const runner = organismRunner(plan, o, io);
  await serveWorker(runner.run, () => ({ cpu: cpuSeconds(), gc: gcSeconds(), placement: providersUsed() }));
  await runner.dispose();
}
