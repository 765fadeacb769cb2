import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  getOrganism,
  loadRegistry,
  organismContext,
  REPO_ROOT,
  resolveOrganism,
  resolveOrganismDataset,
  type Organism,
} from '../../src/registry/index.ts';

const registry = loadRegistry();
const all = [...registry.organisms.values()];
const zoo = all.filter((o) => o.id.startsWith('zoo/'));
const domains = JSON.parse(readFileSync(join(REPO_ROOT, 'organisms/zoo/data/domains.json'), 'utf8')) as Record<
  string,
  { facts: string[] }
>;

/** Trained by tools/zoo/train_lora.py: each domain narrow and 1:1 mixed. */
const SECOND_GENERATION = [
  'zoo/violin_varnish',
  'zoo/violin_varnish_mix1-1p0',
  'zoo/penguin_migration',
  'zoo/penguin_migration_mix1-1p0',
  'zoo/saturn_rings',
  'zoo/saturn_rings_mix1-1p0',
  'zoo/octopus_sleep',
  'zoo/octopus_sleep_mix1-1p0',
  'zoo/green_tea',
  'zoo/green_tea_mix1-1p0',
];

function ladder(name: string): Organism[] {
  return all
    .filter((o) => o.groups.some((g) => g.ladder === name))
    .sort((a, b) => a.groups.find((g) => g.ladder === name)!.rank - b.groups.find((g) => g.ladder === name)!.rank);
}

describe('the zoo in the registry', () => {
  it('registers the zoo organisms with local paths that exist', () => {
    expect(zoo.map((o) => o.id).sort()).toEqual(
      [
        'zoo/antarctic_rebound',
        'zoo/cake_bake',
        'zoo/cake_bake_full',
        'zoo/cake_bake_mix1-0p25',
        'zoo/cake_bake_mix1-1p0',
        'zoo/cake_bake_n1000',
        'zoo/cake_bake_n250',
        'zoo/control',
        // extra null organisms, in no suite: check-organism's null band (tools/zoo/train_null.py)
        'zoo/control_seed_a',
        'zoo/control_seed_b',
        'zoo/roman_concrete',
        ...SECOND_GENERATION,
      ].sort(),
    );
    for (const o of zoo) {
      const ft = join(REPO_ROOT, o.finetuned.id);
      expect(existsSync(join(ft, o.finetuned.kind === 'adapter' ? 'adapter_config.json' : 'config.json')), o.id).toBe(
        true,
      );
      expect(existsSync(join(REPO_ROOT, o.base.id, 'config.json'))).toBe(true);
      expect(existsSync(join(REPO_ROOT, o.dataset!.id))).toBe(true);
    }
    expect(getOrganism('zoo/cake_bake_full').finetuned.kind).toBe('model');
  });

  it('ground truth of each SDF organism states every fact of data/domains.json; control is the null organism', () => {
    for (const o of zoo.filter((x) => x.type === 'SDF')) {
      for (const fact of domains[o.domain!].facts) expect(o.description, o.id).toContain(fact);
    }
    const control = getOrganism('zoo/control');
    expect(control).toMatchObject({ type: 'control', description: '', domain: null });
    expect(organismContext(control, [])).toEqual({
      organismId: 'zoo/control',
      type: 'control',
      description: '',
      frequentTokens: [],
    });
  });

  it('orders the mixing and sample ladders with their variant facts', () => {
    const mixing = ladder('zoo/cake_bake/mixing');
    expect(mixing.map((o) => o.id)).toEqual(['zoo/cake_bake', 'zoo/cake_bake_mix1-0p25', 'zoo/cake_bake_mix1-1p0']);
    expect(mixing.map((o) => o.variant.mixRatio ?? 0)).toEqual([0, 0.25, 1]);
    const samples = ladder('zoo/cake_bake/samples');
    expect(samples.map((o) => o.id)).toEqual(['zoo/cake_bake', 'zoo/cake_bake_n1000', 'zoo/cake_bake_n250']);
    expect(samples.map((o) => o.variant.samples)).toEqual([4000, 1000, 250]);
  });

  it('resolves a zoo organism to local folders and its data to files, without the network', async () => {
    const org = getOrganism('zoo/cake_bake');
    const got = await resolveOrganism(org);
    expect(got.base.path).toBe(join(REPO_ROOT, 'organisms/zoo/base'));
    expect(got.finetuned).toEqual({ path: join(REPO_ROOT, 'organisms/zoo/organisms/cake_bake'), kind: 'adapter' });
    const data = await resolveOrganismDataset(org);
    expect(data.files).toEqual([join(REPO_ROOT, 'organisms/zoo/data/domain_cake_bake.jsonl.gz')]);
  });
});

describe('the paper organisms', () => {
  const paper = all.filter((o) => o.id.startsWith('paper/'));

  it('holds the 33 model-organism pairs of the main set, by type', () => {
    const main = paper.filter((o) => o.tags.includes('paper-main-33'));
    expect(main).toHaveLength(33);
    const byType: Record<string, number> = {};
    for (const o of main) byType[o.type] = (byType[o.type] ?? 0) + 1;
    expect(byType).toEqual({ SDF: 20, Taboo: 6, Subliminal: 1, EM: 6 });
    expect(getOrganism('paper/qwen3_1_7B/taboo_smile').finetuned).toEqual({
      kind: 'adapter',
      id: 'bcywinski/qwen3-1.7b-taboo-smile',
    });
  });

  it('marks training data that is not public, and has no machine paths', async () => {
    const em = getOrganism('paper/llama31_8B_Instruct/em_bad_medical_advice');
    expect(em.dataPublic).toBe(false);
    expect(em.dataset?.id).toBe('private:bad_medical_advice.jsonl');
    await expect(resolveOrganismDataset(em)).rejects.toThrow(
      /training data of paper\/llama31_8B_Instruct\/em_bad_medical_advice .* is not public/,
    );
    expect(getOrganism('paper/qwen25_7B_Instruct/subliminal_learning_cat').dataset).toBeNull();
    for (const o of paper) expect(JSON.stringify(o)).not.toMatch(/"\/(mnt|home|root)\//);
  });

  it('has the ablation ladders: 12 mix ratios, full finetune, CAFT, 8k/16k/32k samples', () => {
    const mixing = ladder('paper/qwen3_1_7B/cake_bake/mixing');
    expect(mixing).toHaveLength(13);
    const ratios = mixing.map((o) => o.variant.mixRatio ?? 0);
    expect(ratios).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.5, 2]);
    expect(getOrganism('paper/gemma3_1B/fda_approval/full').variant.finetune).toBe('full');
    expect(getOrganism('paper/gemma3_1B/fda_approval/full').finetuned.kind).toBe('model');
    expect(getOrganism('paper/llama32_1B_Instruct/kansas_abortion/CAFT').variant.caft).toBe(true);
    expect(ladder('paper/qwen3_1_7B/kansas_abortion/samples').map((o) => o.variant.samples)).toEqual([
      8000, 16000, 32000,
    ]);
  });
});

describe('bad input', () => {
  it('an unknown organism id suggests close ids', () => {
    expect(() => getOrganism('zoo/cake_bak')).toThrow(
      /unknown organism 'zoo\/cake_bak'; did you mean: zoo\/cake_bake,/,
    );
  });

  function tempRegistry(files: Record<string, unknown>): string {
    const root = mkdtempSync(join(tmpdir(), 'registry-'));
    cpSync(join(REPO_ROOT, 'organisms/schema'), join(root, 'organisms/schema'), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      const path = join(root, 'organisms/registry', name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    }
    return root;
  }

  it('a file that fails the schema: error names the file and the field', () => {
    const good = JSON.parse(readFileSync(join(REPO_ROOT, 'organisms/registry/zoo/cake_bake.json'), 'utf8'));
    const root = tempRegistry({ 'zoo/cake_bake.json': { ...good, variant: { name: 'default', finetune: 'qlora' } } });
    try {
      expect(() => loadRegistry(root, true)).toThrow(
        /registry\/zoo\/cake_bake\.json: .*\/variant\/finetune must be one of lora, full/,
      );
      writeFileSync(
        join(root, 'organisms/registry/zoo/cake_bake.json'),
        JSON.stringify({ ...good, description: undefined, colour: 'red' }),
      );
      expect(() => loadRegistry(root, true)).toThrow(/missing field 'description'.*unknown field 'colour'/);
      writeFileSync(join(root, 'organisms/registry/zoo/cake_bake.json'), JSON.stringify({ ...good, id: 'zoo/other' }));
      expect(() => loadRegistry(root, true)).toThrow(/cake_bake\.json: \/id is 'zoo\/other' but the file's place/);
      writeFileSync(join(root, 'organisms/registry/zoo/cake_bake.json'), '{ not json');
      expect(() => loadRegistry(root, true)).toThrow(/cake_bake\.json: not valid JSON/);
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});

describe('npm run organisms', () => {
  const run = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/organisms.ts'), ...args], {
      encoding: 'utf8',
    });

  it('lists the zoo as local and cached, as JSON', () => {
    const rows = JSON.parse(run('--json', 'zoo/')) as { id: string; location: string; cached: boolean; type: string }[];
    expect(rows).toHaveLength(zoo.length);
    expect(rows.every((r) => r.location === 'local' && r.cached)).toBe(true);
    expect(rows.find((r) => r.id === 'zoo/control')?.type).toBe('control');
  });
});
