// Weight SVD (not in the toolkit): the top singular directions of the finetune's weight deltas of the
// output projections (attention o_proj and MLP down_proj: what each layer writes into the residual
// stream), for LoRA adapters (ΔW = scale·B·A) and full finetunes (W_ft − W_base) alike. The left
// singular vectors live in the residual stream: read through the logit lens and used for steering.
// A singular vector's sign is arbitrary; it is chosen so that the vector points along the finetune's
// measured mean activation difference at that layer (a few unrelated documents).
import type { DiffingMethod, MethodOutput } from '../../method/types.ts';
import { collectDiffs } from '../shared/activations.ts';
import { dot, norm } from '../../vector.ts';
import { topEigen } from '../shared/linalg.ts';
import { lensReadouts, READOUTS_PER_SOURCE } from '../shared/readouts.ts';
import { DEFAULT_STEERING, FAST_STEERING, STEERING_SCHEMA, steerAlong, type SteeringConfig } from '../shared/steer.ts';
import { logitLens } from '../../adl/lens.ts';
import { int } from '../../method/schema.ts';

export interface WeightSvdConfig {
  /** Which output projections: 'o_proj' (attention) and/or 'down_proj' (MLP). */
  modules: ('o_proj' | 'down_proj')[];
  /** Singular directions per module. */
  components: number;
  /** Rank directions by σ ('sigma') or by σ / ‖W_base‖_F of their module ('relative': the size of the update against the weight it changes). */
  rank: 'sigma' | 'relative';
  /** Directions read out (and kept as vectors), ranked by singular value over all modules: at most 5. */
  readouts: number;
  /** Documents × tokens for the sign of each direction and the steering norm. */
  samples: number;
  tokens: number;
  batchSize: number;
  iterations: number;
  steering: SteeringConfig;
}

const HELP = `For every layer and output projection (o_proj, down_proj) takes the weight delta ΔW [hidden, in]
(LoRA: scale·B·A; full finetune: W_ft − W_base, through MethodContext.weights) and its top singular
directions u (eigenvectors of ΔW ΔWᵀ by subspace iteration), ranked by σ (default) or by
σ / ‖W_base‖_F ('relative'). Each u is signed to agree with the mean
(ft − base) residual at that layer on unrelated text.
Returns:
  readouts  source logitlens, variant svd: the lens of the top 'readouts' directions over all modules by
            singular value (position = rank, layer = the module's layer)
  vectors   those directions (unit norm, hidden size)
  steering  along the top 'steering.directions' directions at their layer, strength from ADL's coherence search
  scalars   svd.sigma.<rank>, svd.sigma_ratio (σ1/σ2 of the top module), per-module top σ in details
Config: modules, components, readouts (<= 5), samples, tokens, batchSize, iterations, steering.`;

const weightSvd: DiffingMethod<WeightSvdConfig> = {
  id: 'weight-svd',
  version: '1',
  description:
    'Weight SVD: top singular directions of the LoRA / full-finetune deltas of o_proj and down_proj, read through the lens and used for steering',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['modules', 'components', 'rank', 'readouts', 'samples', 'tokens', 'batchSize', 'iterations', 'steering'],
    properties: {
      modules: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['o_proj', 'down_proj'] } },
      components: int(1),
      rank: { enum: ['sigma', 'relative'] },
      readouts: int(1, READOUTS_PER_SOURCE),
      samples: int(1),
      tokens: int(1),
      batchSize: int(1),
      iterations: int(1),
      steering: STEERING_SCHEMA,
    },
  },
  defaultConfig: {
    modules: ['o_proj', 'down_proj'],
    components: 3,
    rank: 'sigma',
    readouts: 5,
    samples: 64,
    tokens: 16,
    batchSize: 16,
    iterations: 60,
    steering: DEFAULT_STEERING,
  },
  settings: { fast: { samples: 32, iterations: 40, steering: FAST_STEERING } },
  needs: { generation: true, unrelatedText: true },

  async run(ctx, config): Promise<MethodOutput> {
    const w = ctx.weights;
    const H = w.hiddenSize;
    type Found = { module: string; layer: number; rank: number; sigma: number; score: number; u: Float32Array };
    const found: Found[] = [];
    const perModule: Record<string, number[]> = {};
    const names = w.linearNames().filter((n) => config.modules.some((m) => n.endsWith(`.${m}`)));
    for (const [i, name] of names.entries()) {
      const layer = Number(/^layers\.(\d+)\./.exec(name)![1]);
      const d = w.delta(name); // [H, in]
      const inDim = d.shape[1];
      // ΔW ΔWᵀ v without forming it: [H] -> [in] -> [H]
      const apply = (v: Float64Array) => {
        const t = new Float64Array(inDim);
        for (let r = 0; r < H; r++) {
          const vr = v[r];
          if (vr === 0) continue;
          const row = r * inDim;
          for (let c = 0; c < inDim; c++) t[c] += d.data[row + c] * vr;
        }
        const out = new Float64Array(H);
        for (let r = 0; r < H; r++) {
          let s = 0;
          const row = r * inDim;
          for (let c = 0; c < inDim; c++) s += d.data[row + c] * t[c];
          out[r] = s;
        }
        return out;
      };
      const { values, vectors } = topEigen(apply, H, config.components, config.iterations);
      perModule[name] = values.map((x) => Math.sqrt(Math.max(0, x)));
      const scale = config.rank === 'relative' ? norm(w.base(name).data) : 1;
      values.forEach((ev, rank) => {
        const sigma = Math.sqrt(Math.max(0, ev));
        found.push({
          module: name,
          layer,
          rank,
          sigma,
          score: scale > 0 ? sigma / scale : 0,
          u: Float32Array.from(vectors[rank]),
        });
      });
      ctx.progress('weight-svd: modules', i + 1, names.length);
    }
    found.sort((a, b) => b.score - a.score);
    const top = found.filter((f) => f.sigma > 0).slice(0, config.readouts);
    if (top.length === 0)
      return { findings: ['the weight deltas of the output projections are all zero'], scalars: { 'svd.sigma.0': 0 } };

    // sign: along the measured mean activation difference at the direction's layer
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const meanDiff = new Map<number, Float64Array>();
    const targetNorm = new Map<number, number>();
    for (const layer of new Set(top.map((f) => f.layer))) {
      const c = await collectDiffs(
        ctx,
        docs,
        layer,
        config.batchSize,
        Math.min(5, config.tokens - 1),
        `weight-svd: activations at layer ${layer}`,
      );
      const m = new Float64Array(H);
      for (let i = 0; i < c.N * c.T; i++) for (let h = 0; h < H; h++) m[h] += c.diffs[i * H + h] / (c.N * c.T);
      meanDiff.set(layer, m);
      targetNorm.set(layer, c.targetNorm);
    }
    const alignment = top.map((f) => dot(f.u, meanDiff.get(f.layer)!) / (norm(meanDiff.get(f.layer)!) || 1));
    top.forEach((f, i) => {
      if (alignment[i] >= 0) return;
      for (let h = 0; h < H; h++) f.u[h] = -f.u[h];
      alignment[i] = -alignment[i];
    });

    const readouts = await lensReadouts(
      ctx,
      top.map((f, position) => ({ vector: f.u, variant: 'svd', layer: f.layer, position })),
    );
    const opposite = await logitLens(
      ctx.finetuned,
      top.map((f) => f.u),
      10,
    );
    const steering = await steerAlong(
      ctx,
      'weight-svd',
      config.steering,
      top.map((f, position) => ({
        variant: 'svd',
        layer: f.layer,
        position,
        vector: f.u,
        targetNorm: targetNorm.get(f.layer)!,
      })),
    );
    const scalars: Record<string, number> = {};
    top.forEach((f, i) => {
      scalars[`svd.sigma.${i}`] = f.sigma;
      scalars[`svd.score.${i}`] = f.score;
    });
    const first = perModule[top[0].module];
    if (first.length > 1 && first[1] > 0) scalars['svd.sigma_ratio'] = first[0] / first[1];
    return {
      readouts,
      vectors: top.map((f, position) => ({
        name: `svd:${f.module}#${f.rank}`,
        layer: f.layer,
        position,
        data: Array.from(f.u),
      })),
      steering,
      scalars,
      details: {
        directions: top.map((f, i) => ({
          module: f.module,
          rank: f.rank,
          sigma: f.sigma,
          score: f.score,
          alignmentWithMeanDiff: alignment[i],
          tokens: readouts[i].tokens,
          oppositeSignTokens: opposite[i].invIds.map((id) => ctx.tokenizer.displayToken(id)),
        })),
        sigmaPerModule: perModule,
      },
      findings: top.map(
        (f, i) =>
          `${f.module} direction ${f.rank} (σ ${f.sigma.toFixed(3)}) reads as: ${readouts[i].tokens.slice(0, 10).join(' ')}`,
      ),
    };
  },
};

export default weightSvd;
