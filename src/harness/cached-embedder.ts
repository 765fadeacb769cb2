// Scoring embeds the same texts many times per organism: the finetuning and unrelated texts once for
// the method, each baseline and the null organism. A text embeds to the same vector every time (an
// embedder's output depends on the text alone), so each distinct text is embedded once per wrapper.
import type { TextEmbedder } from '../method/graders.ts';

export function cachedEmbedder(inner: TextEmbedder): TextEmbedder {
  const known = new Map<string, Float32Array>();
  return {
    grader: inner.grader,
    dim: inner.dim,
    async embed(texts) {
      const missing = [...new Set(texts.filter((t) => !known.has(t)))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        if (vectors.length !== missing.length)
          throw new Error(`${inner.grader.id}: embed returned ${vectors.length} vectors for ${missing.length} texts`);
        missing.forEach((t, i) => known.set(t, vectors[i]));
      }
      return texts.map((t) => known.get(t)!);
    },
  };
}
