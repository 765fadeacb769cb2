// BatchTopK SAE on activation differences (the diffing toolkit's sae_difference method, trained here in
// TypeScript on the CPU, or loaded from a published dictionary).
import type { DiffingMethod } from '../../method/types.ts';
import { DICTIONARY_CONFIG_SCHEMA, runDictionaryMethod, type DictionaryMethodConfig } from '../dictionary/method.ts';
import { DEFAULT_STEERING, FAST_STEERING } from '../shared/steer.ts';

const HELP = `Trains a BatchTopK SAE on finetuned - base residuals at resid_post.<layer> of every token (positions >= skip)
of N unrelated documents, normalised to targetRms (or loads one: 'dictionary' = a folder or Hub id in
dictionary_learning's save_pretrained layout; pickles are refused), then ranks latents by their activation on
finetuned vs base inputs: latent scaling beta of the latent's decoder direction in the base and in the finetuned
activations (both centred on the base mean), ranked by |beta_base / beta_ft| ascending (beta_ft > 0, >= minRows
active rows): near 0 = a direction only the finetuned model has.
Training follows dictionary_learning's BatchTopKTrainer (MSE, unit-norm decoder with the parallel gradient
removed, AuxK, Adam with warm-up, geometric-median b_dec) in an ONNX training graph; seeded, cached by content.
Toolkit defaults -> zoo: expansion 2, k 100 -> 8, lr 1e-4 -> 1e-3, batch 2048 -> 512, 150M tokens -> 31k,
warm-up 1000 -> 6 steps, dead after 10M tokens -> 8192 rows, target_rms 100.
Returns:
  readouts  logitlens/sae-diff (and patchscope/sae-diff): the top latents' decoder directions, position = rank
  steering  along the top latent's decoder direction (strength from ADL's coherence search)
  scalars   sae-diff.fvu, .alive_latents, .top<i>.frequency, .top<i>.specificity (beta_base / beta_ft)
  details   dictionary source and training log, per-latent statistics, max-activating contexts of the top latents
Config: samples, tokens, batchSize, layer, skip, dictionary, training{...}, latents, patchscope, scalingLatents
(unused), minRows, contexts, steering.`;

const saeDiff: DiffingMethod<DictionaryMethodConfig> = {
  id: 'sae-diff',
  version: '1',
  description: 'BatchTopK SAE on finetuned - base differences; latents ranked by beta_base / beta_ft',
  help: HELP,
  configSchema: DICTIONARY_CONFIG_SCHEMA,
  defaultConfig: {
    samples: 1000,
    tokens: 32,
    batchSize: 32,
    layer: 0.5,
    skip: 1,
    dictionary: '',
    training: {
      expansion: 2,
      k: 8,
      kMax: 8,
      kAnnealSteps: 0,
      lr: 1e-3,
      batchSize: 512,
      epochs: 2,
      warmupSteps: 6,
      auxAlpha: 1 / 32,
      deadAfterRows: 8192,
      thresholdBeta: 0.99,
      thresholdStartStep: 12,
      targetRms: 100,
    },
    latents: 5,
    patchscope: true,
    scalingLatents: 0,
    minRows: 5,
    contexts: 10,
    steering: DEFAULT_STEERING,
  },
  settings: {
    fast: {
      samples: 128,
      tokens: 16,
      training: { epochs: 8, batchSize: 64, warmupSteps: 2, thresholdStartStep: 4, deadAfterRows: 1024 },
      latents: 3,
      patchscope: false,
      steering: FAST_STEERING,
    },
  },
  needs: { generation: true, unrelatedText: true },
  run: (ctx, config) => runDictionaryMethod(ctx, 'sae-diff', config),
};

export default saeDiff;
