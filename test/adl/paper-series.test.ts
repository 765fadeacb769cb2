// The steering series as the toolkit computes them under --graders paper: sample text with the EOS kept
// (runs collapsed), unsteered samples drawn per steering position, and the paper overlay of the config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRandomDirection, runUnsteered } from '../../baselines/index.ts';
import { ADL_PAPER_CONFIG, DEFAULT_ADL_CONFIG, mergeConfig, type ADLConfig } from '../../src/adl/config.ts';
import adl from '../../src/adl/method.ts';
import { sampleText } from '../../src/adl/sample-text.ts';
import { Steerer } from '../../src/adl/steering.ts';
import { layeredConfig } from '../../src/harness/method-config.ts';
import type { OpenedContext } from '../../src/harness/method-context.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { ZOO_BASE } from '../helpers.ts';
import { openZooContext } from './zoo-context.ts';

const tok = loadTokenizer(ZOO_BASE);
const EOS = tok.eosTokenIds[0];
const EOS_TEXT = tok.decode([EOS]); // '<|endoftext|>'
const words = tok.encode('The cake was', { addSpecialTokens: false });
const decoder = { decode: (ids: number[]) => tok.decode(ids), eosTokenIds: tok.eosTokenIds };

describe('sample text', () => {
  it('plain drops the EOS; toolkit keeps it, with a run of EOS collapsed to one', () => {
    expect(EOS_TEXT).toBe('<|endoftext|>');
    const body = tok.decode(words);
    expect(sampleText([...words, EOS], decoder, 'plain')).toBe(body);
    expect(sampleText([...words, EOS], decoder, 'toolkit')).toBe(body + EOS_TEXT);
    expect(sampleText([...words, EOS, EOS, EOS], decoder, 'toolkit')).toBe(body + EOS_TEXT);
    expect(sampleText(words, decoder, 'toolkit')).toBe(body); // cut at max tokens: no EOS either way
    expect(sampleText([EOS], decoder, 'plain')).toBe('');
    expect(sampleText([EOS], decoder, 'toolkit')).toBe(EOS_TEXT);
  });

  it('the steerer decodes generated ids in the mode it is given', async () => {
    // a model that always "generates" the words and stops at EOS
    const fake = {
      info: { hiddenSize: 4, eosTokenIds: [EOS] },
      generate: async (o: { prompts: number[][] }) => ({ tokens: o.prompts.map(() => [...words, EOS]), sampling: {} }),
    } as unknown as LanguageModel;
    const rows = [{ prompt: [1], strength: 0, seed: 's' }];
    const gen = { maxNewTokens: 4, temperature: 1 };
    const vector = new Float32Array(4);
    const plain = await new Steerer({ model: fake, layer: 0, vector, decode: decoder.decode }).sample(rows, gen);
    const kept = await new Steerer({ model: fake, layer: 0, vector, decode: decoder.decode, text: 'toolkit' }).sample(
      rows,
      gen,
    );
    expect(plain).toEqual([tok.decode(words)]);
    expect(kept).toEqual([tok.decode(words) + EOS_TEXT]);
  });
});

describe('config under --graders paper', () => {
  it("ADL's paper overlay sits over the settings preset and under the suite's config and the caller's overrides", () => {
    const zoo = loadSuite('zoo');
    const plain = layeredConfig(adl, zoo, 'fast').config as unknown as ADLConfig;
    expect(plain.steering.text).toBeUndefined();
    expect(plain.steering.final.unsteered).toBeUndefined();
    const paper = layeredConfig(adl, zoo, 'fast', {}, true).config as unknown as ADLConfig;
    expect(paper.steering.text).toBe(ADL_PAPER_CONFIG.steering.text);
    expect(paper.steering.final.unsteered).toBe('per-position');
    expect(paper.steering.final.samplesPerPrompt).toBe(plain.steering.final.samplesPerPrompt); // the zoo's kept
    const overridden = layeredConfig(adl, zoo, 'fast', { steering: { text: 'plain' } }, true)
      .config as unknown as ADLConfig;
    expect(overridden.steering.text).toBe('plain');
  });
});

const CONFIG: ADLConfig = mergeConfig(DEFAULT_ADL_CONFIG, {
  samples: 32,
  tokens: 8,
  batchSize: 32,
  patchscope: { enabled: false },
  steering: {
    positions: [0, 1],
    threshold: { steps: 1, batchSteps: 1, samplesPerStrength: 2, maxStrength: 1, maxNewTokens: 8 },
    final: { samplesPerPrompt: 2, maxNewTokens: 10, prompts: 3, unsteered: 'per-position' },
  },
});

let o: OpenedContext;
beforeAll(async () => {
  o = await openZooContext('adl-paper-series-');
}, 60_000);
afterAll(async () => o?.dispose());

describe('unsteered samples per position', () => {
  it('each steering position has its own unsteered draws; shared mode gives every position one set', async () => {
    // the strength search draws per position too: position 1's search rows use position 1's streams
    const seeds: string[] = [];
    const model = new Proxy(o.ctx.finetuned, {
      get: (t, p, r) =>
        p === 'generate'
          ? (a: { rowSeeds?: string[] }) => (seeds.push(...(a.rowSeeds ?? [])), t.generate(a as never))
          : Reflect.get(t, p, r),
    });
    const perPosition = (await runRandomDirection({ ...o.ctx, finetuned: model }, CONFIG)).steering!;
    expect(seeds.some((x) => x.startsWith('42/position/1/threshold/'))).toBe(true);
    expect(seeds.some((x) => x.startsWith('42/position/0/threshold/'))).toBe(true);
    expect(perPosition.map((s) => s.position)).toEqual([0, 1]);
    expect(perPosition[0].unsteered.flat()).not.toEqual(perPosition[1].unsteered.flat());
    // the unsteered baseline's finetuned samples are the first position's draws
    expect((await runUnsteered(o.ctx, CONFIG)).steering![0].steered).toEqual(perPosition[0].unsteered);

    const shared = (
      await runRandomDirection(o.ctx, mergeConfig(CONFIG, { steering: { final: { unsteered: 'shared' } } }))
    ).steering!;
    expect(shared[0].unsteered).toEqual(shared[1].unsteered);
  }, 120_000);
});
