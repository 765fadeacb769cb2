// Prompt templates live as files in prompts/: NAME.system.md and NAME.user.md with {{PLACEHOLDER}}s.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '../../src/llm/client.ts';

const PROMPT_DIR = fileURLToPath(new URL('./prompts/', import.meta.url));

export interface PromptTemplate {
  name: string;
  system: string;
  user: string;
  /** Short content hash; part of the grader version so that editing a prompt shows in results. */
  hash: string;
}

export function loadPrompt(name: string, dir: string = PROMPT_DIR): PromptTemplate {
  const read = (part: string) => {
    const path = `${dir}${name}.${part}.md`;
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read prompt file ${path}: ${(e as Error).message}`);
    }
  };
  const system = read('system');
  const user = read('user');
  const hash = createHash('sha256').update(system).update('\0').update(user).digest('hex').slice(0, 8);
  return { name, system, user, hash };
}

/** Replaces every {{KEY}}; a placeholder without a value, or a value without a placeholder, is a bug. */
export function fill(template: string, values: Record<string, string>, where: string): string {
  for (const key of Object.keys(values)) {
    if (!template.includes(`{{${key}}}`)) throw new Error(`prompt ${where}: no placeholder {{${key}}}`);
  }
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`prompt ${where}: no value for placeholder {{${key}}}`);
    return v;
  });
  return out;
}

export function render(t: PromptTemplate, values: Record<string, string>): ChatMessage[] {
  return [
    { role: 'system', content: t.system.trim() },
    { role: 'user', content: fill(t.user, values, `${t.name}.user.md`).trim() },
  ];
}
