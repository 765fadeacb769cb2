// npm run check-organism: is a model organism "too readable"? Cheap activation-difference signals vs
// the baselines vs a null organism, a verdict with its evidence, exit 0 (realistic) / 1 (too readable).
// With --ladder: readability along a registry ladder, failing when a step meant to be more realistic
// is more readable than its predecessor beyond the CI.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { asInput, checkedCacheDir, positiveInt } from './args.ts';
import { runCli } from './main.ts';
import type { LoadedMethod } from '../harness/load-method.ts';
import { hashMethodSources } from '../code-hash.ts';
import { createProgress } from '../harness/progress.ts';
import { READABILITY_SOURCES, readabilityMethod } from '../harness/readability-method.ts';
import { ladderRegressions, readabilityRatio } from '../harness/readability.ts';
import { runOrganism } from '../harness/run.ts';
import { listSuites, loadSuite, suiteOf, type Suite } from '../harness/suite.ts';
import { resultsDirFor } from '../paths.ts';
import { getOrganism, loadRegistry, locate, type Organism } from '../registry/index.ts';
import type { DiffingMethod } from '../method/types.ts';
import type { Metrics, MetricValue, ResultFile } from '../results/types.ts';
import { offlineGraders } from './compose.ts';
import { parseDevice, type Device } from '../runtime/device.ts';
import { describePlacement } from '../runtime/placement.ts';

const HELP = `Usage:
  npm run check-organism -- --organism <registry id> [options]
  npm run check-organism -- --base <id|path> (--finetuned <id|path> | --adapter <id|path>) --description <text|file> [--data <dataset>] [options]
  npm run check-organism -- --ladder <registry ladder group, e.g. zoo/cake_bake/mixing> [options]

Measures how readable a finetune is in activation differences on unrelated text (the Activation
Difference Lens's cheap signals): the norm of the mean (finetuned − base) residual at position 0 of
the middle layer, relative to a null organism (a finetune of the same base on unrelated text), with a
bootstrap CI over documents; and the logit-lens tokens of the difference vs the base / finetuned means,
graded for relevance to the description. Verdict: too readable when the whole CI of the ratio is above
--max-ratio. It runs through the benchmark harness (the same run as npm run bench, with the
'readability' method): the suite's unrelated text and null organism (the suite that lists the organism,
or for --base the suite whose null organism has that base), the offline graders; the result files go
to results/check-organism (or $DIFFBENCH_RESULTS/check-organism).

Options:
  --null <id|path>       null organism: a registry id or an adapter/model folder (default: the
                         suite's null organism, e.g. zoo/control)
  --unrelated <dataset>  unrelated text (default: the suite's)
  --samples <n>          documents (default 200)
  --layer <r>            relative layer (default 0.5)
  --max-ratio <x>        readability ratio above which an organism is too readable (default 1.8: on
                         the zoo every finetune that learned its facts is >= 2.4x the control)
  --seed <s>             seed (default check-organism)
  --device <d>           where models run: cpu (default), webgpu or cuda (README "GPU execution")
  -h, --help             this help

Exit status: 0 realistic (or ladder ordered), 1 too readable (or a ladder regression), 2 on errors.`;

function readText(value: string): string {
  return existsSync(value) ? readFileSync(value, 'utf8') : value;
}

function customOrganism(values: Record<string, string | undefined>): Organism {
  if (!values.base)
    throw new Error('give --organism <registry id>, or --base with --finetuned or --adapter (see --help)');
  const finetuned = values.adapter ?? values.finetuned;
  if (!finetuned) throw new Error('give --finetuned <model> (a full finetune) or --adapter <LoRA adapter> with --base');
  if (!values.description)
    throw new Error('give --description <text or file>: the ground truth the relevance grader compares tokens with');
  const where = (x: string) => (existsSync(x) ? resolve(x) : x);
  return {
    id: 'custom/organism',
    type: 'other',
    description: readText(values.description),
    base: { id: where(values.base) },
    finetuned: { kind: values.adapter ? 'adapter' : 'model', id: where(finetuned) },
    dataset: values.data ? { id: where(values.data), split: 'train', column: 'text' } : null,
    variant: { name: 'custom', finetune: values.adapter ? 'lora' : 'full' },
    tags: [],
    groups: [],
    dataPublic: true,
  };
}

/** The suite of a custom organism: the one whose null organism is a finetune of the same base. */
function suiteForBase(organism: Organism): Suite {
  for (const name of listSuites()) {
    const suite = loadSuite(name);
    if (suite.nullOrganism && locate(getOrganism(suite.nullOrganism).base.id) === locate(organism.base.id))
      return suite;
  }
  throw new Error(
    `no suite has a null organism with base ${organism.base.id}: pass --null <adapter or model folder> (a finetune of the same base on unrelated text) and --unrelated <dataset>`,
  );
}

/** --null: a registry id, or a folder holding a finetune of the organism's base on unrelated text. */
function customNull(organism: Organism, spec: string): Organism {
  if (loadRegistry().organisms.has(spec)) return getOrganism(spec);
  const path = existsSync(spec) ? resolve(spec) : spec;
  return {
    ...organism,
    id: 'custom/null',
    type: 'control',
    description: '',
    dataset: null,
    finetuned: { kind: organism.finetuned.kind, id: path },
  };
}

function suiteFor(organism: Organism, values: { unrelated?: string; null?: string }): Suite {
  let suite: Suite;
  try {
    suite = loadRegistry().organisms.has(organism.id) ? suiteOf(organism.id) : suiteForBase(organism);
  } catch (err) {
    if (!values.null || !values.unrelated) throw err;
    suite = loadSuite('zoo'); // only its settings are used: --null and --unrelated replace the rest
  }
  return values.unrelated
    ? { ...suite, unrelated: { source: values.unrelated, column: 'text', order: 'file', addSpecialTokens: false } }
    : suite;
}

const f = (m: MetricValue) => `${m.estimate.toFixed(2)} [${m.lower.toFixed(2)}, ${m.upper.toFixed(2)}]`;

const method: LoadedMethod = {
  method: readabilityMethod as unknown as DiffingMethod,
  source: 'builtin:readability',
  codeHash: hashMethodSources(fileURLToPath(new URL('../harness/readability-method.ts', import.meta.url))),
};

/** The position-0 norm with its bootstrap CI, from the readability method's scalars. */
function norm0(metrics: Metrics): MetricValue {
  const at = (k: string) => metrics[`scalar.${k}`]?.estimate ?? NaN;
  return {
    estimate: at('diff_norm.pos0'),
    lower: at('diff_norm.pos0.lower'),
    upper: at('diff_norm.pos0.upper'),
    n: at('documents'),
    alpha: 0.05,
    ci: 'bootstrap',
    over: 'documents',
  };
}

const relevance = (metrics: Metrics, variant: keyof typeof READABILITY_SOURCES) =>
  metrics[`relevance.${READABILITY_SOURCES[variant]}`]?.estimate ?? NaN;

interface Options {
  samples: number;
  layer: number;
  seed: string;
  suite: Suite;
  nullOrganism?: Organism;
  device: Device;
}

/** One harness run of the readability method on the organism and on the null organism. */
async function measure(organism: Organism, opts: Options): Promise<ResultFile & { path: string }> {
  const run = await runOrganism(organism, {
    suite: opts.suite,
    settings: 'fast',
    resultsDir: resultsDirFor('check-organism'),
    method,
    configOverrides: { samples: opts.samples, layer: opts.layer },
    graders: offlineGraders(),
    ...(opts.nullOrganism ? { nullOrganism: opts.nullOrganism } : {}),
    seed: opts.seed,
    device: opts.device,
    progress: createProgress(`  ${organism.id}`),
  });
  if (!run.result.baselines.null)
    throw new Error(
      `${organism.id} is its suite's null organism (${opts.suite.id}): nothing to compare it with; pass --null`,
    );
  return { ...run.result, path: run.path };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      organism: { type: 'string' },
      base: { type: 'string' },
      finetuned: { type: 'string' },
      adapter: { type: 'string' },
      description: { type: 'string' },
      data: { type: 'string' },
      null: { type: 'string' },
      unrelated: { type: 'string' },
      ladder: { type: 'string' },
      samples: { type: 'string', default: '200' },
      layer: { type: 'string', default: '0.5' },
      'max-ratio': { type: 'string', default: '1.8' },
      seed: { type: 'string', default: 'check-organism' },
      device: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const device = parseDevice(values.device);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const samples = positiveInt('samples', values.samples)!;
  if (samples < 10) throw new InputError(`--samples must be an integer >= 10, got ${values.samples}`);
  const layer = Number(values.layer);
  if (!(layer >= 0 && layer <= 1))
    throw new InputError(`--layer must be a relative layer in [0, 1], got ${values.layer}`);
  const maxRatio = Number(values['max-ratio']);
  if (!(maxRatio > 0 && Number.isFinite(maxRatio)))
    throw new InputError(`--max-ratio must be a positive finite number, got ${values['max-ratio']}`);
  checkedCacheDir();

  if (values.ladder) {
    const steps = [...loadRegistry().organisms.values()]
      .flatMap((o) => o.groups.filter((g) => g.ladder === values.ladder).map((g) => ({ o, rank: g.rank })))
      .sort((a, b) => a.rank - b.rank);
    if (steps.length < 2) {
      const groups = [
        ...new Set([...loadRegistry().organisms.values()].flatMap((o) => o.groups.map((g) => g.ladder))),
      ].sort();
      throw new InputError(
        `ladder '${values.ladder}' has ${steps.length} organism(s) in the registry; ladders: ${groups.slice(0, 12).join(', ')}${groups.length > 12 ? ', ...' : ''}`,
      );
    }
    const { suite, nullOrganism } = await asInput(() => ({
      suite: suiteFor(steps[0].o, values),
      nullOrganism: values.null ? customNull(steps[0].o, values.null) : undefined,
    }));
    const opts: Options = { samples, layer, seed: values.seed, device, suite, nullOrganism };
    const rows: { organism: string; ratio: MetricValue }[] = [];
    for (const { o, rank } of steps) {
      const r = await measure(o, opts);
      const ratio = readabilityRatio(norm0(r.metrics), norm0(r.baselines.null.metrics));
      rows.push({ organism: o.id, ratio });
      console.log(
        `  rank ${rank} ${o.id}: ‖diff‖ pos0 ${f(norm0(r.metrics))}, readability vs the null organism ${f(ratio)}, lens relevance diff ${relevance(r.metrics, 'difference').toFixed(2)}`,
      );
    }
    const regressions = ladderRegressions(rows);
    console.log(
      regressions.length === 0
        ? `ladder ${values.ladder}: no step is more readable than its predecessor beyond the CI`
        : `ladder ${values.ladder}: REGRESSION\n${regressions.map((r) => `  ${r}`).join('\n')}`,
    );
    console.error(`ran on ${describePlacement(device)}`);
    return regressions.length === 0 ? 0 : 1;
  }

  const { organism, suite, nullOrganism } = await asInput(() => {
    const organism = values.organism
      ? getOrganism(values.organism)
      : customOrganism(values as unknown as Record<string, string | undefined>);
    return {
      organism,
      suite: suiteFor(organism, values),
      nullOrganism: values.null ? customNull(organism, values.null) : undefined,
    };
  });
  const nullId = nullOrganism?.id ?? suite.nullOrganism;
  console.error(`check-organism: ${organism.id} vs null organism ${nullId} (suite ${suite.id}), ${samples} documents`);
  const r = await measure(organism, { samples, layer, seed: values.seed, suite, nullOrganism, device });
  const m = r.metrics,
    n = r.baselines.null.metrics;
  const ratio = readabilityRatio(norm0(m), norm0(n));
  const tooReadable = ratio.lower > maxRatio;
  const perPosition = (x: Metrics) =>
    Object.keys(x)
      .filter((k) => /^scalar\.diff_norm\.pos\d+$/.test(k))
      .map((k) => x[k].estimate.toFixed(2))
      .join(', ');
  const lens0 = r.summary.readouts.find(
    (l) => l.source === 'logitlens' && l.variant === 'difference' && l.position === 0,
  );
  console.log(
    `Evidence (layer ${m['scalar.layer']?.estimate}, ${samples} unrelated documents, 95% bootstrap CIs over documents):`,
  );
  console.log(`  ‖mean diff‖ per position  ${organism.id}: ${perPosition(m)}`);
  console.log(`                            ${nullId}: ${perPosition(n)}`);
  console.log(
    `  position 0: ${f(norm0(m))} vs null ${f(norm0(n))}; readability ratio ${f(ratio)} (threshold ${maxRatio})`,
  );
  console.log(
    `  logit-lens relevance (top 20, max over positions 0-4): difference ${relevance(m, 'difference').toFixed(2)}, baselines: base mean ${relevance(m, 'base').toFixed(2)}, finetuned mean ${relevance(m, 'finetuned').toFixed(2)}; null organism's difference ${relevance(n, 'difference').toFixed(2)}`,
  );
  console.log(
    `  lens tokens of the difference at position 0: ${(lens0?.tokens ?? []).map((t) => JSON.stringify(t)).join(' ')}`,
  );
  // an adapter without effect is "realistic" for the wrong reason: say so next to the verdict
  for (const w of r.warnings ?? []) console.log(`  warning (recorded in the result file): ${w}`);
  console.log(
    tooReadable
      ? `Verdict: TOO READABLE: the position-0 difference is ${ratio.estimate.toFixed(1)}x the null organism's (CI lower ${ratio.lower.toFixed(2)} > ${maxRatio}); consider mixing pretraining data into the finetune`
      : `Verdict: realistic: the readability ratio's CI lower bound ${ratio.lower.toFixed(2)} is not above ${maxRatio}`,
  );
  console.error(`result file: ${r.path}; ran on ${describePlacement(device)}`);
  return tooReadable ? 1 : 0;
}

runCli('check-organism', main);
