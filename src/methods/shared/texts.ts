// Diagnostic text series (ctx.finetuningTexts / ctx.chatTexts, src/method/types.ts) as token documents
// of one length, so they batch like ctx.unrelatedDocuments: texts shorter than `tokens` are skipped.
// Where the data holds conversations and the tokenizer has a chat template, a document is the templated
// conversation, every token of it scored: the toolkit's kl and activation_analysis read chat data through
// its activation collection, which applies the chat template and keeps all tokens (only the causal effect
// masks assistant tokens: src/methods/causal/measure.ts). Otherwise it is the plain reply / training text.
import type { MethodContext } from '../../method/types.ts';
import { encodeConversation } from '../../tokenizer/chat-mask.ts';

export type DiagnosticSeries = 'finetuning' | 'chat';

export interface SeriesDocs {
  docs: number[][];
  /** The documents are conversations through the chat template (else plain text). */
  templated: boolean;
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
    const docs = chats
      .map((messages) => encodeConversation(tok, messages).ids)
      .filter((ids) => ids.length >= tokens)
      .map((ids) => ids.slice(0, tokens));
    return docs.length
      ? { docs, templated: true }
      : { notMeasurable: `no ${series} conversation has ${tokens} tokens` };
  }
  const docs = (await texts(n))
    .map((t) => ctx.tokenizer.encode(t))
    .filter((ids) => ids.length >= tokens)
    .map((ids) => ids.slice(0, tokens));
  return docs.length ? { docs, templated: false } : { notMeasurable: `no ${series} text has ${tokens} tokens` };
}
