// npm run bench -- [options]: score a diffing method (default ADL) and the baselines on a suite
// (default zoo), write one result file per organism, print the leaderboard. See --help. The run itself
// is runBench (src/cli/run-bench.ts); this file parses the flags.
import { parseArgs } from 'node:util';
import { runCli } from './main.ts';
import { DEFAULT_METHOD } from '../harness/load-method.ts';
import { rerunWithAllocatorEnv } from './allocator.ts';
import { runBench, serveBenchWorker, type BenchOptions } from './run-bench.ts';

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
      // a worker process of --jobs N: the parent's options as JSON (src/cli/organism-pool.ts)
      'worker-options': { type: 'string' },
      recompute: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values['worker-options']) {
    await serveBenchWorker(JSON.parse(values['worker-options']) as BenchOptions);
    return 0;
  }
  return runBench({
    suite: values.suite,
    method: values.method,
    set: values.set,
    config: values.config,
    organisms: values.organisms,
    settings: values.settings,
    seed: values.seed,
    results: values.results,
    reports: values.reports,
    noBaselines: values['no-baselines'],
    graders: values.graders,
    embedder: values.embedder,
    prompts: values.prompts,
    toolkit: values.toolkit,
    agentRuns: values['agent-runs'],
    agentMethodMi: values['agent-method-mi'],
    agentBlackboxMi: values['agent-blackbox-mi'],
    threads: values.threads,
    device: values.device,
    jobs: values.jobs,
    recompute: values.recompute,
    profile: values.profile,
  });
}

rerunWithAllocatorEnv();
runCli('bench', main);
