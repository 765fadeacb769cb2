// npm run bench -- [options]: score a diffing method (default ADL) and the baselines on a suite
// (default zoo), write one result file per organism, print the leaderboard. See --help.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { asInput, checkedCacheDir, nameList, positiveInt, threadCount, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { DEFAULT_METHOD, loadMethod, mergeConfig, parseSetting } from '../harness/load-method.ts';
import { createProgress, formatSeconds } from '../harness/progress.ts';
import { runOrganism } from '../harness/run.ts';
import { agentTierFor, parseGraderMode, type AgentTierConfig, type LlmTier } from '../llm-tier/tier.ts';
import { loadSuite } from '../harness/suite.ts';
import { parseDevice } from '../runtime/device.ts';
import { addPlacement, describePlacement, providersUsed } from '../runtime/placement.ts';
import { checkMethodConfig, configFileOverrides } from '../harness/method-config.ts';
import { summarizeOutcomes } from '../harness/thresholds.ts';
import type { ThresholdOutcome } from '../results/types.ts';
import { rerunWithAllocatorEnv } from './allocator.ts';
import { inactivitySeconds } from '../harness/watchdog.ts';
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
import { defaultCacheDir, resultsDirFor } from '../paths.ts';
import { graderInstructions, loadToolkitFromEnv } from '../toolkit/index.ts';
import { chooseEmbedder, defaultBaselines, llmTier, offlineGraders } from './compose.ts';
import { writeLeaderboard } from './reports.ts';

const HELP = `Usage: npm run bench -- [options]

Scores a diffing method and the baselines on every organism of a suite, offline on a CPU for the zoo,
writes one result file per organism and prints the leaderboard (also written as Markdown and HTML).

Options:
  --suite <name>        zoo (default), paper, ablations (folders of benchmark/)
  --method <name|file>  built-in method (adl, the default) or a .ts/.js file whose default export is a DiffingMethod
  --set key=value       override one config value of the method (repeatable; dots for nesting: --set steering.enabled=false)
  --config <file.json>  config overrides from a JSON file: flat, or per settings {"fast": {...}, "full": {...}}
                        (layers: method defaults < method preset < suite < --config < --set; checked with the method's schema)
  --organisms <a,b>     only these organisms (registry ids)
  --settings <name>     full (default) or fast (the npm test settings)
  --seed <s>            seed (default: the suite's)
  --results <dir>       results folder (default results/<settings>, or $DIFFBENCH_RESULTS/<settings>)
  --reports <dir>       where the leaderboard .md/.html go (default: the results folder)
  --no-baselines        skip the baseline methods and the controls (the null organism still runs;
                        without the controls there are no normalised scores or ranking)
  --graders <mode>      offline (no LLM), llm (LLM graders + the agent tier), both (offline metrics, plus
                        the LLM tier and the offline-vs-LLM agreement) or paper (the paper toolkit's: llm, plus
                        the LLM coherence grader in the steering search and the Qwen3-Embedding-0.6B embedder).
                        Default: the suite's (paper: paper), else offline. The LLM endpoint comes from
                        DIFFBENCH_LLM_BASE_URL / DIFFBENCH_LLM_MODEL / DIFFBENCH_LLM_API_KEY[_FILE]
                        (per role: DIFFBENCH_LLM_<GRADER|AGENT|...>_*; see README "LLM graders and the agent")
  --embedder <e>        text embedder of the steering-similarity metrics: offline (hashed TF-IDF), paper
                        (Qwen/Qwen3-Embedding-0.6B through the runtime, fetched once into the Hub cache), or an
                        embedding checkpoint's folder or Hub id. Default: paper under --graders paper, else offline
  --prompts <p>         steering prompts, grader instructions and rubrics: toolkit (the paper toolkit's own, read
                        from its files at the commit src/toolkit/manifest.json pins, each checked by sha256) or
                        diffbench (DiffBench's own). Default: toolkit under --graders paper, else diffbench
  --toolkit <dir>       a checkout of the toolkit at that commit (else DIFFBENCH_TOOLKIT, else the files are
                        downloaded once into the cache; DIFFBENCH_TOOLKIT_URL serves them from elsewhere)
  --agent-runs <n>      agent runs per budget (default: 5, or 2 for zoo-only suites; 0 = no agents)
  --agent-method-mi <a,b>    model-interaction budgets of the method agent (default 0,5)
  --agent-blackbox-mi <a,b>  ... of the black-box agent (default 0,5,50; zoo-only suites 0,5,20)
  --jobs <n>            organisms run at once, in worker processes with one ONNX Runtime thread each
                        (default: min(2, CPU cores) when every organism is a zoo organism, else 1)
  --threads <n>         ONNX Runtime intra-op threads (default: 1 with --jobs > 1, else ONNX Runtime's choice)
  --device <d>          where models run: cpu (default), webgpu or cuda (README "GPU execution"; recorded in
                        results; --jobs defaults to 1 on a GPU)
  --recompute           recompute results that exist already
  --profile             print wall and CPU seconds per step (load, collect, Patchscope, steering search and
                        samples, each grader, baselines, null organism, scoring) and the total at the end
                        (result files carry the same figures per organism as timings 'step:...')
  -h, --help            this help

Exit status: 0 when every pass threshold holds, 1 when one fails or is not scored (a metric it names is
missing or not finite), 2 on usage or input errors (checked before any model is loaded) and on a method
output that breaks the suite's protocol, 3 when the run fails (a method that throws, the runtime).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', default: 'zoo' },
      method: { type: 'string', default: DEFAULT_METHOD },
      set: { type: 'string', multiple: true, default: [] },
      config: { type: 'string' },
      organisms: { type: 'string' },
      settings: { type: 'string', default: 'full' },
      seed: { type: 'string' },
      results: { type: 'string' },
      reports: { type: 'string' },
      'no-baselines': { type: 'boolean', default: false },
      graders: { type: 'string' },
      embedder: { type: 'string' },
      prompts: { type: 'string' },
      toolkit: { type: 'string' },
      'agent-runs': { type: 'string' },
      'agent-method-mi': { type: 'string' },
      'agent-blackbox-mi': { type: 'string' },
      threads: { type: 'string' },
      device: { type: 'string' },
      jobs: { type: 'string' },
      worker: { type: 'boolean', default: false },
      recompute: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // everything up to the first model load: what fails here is an input error (exit 2)
  const { graders, suite, method, overrides, baselines, organisms, resultsDir, device, jobs, threads, llm, toolkit } =
    await asInput(async () => {
      const suite = loadSuite(values.suite);
      const graders = parseGraderMode(values.graders ?? suite.graders ?? 'offline');
      const prompts = values.prompts ?? (graders === 'paper' ? 'toolkit' : 'diffbench');
      if (prompts !== 'toolkit' && prompts !== 'diffbench')
        throw new Error(`--prompts ${prompts}: expected toolkit or diffbench`);
      if (values.toolkit !== undefined && prompts !== 'toolkit')
        throw new Error('--toolkit <dir> is read only with --prompts toolkit (the default under --graders paper)');
      // the toolkit's text, read and checked before anything else loads (a missing or changed file: exit 2)
      const toolkit =
        prompts === 'toolkit'
          ? await loadToolkitFromEnv({ cacheDir: defaultCacheDir(), dir: values.toolkit })
          : undefined;
      if (toolkit) console.error(`bench: prompts from ${toolkit.repository}@${toolkit.commit.slice(0, 7)}`);
      const method = await loadMethod(values.method);
      let overrides: Record<string, unknown> = values.config
        ? configFileOverrides(values.config, method.method, values.settings, Object.keys(suite.settings))
        : {};
      for (const s of values.set) overrides = mergeConfig(overrides, parseSetting(s));
      checkMethodConfig(method.method, suite, values.settings, overrides, values.config);
      const baselines = values['no-baselines'] ? [] : defaultBaselines();
      const organisms = nameList('organisms', values.organisms) ?? suite.organisms;
      for (const o of organisms)
        if (!suite.organisms.includes(o))
          throw new Error(
            `--organisms: ${o} is not in suite ${suite.id}; its organisms are: ${suite.organisms.join(', ')}`,
          );
      if (!suite.settings[values.settings])
        throw new Error(
          `--settings ${values.settings}: suite ${suite.id} has settings ${Object.keys(suite.settings).join(', ')}`,
        );
      const resultsDir = writableDir('results', values.results ?? resultsDirFor(values.settings));
      checkedCacheDir();
      if (values.reports) writableDir('reports', values.reports);
      const device = parseDevice(values.device);
      const jobs =
        positiveInt('jobs', values.jobs) ??
        (device === 'cpu' && organisms.every((o) => o.startsWith('zoo/')) ? Math.min(2, os.availableParallelism()) : 1);
      const threads = threadCount(values.threads) ?? (jobs > 1 ? 1 : undefined);
      inactivitySeconds(); // DIFFBENCH_METHOD_INACTIVITY_S checked now, not after the models load
      let llm: LlmTier | undefined;
      if (graders !== 'offline') {
        const overridesAgents: Partial<AgentTierConfig> = {};
        const list = (flag: string, s: string) =>
          s
            .split(',')
            .filter((x) => x.trim() !== '')
            .map((x) => {
              const n = Number(x);
              if (!Number.isInteger(n) || n < 0)
                throw new Error(`--${flag} ${s}: expected comma-separated integers >= 0`);
              return n;
            });
        if (values['agent-runs'] !== undefined) overridesAgents.runs = list('agent-runs', values['agent-runs'])[0] ?? 0;
        if (values['agent-method-mi'] !== undefined)
          overridesAgents.method = list('agent-method-mi', values['agent-method-mi']);
        if (values['agent-blackbox-mi'] !== undefined)
          overridesAgents.blackbox = list('agent-blackbox-mi', values['agent-blackbox-mi']);
        llm = llmTier({
          agents: agentTierFor(suite, values.settings, overridesAgents),
          ...(toolkit ? { instructions: graderInstructions(toolkit) } : {}),
        });
        const a = llm.agents;
        console.error(
          `bench: graders ${graders}; agents: ${a.runs} run(s) x method agent at ${a.method.join('/') || '-'} and black-box at ${a.blackbox.join('/') || '-'} model interactions`,
        );
      }
      return {
        graders,
        suite,
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
  // the text embedder, loaded once per process on first use (worker processes load their own)
  let embedding: Promise<Awaited<ReturnType<typeof chooseEmbedder>>> | undefined;
  const loadEmbedder = () =>
    (embedding ??= chooseEmbedder(values.embedder ?? (graders === 'paper' ? 'paper' : 'offline'), {
      threads,
      progress: createProgress('  embedding'),
    }).then((e) => {
      if (e) console.error(`bench: text embedder ${e.embedder.grader.id} (${e.source.path})`);
      return e;
    }));
  const runOne = async (organismId: string): Promise<OrganismSummary> => {
    const embedded = await loadEmbedder();
    console.error(`  ${organismId} ...`);
    const before = stepSnapshot();
    const run = await runOrganism(organismId, {
      suite,
      settings: values.settings,
      resultsDir,
      method,
      configOverrides: overrides,
      baselines,
      seed: values.seed,
      threads,
      device,
      recompute: values.recompute,
      graders: { ...offlineGraders(), ...(embedded ? { embedder: embedded.embedder } : {}) },
      graderMode: graders,
      llm,
      toolkit,
      progress: createProgress(`  ${organismId}`),
    });
    const notes: string[] = [];
    const llmTier = run.result.llm;
    if (llmTier) {
      const grades = Object.entries(llmTier.metrics ?? run.result.metrics).filter(
        ([k]) => k.startsWith('agent.') || k === 'hypothesis.findings',
      );
      const agreement = llmTier.agreement.map(
        (a) =>
          `${a.role} ${a.statistic === 'cohen-kappa' ? 'kappa' : 'r'}=${a.value === null ? 'n/a' : a.value.toFixed(2)} (n=${a.n})`,
      );
      notes.push(
        `  ${organismId}: hypothesis grades ${grades.map(([k, v]) => `${k}=${v.estimate.toFixed(2)}`).join(', ') || '(none)'}${agreement.length ? `; agreement ${agreement.join(', ')}` : ''}`,
      );
    }
    return {
      organism: organismId,
      path: run.path,
      reused: run.reused,
      seconds: run.result.timings.total,
      thresholds: run.result.thresholds,
      notes,
      steps: [...stepDelta(before)],
    };
  };
  if (values.profile) trackGc();
  const cpuSeconds = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  };
  if (values.worker) {
    await serveWorker(runOne, () => ({ cpu: cpuSeconds(), gc: gcSeconds(), placement: providersUsed() }));
    await (await embedding)?.dispose();
    return 0;
  }
  console.error(
    `bench: ${method.method.id}@${method.method.version} (${method.source}) + ${baselines.length} baseline(s) on ${suite.id}@${suite.version}, ${organisms.length} organism(s), ${values.settings} settings${jobs > 1 ? `, ${jobs} jobs` : ''}`,
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
    console.error(
      `  ${s.organism}: ${s.reused ? 'reused' : `${s.seconds.toFixed(1)}s`}, thresholds ${counts.pass} pass / ${counts.fail} fail / ${counts.notScored} not scored -> ${s.path}`,
    );
    for (const n of s.notes) console.error(n);
    overall('organisms', ++finished, organisms.length);
  };
  overall('organisms', 0, organisms.length);
  let workers: WorkerTotals = { cpu: 0, gc: 0, placement: {} };
  if (jobs > 1 && organisms.length > 1) {
    // the null organism first: every other organism's null-organism step reuses its output
    const queue = [...organisms].sort((a, b) => Number(b === suite.nullOrganism) - Number(a === suite.nullOrganism));
    workers = await runInWorkers(
      queue,
      jobs,
      fileURLToPath(import.meta.url),
      process.argv.slice(2),
      report,
      inactivitySeconds(),
    );
  } else {
    for (const organismId of organisms) report(await runOne(organismId));
  }
  // completion is proven, not assumed: every organism asked for has a result
  const missing = organisms.filter((o) => !reported.has(o));
  if (missing.length > 0)
    throw new Error(`no result for ${missing.length} of ${organisms.length} organism(s): ${missing.join(', ')}`);
  await (await embedding)?.dispose(); // on errors the process exits right away
  if (values.profile) {
    const wall = (performance.now() - started) / 1000;
    const where =
      jobs > 1 && organisms.length > 1 ? `${jobs} worker processes; CPU and GC include them` : 'one process';
    console.log(
      `profile (${organisms.length} organism(s), ${values.settings} settings, ${where}):\n${formatStepTimes(steps, { wall, cpu: cpuSeconds() - cpu0 + workers.cpu, gc: gcSeconds() + workers.gc })}`,
    );
  }

  const board = writeLeaderboard(suite, resultsDir, values.reports ?? resultsDir, values.settings);
  console.log(board.table);
  console.log(
    `summary: ${organisms.length} organism(s) in ${formatSeconds((performance.now() - started) / 1000)}; results in ${resultsDir}; leaderboard in ${board.files.join(' and ')}; ran on ${describePlacement(device, addPlacement(providersUsed(), workers.placement))}`,
  );
  const summary = summarizeOutcomes(outcomes);
  console.log(`thresholds: ${summary.pass} pass / ${summary.fail} fail / ${summary.notScored} not scored`);
  if (summary.fail > 0)
    console.log(`FAILED thresholds (${summary.fail}):\n${summary.failures.map((f) => `  ${f}`).join('\n')}`);
  // Nothing missing passes: a threshold whose metric is missing or not finite is counted, never a pass.
  if (summary.notScored > 0)
    console.log(
      `NOT SCORED thresholds (${summary.notScored}; a metric they name is missing or not finite):\n${summary.unscored.map((f) => `  ${f}`).join('\n')}`,
    );
  if (summary.fail > 0 || summary.notScored > 0) return 1;
  console.log(
    summary.allPass
      ? 'all pass thresholds hold'
      : `no pass thresholds apply to ${method.method.id} on ${suite.id}@${suite.version}; see the ranking above`,
  );
  return 0;
}

rerunWithAllocatorEnv();
runCli('bench', main);
