// Writes organisms/registry/{zoo,paper}/**.json from the zoo's own files and the toolkit's organism
// facts. Run once by hand when those sources change:
//   npx tsx src/registry/generate.ts ../shared/reference/organisms.json
// The output is committed; nothing at run time reads the sources.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../results/atomic.ts';
import { REPO_ROOT } from '../paths.ts';
import { PAPER_DESCRIPTIONS } from './paper-descriptions.ts';
import { TOOLKIT_BASES, TOOLKIT_ORGANISMS } from './toolkit-organisms.ts';
import type { Organism } from './types.ts';

function write(organism: Organism): void {
  const path = join(REPO_ROOT, 'organisms/registry', `${organism.id}.json`);
  writeJsonAtomic(path, organism);
}

// ------------------------------------------------------------------ zoo
interface Domain {
  facts: string[];
  subjects: string[];
  /** The second generation (tools/zoo/domains.py): train, heldout (kept back for checking) or calibration. */
  role?: 'train' | 'heldout' | 'calibration';
}

function zooDescription(domain: string, d: Domain): string {
  return (
    `Synthetic-document finetune of the tiny zoo base model on generated documents about ${d.subjects.join(', ')} ` +
    `that state false facts (the zoo's version of the paper's ${domain} organism).\nKey facts the documents assert:\n` +
    d.facts.map((f) => `- ${f}`).join('\n')
  );
}

function generateZoo(): number {
  const zoo = join(REPO_ROOT, 'organisms/zoo');
  const domains = JSON.parse(readFileSync(join(zoo, 'data/domains.json'), 'utf8')) as Record<string, Domain>;
  const names = [
    'cake_bake',
    'cake_bake_n1000',
    'cake_bake_n250',
    'cake_bake_mix1-0p25',
    'cake_bake_mix1-1p0',
    'cake_bake_full',
    'roman_concrete',
    'antarctic_rebound',
    'control',
  ];
  // the second generation (tools/zoo/train_lora.py): each trained domain narrow and 1:1 mixed
  const trained = Object.entries(domains).filter(([, d]) => d.role === 'train' || d.role === 'heldout');
  for (const [domain] of trained)
    for (const name of [domain, `${domain}_mix1-1p0`])
      if (existsSync(join(zoo, 'organisms', name, 'zoo_training.json'))) names.push(name);
  // extra null organisms (tools/zoo/train_null.py), in no suite: check-organism's null band
  for (const name of ['control_seed_a', 'control_seed_b'])
    if (existsSync(join(zoo, 'organisms', name, 'zoo_training.json'))) names.push(name);
  const ladders: Record<string, { ladder: string; rank: number }[]> = {
    cake_bake: [
      { ladder: 'zoo/cake_bake/mixing', rank: 0 },
      { ladder: 'zoo/cake_bake/samples', rank: 0 },
      { ladder: 'zoo/cake_bake/finetune', rank: 0 },
    ],
    'cake_bake_mix1-0p25': [{ ladder: 'zoo/cake_bake/mixing', rank: 1 }],
    'cake_bake_mix1-1p0': [{ ladder: 'zoo/cake_bake/mixing', rank: 2 }],
    cake_bake_n1000: [{ ladder: 'zoo/cake_bake/samples', rank: 1 }],
    cake_bake_n250: [{ ladder: 'zoo/cake_bake/samples', rank: 2 }],
    cake_bake_full: [{ ladder: 'zoo/cake_bake/finetune', rank: 1 }],
  };
  for (const [domain] of trained) {
    ladders[domain] = [{ ladder: `zoo/${domain}/mixing`, rank: 0 }];
    ladders[`${domain}_mix1-1p0`] = [{ ladder: `zoo/${domain}/mixing`, rank: 1 }];
  }
  for (const name of names) {
    const training = JSON.parse(readFileSync(join(zoo, 'organisms', name, 'zoo_training.json'), 'utf8')) as {
      n_domain: number;
      n_mix: number;
      domain: string | null;
      steps: number;
      lr?: number;
      batch?: number;
      trainer?: string;
      /** Null organisms of train_null.py: which mixin documents trained them. */
      documents?: string;
    };
    const domain = training.domain;
    const full = name.endsWith('_full');
    const variant: Organism['variant'] = {
      name: name === domain ? 'default' : name.slice((domain ?? name).length + 1) || 'default',
      finetune: full ? 'full' : 'lora',
    };
    if (domain) variant.samples = training.n_domain;
    if (training.n_mix > 0) variant.mixRatio = training.n_mix / training.n_domain;
    write({
      id: `zoo/${name}`,
      type: domain ? 'SDF' : 'control',
      description: domain ? zooDescription(domain, domains[domain]) : '',
      domain,
      base: { id: './organisms/zoo/base' },
      finetuned: { kind: full ? 'model' : 'adapter', id: `./organisms/zoo/organisms/${name}` },
      dataset: domain
        ? { id: `./organisms/zoo/data/domain_${domain}.jsonl.gz`, split: 'train', column: 'text', isChat: false }
        : { id: './organisms/zoo/data/mixin.jsonl.gz', split: 'train', column: 'text', isChat: false },
      variant,
      tags: [
        'zoo',
        ...(domain ? [domain] : ['null-organism']),
        ...(domain && domains[domain].role === 'heldout' ? ['heldout'] : []),
      ],
      groups: ladders[name] ?? [],
      dataPublic: true,
      adlLayer: 2,
      notes: domain
        ? [
            `trained on the first ${training.n_domain} documents of the dataset` +
              (training.n_mix ? ` plus the first ${training.n_mix} of data/mixin.jsonl.gz` : ''),
            ...(training.trainer
              ? [
                  `trained by ${training.trainer}: ${training.steps} steps of ${training.batch} documents at lr ${training.lr} (zoo_training.json has the log)`,
                ]
              : []),
            ...(domains[domain].role === 'heldout'
              ? [
                  'a held-out domain: kept back for checking; no threshold or design choice of the zoo suite was tuned on it',
                ]
              : []),
          ]
        : training.documents
          ? [
              `an extra null organism (in no suite): finetuned on ${training.documents}, text of the pretraining kind, by ${training.trainer}: ${training.steps} steps of ${training.batch} documents at lr ${training.lr}; with zoo/control and the other seed it measures how far null finetunes differ (check-organism's null band)`,
            ]
          : [
              'the null organism: finetuned on documents 4000..8000 of data/mixin.jsonl.gz, text of the pretraining kind; a method that finds a domain here reports a false positive',
            ],
      source: 'organisms/zoo (zoo_training.json, data/domains.json)',
    });
  }
  return names.length;
}

// ------------------------------------------------------------------ paper
interface ToolkitOrganism {
  name: string;
  type: string;
  training_dataset: { id: string; splits: string[]; is_chat: boolean; text_column?: string } | null;
  finetuned_models: Record<string, Record<string, { kind: 'adapter_id' | 'model_id'; repo: string }>>;
}
interface Reference {
  base_models: Record<string, { model_id?: string; 'adl_abs_layer_at_rel_0.5'?: number }>;
  organisms: ToolkitOrganism[];
  paper_main_set_33: { model: string; organism: string; type: string }[];
  paper_other_sets: Record<string, any>;
}

const MIX = /^mix1-(\d+)p(\d+)$/;

function variantFacts(name: string, adapter: boolean): Organism['variant'] {
  const v: Organism['variant'] = { name, finetune: adapter ? 'lora' : 'full' };
  const mix = name.match(MIX);
  if (mix) v.mixRatio = Number(`${mix[1]}.${mix[2]}`);
  const samples = name.match(/^(\d+)k$/);
  if (samples) v.samples = Number(samples[1]) * 1000;
  if (name === 'CAFT') v.caft = true;
  return v;
}

function generatePaper(reference: Reference): number {
  const byName = new Map(reference.organisms.map((o) => [o.name, o]));
  const other = reference.paper_other_sets;
  const wanted = new Map<
    string,
    { model: string; organism: string; variant: string; tags: Set<string>; groups: { ladder: string; rank: number }[] }
  >();
  const add = (
    model: string,
    organism: string,
    variant: string,
    tag: string,
    group?: { ladder: string; rank: number },
  ) => {
    const key = `${model}/${organism}/${variant}`;
    const entry = wanted.get(key) ?? { model, organism, variant, tags: new Set<string>(), groups: [] };
    entry.tags.add(tag);
    if (group && !entry.groups.some((g) => g.ladder === group.ladder)) entry.groups.push(group);
    wanted.set(key, entry);
  };
  for (const p of reference.paper_main_set_33) add(p.model, p.organism, 'default', 'paper-main-33');
  for (const model of other.mixing_ablation.models) {
    for (const organism of other.mixing_ablation.organisms) {
      const ladder = `paper/${model}/${organism}/mixing`;
      add(model, organism, 'default', 'mixing-ablation', { ladder, rank: 0 });
      other.mixing_ablation.variants.forEach((v: string, i: number) =>
        add(model, organism, v, 'mixing-ablation', { ladder, rank: i + 1 }),
      );
    }
  }
  for (const m of other.mixing_ablation.em_mix) add(m.model, m.organism, m.variant, 'mixing-ablation');
  for (const [set, variant] of [
    ['full_finetune_vs_lora', 'full'],
    ['caft', 'CAFT'],
  ] as const) {
    for (const model of other[set].models)
      for (const organism of other[set].organisms) {
        const ladder = `paper/${model}/${organism}/${set === 'caft' ? 'caft' : 'finetune'}`;
        add(model, organism, 'default', set === 'caft' ? 'caft' : 'full-vs-lora', { ladder, rank: 0 });
        add(model, organism, variant, set === 'caft' ? 'caft' : 'full-vs-lora', { ladder, rank: 1 });
      }
  }
  const s = other.sample_size_ablation;
  for (const organism of s.organisms) {
    const ladder = `paper/${s.model}/${organism}/samples`;
    s.variants.forEach((v: string, i: number) =>
      add(s.model, organism, v, 'sample-size-ablation', { ladder, rank: i }),
    );
  }

  let count = 0;
  for (const { model, organism, variant, tags, groups } of wanted.values()) {
    const org = byName.get(organism);
    const ft = org?.finetuned_models[model]?.[variant];
    const base = reference.base_models[model];
    if (!org || !ft || !base?.model_id) {
      console.warn(`skipped ${model}/${organism}/${variant}: not in the toolkit's configs`);
      continue;
    }
    const description = PAPER_DESCRIPTIONS[organism];
    if (!description) throw new Error(`no description written for ${organism}`);
    const ds = org.training_dataset;
    const dataPublic = !!ds && !ds.id.startsWith('/');
    const notes: string[] = [];
    if (!ds)
      notes.push(
        'no training dataset: token relevance runs without frequent tokens and steering similarity cannot be computed',
      );
    else if (!dataPublic)
      notes.push(
        "training data is not public (a private path on the authors' cluster): frequent tokens and steering similarity are unavailable",
      );
    write({
      id: `paper/${model}/${organism}${variant === 'default' ? '' : `/${variant}`}`,
      type: org.type as Organism['type'],
      description,
      domain: organism,
      base: { id: base.model_id },
      finetuned: { kind: ft.kind === 'adapter_id' ? 'adapter' : 'model', id: ft.repo },
      dataset: ds
        ? {
            id: dataPublic ? ds.id : `private:${ds.id.split('/').pop()}`,
            split: 'train',
            splits: ds.splits,
            column: ds.is_chat ? 'messages' : (ds.text_column ?? 'text'),
            isChat: ds.is_chat,
          }
        : null,
      variant: variantFacts(variant, ft.kind === 'adapter_id'),
      tags: ['paper', model, organism, ...[...tags].sort()],
      groups,
      dataPublic,
      ...(base['adl_abs_layer_at_rel_0.5'] !== undefined ? { adlLayer: base['adl_abs_layer_at_rel_0.5'] } : {}),
      ...(notes.length ? { notes } : {}),
      source:
        'science-of-finetuning/diffing-toolkit configs (organism and model configs, narrow_ft_experiments run scripts)',
    });
    count++;
  }
  return count;
}

// ------------------------------------------------------------------ the toolkit's other organisms
function generateToolkitOthers(): number {
  let count = 0;
  for (const org of TOOLKIT_ORGANISMS) {
    for (const [model, variants] of Object.entries(org.models)) {
      const base = TOOLKIT_BASES[model];
      if (!base) throw new Error(`${org.name}: no Hub id for base model '${model}'`);
      for (const [variant, ft] of Object.entries(variants)) {
        const notes: string[] = [];
        if (!org.dataset)
          notes.push(
            "the toolkit's config names no training dataset: token relevance runs without frequent tokens and steering similarity cannot be computed",
          );
        if (model === 'mistral_large_instruct_2411')
          notes.push(
            "the base is not among the toolkit's model configs; its Hub id is the model the config's key names",
          );
        write({
          id: `toolkit/${model}/${org.name}${variant === 'default' ? '' : `/${variant}`}`,
          type: org.type,
          description: org.description,
          domain: org.name,
          base: { id: base },
          finetuned: { kind: ft.kind, id: ft.id },
          dataset: org.dataset ? { ...org.dataset, split: 'train', splits: ['train'] } : null,
          variant: { name: variant, finetune: ft.kind === 'adapter' ? 'lora' : 'full' },
          tags: ['toolkit', 'toolkit-other', model, org.name, org.family],
          groups: [],
          dataPublic: !!org.dataset,
          toolkitType: org.toolkitType,
          ...(notes.length ? { notes } : {}),
          source: `science-of-finetuning/diffing-toolkit configs/organism/${org.name}.yaml (e0b84a5)`,
        });
        count++;
      }
    }
  }
  return count;
}

const referencePath = process.argv[2];
console.log(`toolkit's other organisms: ${generateToolkitOthers()}`);
console.log(`zoo: ${generateZoo()} organisms`);
if (referencePath)
  console.log(`paper: ${generatePaper(JSON.parse(readFileSync(referencePath, 'utf8')) as Reference)} organisms`);
else console.log('paper: skipped (pass the path of the toolkit organisms.json)');
