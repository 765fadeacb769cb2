// npm run check-organism: is a model organism "too readable"? Cheap activation-difference signals vs
// the baselines vs a null organism, a verdict with its evidence, exit 0 (realistic) / 1 (too readable).
// With --ladder: readability along a registry ladder, failing when a step meant to be more realistic
// is more readable than its predecessor beyond the CI.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { asInput, checkedCacheDir, positiveInt } from './args.ts';
import { runCli } from './main.ts';
import type { LoadedMethod } from '../harness/load-method.ts';
import { hashMethodSources } from '../code-hash.ts';
import { createProgress } from '../harness/progress.ts';
import { READABILITY_SOURCES } from '../harness/readability-method.ts';
import {
  DEFAULT_RULE,
  decideReadability,
  type Evidence,
  ladderRegressions,
  type ReadabilityVerdict,
  type TokenCount,
  type VerdictRule,
} from '../harness/readability-verdict.ts';
import { runOrganism } from '../harness/run.ts';
import { listSuites, loadSuite, suiteOf, type Suite } from '../harness/suite.ts';
import { REPO_ROOT, resultsDirFor } from '../paths.ts';
import { getOrganism, loadRegistry, locate, type Organism } from '../registry/index.ts';
import type { DiffingMethod } from '../method/types.ts';
import type { Metrics, MetricValue, ResultFile } from '../results/types.ts';
import { defaultBaselines, offlineGraders } from './compose.ts';
import { checkOrganismMethod } from './check-organism-method.ts';
import adlMethod from '../adl/method.ts';
import { layeredConfig } from '../harness/method-config.ts';
import { type EvidenceOptions, evidenceOf, steeringUnmeasurable } from './check-organism-evidence.ts';
import { parseDevice, type Device } from '../runtime/device.ts';
import { describePlacement } from '../runtime/placement.ts';

const HELP = `Usage:
  npm run check-organism -- --organism <registry id> [options]
  npm run check-organism -- --base <id|path> (--finetuned <id|path> | --adapter <id|path>) --description <text|file> [--data <dataset>] [options]
  npm run check-organism -- --ladder <registry ladder group, e.g. zoo/cake_bake/mixing> [options]

Measures how readable a finetune is in activation differences on unrelated text, against a null
organism (a finetune of the same base on unrelated text), with the protocol's evidence, each a
one-sided test at a Bonferroni-corrected level (--alpha / the number of measurable tests: an organism
like the null organism is called too readable with probability at most --alpha):
  norm ratio   ‖mean(finetuned − base)‖ over positions 1-4 of --layer, organism / null (z-test on the
               log ratio, standard error from the two bootstrap CIs over documents): too readable when
               shown above --max-ratio. Position 0 is left out: two null finetunes of one recipe differ
               there by up to 2.3x (printed for information);
  lens         the relevant fraction (graded against the organism's description) of the distinct
               logit-lens tokens of the mean difference at --readout-layer, positions 0-4 pooled,
               organism vs null (one-sided Fisher exact test);
  Patchscope   the same for ADL's token-identity Patchscope of the difference;
  steering     the steering gain (St-FT − USt-FT against the model's own unsteered samples, 95% CI over
               prompts) of the mean difference at --readout-layer and ADL's first steering position,
               steered at the strength the protocol's controls choose (of 0.125-1 x the target norm,
               the coherent one whose selection samples come closest to the finetuning data), organism
               vs null (z-test from the two CIs); both runs choose with the organism's data. Measured
               where the suite judges steering (its protocol.steeringOrganisms: the organism's drift,
               how far its unsteered text has gone from the base model's toward the finetuning data,
               at most maxDrift) and the organism has public finetuning data; else listed as not
               measurable, not used. --no-steering leaves it out (faster).
The lens, Patchscope and steering count only where the norm ratio is shown above --null-band (how far
null finetunes differ from each other): within it a null finetune's readouts pass the relevance test
by chance. Verdict: too readable when any test says so; realistic when none does.
The readouts are read at the suite's calibrated readable layer (benchmark/<suite>/layer-calibration.json,
chosen from the base model alone): below it the lens reads word pieces. It runs through the benchmark
harness (the same run as npm run bench, with the 'readability' method): the suite's unrelated text and
null organism (the suite that lists the organism, or for --base the suite whose null organism has that
base), the offline graders; the result files go to results/check-organism (or
$DIFFBENCH_RESULTS/check-organism).

Options:
  --null <id|path>       null organism: a registry id or an adapter/model folder (default: the
                         suite's null organism, e.g. zoo/control)
  --unrelated <dataset>  unrelated text (default: the suite's)
  --samples <n>          documents (default 2000)
  --layer <r>            relative layer of the norm ratio (default 0.5)
  --readout-layer <i>    layer (index) of the lens and Patchscope readouts (default: the suite's
                         calibrated layer, else the norm's layer)
  --max-ratio <x>        norm ratio that decides alone (default 1.3: twice the largest excess
                         between two null finetunes measured on the zoo, 1.15)
  --null-band <x>        norm ratio the readouts need (default 1.15, that largest null excess)
  --alpha <a>            family-wise false-positive rate (default 0.05)
  --no-steering          leave the steering evidence out
  --seed <s>             seed (default check-organism)
  --device <d>           where models run: cpu (default), webgpu or cuda (README "GPU execution")
  -h, --help             this help

With --ladder, each step's evidence and verdict; a regression is a step more readable than its
predecessor beyond the CIs on any measurable evidence.

Exit status: 0 realistic (or ladder ordered), 1 too readable (or a ladder regression), 2 input errors,
3 runtime failures.`;

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
    const inSuite =
      loadRegistry().organisms.has(organism.id) &&
      listSuites().some((name) => {
        const x = loadSuite(name);
        return x.organisms.includes(organism.id) || x.nullOrganism === organism.id;
      });
    // a registered organism in no suite (zoo/control_seed_a) is checked like a custom one of its base
    suite = inSuite ? suiteOf(organism.id) : suiteForBase(organism);
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
  method: checkOrganismMethod as unknown as DiffingMethod,
  source: 'builtin:readability',
  codeHash: hashMethodSources(fileURLToPath(new URL('./check-organism-method.ts', import.meta.url))),
};

const relevance = (metrics: Metrics, variant: keyof typeof READABILITY_SOURCES) =>
  metrics[`relevance.${READABILITY_SOURCES[variant]}`]?.estimate ?? NaN;

interface Options extends EvidenceOptions {
  samples: number;
  layer: number;
  readoutLayer?: number;
  seed: string;
  suite: Suite;
  nullOrganism?: Organism;
  device: Device;
}

/** The run's extra config and baselines for the steering evidence (none when it cannot be measured). */
function steeringRun(
  organism: Organism,
  opts: Options,
): { config: Record<string, unknown>; baselines: LoadedMethod[] } {
  const rule = opts.suite.protocol?.steeringOrganisms;
  if (steeringUnmeasurable(organism, opts) !== undefined || !rule) return { config: {}, baselines: [] };
  const { id, split, column } = organism.dataset!;
  const adl = layeredConfig(adlMethod, opts.suite, 'fast').config;
  const baselines = defaultBaselines().filter((b) => b.method.id === rule.baseline);
  if (baselines.length === 0)
    throw new Error(`suite ${opts.suite.id}: steeringOrganisms.baseline ${rule.baseline} is no baseline`);
  return { config: { steering: { data: { id, split, column }, adl } }, baselines };
}

/** Every readout of the difference is graded: five positions (the protocol's), at most 20 tokens each. */
const POSITIONS = 5;

/** One harness run of the readability method on the organism and on the null organism. */
async function measure(organism: Organism, opts: Options): Promise<ResultFile & { path: string }> {
  const steering = steeringRun(organism, opts);
  const run = (recompute: boolean) =>
    runOrganism(organism, {
      suite: opts.suite,
      settings: 'fast',
      resultsDir: resultsDirFor('check-organism'),
      method,
      configOverrides: {
        samples: opts.samples,
        layer: opts.layer,
        positions: POSITIONS,
        ...(opts.readoutLayer === undefined ? {} : { readoutLayer: opts.readoutLayer }),
        ...steering.config,
      },
      baselines: steering.baselines,
      graders: offlineGraders(),
      ...(opts.nullOrganism ? { nullOrganism: opts.nullOrganism } : {}),
      seed: opts.seed,
      device: opts.device,
      progress: createProgress(`  ${organism.id}`),
      pooledRelevance: true,
      recompute,
    });
  // A result file is keyed without its null organism: with --null, or after a run with another null, it
  // would be reused against the wrong one. Score again then (the method outputs are cached by content).
  const nullId = opts.nullOrganism?.id ?? opts.suite.nullOrganism;
  let { result, path } = await run(opts.nullOrganism !== undefined);
  if (!result.baselines.null)
    throw new Error(
      `${organism.id} is its suite's null organism (${opts.suite.id}): nothing to compare it with; pass --null`,
    );
  const stale =
    !result.baselines.null.description?.includes(`null organism ${nullId}, `) ||
    // written before the pooled relevance was recorded
    !('pooled_relevance.logitlens' in result.baselines.null.metrics);
  if (stale) ({ result, path } = await run(true));
  return { ...result, path };
}

/** The suite's calibrated readable layer (benchmark/<suite>/layer-calibration.json), if it has one. */
function calibratedLayer(suite: Suite): number | undefined {
  const file = join(REPO_ROOT, 'benchmark', suite.id, 'layer-calibration.json');
  if (!existsSync(file)) return undefined;
  const chosen = (JSON.parse(readFileSync(file, 'utf8')) as { chosen?: unknown }).chosen;
  if (!(typeof chosen === 'number' && Number.isInteger(chosen) && chosen >= 0))
    throw new Error(`${file}: "chosen" must be a layer index, got ${JSON.stringify(chosen)}`);
  return chosen;
}

const count = (c: TokenCount) => `${c.relevant}/${c.tokens}`;

/** One line per piece of evidence: value, null's value, CI, p-value, what it contributes to the verdict. */
function evidenceLines(evidence: Evidence[], verdict: ReadabilityVerdict): string[] {
  return verdict.evidence.map((j, i) => {
    const e = evidence[i];
    if (!e.measurable || !j.measurable) return `  ${j.kind.padEnd(21)} ${j.why}`;
    const contribution = j.tooReadable ? 'TOO READABLE' : 'not readable';
    const values =
      e.kind === 'norm-ratio'
        ? `ratio ${f(j.compared!)} (organism ${f(e.organism)}, null ${f(e.nullOrganism)})`
        : e.kind === 'steering-gain'
          ? `gain organism ${f(e.organism)}, null ${f(e.nullOrganism)}, difference ${f(j.compared!)}${e.drift === undefined ? '' : ` (drift ${e.drift.toFixed(2)})`}`
          : `relevant tokens organism ${count(e.organism)}, null ${count(e.nullOrganism)}`;
    return `  ${j.kind.padEnd(21)} ${values}: ${j.why} -> ${contribution}`;
  });
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
      samples: { type: 'string', default: '2000' },
      layer: { type: 'string', default: '0.5' },
      'max-ratio': { type: 'string', default: String(DEFAULT_RULE.maxRatio) },
      'null-band': { type: 'string', default: String(DEFAULT_RULE.nullBand) },
      alpha: { type: 'string', default: String(DEFAULT_RULE.alpha) },
      'readout-layer': { type: 'string' },
      seed: { type: 'string', default: 'check-organism' },
      'no-steering': { type: 'boolean', default: false },
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
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`--alpha must be a number in (0, 1), got ${values.alpha}`);
  const nullBand = Number(values['null-band']);
  if (!(nullBand > 0 && Number.isFinite(nullBand)))
    throw new InputError(`--null-band must be a positive finite number, got ${values['null-band']}`);
  const rule: VerdictRule = { maxRatio, nullBand, alpha };
  const readoutLayerArg = values['readout-layer'];
  const readoutLayer = readoutLayerArg === undefined ? undefined : Number(readoutLayerArg);
  if (readoutLayer !== undefined && !(Number.isInteger(readoutLayer) && readoutLayer >= 0))
    throw new InputError(`--readout-layer must be a layer index (integer >= 0), got ${readoutLayerArg}`);
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
    const opts: Options = {
      samples,
      layer,
      readoutLayer: readoutLayer ?? calibratedLayer(suite),
      seed: values.seed,
      device,
      suite,
      nullOrganism,
      steering: !values['no-steering'],
    };
    const rows: { organism: string; verdict: ReadabilityVerdict }[] = [];
    for (const { o, rank } of steps) {
      const r = await measure(o, opts);
      const evidence = evidenceOf(r, o, opts);
      const verdict = decideReadability(evidence, rule);
      rows.push({ organism: o.id, verdict });
      console.log(
        `rank ${rank} ${o.id}: ${verdict.tooReadable ? `TOO READABLE (decided by ${verdict.decidedBy.join(', ')})` : 'realistic'}`,
      );
      for (const line of evidenceLines(evidence, verdict)) console.log(line);
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
  const opts: Options = {
    samples,
    layer,
    readoutLayer: readoutLayer ?? calibratedLayer(suite),
    seed: values.seed,
    suite,
    nullOrganism,
    device,
    steering: !values['no-steering'],
  };
  const r = await measure(organism, opts);
  const m = r.metrics,
    n = r.baselines.null.metrics;
  const evidence = evidenceOf(r, organism, opts);
  const verdict = decideReadability(evidence, rule);
  const perPosition = (x: Metrics) =>
    Object.keys(x)
      .filter((k) => /^scalar\.diff_norm\.pos\d+$/.test(k))
      .map((k) => x[k].estimate.toFixed(2))
      .join(', ');
  const tokensOf = (source: string) =>
    (
      r.summary.readouts.find((l) => l.source === source && l.variant === 'difference' && l.position === 0)?.tokens ??
      []
    )
      .map((t) => JSON.stringify(t))
      .join(' ');
  console.log(
    `Evidence (norm at layer ${m['scalar.layer']?.estimate} positions 1-4, readouts at layer ${m['scalar.readout_layer']?.estimate} positions 0-4, ${samples} unrelated documents, 95% CIs):`,
  );
  console.log(`  ‖mean diff‖ per position  ${organism.id}: ${perPosition(m)}`);
  console.log(`                            ${nullId}: ${perPosition(n)}`);
  for (const line of evidenceLines(evidence, verdict)) console.log(line);
  console.log(
    `  lens relevance baselines: base mean ${relevance(m, 'base').toFixed(2)}, finetuned mean ${relevance(m, 'finetuned').toFixed(2)}`,
  );
  const strength = (x: Metrics) =>
    Object.entries(x)
      .find(([k]) => k.startsWith('scalar.steering_strength.'))?.[1]
      .estimate.toFixed(3);
  if (strength(m) !== undefined)
    console.log(
      `  steering strength (x the target norm, chosen with the organism's data): organism ${strength(m)}, null ${strength(n) ?? '-'}; a steered sample: ${JSON.stringify(r.summary.samples[0] ?? '')}`,
    );
  console.log(`  lens tokens of the difference at position 0: ${tokensOf('logitlens')}`);
  console.log(`  Patchscope tokens of the difference at position 0: ${tokensOf('patchscope')}`);
  // an adapter without effect is "realistic" for the wrong reason: say so next to the verdict
  for (const w of r.warnings ?? []) console.log(`  warning (recorded in the result file): ${w}`);
  console.log(
    verdict.tooReadable
      ? `Verdict: TOO READABLE: decided by ${verdict.decidedBy.join(', ')}; consider mixing pretraining data into the finetune`
      : `Verdict: realistic: no measurable evidence reads the organism more than the null organism`,
  );
  console.error(`result file: ${r.path}; ran on ${describePlacement(device)}`);
  return verdict.tooReadable ? 1 : 0;
}

runCli('check-organism', main);
