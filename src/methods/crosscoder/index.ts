// BatchTopK crosscoder on base and finetuned activations (the diffing toolkit's crosscoder method,
// trained here in TypeScript on the CPU, or loaded from a published dictionary).
import type { DiffingMethod } from '../../method/types.ts';
import { DICTIONARY_CONFIG_SCHEMA, runDictionaryMethod, type DictionaryMethodConfig } from '../dictionary/method.ts';
import { DEFAULT_STEERING, FAST_STEERING } from '../shared/steer.ts';

const HELP = `Trains a BatchTopK crosscoder on [base, finetuned] residuals at resid_post.<layer> of every token (positions
>= skip) of N unrelated documents (or loads one: 'dictionary' = a folder or Hub id in dictionary_learning's
save_pretrained layout, model.safetensors + config.json; pickles are refused), then ranks latents by how much of
their decoder belongs to the finetuned model: dec_norm_diff = ((|d_base| - |d_ft|) / max + 1) / 2 (0 = finetuned
only; ft_only < 0.1), ft_only latents first ordered by latent scaling |nu_error| = |beta_base_error / beta_ft_error|.
Training follows dictionary_learning's BatchTopKCrossCoderTrainer (L2 loss per side, CROSSCODER code
normalisation, AuxK for dead latents, k annealed from kMax, Adam with warm-up, geometric-median decoder bias,
activations normalised to targetRms per side) in an ONNX training graph; seeded, cached by content.
Toolkit defaults -> zoo: expansion 32 -> 4, k 100 -> 16, k_max 1024 -> 64 over 2000 -> 20 steps, lr 1e-4 -> 1e-3,
batch 2048 -> 512, 150M tokens -> 31k, warm-up 1000 -> 6 steps, dead after 10M tokens -> 8192 rows, target_rms 100.
Returns:
  readouts  logitlens/crosscoder (and patchscope/crosscoder): the top latents' finetuned decoder directions, position = rank
  steering  along the top latent's finetuned decoder direction (strength from ADL's coherence search)
  scalars   crosscoder.fvu, .alive_latents, .ft_only_latents, .top<i>.frequency, .top<i>.specificity (dec_norm_diff)
  details   dictionary source and training log, per-latent statistics, max-activating contexts of the top latents
Config: samples, tokens, batchSize, layer, skip, dictionary, training{...}, latents, patchscope, scalingLatents,
minRows, contexts, steering.`;

const crosscoder: DiffingMethod<DictionaryMethodConfig> = {
  id: 'crosscoder',
  version: '1',
  description: 'BatchTopK crosscoder on base and finetuned activations; latents ranked by finetuned decoder share',
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
      expansion: 4,
      k: 16,
      kMax: 64,
      kAnnealSteps: 20,
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
    scalingLatents: 50,
    minRows: 5,
    contexts: 10,
    steering: DEFAULT_STEERING,
  },
  settings: {
    fast: {
      samples: 128,
      tokens: 16,
      training: {
        expansion: 2,
        epochs: 8,
        batchSize: 64,
        kAnnealSteps: 4,
        warmupSteps: 2,
        thresholdStartStep: 4,
        deadAfterRows: 1024,
      },
      latents: 3,
      patchscope: false,
      steering: FAST_STEERING,
    },
  },
  needs: { generation: true, unrelatedText: true },
  run: (ctx, config) => runDictionaryMethod(ctx, 'crosscoder', config),
};

export default crosscoder;
