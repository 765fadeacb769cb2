// One grader request: a failure that retrying later might fix (rate limits, timeouts, 5xx after all
// retries) yields null so the caller records UNGRADED (and src/llm/failed-calls.ts counts it); configuration
// errors (bad key, bad model) throw.
import { LlmRequestError, type ChatRequest, type LlmClient } from '../../src/llm/client.ts';
import { recordFailedCall } from '../../src/llm/failed-calls.ts';
import type { GraderId } from '../../src/method/graders.ts';
import type { PromptTemplate } from './templates.ts';

export async function tryChat(client: LlmClient, req: ChatRequest): Promise<string | null> {
  try {
    return (await client.chat(req)).text;
  } catch (err) {
    if (err instanceof LlmRequestError && err.transient) {
      recordFailedCall(err.message);
      return null;
    }
    throw err;
  }
}

export function llmGraderId(kind: string, client: LlmClient, prompt: PromptTemplate): GraderId {
  return { id: `llm/${kind}/${client.config.model}`, version: `1+${prompt.hash}` };
}
