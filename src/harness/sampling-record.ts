// The sampling settings behind a method's steering samples, per steering variant, for the result file.
import type { MethodOutput } from '../method/types.ts';
import type { ResultFile } from '../results/types.ts';

/** One entry per steering variant (its first direction's settings: every direction of a variant samples alike). */
export function samplingRecord(output: MethodOutput): ResultFile['sampling'] {
  const out: NonNullable<ResultFile['sampling']> = {};
  for (const s of output.steering ?? []) if (s.sampling && !out[s.variant]) out[s.variant] = s.sampling;
  return Object.keys(out).length ? out : undefined;
}
