// Strict parsers for the graders' answer lines. Anything that does not parse is UNKNOWN / null, never a guess.
import type { CoherenceLabel, RelevanceLabel } from '../../src/method/graders.ts';

/** `ANSWER[i]: RELEVANT|IRRELEVANT` (1-based i); last occurrence per index wins; missing indices are UNKNOWN. */
export function parseRelevanceAnswers(text: string, n: number): RelevanceLabel[] {
  const labels: RelevanceLabel[] = new Array(n).fill('UNKNOWN');
  const re = /ANSWER\[(\d+)\]\s*:\s*\**\s*(RELEVANT|IRRELEVANT)\b/g;
  for (const m of text.matchAll(re)) {
    const i = Number(m[1]);
    if (i >= 1 && i <= n) labels[i - 1] = m[2] as RelevanceLabel;
  }
  return labels;
}

/** `ANSWER: COHERENT|INCOHERENT`, last occurrence wins. */
export function parseCoherenceAnswer(text: string): CoherenceLabel {
  let label: CoherenceLabel = 'UNKNOWN';
  for (const m of text.matchAll(/ANSWER\s*:\s*\**\s*(INCOHERENT|COHERENT)\b/g)) label = m[1] as CoherenceLabel;
  return label;
}

/** `SCORE: n` with n an integer 1..5, last occurrence wins; null when absent or out of range. */
export function parseScore(text: string): number | null {
  let score: number | null = null;
  for (const m of text.matchAll(/SCORE\s*:\s*\**\s*(\d+(?:\.\d+)?)/g)) {
    const v = Number(m[1]);
    score = Number.isInteger(v) && v >= 1 && v <= 5 ? v : null;
  }
  return score;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * `BEST_SCALER: x` and `TOP_TOKENS: a | b` (last occurrences). The scale, rounded to one decimal, must be one of
 * `offered` (also rounded); returns the offered value. Null when either line is missing or the scale is not offered.
 */
export function parseScaleChoice(text: string, offered: number[]): { scale: number; tokens: string[] } | null {
  const scales = [...text.matchAll(/BEST_SCALER\s*:\s*\**\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)/g)];
  const tokenLines = [...text.matchAll(/TOP_TOKENS\s*:[ \t]*([^\n]*)/g)];
  if (scales.length === 0 || tokenLines.length === 0) return null;
  const chosen = round1(Number(scales[scales.length - 1]![1]));
  const scale = offered.find((s) => round1(s) === chosen);
  if (scale === undefined) return null;
  const tokens = tokenLines[tokenLines.length - 1]![1]!.split('|')
    .map((t) =>
      t
        .trim()
        .replace(/^\*+|\*+$/g, '')
        .trim(),
    )
    .filter((t) => t.length > 0);
  return { scale, tokens };
}
