// A synthetic base/finetuned activation pair with a planted finetune direction: base rows are sparse sums of
// shared random features plus noise and an offset; finetuned rows are the base rows with every feature
// amplified by `drift`, plus noise, plus `strength` · u on a known set of rows (the planted contexts).
import seedrandom from 'seedrandom';

export interface SyntheticPair {
  N: number;
  H: number;
  base: Float32Array;
  ft: Float32Array;
  /** Unit planted direction [H]. */
  planted: Float32Array;
  /** Rows that carry the planted direction. */
  plantedRows: Set<number>;
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function syntheticPair(opts: {
  N: number;
  H: number;
  features: number;
  active: number;
  rate: number;
  strength: number;
  /** How much the finetuned model amplifies each shared feature (0.3 = 30% larger). */
  drift: number;
  seed: string;
}): SyntheticPair {
  const { N, H } = opts;
  const rng = seedrandom(opts.seed);
  const feats = Array.from({ length: opts.features }, () =>
    unit(Float32Array.from({ length: H }, () => gaussian(rng))),
  );
  // the finetune also amplifies every shared feature a little, so differences exist on every row, along
  // directions the base model has too (shared latents), not only on the planted rows
  const planted = unit(Float32Array.from({ length: H }, () => gaussian(rng)));
  const offset = Float32Array.from({ length: H }, () => 2 * gaussian(rng));
  const base = new Float32Array(N * H);
  const ft = new Float32Array(N * H);
  const plantedRows = new Set<number>();
  for (let i = 0; i < N; i++) {
    const row = base.subarray(i * H, (i + 1) * H);
    for (let h = 0; h < H; h++) row[h] = offset[h] + 0.05 * gaussian(rng);
    const ftRow = ft.subarray(i * H, (i + 1) * H);
    for (let a = 0; a < opts.active; a++) {
      const j = Math.floor(rng() * feats.length);
      const mag = 1 + 2 * rng();
      for (let h = 0; h < H; h++) {
        row[h] += mag * feats[j][h];
        ftRow[h] += opts.drift * mag * feats[j][h];
      }
    }
    const carries = rng() < opts.rate;
    if (carries) plantedRows.add(i);
    for (let h = 0; h < H; h++) ftRow[h] += row[h] + 0.05 * gaussian(rng) + (carries ? opts.strength * planted[h] : 0);
  }
  return { N, H, base, ft, planted, plantedRows };
}

/** Crosscoder rows [N, 2H] (base then finetuned) and difference rows [N, H]. */
export function pairRows(p: SyntheticPair): { paired: Float32Array; diff: Float32Array } {
  const paired = new Float32Array(p.N * 2 * p.H);
  const diff = new Float32Array(p.N * p.H);
  for (let i = 0; i < p.N; i++) {
    paired.set(p.base.subarray(i * p.H, (i + 1) * p.H), i * 2 * p.H);
    paired.set(p.ft.subarray(i * p.H, (i + 1) * p.H), (i * 2 + 1) * p.H);
    for (let h = 0; h < p.H; h++) diff[i * p.H + h] = p.ft[i * p.H + h] - p.base[i * p.H + h];
  }
  return { paired, diff };
}
