// Metric values the leaderboard cannot aggregate: not finite, or beyond the protocol's magnitude bound (a
// file written before the bound, or edited). Each is left out of the aggregates and named with its file,
// method and metric; the rest of that file, and every other method, is ranked as usual.
import { MAGNITUDE_BOUND } from '../method/validate.ts';
import type { MetricValue, Metrics, ResultFile } from '../results/types.ts';

export interface LeftOut {
  path: string;
  /** The leaderboard row: id@version-configHash. */
  method: string;
  /** The metric as thresholds name it: 'm', 'null:m', 'baseline/<id>:m', 'llm:m'. */
  metric: string;
  why: string;
}

function problem(v: MetricValue): string | undefined {
  for (const side of ['estimate', 'lower', 'upper'] as const) {
    const x = v[side];
    if (typeof x !== 'number' || !Number.isFinite(x)) return `${side} ${x} is not a finite number`;
    if (Math.abs(x) > MAGNITUDE_BOUND)
      return `${side} ${x} is beyond the protocol's bound ±${MAGNITUDE_BOUND} (src/method/validate.ts MAGNITUDE_BOUND)`;
  }
  return undefined;
}

/** `metrics` without its unusable values, each reported through `leave`. */
function kept(metrics: Metrics, prefix: string, leave: (metric: string, why: string) => void): Metrics {
  const out: Metrics = {};
  for (const [name, v] of Object.entries(metrics)) {
    const why = problem(v);
    if (why) leave(`${prefix}${name}`, why);
    else out[name] = v;
  }
  return out;
}

/** Copies of the results with unusable metric values removed, and what was removed. */
export function screenResults(
  files: { path: string; result: ResultFile }[],
  methodKey: (r: ResultFile) => string,
): { files: { path: string; result: ResultFile }[]; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const screened = files.map(({ path, result }) => {
    const leave = (metric: string, why: string) => leftOut.push({ path, method: methodKey(result), metric, why });
    const baselines: ResultFile['baselines'] = {};
    for (const [id, b] of Object.entries(result.baselines))
      baselines[id] = { ...b, metrics: kept(b.metrics, `${id}:`, leave) };
    const llm = result.llm?.metrics ? { ...result.llm, metrics: kept(result.llm.metrics, 'llm:', leave) } : result.llm;
    return {
      path,
      result: { ...result, metrics: kept(result.metrics, '', leave), baselines, ...(llm ? { llm } : {}) },
    };
  });
  return { files: screened, leftOut };
}
