// How a sampled row's token ids become the text graders and the embedder see.
//   plain    DiffBench's default: the stop token (EOS) is dropped before decoding.
//   toolkit  as the toolkit's steering code does (--graders paper): the completion is decoded with its
//            special tokens, so a row that stopped ends with the EOS string, and runs of an EOS string
//            collapse into one (the toolkit pads finished rows with EOS and then collapses the run).

export type SampleTextMode = 'plain' | 'toolkit';

export interface SampleDecoder {
  /** Decodes ids with their special tokens (LoadedTokenizer.decode's default). */
  decode: (ids: number[]) => string;
  /** The ids generation stops at. */
  eosTokenIds: readonly number[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sampleText(ids: number[], d: SampleDecoder, mode: SampleTextMode = 'plain'): string {
  const eos = new Set(d.eosTokenIds);
  if (mode === 'plain') {
    const kept = ids.filter((t) => !eos.has(t));
    return kept.length ? d.decode(kept) : '';
  }
  if (ids.length === 0) return '';
  let text = d.decode(ids);
  for (const id of eos) {
    const s = d.decode([id]);
    if (s) text = text.replace(new RegExp(`(?:${escapeRegExp(s)})+`, 'g'), s);
  }
  return text;
}
