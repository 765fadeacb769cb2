// Hypothesis grading (docs/toolkit.md#agents): the agent's description is scored 1..5 against the organism type's
// rubric, `repeats` times (each with up to `maxAttempts` tries to get a SCORE line), and averaged.
import type { LlmClient } from '../../src/llm/client.ts';
import type { GraderId, HypothesisGrade, HypothesisGrader, OrganismContext } from '../../src/method/graders.ts';
import { llmGraderId, tryChat } from './call.ts';
import { parseScore } from './parse.ts';
import { loadRubric } from './rubrics.ts';
import { loadPrompt, render, withSystem, type PromptTemplate } from './templates.ts';

export interface HypothesisOptions {
  repeats?: number;
  maxAttempts?: number;
  /** Another system prompt (the toolkit's under --graders paper); default DiffBench's. */
  system?: string;
  /** Rubric text per organism type, used before DiffBench's rubrics/ (the toolkit's under --graders paper). */
  rubrics?: Record<string, string>;
}

export class LlmHypothesisGrader implements HypothesisGrader {
  readonly grader: GraderId;
  private readonly prompt: PromptTemplate;
  private readonly repeats: number;
  private readonly maxAttempts: number;
  private readonly rubrics?: Record<string, string>;

  constructor(
    readonly client: LlmClient,
    opts: HypothesisOptions = {},
  ) {
    this.prompt = withSystem(loadPrompt('hypothesis'), opts.system);
    this.rubrics = opts.rubrics;
    this.grader = llmGraderId('hypothesis', client, this.prompt);
    this.repeats = opts.repeats ?? 3;
    this.maxAttempts = opts.maxAttempts ?? 3;
  }

  async grade(ctx: OrganismContext, hypothesis: string): Promise<HypothesisGrade> {
    const type = ctx.rubricType ?? ctx.type;
    const rubric = this.rubrics?.[type] !== undefined ? { text: this.rubrics[type].trim() } : loadRubric(type);
    const messages = render(this.prompt, {
      DESCRIPTION: ctx.description.trim() || '(no narrow finetuning objective; see the rubric)',
      RUBRIC: rubric.text,
      HYPOTHESIS: hypothesis.trim() || '(empty: the investigator gave no hypothesis)',
    });
    const runs = await Promise.all(
      Array.from({ length: this.repeats }, async (_, r) => {
        for (let a = 0; a < this.maxAttempts; a++) {
          const text = await tryChat(this.client, { messages, sample: r * 100 + a });
          const score = text === null ? null : parseScore(text);
          if (score !== null) return { score, reasoning: text!.replace(/SCORE\s*:[^\n]*\s*$/, '').trim() };
        }
        return null;
      }),
    );
    const ok = runs.filter((r): r is { score: number; reasoning: string } => r !== null);
    const scores = ok.map((r) => r.score);
    return {
      score: scores.length ? scores.reduce((s, v) => s + v, 0) / scores.length : NaN,
      scores,
      reasoning: ok.map((r) => r.reasoning),
    };
  }
}
