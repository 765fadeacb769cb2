// Patchscope scale choice (docs/toolkit.md#patchscope): a tournament. Scales are graded in groups of at most
// `maxGroupSize`; each group's winner goes on to the next round until one group is left, whose
// answer (best scale and its coherent tokens) is the result.
//
// When no scale has a non-trivial token, or no group answer could be parsed, the result is
// `{ bestScale: NaN, selectedTokens: [] }`: an explicit "no choice", never a guessed scale.
import type { LlmClient } from '../../src/llm/client.ts';
import type { GraderId, PatchscopeScaleGrader, ScaleCandidate, ScaleChoice } from '../../src/method/graders.ts';
import { llmGraderId, tryChat } from './call.ts';
import { parseScaleChoice } from './parse.ts';
import { loadPrompt, render, withSystem, type PromptTemplate } from './templates.ts';

export interface PatchscopeGraderOptions {
  maxGroupSize?: number;
  maxAttempts?: number;
  maxRounds?: number;
  /** Another system prompt (the toolkit's under --graders paper); default DiffBench's. */
  system?: string;
}

/** Punctuation-only tokens and the identity prompt's arrows carry no meaning for the grader. */
function isTrivialToken(token: string): boolean {
  const t = token.trim();
  return t === '' || /^[\p{P}\p{S}]+$/u.test(t) || t.includes('->') || t.includes('=>');
}

const norm = (t: string) =>
  t
    .trim()
    .replace(/^[Ġ▁]+/, '')
    .toLowerCase();

export class LlmPatchscopeScaleGrader implements PatchscopeScaleGrader {
  readonly grader: GraderId;
  private readonly prompt: PromptTemplate;
  private readonly maxGroupSize: number;
  private readonly maxAttempts: number;
  private readonly maxRounds: number;

  constructor(
    readonly client: LlmClient,
    opts: PatchscopeGraderOptions = {},
  ) {
    this.prompt = withSystem(loadPrompt('patchscope_scale'), opts.system);
    this.grader = llmGraderId('patchscope', client, this.prompt);
    this.maxGroupSize = opts.maxGroupSize ?? 10;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.maxRounds = opts.maxRounds ?? 10;
    if (!Number.isInteger(this.maxGroupSize) || this.maxGroupSize < 2) {
      throw new Error(`patchscope grader: maxGroupSize must be an integer >= 2, got ${this.maxGroupSize}`);
    }
  }

  async choose(candidates: ScaleCandidate[]): Promise<ScaleChoice> {
    const seen = new Set<number>();
    for (const c of candidates) {
      if (!Number.isFinite(c.scale)) throw new Error(`patchscope grader: scale ${c.scale} is not a finite number`);
      if (seen.has(c.scale)) throw new Error(`patchscope grader: scale ${c.scale} is offered twice`);
      seen.add(c.scale);
    }
    let pool = candidates
      .map((c) => ({ scale: c.scale, tokens: c.tokens.filter((t) => !isTrivialToken(t)) }))
      .filter((c) => c.tokens.length > 0);
    for (let round = 0; round < this.maxRounds && pool.length > 0; round++) {
      const groups: (typeof pool)[] = [];
      for (let i = 0; i < pool.length; i += this.maxGroupSize) groups.push(pool.slice(i, i + this.maxGroupSize));
      const choices = await Promise.all(groups.map((g, gi) => this.gradeGroup(g, round * 1000 + gi * 10)));
      if (groups.length === 1) return choices[0] ?? { bestScale: NaN, selectedTokens: [] };
      const winners = choices.filter((c): c is ScaleChoice => c !== null);
      if (winners.length === 1) return winners[0]!;
      pool = pool.filter((c) => winners.some((w) => w.bestScale === c.scale));
    }
    return { bestScale: NaN, selectedTokens: [] };
  }

  private async gradeGroup(
    group: { scale: number; tokens: string[] }[],
    sampleBase: number,
  ): Promise<ScaleChoice | null> {
    const messages = render(this.prompt, {
      SCALES: group.map((c) => `SCALE ${c.scale}: ${c.tokens.map((t) => JSON.stringify(t)).join(', ')}`).join('\n'),
      OFFERED: group.map((c) => String(c.scale)).join(', '),
    });
    const offered = group.map((c) => c.scale);
    for (let a = 0; a < this.maxAttempts; a++) {
      const text = await tryChat(this.client, { messages, sample: sampleBase + a });
      const parsed = text === null ? null : parseScaleChoice(text, offered);
      if (!parsed) continue;
      // Keep only tokens that are really in that scale's list, in their original spelling.
      const tokens = group.find((c) => c.scale === parsed.scale)!.tokens;
      const named = new Set(parsed.tokens.map(norm));
      return { bestScale: parsed.scale, selectedTokens: tokens.filter((t) => named.has(norm(t))) };
    }
    return null;
  }
}
