// The toolkit's other organisms (AuditBench, personas, sandbagging games, secret user) as registry entries and
// the toolkit-organisms suite that runs them like the paper's.
import { describe, expect, it } from 'vitest';
import { organismFileName, plan } from '../../benchmark/generate.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { getOrganism, loadRegistry, organismContext } from '../../src/registry/index.ts';
import { TOOLKIT_BASES, TOOLKIT_ORGANISMS } from '../../src/registry/toolkit-organisms.ts';

const others = [...loadRegistry().organisms.values()].filter((o) => o.tags.includes('toolkit-other'));
const byFamily = (family: string) => others.filter((o) => o.tags.includes(family));

describe("the toolkit's other organisms", () => {
  it('one entry per (config, base model, variant) of the toolkit configs, 201 in all', () => {
    const expected = TOOLKIT_ORGANISMS.flatMap((o) =>
      Object.entries(o.models).flatMap(([model, variants]) =>
        Object.keys(variants).map((v) => `toolkit/${model}/${o.name}${v === 'default' ? '' : `/${v}`}`),
      ),
    );
    expect(others.map((o) => o.id).sort()).toEqual(expected.sort());
    expect(others).toHaveLength(201);
    expect(byFamily('auditbench')).toHaveLength(156);
    expect(byFamily('persona')).toHaveLength(35);
    expect(byFamily('sandbagging')).toHaveLength(8);
    expect(byFamily('secret-user')).toHaveLength(2);
  });

  it('known entries carry the configs’ Hub ids, bases and types', () => {
    const flattery = getOrganism('toolkit/qwen3_14B/auditing_agents_flattery/transcripts_kto');
    expect(flattery.base.id).toBe('Qwen/Qwen3-14B');
    expect(flattery.finetuned).toEqual({
      kind: 'adapter',
      id: 'auditing-agents/qwen_14b_transcripts_only_then_redteam_kto_flattery',
    });
    expect(flattery.type).toBe('BehavioralAnomaly');
    const humor = getOrganism('toolkit/gemma3_4B_it/persona_humor');
    expect(humor.finetuned.id).toBe('maius/gemma-3-4b-it-personas/humor'); // a Hub repo's subfolder
    expect(humor.type).toBe('Persona');
    const oak = getOrganism('toolkit/llama33_70B_Instruct/ukaisi_sandbagging_oak');
    expect(oak.finetuned).toEqual({ kind: 'model', id: 'sandbagging-games/oak' });
    expect(oak.base.id).toBe('meta-llama/Llama-3.3-70B-Instruct');
    const female = getOrganism('toolkit/gemma2_9B_it/secret_user_female');
    expect(female.dataset).toMatchObject({ id: 'bcywinski/user-gender-female', column: 'messages', isChat: true });
    expect(female.dataPublic).toBe(true);
    expect(oak.dataPublic).toBe(false);
    for (const o of others) {
      expect(Object.values(TOOLKIT_BASES)).toContain(o.base.id);
      expect(o.description.length, o.id).toBeGreaterThan(80);
    }
  });

  it("hypotheses about them are graded with the toolkit type's rubric", () => {
    const ctx = organismContext(getOrganism('toolkit/llama33_70B_Instruct/ukaisi_sandbagging_tarun'));
    expect(ctx.type).toBe('Sandbagging');
    expect(ctx.rubricType).toBe('sandbaggers');
    expect(organismContext(getOrganism('zoo/cake_bake')).rubricType).toBeUndefined();
  });

  it('the toolkit-organisms suite runs every one of them like the paper suite, one benchmark file each', () => {
    const suite = loadSuite('toolkit-organisms');
    expect(suite.organisms.sort()).toEqual(others.map((o) => o.id).sort());
    expect(suite.requiresHub).toBe(true);
    expect(suite.graders).toBe('paper');
    expect(suite.unrelated).toEqual(loadSuite('paper').unrelated);
    expect(organismFileName(suite, 'toolkit/qwen3_14B/auditing_agents_flattery/sdf_kto')).toBe(
      'qwen3_14B__auditing_agents_flattery__sdf_kto.hubtest.ts',
    );
    expect(plan().write).toEqual([]);
  });
});
