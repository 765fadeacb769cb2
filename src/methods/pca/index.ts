// PCA of the activation differences (re-derived from the diffing toolkit's description): principal
// components of the per-token finetuned − base residuals at a layer over unrelated text, read through
// the logit lens, with steering along the leading components. Each component is signed to point along
// the mean difference (a component's sign is otherwise arbitrary).
import type { DiffingMethod, MethodOutput } from '../../method/types.ts';
import { collectDiffs, layerOf } from '../shared/activations.ts';
import { dot } from '../../vector.ts';
import { topEigen } from '../shared/linalg.ts';
import { lensReadouts, READOUTS_PER_SOURCE } from '../shared/readouts.ts';
import { DEFAULT_STEERING, FAST_STEERING, STEERING_SCHEMA, steerAlong, type SteeringConfig } from '../shared/steer.ts';
import { int } from '../../method/schema.ts';

export interface PcaConfig {
  samples: number;
  tokens: number;
  batchSize: number;
  layer: number;
  /** Components computed and read out (<= 5). */
  components: number;
  /** Subtract the mean difference first (classic PCA); false = directions of largest mean square, the mean included. */
  center: boolean;
  /** Tokens at positions < skip are left out (the first positions dominate every norm). */
  skip: number;
  iterations: number;
  steering: SteeringConfig;
}

const HELP = `Collects finetuned − base at resid_post.<layer> for every token (positions >= skip) of N unrelated
documents, and takes the top principal components of these differences (covariance eigenvectors by subspace
iteration; 'center' false keeps the mean in, so the first component is the dominant mean shift).
Returns:
  readouts  source logitlens, variant pca, position = component index: the lens of each component
  vectors   the components (unit norm)
  steering  along the first 'steering.directions' components (strength from ADL's coherence search)
  scalars   pca.explained.<i> (fraction of the total variance), pca.mean_alignment.<i> (cosine with the mean difference)
Config: samples, tokens, batchSize, layer, components (<= 5), center, skip, iterations, steering.`;

/** Relations between config fields (the harness calls it before anything runs, so a bad value is exit 2). */
function checkConfig(config: PcaConfig): void {
  if (config.skip >= config.tokens)
    throw new Error(`pca: skip (${config.skip}) must be below tokens (${config.tokens})`);
}

const pca: DiffingMethod<PcaConfig> = {
  id: 'pca',
  version: '1',
  description: 'PCA of the per-token activation differences: leading components through the lens, steering along them',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['samples', 'tokens', 'batchSize', 'layer', 'components', 'center', 'skip', 'iterations', 'steering'],
    properties: {
      samples: int(1),
      tokens: int(1),
      batchSize: int(1),
      layer: { type: 'number', minimum: 0, maximum: 1 },
      components: int(1, READOUTS_PER_SOURCE),
      center: { type: 'boolean' },
      skip: int(0),
      iterations: int(1),
      steering: STEERING_SCHEMA,
    },
  },
  defaultConfig: {
    samples: 500,
    tokens: 32,
    batchSize: 32,
    layer: 0.5,
    components: 5,
    center: true,
    skip: 1,
    iterations: 60,
    steering: DEFAULT_STEERING,
  },
  settings: { fast: { samples: 64, tokens: 16, iterations: 40, steering: FAST_STEERING } },
  needs: { generation: true, unrelatedText: true },

  checkConfig,

  async run(ctx, config): Promise<MethodOutput> {
    const layer = layerOf(config.layer, ctx.finetuned.info.numLayers);
    checkConfig(config);
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const c = await collectDiffs(
      ctx,
      docs,
      layer,
      config.batchSize,
      Math.min(5, config.tokens - 1),
      'pca: activations',
    );
    const { N, T, H } = c;
    const rows: number[] = [];
    for (let d = 0; d < N; d++) for (let p = config.skip; p < T; p++) rows.push(d * T + p);
    const mean = new Float64Array(H);
    for (const i of rows) for (let h = 0; h < H; h++) mean[h] += c.diffs[i * H + h] / rows.length;
    // covariance (or second moment) [H,H], float64
    const cov = new Float64Array(H * H);
    const x = new Float64Array(H);
    for (const i of rows) {
      for (let h = 0; h < H; h++) x[h] = c.diffs[i * H + h] - (config.center ? mean[h] : 0);
      for (let a = 0; a < H; a++) {
        const xa = x[a] / rows.length;
        if (xa === 0) continue;
        for (let b = 0; b < H; b++) cov[a * H + b] += xa * x[b];
      }
    }
    let total = 0;
    for (let h = 0; h < H; h++) total += cov[h * H + h];
    const apply = (v: Float64Array) => {
      const out = new Float64Array(H);
      for (let a = 0; a < H; a++) {
        let s = 0;
        for (let b = 0; b < H; b++) s += cov[a * H + b] * v[b];
        out[a] = s;
      }
      return out;
    };
    const eig = topEigen(apply, H, config.components, config.iterations);
    // components beyond the differences' rank (zero variance) are left out
    const kept = eig.values.map((_v, i) => i).filter((i) => eig.values[i] > 1e-12 * Math.max(eig.values[0], 1e-300));
    const values = kept.map((i) => eig.values[i]),
      vectors = kept.map((i) => eig.vectors[i]);
    const meanNorm = Math.sqrt(dot(mean, mean)) || 1;
    const components = vectors.map((v) => (dot(v, mean) < 0 ? v.map((t) => -t) : v));
    const scalars: Record<string, number> = {};
    components.forEach((v, i) => {
      scalars[`pca.explained.${i}`] = total > 0 ? values[i] / total : 0;
      scalars[`pca.mean_alignment.${i}`] = dot(v, mean) / meanNorm;
    });
    const f32 = components.map((v) => Float32Array.from(v));
    const readouts = await lensReadouts(
      ctx,
      f32.map((vector, position) => ({ vector, variant: 'pca', layer, position })),
    );
    const steering = await steerAlong(
      ctx,
      'pca',
      config.steering,
      f32.map((vector, position) => ({ variant: 'pca', layer, position, vector, targetNorm: c.targetNorm })),
    );
    return {
      readouts,
      vectors: f32.map((v, position) => ({ name: `pca#${position}`, layer, position, data: Array.from(v) })),
      steering,
      scalars,
      details: { layer, explained: values.map((v) => (total > 0 ? v / total : 0)), tokens: rows.length },
      findings: readouts.map(
        (r, i) =>
          `PC${i + 1} (${(100 * scalars[`pca.explained.${i}`]).toFixed(1)}% of the variance) reads as: ${r.tokens.slice(0, 10).join(' ')}`,
      ),
    };
  },
};

export default pca;
