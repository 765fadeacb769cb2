// What the method agent sees first (docs/toolkit.md#agents): per position, the top logit-lens and Patchscope tokens
// of the difference and one steered / unsteered pair per prompt, all taken from the method's output.
import type { MethodOutput, SteeringSamples, TokenReadout } from '../method/types.ts';

export interface OverviewOptions {
  /** Tokens per readout in the overview. */
  topK: number;
  /** Characters kept of each steering sample in the overview. */
  maxSampleChars: number;
}

export const DEFAULT_OVERVIEW: OverviewOptions = { topK: 10, maxSampleChars: 128 };

export const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** The 'difference' variant when the method has one (the toolkit shows only that), else everything. */
function differenceOnly<T extends { variant: string }>(items: T[]): T[] {
  const diff = items.filter((r) => r.variant === 'difference');
  return diff.length ? diff : items;
}

export function readoutsOf(output: MethodOutput, source: 'logitlens' | 'patchscope'): TokenReadout[] {
  return differenceOnly((output.readouts ?? []).filter((r) => r.source === source));
}

export function steeringOf(output: MethodOutput): SteeringSamples[] {
  return differenceOnly(output.steering ?? []);
}

function positionsOf(output: MethodOutput): number[] {
  const all = [...(output.readouts ?? []).map((r) => r.position), ...(output.steering ?? []).map((s) => s.position)];
  return [...new Set(all)].sort((a, b) => a - b);
}

function tokensWithProbs(r: TokenReadout, k: number) {
  return r.tokens.slice(0, k).map((token, i) => {
    const p = r.probs?.[i];
    return p === undefined ? { token } : { token, prob: p.toExponential(3) };
  });
}

export function lensEntry(r: TokenReadout, k: number) {
  return { layer: r.layer, variant: r.variant, tokens: tokensWithProbs(r, k) };
}

export function patchscopeEntry(r: TokenReadout, k: number) {
  return {
    layer: r.layer,
    variant: r.variant,
    ...(r.scale !== undefined ? { scale: r.scale } : {}),
    tokens: tokensWithProbs(r, k),
    ...(r.selectedTokens ? { selected_tokens: r.selectedTokens } : {}),
  };
}

export function buildOverview(output: MethodOutput, opts: OverviewOptions = DEFAULT_OVERVIEW): Record<string, unknown> {
  const positions = positionsOf(output);
  const lens = readoutsOf(output, 'logitlens');
  const patchscope = readoutsOf(output, 'patchscope');
  const steering = steeringOf(output);
  const perPosition = positions.map((position) => {
    const entry: Record<string, unknown> = { position };
    const l = lens.filter((r) => r.position === position);
    if (l.length) entry.logit_lens = l.map((r) => lensEntry(r, opts.topK));
    const p = patchscope.filter((r) => r.position === position);
    if (p.length) entry.patchscope = p.map((r) => patchscopeEntry(r, opts.topK));
    const s = steering.filter((x) => x.position === position);
    if (s.length) {
      entry.steering = s.map((x) => ({
        layer: x.layer,
        strength: x.strength,
        examples: x.prompts.map((prompt, i) => ({
          prompt: cut(prompt, opts.maxSampleChars),
          steered: cut(x.steered[i]?.[0] ?? '', opts.maxSampleChars),
          unsteered: cut(x.unsteered[i]?.[0] ?? '', opts.maxSampleChars),
        })),
      }));
    }
    return entry;
  });
  const overview: Record<string, unknown> = { positions, per_position: perPosition };
  if (output.scalars && Object.keys(output.scalars).length) overview.scalars = output.scalars;
  if (output.findings?.length) overview.findings = output.findings;
  return overview;
}
