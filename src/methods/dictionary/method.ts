// The run of the `crosscoder` and `sae-diff` methods: activations at the method's layer over unrelated
// text, a dictionary trained on them (cached by content) or loaded from a folder / Hub id, the latents
// ranked by finetune-specificity, and for the top latents: their finetuned decoder directions through the
// logit lens and Patchscope, steering along the top one(s), max-activating contexts and statistics.
import path from 'node:path';
import { ArtifactStore, contentKey } from '../../adl/cache.ts';
import { DEFAULT_ADL_CONFIG, mergeConfig } from '../../adl/config.ts';
import { pairKey } from '../../adl/pair.ts';
import { patchscopeStep, type Latent } from '../../adl/steps.ts';
import { InputError } from '../../errors.ts';
import type { MethodContext, MethodOutput } from '../../method/types.ts';
import { layerOf } from '../shared/activations.ts';
import { contextText, lensReadouts, READOUTS_PER_SOURCE } from '../shared/readouts.ts';
import { STEERING_SCHEMA, steerAlong, type SteeringConfig } from '../shared/steer.ts';
import { collectRows, dictionaryRows, type PairedRows } from './activations.ts';
import { encodeRows, fractionUnexplained } from './encode.ts';
import { loadDictionary, saveDictionary } from './format.ts';
import { loadPretrainedDictionary } from './hub.ts';
import { decoderRow, rankCrosscoder, rankSaeDiff, type LatentStats } from './rank.ts';
import { trainDictionary, type TrainOptions } from './train.ts';
import type { DictionaryKind, DictionaryWeights } from './types.ts';
import fs from 'node:fs';
import { int } from '../../method/schema.ts';

/** Bump when trained dictionaries change for the same inputs. */
const TRAINING_VERSION = '1';

export type TrainingConfig = Omit<TrainOptions, 'kind' | 'seed'>;

export interface DictionaryMethodConfig {
  samples: number;
  tokens: number;
  batchSize: number;
  /** Relative layer: floor(layer·(L−1)), as ADL. */
  layer: number;
  /** Positions < skip of each document are left out of training and analysis. */
  skip: number;
  /** '' = train on this organism; else a dictionary folder or Hub id (dictionary_learning save_pretrained layout). */
  dictionary: string;
  training: TrainingConfig;
  /** Top latents read out (logit lens, Patchscope) and reported (≤ 5). */
  latents: number;
  /** Patchscope of the top latents' directions (30 scales × 3 prompts each). */
  patchscope: boolean;
  /** Crosscoder: latents (lowest dec_norm_diff first) that get latent scaling. */
  scalingLatents: number;
  /** SAE on differences: a latent is ranked only if it fires on at least this many rows. */
  minRows: number;
  /** Max-activating contexts kept per top latent. */
  contexts: number;
  steering: SteeringConfig;
}

const num = (exclusiveMinimum: number) => ({ type: 'number', exclusiveMinimum });

export const DICTIONARY_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'samples',
    'tokens',
    'batchSize',
    'layer',
    'skip',
    'dictionary',
    'training',
    'latents',
    'patchscope',
    'scalingLatents',
    'minRows',
    'contexts',
    'steering',
  ],
  properties: {
    samples: int(1),
    tokens: int(2),
    batchSize: int(1),
    layer: { type: 'number', minimum: 0, maximum: 1 },
    skip: int(0),
    dictionary: { type: 'string' },
    training: {
      type: 'object',
      additionalProperties: false,
      required: [
        'expansion',
        'k',
        'kMax',
        'kAnnealSteps',
        'lr',
        'batchSize',
        'epochs',
        'warmupSteps',
        'auxAlpha',
        'deadAfterRows',
        'thresholdBeta',
        'thresholdStartStep',
        'targetRms',
      ],
      properties: {
        expansion: num(0),
        k: int(1),
        kMax: int(1),
        kAnnealSteps: int(0),
        lr: num(0),
        batchSize: int(1),
        epochs: int(1),
        warmupSteps: int(0),
        auxAlpha: { type: 'number', minimum: 0 },
        deadAfterRows: int(1),
        thresholdBeta: { type: 'number', minimum: 0, maximum: 1 },
        thresholdStartStep: int(0),
        targetRms: { oneOf: [num(0), { type: 'null' }] },
      },
    },
    latents: int(1, READOUTS_PER_SOURCE),
    patchscope: { type: 'boolean' },
    scalingLatents: int(0),
    minRows: int(1),
    contexts: int(0),
    steering: STEERING_SCHEMA,
  },
};

interface LoadedDictionary {
  weights: DictionaryWeights;
  source: string;
  training?: Record<string, unknown>;
}

async function obtainDictionary(
  ctx: MethodContext,
  kind: DictionaryKind,
  config: DictionaryMethodConfig,
  layer: number,
  rows: Float32Array,
  paired: PairedRows,
  docsKey: string,
): Promise<LoadedDictionary> {
  const H = ctx.finetuned.info.hiddenSize;
  if (config.dictionary) {
    const { weights, meta, dictClass, source } = await loadPretrainedDictionary(config.dictionary);
    const where = `dictionary ${config.dictionary}`;
    if (weights.kind !== kind)
      throw new InputError(
        `${where} is a ${dictClass}; method '${kind}' needs a ${kind === 'crosscoder' ? 'BatchTopKCrossCoder' : 'BatchTopKSAE'}`,
      );
    if (weights.H !== H)
      throw new InputError(`${where} has activation_dim ${weights.H}; the model's hidden size is ${H}`);
    if (Number.isFinite(meta.layer) && meta.layer !== layer)
      throw new InputError(
        `${where} was trained at layer ${meta.layer}; the method reads layer ${layer} (set 'layer')`,
      );
    return { weights, source };
  }
  const options: TrainOptions = { ...config.training, kind, seed: ctx.seed };
  const key = contentKey({
    v: TRAINING_VERSION,
    kind,
    models: pairKey(ctx),
    docsKey,
    layer,
    skip: config.skip,
    options,
  });
  const dir = path.join(ctx.cacheDir, kind, `dictionary-${key.slice(0, 20)}`);
  if (fs.existsSync(path.join(dir, 'trainer_config.json'))) {
    try {
      const { weights, meta } = loadDictionary(dir);
      return { weights, source: dir, training: meta.training };
    } catch (e) {
      process.stderr.write(
        `warning: cached dictionary ${dir} is unreadable (${(e as Error).message}); training again\n`,
      );
    }
  }
  const { weights, log } = await trainDictionary(rows, paired.N, H, options, (done, total) =>
    ctx.progress(`${kind}: training`, done, total),
  );
  const training = { ...log, options, rowsFrom: { docsKey, layer, skip: config.skip } };
  saveDictionary(dir, weights, { layer, training });
  return { weights, source: dir, training };
}

const round = (x: number | undefined, d = 4) => (x === undefined || !Number.isFinite(x) ? x : Number(x.toFixed(d)));

export async function runDictionaryMethod(
  ctx: MethodContext,
  kind: DictionaryKind,
  config: DictionaryMethodConfig,
): Promise<MethodOutput> {
  const layer = layerOf(config.layer, ctx.finetuned.info.numLayers);
  const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
  const paired = await collectRows(ctx, docs, layer, config.skip, config.batchSize, `${kind}: activations`);
  const rows = dictionaryRows(paired, kind);
  const started = Date.now();
  const dict = await obtainDictionary(ctx, kind, config, layer, rows, paired, contentKey(docs));
  const w = dict.weights;
  const { N, H } = paired;
  const encoded = await encodeRows(w, rows, N);
  const fvu = fractionUnexplained(encoded, N, w.sides * H);
  const { stats, ranking } =
    kind === 'crosscoder'
      ? rankCrosscoder(w, encoded, N, config.scalingLatents)
      : rankSaeDiff(w, encoded, N, paired.base, paired.ft, config.minRows);
  const top = ranking.slice(0, config.latents);
  const variant = kind;
  // decoder directions live in the normalised space; each side's normaliser is a scalar, so the direction holds
  const directions = top.map((f) => {
    const d = decoderRow(w, f);
    const n = Math.hypot(...d) || 1;
    return Float32Array.from(d, (x) => (x / n) * paired.targetNorm);
  });
  const lens = await lensReadouts(
    ctx,
    directions.map((vector, position) => ({ vector, variant, layer, position })),
  );
  const latents: Latent[] = directions.map((v, position) => ({
    variant,
    layer,
    position,
    vector: Array.from(v),
    side: 'finetuned',
    targetNorm: paired.targetNorm,
  }));
  const store = new ArtifactStore(path.join(ctx.cacheDir, kind));
  const patchscope = config.patchscope
    ? await patchscopeStep(ctx, mergeConfig(DEFAULT_ADL_CONFIG, {}), store, latents, ctx.graders)
    : [];
  const steering = await steerAlong(
    ctx,
    kind,
    config.steering,
    directions.map((vector, position) => ({ variant, layer, position, vector, targetNorm: paired.targetNorm })),
  );

  const contexts = top.map((f) => {
    const acts = Array.from({ length: N }, (_, i) => i).filter((i) => encoded.f[i * w.F + f] > 0);
    acts.sort((a, b) => encoded.f[b * w.F + f] - encoded.f[a * w.F + f]);
    return acts.slice(0, config.contexts).map((i) => ({
      activation: round(encoded.f[i * w.F + f]),
      doc: paired.doc[i],
      position: paired.pos[i],
      context: contextText(ctx, docs[paired.doc[i]], paired.pos[i]),
    }));
  });
  const statOf = (s: LatentStats) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]));
  const alive = stats.filter((s) => s.frequency > 0).length;
  const scalars: Record<string, number> = {
    [`${kind}.fvu`]: fvu,
    [`${kind}.alive_latents`]: alive,
    [`${kind}.latents`]: w.F,
  };
  if (kind === 'crosscoder')
    scalars['crosscoder.ft_only_latents'] = stats.filter((s) => s.frequency > 0 && s.tag === 'ft_only').length;
  top.forEach((f, i) => {
    scalars[`${kind}.top${i}.frequency`] = stats[f].frequency;
    const specificity = kind === 'crosscoder' ? stats[f].decNormDiff : stats[f].betaRatioActivation;
    if (specificity !== undefined && Number.isFinite(specificity)) scalars[`${kind}.top${i}.specificity`] = specificity;
  });
  return {
    readouts: [...lens, ...patchscope],
    steering,
    vectors: directions.map((v, i) => ({ name: `${kind} latent ${top[i]}`, layer, position: i, data: Array.from(v) })),
    scalars,
    details: {
      layer,
      dictionary: {
        source: dict.source,
        kind,
        latents: w.F,
        k: w.k,
        threshold: w.threshold,
        training: dict.training ?? null,
      },
      rows: N,
      seconds: (Date.now() - started) / 1000,
      ranking:
        kind === 'crosscoder' ? 'dec_norm_diff (ft_only first, by |nu_error|)' : '|beta_base / beta_ft| ascending',
      topLatents: top.map((f, i) => ({ ...statOf(stats[f]), contexts: contexts[i], lens: lens[i]?.tokens ?? [] })),
      latentStats: stats.filter((s) => s.frequency > 0).map(statOf),
    },
    findings: top.map(
      (f, i) =>
        `${kind} latent ${f} (rank ${i + 1}, active on ${(100 * stats[f].frequency).toFixed(1)}% of tokens) reads as: ${lens[i].tokens.slice(0, 10).join(' ')}`,
    ),
  };
}
