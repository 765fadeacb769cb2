// Diagnostic text series (ctx.finetuningTexts / ctx.chatTexts, src/method/types.ts) as token documents
// of one length, so they batch like ctx.unrelatedDocuments: texts shorter than `tokens` are skipped.
// Where the data holds conversations and the tokenizer has a chat template, a document is the templated
// conversation with a mask of its assistant tokens, which the methods score alone (as the toolkit does);
// otherwise it is the plain reply / training text, every token scored.
import type { MethodContext } from '../../method/types.ts';
import { encodeConversation } from '../../tokenizer/chat-mask.ts';

export type DiagnosticSeries = 'finetuning' | 'chat';

export interface SeriesDocs {
  docs: number[][];
  /** [doc][position]: the token belongs to an assistant message; absent for plain text (every token counts). */
  assistant?: boolean[][];
}

/** A series' documents, or why the series cannot be measured on this organism / suite. */
export type SeriesDocuments = SeriesDocs | { notMeasurable: string };

export async function seriesDocuments(
  ctx: MethodContext,
  series: DiagnosticSeries,
  n: number,
  tokens: number,
): Promise<SeriesDocuments> {
  const texts = series === 'finetuning' ? ctx.finetuningTexts : ctx.chatTexts;
  if (!texts) {
    return {
      notMeasurable:
        series === 'finetuning' ? 'the organism has no public finetuning data' : 'the suite has no chat dataset',
    };
  }
  const conversations = series === 'finetuning' ? ctx.finetuningConversations : ctx.chatConversations;
  const template = ctx.tokenizer.applyChatTemplate;
  const chats = conversations && template ? await conversations(n) : [];
  if (chats.length > 0 && template) {
    const tok = { encode: ctx.tokenizer.encode, applyChatTemplate: template };
    const out: Required<SeriesDocs> = { docs: [], assistant: [] };
    for (const messages of chats) {
      const { ids, assistant } = encodeConversation(tok, messages);
      if (ids.length < tokens || !assistant.slice(0, tokens).includes(true)) continue;
      out.docs.push(ids.slice(0, tokens));
      out.assistant.push(assistant.slice(0, tokens));
    }
    return out.docs.length
      ? out
      : { notMeasurable: `no ${series} conversation has ${tokens} tokens with an assistant token among them` };
  }
  const docs = (await texts(n))
    .map((t) => ctx.tokenizer.encode(t))
    .filter((ids) => ids.length >= tokens)
    .map((ids) => ids.slice(0, tokens));
  return docs.length ? { docs } : { notMeasurable: `no ${series} text has ${tokens} tokens` };
}

/**
 * Whether the next-token prediction at `position` is scored: its target (the token after it) is an assistant
 * token. Plain text scores every position.
 */
export function scoresNextToken(series: SeriesDocs, doc: number, position: number): boolean {
  const mask = series.assistant?.[doc];
  return !mask || (position + 1 < mask.length && mask[position + 1]);
}
