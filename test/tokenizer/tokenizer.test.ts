import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { pieceBytes, renderBytes } from '../../src/tokenizer/display.ts';
import type { MethodContext } from '../../src/method/types.ts';

const BASE = join(import.meta.dirname, '../../organisms/zoo/base');
const unrelated = gunzipSync(readFileSync(join(import.meta.dirname, '../../organisms/zoo/data/unrelated.jsonl.gz')))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, 300)
  .map((l) => JSON.parse(l).text as string);

describe('zoo tokenizer', () => {
  const tok = loadTokenizer(BASE);

  it('has the special tokens the zoo README states: no BOS, <|endoftext|> id 0 is EOS and pad', () => {
    expect(tok.bosTokenId).toBeNull();
    expect(tok.addsBos).toBe(false);
    expect(tok.eosTokenIds).toEqual([0]);
    expect(tok.padTokenId).toBe(0);
    expect(tok.vocabSize).toBe(JSON.parse(readFileSync(join(BASE, 'config.json'), 'utf8')).vocab_size);
    // The reference analysis adds no special tokens; for this tokenizer adding them changes nothing.
    for (const text of unrelated.slice(0, 20))
      expect(tok.encode(text, { addSpecialTokens: true })).toEqual(tok.encode(text, { addSpecialTokens: false }));
  });

  it('round-trips documents exactly and agrees with its own pieces', () => {
    for (const text of unrelated) {
      const ids = tok.encode(text, { addSpecialTokens: false });
      expect(tok.decode(ids)).toBe(text);
      const pieces = tok.tokenize(text);
      expect(pieces.map((p) => tok.tokenToId(p))).toEqual(ids);
      // Byte-level pieces concatenate to the UTF-8 bytes of the text.
      const bytes = Buffer.concat(pieces.map((p) => Buffer.from(pieceBytes(p, 'byte-level'))));
      expect(bytes.toString('utf8')).toBe(text);
    }
  });

  it('displays single tokens readably: leading space, newline, partial UTF-8, special tokens', () => {
    const [world] = tok.encode(' world', { addSpecialTokens: false });
    expect(tok.idToToken(world)).toBe('Ġworld');
    expect(tok.displayToken(world)).toBe(' world');
    const newline = tok.encode('\n', { addSpecialTokens: false });
    expect(newline.map((id) => tok.displayToken(id)).join('')).toBe('\\n');
    // 'é' is two bytes; this vocabulary splits it, so each half shows as a byte escape, never as U+FFFD.
    const e = tok.encode('é', { addSpecialTokens: false });
    expect(e.map((id) => tok.displayToken(id))).toEqual(['\\xc3', '\\xa9']);
    expect(tok.decode(e)).toBe('é');
    expect(tok.displayToken(0)).toBe('<|endoftext|>');
    expect(tok.displayToken(999_999)).toBe('<unknown id 999999>');
  });

  it('renders the ChatML chat template with and without a generation prompt', () => {
    const messages = [{ role: 'user', content: 'How do I bake a cake?' }];
    expect(tok.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(
      '<|im_start|>user\nHow do I bake a cake?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(tok.applyChatTemplate(messages)).toBe('<|im_start|>user\nHow do I bake a cake?<|im_end|>\n');
    // Special tokens in rendered text encode to their single ids.
    expect(tok.encode('<|im_start|>user')[0]).toBe(1);
  });

  it('satisfies the tokenizer field of MethodContext', () => {
    const field: MethodContext['tokenizer'] = tok;
    expect(typeof field.displayToken).toBe('function');
  });
});

describe('display of byte pieces', () => {
  it('renders whole characters as text and stray bytes as escapes', () => {
    expect(renderBytes(Buffer.from('café', 'utf8'))).toBe('café');
    expect(renderBytes(Uint8Array.of(0x63, 0xc3))).toBe('c\\xc3');
    expect(renderBytes(Uint8Array.of(0xe6, 0x97))).toBe('\\xe6\\x97');
    expect(renderBytes(Buffer.from('a\tb\n', 'utf8'))).toBe('a\\tb\\n');
    expect(renderBytes(Buffer.from('日本', 'utf8'))).toBe('日本');
  });
  it('reads SentencePiece pieces: ▁ as space, <0xHH> as a byte', () => {
    expect(renderBytes(pieceBytes('\u2581cake', 'sentencepiece'))).toBe(' cake');
    expect(renderBytes(pieceBytes('<0x0A>', 'sentencepiece'))).toBe('\\n');
    expect(renderBytes(pieceBytes('<0xE6>', 'sentencepiece'))).toBe('\\xe6');
  });
});

describe('tokenizer folders with problems or other conventions', () => {
  it('a missing tokenizer.json is a clear error naming the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    try {
      expect(() => loadTokenizer(dir)).toThrow(new RegExp(`tokenizer\\.json not found in ${dir}`));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('uses tokenizer_config.json templates, BOS/EOS from config and generation_config, enable_thinking', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    try {
      cpSync(join(BASE, 'tokenizer.json'), join(dir, 'tokenizer.json'));
      const template =
        "{{ bos_token }}{% for m in messages %}[{{ m['role'] }}]{{ m['content'] }}{{ eos_token }}{% endfor %}" +
        '{% if add_generation_prompt %}[assistant]{% if enable_thinking is defined and not enable_thinking %}<think></think>{% endif %}{% endif %}';
      writeFileSync(
        join(dir, 'tokenizer_config.json'),
        JSON.stringify({
          bos_token: { content: '<|im_start|>' },
          eos_token: '<|im_end|>',
          chat_template: template,
        }),
      );
      writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [2, 0] }));
      const tok = loadTokenizer(dir);
      expect(tok.bosTokenId).toBe(1);
      expect(tok.addsBos).toBe(false); // the tokenizer.json post-processor adds nothing
      expect(tok.eosTokenIds.sort()).toEqual([0, 2]);
      expect(tok.padTokenId).toBeNull();
      const msgs = [{ role: 'user', content: 'hi' }];
      expect(tok.applyChatTemplate(msgs, { addGenerationPrompt: true })).toBe(
        '<|im_start|>[user]hi<|im_end|>[assistant]',
      );
      expect(tok.applyChatTemplate(msgs, { addGenerationPrompt: true, enableThinking: false })).toBe(
        '<|im_start|>[user]hi<|im_end|>[assistant]<think></think>',
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('a folder without any chat template says so when one is needed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    try {
      cpSync(join(BASE, 'tokenizer.json'), join(dir, 'tokenizer.json'));
      const tok = loadTokenizer(dir);
      expect(tok.hasChatTemplate).toBe(false);
      expect(() => tok.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(/no chat template in/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
