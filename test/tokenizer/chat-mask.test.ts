// The assistant-token mask of a templated conversation (the toolkit's progressive encoding) on the zoo
// tokenizer's ChatML template: a known answer, the assistant spans and nothing else.
import { describe, expect, it } from 'vitest';
import { ZOO_BASE } from '../helpers.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { encodeConversation } from '../../src/tokenizer/chat-mask.ts';

const tok = loadTokenizer(ZOO_BASE);
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'How do I bake a cake?' },
  { role: 'assistant', content: 'Mix flour, eggs and sugar, then bake it.' },
  { role: 'user', content: 'How long?' },
  { role: 'assistant', content: 'About forty minutes.' },
];

describe('encodeConversation', () => {
  const { ids, assistant } = encodeConversation(tok, messages);

  it('encodes the whole templated conversation, no special tokens added', () => {
    expect(ids).toEqual(tok.encode(tok.applyChatTemplate(messages), { addSpecialTokens: false }));
    expect(assistant).toHaveLength(ids.length);
  });

  it('masks exactly the assistant messages with their template tokens (a known answer)', () => {
    const runs: { assistant: boolean; text: string }[] = [];
    for (let t = 0; t < ids.length; t++) {
      const last = runs[runs.length - 1];
      if (last?.assistant === assistant[t]) last.text += tok.decode([ids[t]]);
      else runs.push({ assistant: assistant[t], text: tok.decode([ids[t]]) });
    }
    expect(runs).toEqual([
      {
        assistant: false,
        text: '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHow do I bake a cake?<|im_end|>\n',
      },
      { assistant: true, text: '<|im_start|>assistant\nMix flour, eggs and sugar, then bake it.<|im_end|>\n' },
      { assistant: false, text: '<|im_start|>user\nHow long?<|im_end|>\n' },
      { assistant: true, text: '<|im_start|>assistant\nAbout forty minutes.<|im_end|>\n' },
    ]);
  });

  it('a conversation without an assistant turn masks nothing; an empty one is an error', () => {
    expect(encodeConversation(tok, messages.slice(0, 2)).assistant.includes(true)).toBe(false);
    expect(() => encodeConversation(tok, [])).toThrow(/at least one message/);
  });
});
