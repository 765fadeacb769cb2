// Prompt templates live as files in prompts/: NAME.system.md and NAME.user.md with {{PLACEHOLDER}}s.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { LlmMessage } from '../../src/llm/client.ts';
import { fill, readPromptFile } from '../../src/llm/template.ts';

const PROMPT_DIR = fileURLToPath(new URL('./prompts/', import.meta.url));

export interface PromptTemplate {
  name: string;
  system: string;
  user: string;
  /** Short content hash; part of the grader version so that editing a prompt shows in results. */
  hash: string;
}

export function loadPrompt(name: string, dir: string = PROMPT_DIR): PromptTemplate {
  const read = (part: string) => readPromptFile(`${dir}${name}.${part}.md`);
  const system = read('system');
  const user = read('user');
  const hash = createHash('sha256').update(system).update('\0').update(user).digest('hex').slice(0, 8);
  return { name, system, user, hash };
}

/** The template with another system prompt (e.g. the toolkit's, read from its files); the hash follows it. */
export function withSystem(t: PromptTemplate, system: string | undefined): PromptTemplate {
  if (system === undefined) return t;
  const hash = createHash('sha256').update(system).update('\0').update(t.user).digest('hex').slice(0, 8);
  return { ...t, system, hash };
}

export function render(t: PromptTemplate, values: Record<string, string>): LlmMessage[] {
  return [
    { role: 'system', content: t.system.trim() },
    { role: 'user', content: fill(t.user, values, `${t.name}.user.md`).trim() },
  ];
}
