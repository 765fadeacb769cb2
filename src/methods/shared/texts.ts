// Diagnostic text series (ctx.finetuningTexts / ctx.chatTexts, src/method/types.ts) as token documents
// of one length, so they batch like ctx.unrelatedDocuments: texts shorter than `tokens` are skipped.
import type { MethodContext } from '../../method/types.ts';

export type DiagnosticSeries = 'finetuning' | 'chat';

/** A series' documents, or why the series cannot be measured on this organism / suite. */
export type SeriesDocuments = { docs: number[][] } | { notMeasurable: string };

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
  const docs = (await texts(n))
    .map((t) => ctx.tokenizer.encode(t))
    .filter((ids) => ids.length >= tokens)
    .map((ids) => ids.slice(0, tokens));
  return docs.length ? { docs } : { notMeasurable: `no ${series} text has ${tokens} tokens` };
}
