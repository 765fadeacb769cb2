// Agreement, coherence and grade metrics of the LLM tier on known inputs, and the steering vector the
// agent's generate_steered rebuilds from a method's output.
import { describe, expect, it } from 'vitest';
import type {
  CoherenceGrader,
  CoherenceLabel,
  OrganismContext,
  RelevanceLabel,
  TokenRelevanceGrader,
} from '../../src/method/graders.ts';
import { steeringIntervention } from '../../src/llm-tier/agents.ts';
import {
  agentMetrics,
  coherenceAgreement,
  gradeCoherence,
  patchscopeAgreement,
  RecordingRelevanceGrader,
  relevanceAgreement,
} from '../../src/llm-tier/scoring.ts';
import type { AgentRecord } from '../../src/results/types.ts';

const ctx: OrganismContext = { organismId: 'x', type: 'SDF', description: 'cakes', frequentTokens: [] };
const rule = (f: (t: string) => RelevanceLabel): TokenRelevanceGrader => ({
  grader: { id: 'rule', version: '1' },
  grade: async (_c, ts) => ts.map(f),
});

describe('offline-vs-LLM agreement', () => {
  it('relevance: kappa over the recorded tokens and r over the lists, on a hand-computed example', async () => {
    // LLM: relevant iff the token has 'cake'; offline: iff it starts with ' c'.
    const llm = new RecordingRelevanceGrader(rule((t) => (t.includes('cake') ? 'RELEVANT' : 'IRRELEVANT')));
    const offline = rule((t) => (t.startsWith(' c') ? 'RELEVANT' : 'IRRELEVANT'));
    await llm.grade(ctx, [' cake', ' cat', ' dog', ' pan']); // llm R I I I, offline R R I I
    await llm.grade(ctx, [' cake', ' cake', 'cake', ' x']); // llm R R R I, offline R R I I
    const [kappa, r] = await relevanceAgreement(llm, offline, 4);
    // 8 tokens: agree 6; llm R=4/8, offline R=4/8 -> pe = 0.5, po = 0.75, kappa = 0.5.
    expect(kappa).toEqual({
      role: 'token-relevance',
      statistic: 'cohen-kappa',
      over: 'tokens (UNKNOWN left out)',
      value: 0.5,
      n: 8,
    });
    // fractions: llm [0.25, 0.75], offline [0.5, 0.5] -> offline constant: r undefined.
    expect(r).toMatchObject({ statistic: 'pearson', value: null, n: 2 });
  });

  it('coherence: UNKNOWN pairs are left out; r over per-prompt percentages', () => {
    const off: CoherenceLabel[][] = [
      ['COHERENT', 'COHERENT'],
      ['INCOHERENT', 'UNKNOWN'],
      ['COHERENT', 'INCOHERENT'],
    ];
    const llm: CoherenceLabel[][] = [
      ['COHERENT', 'COHERENT'],
      ['INCOHERENT', 'COHERENT'],
      ['INCOHERENT', 'INCOHERENT'],
    ];
    const [kappa, r] = coherenceAgreement(off, llm);
    // 5 known pairs: agree 4 (C,C,I,I... ) -> po 0.8; off C 3/5, llm C 2/5 -> pe 0.6*0.4+0.4*0.6 = 0.48; kappa = 0.32/0.52.
    expect(kappa.n).toBe(5);
    expect(kappa.value).toBeCloseTo(0.32 / 0.52, 12);
    // per prompt: off [100, 0, 50], llm [100, 50, 0] -> r = 0.5 by hand.
    expect(r.n).toBe(3);
    expect(r.value).toBeCloseTo(0.5, 12);
  });

  it('patchscope: r between the scales chosen for the same readout', () => {
    const ro = (position: number, scale: number) => ({
      source: 'patchscope',
      variant: 'difference',
      layer: 3,
      position,
      tokens: [],
      tokenIds: [],
      scale,
    });
    const [a] = patchscopeAgreement(
      { readouts: [ro(0, 1), ro(1, 2), ro(2, 4)] },
      { readouts: [ro(0, 2), ro(1, 4), ro(2, 8), ro(7, 1)] },
    );
    expect(a).toMatchObject({ role: 'patchscope-scale', n: 3 });
    expect(a.value).toBeCloseTo(1, 12);
    expect(patchscopeAgreement({ readouts: [] }, { readouts: [ro(0, 1)] })).toEqual([]);
  });
});

describe('LLM-tier metrics', () => {
  it('coherence: % coherent per variant and side, empty samples not graded, UNKNOWN left out', async () => {
    const seen: string[] = [];
    const grader: CoherenceGrader = {
      grader: { id: 'g', version: '1' },
      grade: async (ts) => (
        seen.push(...ts), ts.map((t) => (t === '?' ? 'UNKNOWN' : t.length > 3 ? 'COHERENT' : 'INCOHERENT'))
      ),
    };
    const out = {
      steering: [
        {
          variant: 'difference',
          layer: 1,
          position: 0,
          strength: 2,
          prompts: ['a', 'b'],
          steered: [
            ['long text', 'no'],
            ['?', ' '],
          ],
          unsteered: [['fine text'], ['more text']],
        },
      ],
    };
    const { metrics, labels } = await gradeCoherence(out, grader, 's', 50);
    expect(seen).not.toContain(' ');
    expect(labels).toEqual([['COHERENT', 'INCOHERENT'], ['UNKNOWN'], ['COHERENT'], ['COHERENT']]);
    expect(metrics['coherence.difference.steered']).toMatchObject({ estimate: 50, n: 2, ci: 'bootstrap' });
    expect(metrics['coherence.difference.unsteered']).toMatchObject({ estimate: 100, n: 2 });
  });

  it('agent grades: mean over runs with graded descriptions', () => {
    const rec = (agent: string, mi: number, score: number | null): AgentRecord => ({
      agent,
      modelInteractions: mi,
      runIndex: 0,
      status: 'final',
      description: 'd',
      grade: score === null ? null : { score, scores: [score] },
      stats: {},
      transcript: 't',
    });
    const m = agentMetrics(
      [rec('method:adl', 5, 4), rec('method:adl', 5, 2), rec('method:adl', 5, null), rec('blackbox', 0, 1)],
      's',
      100,
    );
    expect(m['agent.method-adl.mi5']).toMatchObject({ estimate: 3, n: 2, ci: 'bootstrap' });
    expect(m['agent.blackbox.mi0']).toMatchObject({ estimate: 1, n: 1, ci: 'none' });
  });
});

describe('steeringIntervention', () => {
  it('rebuilds unit(vector) x target norm x strength at the steered layer, as ADL and mean-diff steer', () => {
    const out = {
      steering: [
        { variant: 'difference', layer: 2, position: 0, strength: 0.5, prompts: [], steered: [], unsteered: [] },
      ],
      vectors: [
        { name: 'base_mean', layer: 2, position: 0, data: [9, 9] },
        { name: 'mean_diff', layer: 2, position: 0, data: [3, 4] },
        { name: 'mean_diff', layer: 2, position: 1, data: [0, 2] },
      ],
      scalars: { 'target_norm.L2': 10 },
    };
    const s = steeringIntervention(out, 0)!;
    expect(s.layer).toBe(2);
    expect(Array.from(s.vector)).toEqual([3, 4]); // unit (0.6, 0.8) x 10 x 0.5
    // Position 1 has a vector but no steering entry: the layer's entry's strength is used.
    expect(Array.from(steeringIntervention(out, 1)!.vector)).toEqual([0, 5]);
    expect(steeringIntervention(out, 3)).toBeUndefined();
    // Without a target norm the vector is scaled by the strength alone.
    expect(Array.from(steeringIntervention({ ...out, scalars: {} }, 0)!.vector)).toEqual([1.5, 2]);
  });
});

describe('built-in ADL under --graders llm|both', () => {
  it('offers a variant whose Patchscope scale grader is the given one', async () => {
    const { loadMethod } = await import('../../src/harness/load-method.ts');
    const adl = await loadMethod('adl');
    const variant = adl.withGraders!({
      patchscope: {
        grader: { id: 'llm/patchscope/x', version: '1' },
        choose: async () => ({ bestScale: 1, selectedTokens: [] }),
      },
    });
    expect([variant.id, variant.version]).toEqual([adl.method.id, adl.method.version]);
    expect(variant).not.toBe(adl.method);
    expect(variant.configSchema).toEqual(adl.method.configSchema);
  });
});
