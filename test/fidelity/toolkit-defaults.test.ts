// The toolkit's defaults that move a number (science-of-finetuning/diffing-toolkit at e0b84a5; its configs under
// configs/diffing/method/ and the code the README's fidelity table cites), against the defaults of DiffBench's
// methods. The README's fidelity table lists the same rows; a change on either side must change both.
import { describe, expect, it } from 'vitest';
import { ADL_PAPER_CONFIG, DEFAULT_ADL_CONFIG, PATCHSCOPE_SCALES } from '../../src/adl/config.ts';
import actDiff from '../../src/methods/act-diff/index.ts';
import amplification from '../../src/methods/amplification/index.ts';
import { amplifiedLayers } from '../../src/methods/amplification/amplified.ts';
import causal from '../../src/methods/causal/index.ts';
import diffMining from '../../src/methods/diff-mining/index.ts';
import kl from '../../src/methods/kl/index.ts';
import { layeredConfig } from '../../src/harness/method-config.ts';
import { loadSuite } from '../../src/harness/suite.ts';

describe("the toolkit's defaults", () => {
  it('ADL (activation_difference_lens.yaml): collection, lens, Patchscope, steering search and samples', () => {
    const c = DEFAULT_ADL_CONFIG;
    expect([c.samples, c.tokens, c.layers, c.positions, c.skipTokens]).toEqual([10000, 128, [0.5], 5, 5]);
    expect(c.lens.topK).toBe(100);
    expect(PATCHSCOPE_SCALES).toHaveLength(30);
    expect(c.patchscope.tokensK).toBe(20);
    expect(c.steering.positions).toEqual([0, 1, 2, 3, 4]);
    expect(c.steering.threshold).toEqual({
      steps: 12,
      batchSteps: 3,
      samplesPerStrength: 10,
      coherenceThreshold: 75,
      maxStrength: 100,
      maxNewTokens: 128,
      temperature: 1.2,
    });
    expect(c.steering.final).toEqual({ samplesPerPrompt: 5, maxNewTokens: 512, temperature: 1.1, maxBatchSize: 32 });
    // under --graders paper: EOS kept as the toolkit decodes it, unsteered samples per position
    expect(ADL_PAPER_CONFIG).toEqual({ steering: { text: 'toolkit', final: { unsteered: 'per-position' } } });
  });

  it('diff mining (diff_mining.yaml): logits, top 100, 8192 x 64, fraction-positive, NMF 3 topics x 200 iterations on (document, position) rows', () => {
    expect(diffMining.defaultConfig).toEqual({
      samples: 8192,
      tokens: 64,
      batchSize: 16,
      topK: 100,
      extraction: 'logits',
      extractionLayer: 0.75,
      orderings: ['fraction-positive', 'occurrence'],
      nmf: { topics: 3, rows: 'document-position', vocabulary: 200, iterations: 200 },
    });
  });

  it('weight amplification (weight_amplification.yaml, presets default_2x/2.5x/3x): layers 0..round(0.8(L-1)), T 1.0, top-p 0.9, 256 tokens, 5 samples', () => {
    expect(amplification.defaultConfig).toEqual({
      alphas: [2, 2.5, 3],
      layers: [0, 0.8],
      promptStyle: 'auto',
      samplesPerPrompt: 5,
      maxNewTokens: 256,
      temperature: 1,
      topK: 0,
      topP: 0.9,
      repetitionPenalty: 1,
    });
    expect(amplifiedLayers([0, 0.8], 28)).toHaveLength(23); // Qwen3-1.7B: layers 0-22
  });

  it('KL (kl.yaml) and activation analysis (activation_analysis.yaml): chat + pretraining + training text', () => {
    expect(kl.defaultConfig).toMatchObject({ samples: 10000, tokens: 1024, batchSize: 4, contexts: 100 });
    expect(kl.defaultConfig).toMatchObject({ finetuningText: true, chatText: true });
    expect(actDiff.defaultConfig).toMatchObject({
      samples: 50000,
      tokens: 1024,
      batchSize: 4,
      contexts: 100,
      finetuningText: true,
      chatText: true,
    });
  });

  it('causal effect (activation_difference_lens.yaml causal_effect): positions 0-8, after token 20, 64 + 64 controls, three series', () => {
    expect(causal.defaultConfig).toEqual({
      samples: 10000,
      tokens: 128,
      layer: 0.5,
      positions: 9,
      evalSamples: 1000,
      maxTokens: 1024,
      afterK: 20,
      randomVectors: 64,
      randomDiffVectors: 64,
      series: ['training', 'pretraining', 'chat'],
      batchSize: 2,
    });
  });

  it('the paper suite runs the methods at these defaults (its full settings add no method config)', () => {
    const paper = loadSuite('paper');
    for (const m of [diffMining, amplification, kl, actDiff, causal])
      expect(layeredConfig(m, paper, 'full').config, m.id).toEqual(m.defaultConfig);
  });
});
