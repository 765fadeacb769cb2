// Chat templates, rendered with @huggingface/jinja the way transformers' apply_chat_template does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatTemplateOptions {
  addGenerationPrompt?: boolean;
  /** Passed to templates that switch reasoning on and off (Qwen3, DeepSeek-R1 distills). */
  enableThinking?: boolean;
}

type TemplateField = string | { name: string; template: string }[] | undefined;

/** chat_template.jinja wins over chat_template.json and tokenizer_config.json, as in transformers. */
export function findChatTemplate(folder: string, config: Record<string, unknown>): string | undefined {
  const jinja = join(folder, 'chat_template.jinja');
  if (existsSync(jinja)) return readFileSync(jinja, 'utf8');
  const json = join(folder, 'chat_template.json');
  const field = (
    existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')).chat_template : config.chat_template
  ) as TemplateField;
  if (Array.isArray(field)) return (field.find((t) => t.name === 'default') ?? field[0])?.template;
  return field;
}

export function renderChat(
  source: string,
  messages: ChatMessage[],
  opts: ChatTemplateOptions,
  specialTokens: Record<string, string | undefined>,
): string {
  const vars: Record<string, unknown> = {
    messages,
    add_generation_prompt: opts.addGenerationPrompt ?? false,
    ...specialTokens,
  };
  if (opts.enableThinking !== undefined) vars.enable_thinking = opts.enableThinking;
  return new Template(source).render(vars);
}
