// Coherence (docs/toolkit.md#steering): one request per text; an UNKNOWN answer is retried once at temperature 0.
import type { LlmClient } from '../../src/llm/client.ts';
import type { CoherenceGrader, CoherenceLabel, GraderId } from '../../src/method/graders.ts';
import { llmGraderId, tryChat } from './call.ts';
import { parseCoherenceAnswer } from './parse.ts';
import { loadPrompt, render, withSystem, type PromptTemplate } from './templates.ts';

export class LlmCoherenceGrader implements CoherenceGrader {
  readonly grader: GraderId;
  private readonly prompt: PromptTemplate;

  /** `system`: another system prompt (the toolkit's under --graders paper); default DiffBench's. */
  constructor(
    readonly client: LlmClient,
    opts: { system?: string } = {},
  ) {
    this.prompt = withSystem(loadPrompt('coherence'), opts.system);
    this.grader = llmGraderId('coherence', client, this.prompt);
  }

  async grade(texts: string[]): Promise<CoherenceLabel[]> {
    // All texts at once; the client's concurrency limit bounds the requests in flight.
    return Promise.all(
      texts.map(async (text): Promise<CoherenceLabel> => {
        // An empty generation has nothing to judge; the toolkit drops it, here it stays UNKNOWN.
        if (text.trim() === '') return 'UNKNOWN';
        const messages = render(this.prompt, { TEXT: text });
        const first = await tryChat(this.client, { messages });
        const label = first === null ? 'UNGRADED' : parseCoherenceAnswer(first);
        if (label !== 'UNKNOWN' && label !== 'UNGRADED') return label;
        const retry = await tryChat(this.client, { messages, sample: 1, temperature: 0 });
        if (retry === null) return label === 'UNKNOWN' ? 'UNKNOWN' : 'UNGRADED';
        return parseCoherenceAnswer(retry);
      }),
    );
  }
}
