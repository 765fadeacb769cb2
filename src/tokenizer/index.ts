// Tokenizers from a model folder: tokenizer.json (+ tokenizer_config.json, generation_config.json,
// chat template), with the BOS/EOS/pad ids the rest of DiffBench needs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../errors.ts';
import { findChatTemplate, renderChat, type ChatMessage, type ChatTemplateOptions } from './chat.ts';
import { pieceBytes, renderBytes, type PieceStyle } from './display.ts';

export type { ChatMessage, ChatTemplateOptions } from './chat.ts';

export interface LoadedTokenizer {
  /** Folder it was loaded from. */
  readonly folder: string;
  readonly vocabSize: number;
  /** The largest id the tokenizer can produce (added tokens included); the model's vocabulary must cover it. */
  readonly maxTokenId: number;
  readonly bosTokenId: number | null;
  /** Whether encode(..., {addSpecialTokens: true}) puts BOS first (Llama, Gemma: yes; Qwen: no). */
  readonly addsBos: boolean;
  readonly eosTokenIds: number[];
  readonly padTokenId: number | null;
  readonly hasChatTemplate: boolean;
  /** addSpecialTokens defaults to true, as in transformers. */
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
  /** Readable form of one token: whole characters as text, partial UTF-8 as \xHH, newline as \n. */
  displayToken(id: number): string;
  /** Raw vocabulary pieces (Ġ/▁ markers kept), no special tokens added: what tokenizer.tokenize gives. */
  tokenize(text: string): string[];
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  applyChatTemplate(messages: ChatMessage[], opts?: ChatTemplateOptions): string;
}

type Json = Record<string, any>;

function readJson(path: string): Json {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot parse ${path}: ${(err as Error).message}`);
  }
}

/** Special tokens in tokenizer_config.json are strings or AddedToken objects ({content: ...}). */
function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string') return (value as Json).content;
  return undefined;
}

function pieceStyle(json: Json): PieceStyle {
  const types = JSON.stringify([json.decoder, json.pre_tokenizer]);
  if (types.includes('"ByteLevel"')) return 'byte-level';
  if (types.includes('"Metaspace"') || types.includes('ByteFallback') || types.includes('\u2581'))
    return 'sentencepiece';
  return 'plain';
}

export function loadTokenizer(folder: string): LoadedTokenizer {
  const tokenizerPath = join(folder, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new InputError(
      `tokenizer.json not found in ${folder}: DiffBench needs a fast-tokenizer file (tokenizer.json); ` +
        `save one with transformers (tokenizer.save_pretrained) if the model has only a slow tokenizer`,
    );
  }
  const json = readJson(tokenizerPath);
  const configPath = join(folder, 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJson(configPath) : {};
  const generationPath = join(folder, 'generation_config.json');
  const generation = existsSync(generationPath) ? readJson(generationPath) : {};
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json, config);
  } catch (err) {
    throw new InputError(
      `${tokenizerPath}: not a tokenizer the tokenizers library can read (${(err as Error).message})`,
    );
  }
  const style = pieceStyle(json);

  const idOf = (value: unknown): number | null => {
    const s = tokenString(value);
    return s === undefined ? null : (tok.token_to_id(s) ?? null);
  };
  const bosTokenId = idOf(config.bos_token);
  const probe = tok.encode('a', { add_special_tokens: true }).ids;
  const addsBos = bosTokenId !== null && probe[0] === bosTokenId;

  const eos = new Set<number>();
  const configEos = idOf(config.eos_token);
  if (configEos !== null) eos.add(configEos);
  for (const id of [generation.eos_token_id].flat()) if (typeof id === 'number') eos.add(id);
  const padTokenId =
    idOf(config.pad_token) ?? (typeof generation.pad_token_id === 'number' ? generation.pad_token_id : null);

  const template = findChatTemplate(folder, config);
  const specials = {
    bos_token: tokenString(config.bos_token),
    eos_token: tokenString(config.eos_token),
    pad_token: tokenString(config.pad_token),
    unk_token: tokenString(config.unk_token),
  };
  const special = new Set([...tok.get_added_tokens_decoder()].filter(([, t]) => t.special).map(([id]) => id));

  return {
    folder,
    vocabSize: tok.get_vocab(true).size,
    maxTokenId: [...tok.get_vocab(true).values()].reduce((a, b) => Math.max(a, b), -1),
    bosTokenId,
    addsBos,
    eosTokenIds: [...eos],
    padTokenId,
    hasChatTemplate: template !== undefined,
    encode: (text, opts) => tok.encode(text, { add_special_tokens: opts?.addSpecialTokens ?? true }).ids,
    decode: (ids, opts) => tok.decode(ids, { skip_special_tokens: opts?.skipSpecialTokens ?? false }),
    displayToken(id) {
      const piece = tok.id_to_token(id);
      if (piece === undefined) return `<unknown id ${id}>`;
      if (special.has(id)) return piece;
      return renderBytes(pieceBytes(piece, style));
    },
    tokenize: (text) => tok.tokenize(text, { add_special_tokens: false }),
    idToToken: (id) => tok.id_to_token(id),
    tokenToId: (token) => tok.token_to_id(token),
    applyChatTemplate(messages, opts = {}) {
      if (template === undefined) {
        throw new Error(
          `no chat template in ${folder} (looked for chat_template.jinja, chat_template.json and tokenizer_config.json's chat_template)`,
        );
      }
      return renderChat(template, messages, opts, specials);
    },
  };
}
