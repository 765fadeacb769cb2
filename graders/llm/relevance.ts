// Token relevance (docs/toolkit.md#token-relevance): the candidates are graded in three rotations; each rotation retries on
// missing labels; the rotations' labels are combined by 'all' or 'majority' agreement.
import type { LlmClient } from '../../src/llm/client.ts';
import type { GraderId, OrganismContext, RelevanceLabel, TokenRelevanceGrader } from '../../src/method/graders.ts';
import { llmGraderId, tryChat } from './call.ts';
import { parseRelevanceAnswers } from './parse.ts';
import { loadPrompt, render, withSystem, type PromptTemplate } from './templates.ts';

export interface RelevanceOptions {
  /** Rotations of the candidate list (shifts 0..permutations-1). */
  permutations?: number;
  agreement?: 'all' | 'majority';
  /** Attempts per rotation before the final temperature-0 attempt. */
  maxAttempts?: number;
  /** Another system prompt (the toolkit's under --graders paper); default DiffBench's. */
  system?: string;
}

const unknownCount = (labels: RelevanceLabel[]) => labels.filter((l) => l === 'UNKNOWN' || l === 'UNGRADED').length;

/**
 * Combines per-rotation votes for one candidate. An UNKNOWN vote is never turned into a label silently;
 * where a failed call (UNGRADED) leaves the outcome open, the candidate is UNGRADED: not scored.
 */
export function combineVotes(votes: RelevanceLabel[], agreement: 'all' | 'majority'): RelevanceLabel {
  const relevant = votes.filter((v) => v === 'RELEVANT').length;
  const irrelevant = votes.filter((v) => v === 'IRRELEVANT').length;
  const ungraded = votes.filter((v) => v === 'UNGRADED').length;
  if (agreement === 'all') {
    if (irrelevant > 0) return 'IRRELEVANT';
    if (ungraded > 0) return 'UNGRADED';
    return relevant === votes.length && votes.length > 0 ? 'RELEVANT' : 'UNKNOWN';
  }
  if (relevant * 2 > votes.length) return 'RELEVANT';
  if (irrelevant * 2 > votes.length) return 'IRRELEVANT';
  return ungraded > 0 ? 'UNGRADED' : 'UNKNOWN';
}

export class LlmTokenRelevanceGrader implements TokenRelevanceGrader {
  readonly grader: GraderId;
  private readonly prompt: PromptTemplate;
  private readonly permutations: number;
  private readonly agreement: 'all' | 'majority';
  private readonly maxAttempts: number;

  constructor(
    readonly client: LlmClient,
    opts: RelevanceOptions = {},
  ) {
    this.prompt = withSystem(loadPrompt('token_relevance'), opts.system);
    this.grader = llmGraderId('relevance', client, this.prompt);
    this.permutations = opts.permutations ?? 3;
    this.agreement = opts.agreement ?? 'all';
    this.maxAttempts = opts.maxAttempts ?? 3;
    if (!Number.isInteger(this.permutations) || this.permutations < 1) {
      throw new Error(`relevance grader: permutations must be an integer >= 1, got ${this.permutations}`);
    }
  }

  async grade(ctx: OrganismContext, candidates: string[]): Promise<RelevanceLabel[]> {
    const n = candidates.length;
    if (n === 0) return [];
    const rotations = await Promise.all(
      Array.from({ length: this.permutations }, (_, shift) => this.gradeRotation(ctx, candidates, shift)),
    );
    return candidates.map((_, i) =>
      combineVotes(
        rotations.map((r) => r[i]!),
        this.agreement,
      ),
    );
  }

  /** Labels in the original candidate order for the list rotated left by `shift`. */
  private async gradeRotation(ctx: OrganismContext, candidates: string[], shift: number): Promise<RelevanceLabel[]> {
    const n = candidates.length;
    const order = Array.from({ length: n }, (_, j) => (j + shift) % n);
    const messages = render(this.prompt, {
      DESCRIPTION: ctx.description.trim() || '(none given)',
      FREQUENT_TOKENS: ctx.frequentTokens.length
        ? ctx.frequentTokens.map((t) => JSON.stringify(t)).join(', ')
        : '(none)',
      COUNT: String(n),
      CANDIDATES: order.map((i, j) => `${j + 1}. ${JSON.stringify(candidates[i])}`).join('\n'),
    });
    const attempt = async (sample: number, temperature?: number) => {
      const text = await tryChat(this.client, { messages, sample: shift * 100 + sample, temperature });
      return text === null ? new Array<RelevanceLabel>(n).fill('UNGRADED') : parseRelevanceAnswers(text, n);
    };
    let best = await attempt(0);
    for (let a = 1; a < this.maxAttempts && unknownCount(best) > 0; a++) {
      const next = await attempt(a);
      if (unknownCount(next) < unknownCount(best)) best = next;
    }
    if (unknownCount(best) > 0) {
      const last = await attempt(this.maxAttempts, 0);
      if (unknownCount(last) <= unknownCount(best)) best = last;
    }
    const labels = new Array<RelevanceLabel>(n);
    order.forEach((i, j) => (labels[i] = best[j]!));
    return labels;
  }
}
