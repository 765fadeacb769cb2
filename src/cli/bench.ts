// npm run bench -- [options]: score a diffing method (default ADL) and the baselines on a suite
// (default zoo), write one result file per organism, print the leaderboard. See --help.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { asInput, nameList, positiveInt, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { buildLeaderboard, renderHtml, renderMarkdown, renderTerminal } from '../leaderboard/index.ts';
import { DEFAULT_METHOD, loadBaselines, loadMethod, mergeConfig, parseSetting } from '../harness/load-method.ts';
import { createProgress, formatSeconds } from '../harness/progress.ts';
import { defaultResultsDir, runOrganism } from '../harness/run.ts';
import { agentTierFor, llmTierFromEnv, parseGraderMode, type AgentTierConfig, type LlmTier } from '../harness/llm-tier.ts';
import { loadSuite } from '../harness/suite.ts';
import { checkMethodConfig, configFileOverrides } from '../harness/method-config.ts';
import { summarizeOutcomes } from '../harness/thresholds.ts';
import type { ThresholdOutcome } from '../results/types.ts';
import { readResults } from '../results/store.ts';
import { formatStepTimes, stepSnapshot, trackGc } from '../results/step-timings.ts';
import { REPO_ROOT } from '../results/environment.ts';

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
  --results <dir>       results folder (default ./results, or $DIFFBENCH_RESULTS)
  --reports <dir>       where leaderboard .md/.html go (default ./reports)
  --no-baselines        skip the baseline methods (the null organism still runs)
  --graders <mode>      offline (default: no LLM), llm (LLM graders + the agent tier), or both (offline
                        metrics, plus the LLM tier and the offline-vs-LLM agreement). The LLM endpoint comes
                        from DIFFBENCH_LLM_BASE_URL / DIFFBENCH_LLM_MODEL / DIFFBENCH_LLM_API_KEY[_FILE]
                        (per role: DIFFBENCH_LLM_<GRADER|AGENT|...>_*; see README "LLM graders and the agent")
  --agent-runs <n>      agent runs per budget (default: 5, or 2 for zoo-only suites; 0 = no agents)
  --agent-method-mi <a,b>    model-interaction budgets of the method agent (default 0,5)
  --agent-blackbox-mi <a,b>  ... of the black-box agent (default 0,5,50; zoo-only suites 0,5,20)
  --threads <n>         ONNX Runtime intra-op threads
  --recompute           recompute results that exist already
  --profile             print wall and CPU seconds per step (load, collect, Patchscope, steering search and
                        samples, each grader, baselines, null organism, scoring) and the total at the end
                        (result files carry the same figures per organism as timings 'step:...')
  -h, --help            this help

Exit status: 0 when every pass threshold holds, 1 when one fails or is not scored (a metric it names is
missing or not finite), 2 on usage or input errors (checked before any model is loaded), 3 when the run
fails (a method that throws, a method output that breaks the suite's protocol, the runtime).`;

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
      reports: { type: 'string', default: join(REPO_ROOT, 'reports') },
      'no-baselines': { type: 'boolean', default: false },
      graders: { type: 'string', default: 'offline' },
      'agent-runs': { type: 'string' },
      'agent-method-mi': { type: 'string' },
      'agent-blackbox-mi': { type: 'string' },
      threads: { type: 'string' },
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
  const { graders, suite, method, overrides, baselines, organisms, resultsDir, threads, llm } = await asInput(async () => {
    const graders = parseGraderMode(values.graders);
    const suite = loadSuite(values.suite);
    const method = await loadMethod(values.method);
    let overrides: Record<string, unknown> = values.config ? configFileOverrides(values.config, method.method, values.settings, Object.keys(suite.settings)) : {};
    for (const s of values.set) overrides = mergeConfig(overrides, parseSetting(s));
    checkMethodConfig(method.method, suite, values.settings, overrides, values.config);
    const baselines = values['no-baselines'] ? [] : await loadBaselines();
    const organisms = nameList('organisms', values.organisms) ?? suite.organisms;
    for (const o of organisms) if (!suite.organisms.includes(o)) throw new Error(`--organisms: ${o} is not in suite ${suite.id}; its organisms are: ${suite.organisms.join(', ')}`);
    if (!suite.settings[values.settings]) throw new Error(`--settings ${values.settings}: suite ${suite.id} has settings ${Object.keys(suite.settings).join(', ')}`);
    const resultsDir = writableDir('results', values.results ?? defaultResultsDir(values.settings));
    writableDir('reports', values.reports);
    const threads = positiveInt('threads', values.threads);
    let llm: LlmTier | undefined;
    if (graders !== 'offline') {
      const overridesAgents: Partial<AgentTierConfig> = {};
      const list = (flag: string, s: string) => s.split(',').filter((x) => x.trim() !== '').map((x) => {
        const n = Number(x);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} ${s}: expected comma-separated integers >= 0`);
        return n;
      });
      if (values['agent-runs'] !== undefined) overridesAgents.runs = list('agent-runs', values['agent-runs'])[0] ?? 0;
      if (values['agent-method-mi'] !== undefined) overridesAgents.method = list('agent-method-mi', values['agent-method-mi']);
      if (values['agent-blackbox-mi'] !== undefined) overridesAgents.blackbox = list('agent-blackbox-mi', values['agent-blackbox-mi']);
      llm = llmTierFromEnv({ agents: agentTierFor(suite, values.settings, overridesAgents) });
      const a = llm.agents;
      console.error(`bench: graders ${graders}; agents: ${a.runs} run(s) x method agent at ${a.method.join('/') || '-'} and black-box at ${a.blackbox.join('/') || '-'} model interactions`);
    }
    console.error(`bench: ${method.method.id}@${method.method.version} (${method.source}) + ${baselines.length} baseline(s) on ${suite.id}@${suite.version}, ${organisms.length} organism(s), ${values.settings} settings`);
    return { graders, suite, method, overrides, baselines, organisms, resultsDir, threads, llm };
  });
  const overall = createProgress('bench');
  if (values.profile) trackGc();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const outcomes: { label: string; outcome: ThresholdOutcome }[] = [];
  for (const [i, organismId] of organisms.entries()) {
    overall('organisms', i, organisms.length);
    console.error(`  ${organismId} ...`);
    const run = await runOrganism(organismId, {
      suite,
      settings: values.settings,
      resultsDir,
      method,
      configOverrides: overrides,
      baselines,
      seed: values.seed,
      threads,
      recompute: values.recompute,
      graders,
      llm,
      progress: createProgress(`  ${organismId}`),
    });
    const mine = run.result.thresholds.map((outcome) => ({ label: organismId, outcome }));
    outcomes.push(...mine);
    const counts = summarizeOutcomes(mine);
    console.error(`  ${organismId}: ${run.reused ? 'reused' : `${run.result.timings.total.toFixed(1)}s`}, thresholds ${counts.pass} pass / ${counts.fail} fail / ${counts.notScored} not scored -> ${run.path}`);
    const llmTier = run.result.llm;
    if (llmTier) {
      const grades = Object.entries(llmTier.metrics ?? run.result.metrics).filter(([k]) => k.startsWith('agent.') || k === 'hypothesis.findings');
      const agreement = llmTier.agreement.map((a) => `${a.role} ${a.statistic === 'cohen-kappa' ? 'kappa' : 'r'}=${a.value === null ? 'n/a' : a.value.toFixed(2)} (n=${a.n})`);
      console.error(`  ${organismId}: hypothesis grades ${grades.map(([k, v]) => `${k}=${v.estimate.toFixed(2)}`).join(', ') || '(none)'}${agreement.length ? `; agreement ${agreement.join(', ')}` : ''}`);
    }
  }
  overall('organisms', organisms.length, organisms.length);
  if (values.profile) {
    const cpu = process.cpuUsage(cpu0);
    console.log(`profile (${organisms.length} organism(s), ${values.settings} settings):\n${formatStepTimes(stepSnapshot(), { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 })}`);
  }

  const board = buildLeaderboard(suite, readResults(resultsDir), { settings: values.settings });
  console.log(renderTerminal(board));
  mkdirSync(values.reports, { recursive: true });
  const base = join(values.reports, `${suite.id}@${suite.version}`);
  writeFileSync(`${base}.md`, renderMarkdown(board));
  writeFileSync(`${base}.html`, renderHtml(board));
  console.log(`summary: ${organisms.length} organism(s) in ${formatSeconds((performance.now() - started) / 1000)}; results in ${resultsDir}; leaderboard in ${base}.md and ${base}.html`);
  const summary = summarizeOutcomes(outcomes);
  console.log(`thresholds: ${summary.pass} pass / ${summary.fail} fail / ${summary.notScored} not scored`);
  if (summary.fail > 0) console.log(`FAILED thresholds (${summary.fail}):\n${summary.failures.map((f) => `  ${f}`).join('\n')}`);
  // Nothing missing passes: a threshold whose metric is missing or not finite is counted, never a pass.
  if (summary.notScored > 0) console.log(`NOT SCORED thresholds (${summary.notScored}; a metric they name is missing or not finite):\n${summary.unscored.map((f) => `  ${f}`).join('\n')}`);
  if (summary.fail > 0 || summary.notScored > 0) return 1;
  console.log(summary.allPass ? 'all pass thresholds hold' : `no pass thresholds apply to ${method.method.id} on ${suite.id}@${suite.version}; see the ranking above`);
  return 0;
}

runCli('bench', main);
