// On-disk cache of chat completions keyed by content: a rerun with the same model, messages and
// parameters reads the stored reply instead of calling the endpoint. One JSON file per entry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../results/atomic.ts';
import { canonicalJson, sha256 } from '../results/hash.ts';

/** One message of a chat-completions request (the tokenizer's ChatMessage is one rendered by a chat template). */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Everything that determines a reply. `sample` separates deliberate repeats of the same prompt. */
export interface CacheKey {
  baseURL: string;
  model: string;
  messages: LlmMessage[];
  params: { temperature: number | null; seed: number; maxTokens: number; sample: number };
}

export interface CachedReply {
  text: string;
  finishReason: string | null;
  completionTokens: number;
  promptTokens: number;
}

interface CacheEntry {
  key: CacheKey;
  reply: CachedReply;
  createdAt: string;
}

function cacheHash(key: CacheKey): string {
  return sha256(canonicalJson(key));
}

export class ReplyCache {
  constructor(readonly dir: string) {}

  private path(hash: string): string {
    return join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }

  get(key: CacheKey): CachedReply | undefined {
    if (!this.dir) return undefined;
    let text: string;
    try {
      text = readFileSync(this.path(cacheHash(key)), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      // Guard against hash collisions and hand-edited files: the stored key must match exactly.
      if (canonicalJson(entry.key) !== canonicalJson(key) || typeof entry.reply?.text !== 'string') return undefined;
      return entry.reply;
    } catch {
      return undefined;
    }
  }

  put(key: CacheKey, reply: CachedReply): void {
    if (!this.dir) return;
    const entry: CacheEntry = { key, reply, createdAt: new Date().toISOString() };
    writeJsonAtomic(this.path(cacheHash(key)), entry);
  }
}
