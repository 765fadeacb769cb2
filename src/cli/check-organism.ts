// npm run check-organism: is a model organism "too readable"? Cheap activation-difference signals vs
// the baselines vs a null organism, a verdict with its evidence, exit 0 (realistic) / 1 (too readable).
// With --ladder: readability along a registry ladder, failing when a step meant to be more realistic
// is more readable than its predecessor beyond the CI.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { asInput, positiveInt } from './args.ts';
import { runCli } from './main.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { sampleDocuments } from '../data/index.ts';
import { groundTruth, loadOrganism } from '../harness/organism.ts';
import { createProgress } from '../harness/progress.ts';
import { ladderRegressions, lensRelevance, measureReadability, readabilityRatio, type Readability } from '../harness/readability.ts';
import { getOrganism, loadRegistry, locate, type Organism } from '../registry/index.ts';
import type { MetricValue } from '../results/types.ts';

const HELP = `Usage:
  npm run check-organism -- --organism <registry id> [options]
  npm run check-organism -- --base <id|path> (--finetuned <id|path> | --adapter <id|path>) --description <text|file> [--data <dataset>] [options]
  npm run check-organism -- --ladder <registry ladder group, e.g. zoo/cake_bake/mixing> [options]

Measures how readable a finetune is in activation differences on unrelated text (the Activation
Difference Lens's cheap signals): the norm of the mean (finetuned − base) residual at position 0 of
the middle layer, relative to a null organism (a finetune of the same base on unrelated text), with a
bootstrap CI over documents; and the logit-lens tokens of the difference vs the base / finetuned means,
graded for relevance to the description. Verdict: too readable when the whole CI of the ratio is above
--max-ratio.

Options:
  --null <id|path>       null organism: a registry id or an adapter/model folder (default: the
                         registry's control organism with the same base model, e.g. zoo/control)
  --unrelated <dataset>  unrelated text (default: the zoo's for the zoo base, else fineweb-1m-sample)
  --samples <n>          documents (default 200)
  --layer <r>            relative layer (default 0.5)
  --max-ratio <x>        readability ratio above which an organism is too readable (default 1.8: on
                         the zoo every finetune that learned its facts is >= 2.4x the control)
  --seed <s>             seed (default check-organism)
  -h, --help             this help

Exit status: 0 realistic (or ladder ordered), 1 too readable (or a ladder regression), 2 on errors.`;

function readText(value: string): string {
  return existsSync(value) ? readFileSync(value, 'utf8') : value;
}

function customOrganism(values: Record<string, string | undefined>): Organism {
  if (!values.base) throw new Error('give --organism <registry id>, or --base with --finetuned or --adapter (see --help)');
  const finetuned = values.adapter ?? values.finetuned;
  if (!finetuned) throw new Error('give --finetuned <model> (a full finetune) or --adapter <LoRA adapter> with --base');
  if (!values.description) throw new Error('give --description <text or file>: the ground truth the relevance grader compares tokens with');
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

function nullFor(organism: Organism, spec: string | undefined): Organism {
  const registry = loadRegistry();
  if (spec && registry.organisms.has(spec)) return getOrganism(spec);
  if (spec) {
    const path = existsSync(spec) ? resolve(spec) : spec;
    return { ...organism, id: 'custom/null', type: 'control', description: '', dataset: null, finetuned: { kind: organism.finetuned.kind, id: path } };
  }
  const sameBase = [...registry.organisms.values()].find((o) => o.type === 'control' && locate(o.base.id) === locate(organism.base.id));
  if (!sameBase) throw new Error(`no null organism for base ${organism.base.id} in the registry: pass --null <adapter or model folder> (a finetune of the same base on unrelated text)`);
  return sameBase;
}

const f = (m: MetricValue) => `${m.estimate.toFixed(2)} [${m.lower.toFixed(2)}, ${m.upper.toFixed(2)}]`;

interface Measured {
  organism: Organism;
  readability: Readability;
  relevance: Record<string, number>;
}

async function measure(organism: Organism, opts: { samples: number; layer: number; seed: string; unrelated?: string }): Promise<Measured> {
  const progress = createProgress(`  ${organism.id}`);
  progress('load', 0, 3);
  const loaded = await loadOrganism(organism);
  try {
    const zooBase = locate(organism.base.id).includes('organisms/zoo/base');
    const source = opts.unrelated ?? (zooBase ? locate('./organisms/zoo/data/unrelated.jsonl.gz') : 'science-of-finetuning/fineweb-1m-sample');
    progress('documents', 1, 3);
    const documents = await sampleDocuments({ source, n: opts.samples, minTokens: 8, tokenizer: loaded.tokenizer, order: 'file', addSpecialTokens: false, seed: opts.seed });
    progress('activations', 2, 3);
    const readability = await measureReadability(loaded, (id) => loaded.tokenizer.displayToken(id), { documents, layer: opts.layer, seed: opts.seed });
    const relevance = await lensRelevance(readability, await groundTruth(organism, loaded.tokenizer), new LexicalRelevanceGrader());
    progress('done', 3, 3);
    return { organism, readability, relevance };
  } finally {
    await loaded.dispose();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      organism: { type: 'string' }, base: { type: 'string' }, finetuned: { type: 'string' }, adapter: { type: 'string' },
      description: { type: 'string' }, data: { type: 'string' }, null: { type: 'string' }, unrelated: { type: 'string' },
      ladder: { type: 'string' }, samples: { type: 'string', default: '200' }, layer: { type: 'string', default: '0.5' },
      'max-ratio': { type: 'string', default: '1.8' }, seed: { type: 'string', default: 'check-organism' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const opts = { samples: positiveInt('samples', values.samples)!, layer: Number(values.layer), seed: values.seed, unrelated: values.unrelated };
  if (!(opts.samples >= 10)) throw new InputError(`--samples must be a number >= 10, got ${values.samples}`);
  if (!(opts.layer > 0 && opts.layer <= 1)) throw new InputError(`--layer '${values.layer}': expected a fraction of the depth in (0, 1]`);
  const maxRatio = Number(values['max-ratio']);
  if (!(maxRatio > 0)) throw new InputError(`--max-ratio '${values['max-ratio']}': expected a positive number`);

  if (values.ladder) {
    const steps = [...loadRegistry().organisms.values()]
      .flatMap((o) => o.groups.filter((g) => g.ladder === values.ladder).map((g) => ({ o, rank: g.rank })))
      .sort((a, b) => a.rank - b.rank);
    if (steps.length < 2) {
      const groups = [...new Set([...loadRegistry().organisms.values()].flatMap((o) => o.groups.map((g) => g.ladder)))].sort();
      throw new InputError(`ladder '${values.ladder}' has ${steps.length} organism(s) in the registry; ladders: ${groups.slice(0, 12).join(', ')}${groups.length > 12 ? ', ...' : ''}`);
    }
    const nullMeasured = await measure(nullFor(steps[0].o, values.null), opts);
    const rows: { organism: string; ratio: MetricValue }[] = [];
    for (const { o, rank } of steps) {
      const m = await measure(o, opts);
      const ratio = readabilityRatio(m.readability.diffNorm[0], nullMeasured.readability.diffNorm[0]);
      rows.push({ organism: o.id, ratio });
      console.log(`  rank ${rank} ${o.id}: ‖diff‖ pos0 ${f(m.readability.diffNorm[0])}, readability vs ${nullMeasured.organism.id} ${f(ratio)}, lens relevance diff ${m.relevance.difference.toFixed(2)}`);
    }
    const regressions = ladderRegressions(rows);
    console.log(regressions.length === 0 ? `ladder ${values.ladder}: no step is more readable than its predecessor beyond the CI` : `ladder ${values.ladder}: REGRESSION\n${regressions.map((r) => `  ${r}`).join('\n')}`);
    return regressions.length === 0 ? 0 : 1;
  }

  const { organism, nullOrganism } = await asInput(() => {
    const organism = values.organism ? getOrganism(values.organism) : customOrganism(values as unknown as Record<string, string | undefined>);
    return { organism, nullOrganism: nullFor(organism, values.null) };
  });
  console.error(`check-organism: ${organism.id} vs null organism ${nullOrganism.id}, ${opts.samples} documents`);
  const m = await measure(organism, opts);
  const n = await measure(nullOrganism, opts);
  const ratio = readabilityRatio(m.readability.diffNorm[0], n.readability.diffNorm[0]);
  const tooReadable = ratio.lower > maxRatio;
  console.log(`Evidence (layer ${m.readability.layer}, ${opts.samples} unrelated documents, 95% bootstrap CIs over documents):`);
  console.log(`  ‖mean diff‖ per position  ${organism.id}: ${m.readability.diffNorm.map((x) => x.estimate.toFixed(2)).join(', ')}`);
  console.log(`                            ${nullOrganism.id}: ${n.readability.diffNorm.map((x) => x.estimate.toFixed(2)).join(', ')}`);
  console.log(`  position 0: ${f(m.readability.diffNorm[0])} vs null ${f(n.readability.diffNorm[0])}; readability ratio ${f(ratio)} (threshold ${maxRatio})`);
  console.log(`  logit-lens relevance (top 20, max over positions 0-4): difference ${m.relevance.difference.toFixed(2)}, baselines: base mean ${m.relevance.base.toFixed(2)}, finetuned mean ${m.relevance.finetuned.toFixed(2)}; null organism's difference ${n.relevance.difference.toFixed(2)}`);
  console.log(`  lens tokens of the difference at position 0: ${m.readability.lens.find((l) => l.variant === 'difference' && l.position === 0)!.tokens.slice(0, 10).map((t) => JSON.stringify(t)).join(' ')}`);
  console.log(tooReadable
    ? `Verdict: TOO READABLE: the position-0 difference is ${ratio.estimate.toFixed(1)}x the null organism's (CI lower ${ratio.lower.toFixed(2)} > ${maxRatio}); consider mixing pretraining data into the finetune`
    : `Verdict: realistic: the readability ratio's CI lower bound ${ratio.lower.toFixed(2)} is not above ${maxRatio}`);
  return tooReadable ? 1 : 0;
}

runCli('check-organism', main);
