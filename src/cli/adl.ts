// npm run adl -- --organism <id> [options]: the Activation Difference Lens on one organism, through the
// same harness run as npm run bench (the suite's settings, unrelated text and null organism, the
// baselines, the offline graders); prints what it reads out and the metrics, writes the result file.
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { asInput, checkedCacheDir, threadCount, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { DEFAULT_ADL_CONFIG } from '../adl/config.ts';
import { loadMethod } from '../harness/load-method.ts';
import { checkMethodConfig } from '../harness/method-config.ts';
import { createProgress } from '../harness/progress.ts';
import { runOrganism } from '../harness/run.ts';
import { loadSuite, suiteOf } from '../harness/suite.ts';
import type { MethodOutput } from '../method/types.ts';
import { parseDevice, type Device } from '../runtime/device.ts';
import { describePlacement, providersUsed } from '../runtime/placement.ts';
import { resultsDirFor } from '../paths.ts';
import { getOrganism } from '../registry/index.ts';
import type { Metrics, ResultFile } from '../results/types.ts';
import { defaultBaselines, offlineGraders } from './compose.ts';

const HELP = `usage: npm run adl -- --organism <id> [options]

Runs the Activation Difference Lens (ADL) on one organism through the benchmark harness (the same run
as npm run bench: the suite's settings, unrelated text and null organism, the baselines, the offline
graders) and prints per-position difference norms, logit-lens and Patchscope tokens, steering samples
and the metrics. Artifacts are cached under $DIFFBENCH_CACHE (default ~/.cache/diffbench); the
result file goes to the results folder.

options:
  --organism <id>          registered organism, e.g. zoo/cake_bake (npm run organisms lists them)
  --suite <name>           suite whose settings, unrelated text and null organism are used (default: the
                           first of zoo, paper, ... that lists the organism)
  --settings <name>        the suite's settings: full (default) or fast (the npm test settings)
  --quick                  the same as --settings fast
  --samples N              unrelated documents (default: the settings'; ADL's own default ${DEFAULT_ADL_CONFIG.samples})
  --tokens n               tokens per document (must be > 5)
  --layers r,...           relative layers (default 0.5)
  --steer-positions p,...  positions to steer with
  --no-baselines           ADL only
  --no-control             do not run the null organism
  --results <dir>          results folder (default results/adl, or $DIFFBENCH_RESULTS/adl)
  --seed s                 seed (default: the suite's)
  --threads n              ONNX Runtime intra-op threads
  --device d               where models run: cpu (default), webgpu or cuda (README "GPU execution")
  --json                   one JSON object on stdout: path, result, output and ranOn (the device and the nodes
                           each ONNX Runtime execution provider ran); logs stay on stderr
  -h, --help               this help

Exit status: 0 ok, 2 on usage or input errors (checked before any model is loaded), 3 when the run fails.`;

const UsageError = InputError;

function numbers(flag: string, value: string | undefined, integer: boolean): number[] | undefined {
  if (value === undefined) return undefined;
  const xs = value.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isFinite(x) || (integer && !Number.isInteger(x))))
    throw new UsageError(`--${flag} expects ${integer ? 'integers' : 'numbers'} separated by commas, got '${value}'`);
  return xs;
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

function printRun(result: ResultFile, output: MethodOutput): void {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const s = output.scalars ?? {};
  out(
    `\n=== ${result.organism.id} (${result.suite.id}@${result.suite.version}, ${result.suite.settings} settings) ===`,
  );
  const norms = Object.keys(s).filter((k) => /^diff_norm\.L\d+\.pos\d+$/.test(k));
  out(`difference norm per position: ${norms.map((k) => `${k.replace('diff_norm.', '')}=${fmt(s[k])}`).join('  ')}`);
  for (const rd of output.readouts ?? []) {
    out(
      `${rd.source.padEnd(10)} ${rd.variant.padEnd(10)} L${rd.layer} pos${rd.position}${rd.scale !== undefined ? ` scale ${rd.scale}` : ''}: ${rd.tokens
        .slice(0, 12)
        .map((t) => JSON.stringify(t))
        .join(' ')}`,
    );
  }
  for (const st of output.steering ?? []) {
    out(`\nsteering ${st.variant} L${st.layer} pos${st.position} strength ${fmt(st.strength)}`);
    st.prompts.slice(0, 3).forEach((p, i) => {
      out(`  prompt: ${JSON.stringify(p)}`);
      out(`    steered:   ${JSON.stringify(st.steered[i][0])}`);
      out(`    unsteered: ${JSON.stringify(st.unsteered[i][0])}`);
    });
  }
  out('\nmetrics (estimate [95% CI])');
  const line = (name: string, metrics: Metrics) => {
    for (const [k, v] of Object.entries(metrics)) {
      if (k.startsWith('scalar.')) continue;
      out(
        `  ${name.padEnd(28)} ${k.padEnd(44)} ${fmt(v.estimate)}${v.ci === 'none' ? '' : ` [${fmt(v.lower)}, ${fmt(v.upper)}]`}`,
      );
    }
  };
  line(result.method.id, result.metrics);
  for (const [name, b] of Object.entries(result.baselines)) line(name, b.metrics);
}

async function main(): Promise<number> {
  const args = (() => {
    try {
      return parseArgs({
        options: {
          organism: { type: 'string' },
          suite: { type: 'string' },
          settings: { type: 'string' },
          quick: { type: 'boolean' },
          samples: { type: 'string' },
          tokens: { type: 'string' },
          layers: { type: 'string' },
          'steer-positions': { type: 'string' },
          'no-baselines': { type: 'boolean' },
          'no-control': { type: 'boolean' },
          results: { type: 'string' },
          seed: { type: 'string' },
          threads: { type: 'string' },
          device: { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }).values;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  })();
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!args.organism) throw new UsageError('--organism is required');
  if (args.quick && args.settings && args.settings !== 'fast')
    throw new UsageError(`--quick means --settings fast; got --settings ${args.settings} too`);
  const samples = numbers('samples', args.samples, true)?.[0];
  const tokens = numbers('tokens', args.tokens, true)?.[0];
  const layers = numbers('layers', args.layers, false);
  const steerPositions = numbers('steer-positions', args['steer-positions'], true);
  const threads = threadCount(args.threads);
  let device: Device;
  try {
    device = parseDevice(args.device);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { organism, suite } = await asInput(() => {
    const organism = getOrganism(args.organism!);
    return { organism, suite: args.suite ? loadSuite(args.suite) : suiteOf(organism.id) };
  });
  const settings = args.quick ? 'fast' : (args.settings ?? 'full');
  if (!suite.settings[settings])
    throw new InputError(
      `--settings ${settings}: suite ${suite.id} has settings ${Object.keys(suite.settings).join(', ')}`,
    );
  const overrides = {
    ...(samples !== undefined && { samples }),
    ...(tokens !== undefined && { tokens }),
    ...(layers && { layers }),
    ...(steerPositions && { steering: { positions: steerPositions } }),
  };
  checkedCacheDir();
  const method = await loadMethod('adl');
  checkMethodConfig(method.method, suite, settings, overrides);
  const resultsDir = writableDir('results', args.results ?? resultsDirFor('adl'));
  process.stderr.write(
    `adl: ${organism.id} in ${suite.id}@${suite.version} with ${settings} settings${args['no-control'] ? '' : `, null organism ${suite.nullOrganism ?? '(none)'}`}\n`,
  );
  const run = await runOrganism(organism.id, {
    suite,
    settings,
    resultsDir,
    method,
    configOverrides: overrides,
    baselines: args['no-baselines'] ? [] : defaultBaselines(),
    graders: offlineGraders(),
    ...(args['no-control'] ? { nullOrganism: null } : {}),
    seed: args.seed,
    threads,
    device,
    // the output is printed, so a finished result is rescored from the cached output rather than reused
    recompute: true,
    progress: createProgress(`  ${organism.id}`),
  });
  process.stderr.write(`result written to ${run.path}; ran on ${describePlacement(device)}\n`);
  if (args.json) {
    const ranOn = { device, executionProviders: providersUsed() };
    process.stdout.write(`${JSON.stringify({ path: run.path, result: run.result, output: run.output, ranOn })}\n`);
  } else printRun(run.result, run.output!);
  return 0;
}

runCli('adl', main);
