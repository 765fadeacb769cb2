// npm run adl -- --organism <id> [--samples N] [--tokens n] [--layers r,...] [--json]
// Runs the Activation Difference Lens and its baselines on one organism (and, for zoo organisms, the
// null organism), scores them with the offline graders and prints the results.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { organismIds, writableDir } from './args.ts';
import { runCli } from './main.ts';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { nullOrganismOf, runMeanActivations, runRandomDirection, runUnsteered } from '../../baselines/index.ts';
import { writeJsonAtomic, contentKey } from '../adl/cache.ts';
import { DEFAULT_ADL_CONFIG, mergeConfig, ZOO_SAMPLING, type ADLConfig } from '../adl/config.ts';
import { finetuningTexts, openOrganism, unrelatedTexts } from '../adl/context.ts';
import { runADL } from '../adl/method.ts';
import { scoreOutput } from '../harness/score.ts';
import type { Metrics } from '../results/types.ts';
import type { OrganismContext } from '../method/graders.ts';
import type { MethodOutput } from '../method/types.ts';
import type { Organism } from '../registry/index.ts';

const HELP = `usage: npm run adl -- --organism <id> [options]

Runs the Activation Difference Lens (ADL) and its baselines on one organism and prints per-position
difference norms, logit-lens and Patchscope tokens, steering samples and the metrics.

options:
  --organism <id>     registered organism, e.g. zoo/cake_bake (npm run organisms lists them)
  --samples N         unrelated documents (default ${DEFAULT_ADL_CONFIG.samples}; the zoo reference uses 1000)
  --tokens n          tokens per document (default ${DEFAULT_ADL_CONFIG.tokens}; must be > 5)
  --layers r,...      relative layers (default 0.5)
  --steer-positions p,...  positions to steer with (default 0,1,2,3,4)
  --quick             small steering search and few samples (for CPUs and the zoo)
  --no-baselines      ADL only
  --no-control        do not run the null organism
  --results <dir>     results folder (default $DIFFBENCH_RESULTS or ~/.cache/diffbench/results)
  --seed s            seed (default 42)
  --json              one JSON object on stdout (logs stay on stderr)
  -h, --help          this help`;

/** Small settings for CPU runs: what the zoo test uses too. */
export const QUICK: Partial<Record<string, unknown>> = {
  steering: {
    threshold: { steps: 6, batchSteps: 3, samplesPerStrength: 6, maxStrength: 8, maxNewTokens: 32 },
    final: { samplesPerPrompt: 3, maxNewTokens: 48, prompts: 8 },
  },
};

function fail(message: string): never {
  process.stderr.write(`adl: ${message}\n\n${HELP}\n`);
  process.exit(2);
}

function numbers(flag: string, value: string | undefined, integer: boolean): number[] | undefined {
  if (value === undefined) return undefined;
  const xs = value.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isFinite(x) || (integer && !Number.isInteger(x)))) fail(`--${flag} expects ${integer ? 'integers' : 'numbers'} separated by commas, got '${value}'`);
  return xs;
}

/** Progress on stderr with an ETA per step. */
function progressReporter(quiet: boolean) {
  let current = '';
  let started = 0;
  return (step: string, done: number, total: number) => {
    if (quiet) return;
    const now = Date.now();
    if (step !== current) {
      current = step;
      started = now;
    }
    const eta = done > 0 ? ((now - started) / done) * (total - done) / 1000 : NaN;
    process.stderr.write(`\r  ${step}: ${done}/${total}${Number.isFinite(eta) ? ` (ETA ${eta.toFixed(0)} s)` : ''}\x1b[K${done === total ? '\n' : ''}`);
  };
}

interface OrganismReport {
  organism: string;
  /** Whose ground truth and finetuning data the metrics use (the null organism: the organism's). */
  scoredAgainst: string;
  config: ADLConfig;
  adl: { output: MethodOutput; metrics: Metrics };
  baselines: Record<string, { output: MethodOutput; metrics: Metrics }>;
}

/** Ground truth to score against: the organism's own, or (for the null organism) the organism it is the control of. */
interface Truth { organism: Organism; context: OrganismContext }

async function runOrganism(id: string, config: ADLConfig, opts: { results: string; seed: string; baselines: boolean; truth?: Truth; log: (s: string) => void; progress: ReturnType<typeof progressReporter> }): Promise<{ report: OrganismReport; truth: Truth }> {
  opts.log(`organism ${id}`);
  const opened = await openOrganism(id, { resultsDir: opts.results, seed: opts.seed, progress: opts.progress });
  try {
    const { ctx } = opened;
    const truth = opts.truth ?? { organism: opened.organism, context: ctx.organism };
    const hasData = truth.organism.dataset !== null && truth.organism.dataPublic;
    const finetune = hasData ? await finetuningTexts(truth.organism, 500, opts.seed) : [];
    const unrelated = await unrelatedTexts(truth.organism, 500);
    // the harness's scoring (src/harness/score.ts), so `npm run adl` and `npm run bench` report the same metrics
    const score = (output: MethodOutput) => scoreOutput(output, {
      organism: truth.context, relevance: new LexicalRelevanceGrader(), embedder: new HashedTfidfEmbedder(),
      finetuneTexts: finetune, unrelatedTexts: unrelated, seed: opts.seed, bootstrap: 1000,
    });
    const adl = await runADL(ctx, config);
    const report: OrganismReport = { organism: id, scoredAgainst: truth.organism.id, config, adl: { output: adl, metrics: await score(adl) }, baselines: {} };
    if (opts.baselines) {
      for (const [name, run] of [['mean-activations', runMeanActivations], ['random-direction', runRandomDirection], ['unsteered', runUnsteered]] as const) {
        opts.log(`baseline ${name}`);
        const output = await run(ctx, config);
        report.baselines[name] = { output, metrics: await score(output) };
      }
    }
    return { report, truth };
  } finally {
    await opened.dispose();
  }
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

function printReport(r: OrganismReport): void {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const s = r.adl.output.scalars ?? {};
  out(`\n=== ${r.organism}${r.scoredAgainst !== r.organism ? ` (scored against ${r.scoredAgainst})` : ''} ===`);
  const norms = Object.keys(s).filter((k) => /^diff_norm\.L\d+\.pos\d+$/.test(k));
  out(`difference norm per position: ${norms.map((k) => `${k.replace('diff_norm.', '')}=${fmt(s[k])}`).join('  ')}`);
  for (const rd of r.adl.output.readouts ?? []) {
    out(`${rd.source.padEnd(10)} ${rd.variant.padEnd(10)} L${rd.layer} pos${rd.position}${rd.scale !== undefined ? ` scale ${rd.scale}` : ''}: ${rd.tokens.slice(0, 12).map((t) => JSON.stringify(t)).join(' ')}`);
  }
  for (const st of r.adl.output.steering ?? []) {
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
      out(`  ${name.padEnd(18)} ${k.padEnd(44)} ${fmt(v.estimate)}${v.ci === 'none' ? '' : ` [${fmt(v.lower)}, ${fmt(v.upper)}]`}`);
    }
  };
  line('adl', r.adl.metrics);
  for (const [name, b] of Object.entries(r.baselines)) line(name, b.metrics);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        organism: { type: 'string' }, samples: { type: 'string' }, tokens: { type: 'string' }, layers: { type: 'string' },
        'steer-positions': { type: 'string' }, quick: { type: 'boolean' }, 'no-baselines': { type: 'boolean' }, 'no-control': { type: 'boolean' },
        results: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (!args.organism) fail('--organism is required');
  organismIds('organism', [args.organism]);
  const samples = numbers('samples', args.samples, true)?.[0];
  const tokens = numbers('tokens', args.tokens, true)?.[0];
  const layers = numbers('layers', args.layers, false);
  const steerPositions = numbers('steer-positions', args['steer-positions'], true);
  let config = mergeConfig(DEFAULT_ADL_CONFIG, args.quick ? QUICK : {});
  // the zoo's 6.8M-parameter models sample at a lower temperature (see ZOO_SAMPLING)
  if (args.organism.startsWith('zoo/')) config = mergeConfig(config, ZOO_SAMPLING);
  config = mergeConfig(config, {
    ...(samples !== undefined && { samples }), ...(tokens !== undefined && { tokens }), ...(layers && { layers }),
    ...(steerPositions && { steering: { positions: steerPositions } }),
  });
  const results = writableDir('results', args.results ?? process.env.DIFFBENCH_RESULTS ?? path.join(os.homedir(), '.cache', 'diffbench', 'results'));
  const seed = args.seed ?? '42';
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const progress = progressReporter(false);
  const ids = [args.organism];
  const control = args['no-control'] ? undefined : nullOrganismOf(args.organism);
  if (control) ids.push(control);
  const reports: OrganismReport[] = [];
  let truth: Truth | undefined;
  for (const id of ids) {
    // the null organism is scored against the organism's ground truth and finetuning data
    const { report, truth: t } = await runOrganism(id, config, { results, seed, baselines: !args['no-baselines'] && id === args.organism, truth, log, progress });
    truth ??= t;
    reports.push(report);
  }
  const summary = { organism: args.organism, nullOrganism: control ?? null, reports };
  const file = path.join(results, 'reports', `${args.organism.replace(/\//g, '__')}-${contentKey({ config, seed, ids }).slice(0, 12)}.json`);
  writeJsonAtomic(file, summary);
  log(`report written to ${file}`);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else reports.forEach(printReport);
}

runCli('adl', main);
