// The text of one record: a text column, or a chat `messages` column ([{role, content}, ...]).
import type { DataRecord } from './records.ts';

export interface ChatTurn {
  role: string;
  content: string;
}

/** 'joined': all message contents joined by newlines (frequent tokens, ADL on chat data as text);
 *  'assistant': the first assistant message (steering similarity's finetuning texts). */
export type ChatTextMode = 'joined' | 'assistant';

export class MissingColumnError extends Error {
  constructor(file: string, column: string, available: string[]) {
    super(`${file}: no column '${column}' (columns: ${available.join(', ') || 'none'}); set the dataset's text column`);
    this.name = 'MissingColumnError';
  }
}

function isChat(value: unknown): value is ChatTurn[] {
  return Array.isArray(value) && value.every((m) => m && typeof m === 'object' && 'content' in m);
}

/** The text, or undefined for empty/unusable values. Throws MissingColumnError when the column is absent. */
export function recordText(
  record: DataRecord,
  column: string,
  file: string,
  mode: ChatTextMode = 'joined',
): string | undefined {
  if (!(column in record)) throw new MissingColumnError(file, column, Object.keys(record));
  const value = record[column];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (isChat(value)) {
    if (mode === 'assistant') {
      const reply = value.find((m) => m.role === 'assistant');
      return reply?.content ? String(reply.content) : undefined;
    }
    const joined = value.map((m) => String(m.content ?? '')).join('\n');
    return joined === '' ? undefined : joined;
  }
  return undefined;
}

/** The record's conversation when its column holds chat messages with an assistant turn; else undefined. */
export function recordConversation(record: DataRecord, column: string, file: string): ChatTurn[] | undefined {
  if (!(column in record)) throw new MissingColumnError(file, column, Object.keys(record));
  const value = record[column];
  if (!isChat(value) || !value.some((m) => m.role === 'assistant')) return undefined;
  return value.map((m) => ({ role: String(m.role), content: String(m.content ?? '') }));
}
