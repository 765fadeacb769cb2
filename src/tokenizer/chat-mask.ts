// A conversation as the toolkit's causal effect feeds chat and training data to the models: the chat template
// applied to all messages (no generation prompt), and a mask of the tokens of assistant messages. Each
// message's span is where the template of messages[0..i] ends against messages[0..i-1] (progressive
// encoding), so an assistant span holds the message's template tokens too (ChatML: "<|im_start|>assistant\n",
// the reply, "<|im_end|>\n").
import type { ChatMessage, ChatTemplateOptions } from './chat.ts';

export interface ChatEncoder {
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  applyChatTemplate(messages: ChatMessage[], opts?: ChatTemplateOptions): string;
}

export interface MaskedConversation {
  ids: number[];
  /** [ids.length] true on tokens of assistant messages. */
  assistant: boolean[];
}

export function encodeConversation(tok: ChatEncoder, messages: ChatMessage[]): MaskedConversation {
  if (messages.length === 0) throw new Error('encodeConversation: a conversation needs at least one message');
  const encode = (upTo: number) =>
    tok.encode(tok.applyChatTemplate(messages.slice(0, upTo), { addGenerationPrompt: false }), {
      addSpecialTokens: false,
    });
  const ids = encode(messages.length);
  const assistant = ids.map(() => false);
  let start = 0;
  for (let i = 0; i < messages.length; i++) {
    const end = i + 1 === messages.length ? ids.length : encode(i + 1).length;
    if (messages[i].role === 'assistant') for (let t = start; t < Math.min(end, ids.length); t++) assistant[t] = true;
    start = end;
  }
  return { ids, assistant };
}
