// A text embedder run through DiffBench's own runtime: an embedding checkpoint such as
// Qwen/Qwen3-Embedding-0.6B (a bare Qwen3Model: no lm_head, names without `model.`), last-token pooling of
// the final hidden state (the output of the final norm), L2-normalised; the paper's toolkit embeds the
// steering texts this way (sentence-transformers, prompt "document" = no instruction).
import type { GraderId, TextEmbedder } from '../../src/method/graders.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { norm } from '../../src/vector.ts';

/** The model card's query format; documents are embedded as they are. */
export function queryText(instruction: string, query: string): string {
  return `Instruct: ${instruction}\nQuery:${query}`;
}

/**
 * Last-token pooling: for each row of hidden [B,T,H], the vector at its last real position (mask 1). Works for
 * left padding (the last column) and right padding (each row's length − 1) alike.
 */
export function lastTokenPool(hidden: Float32Array, mask: number[][], H: number): Float32Array[] {
  const T = mask[0]?.length ?? 0;
  return mask.map((row, b) => {
    const t = row.lastIndexOf(1);
    if (t < 0) throw new Error(`lastTokenPool: row ${b} has no real token`);
    return hidden.slice((b * T + t) * H, (b * T + t + 1) * H);
  });
}

export function l2Normalize(v: Float32Array): Float32Array {
  const n = norm(v);
  return n > 0 ? v.map((x) => x / n) : v;
}

export interface ModelEmbedderOptions {
  model: LanguageModel;
  /** Text -> token ids with the tokenizer's special tokens (Qwen3-Embedding's tokenizer appends <|endoftext|>). */
  encode: (text: string) => number[];
  /** Fills padding slots (masked). */
  padId: number;
  /** Names the embedder in result files, e.g. 'Qwen/Qwen3-Embedding-0.6B@<commit>'. */
  name: string;
  /** A query instruction (model card format); undefined = documents (no instruction), the toolkit's choice. */
  instruction?: string;
  /** Longer inputs keep their first maxTokens − 1 tokens and their last one (the appended end token). Default 8192 (model card). */
  maxTokens?: number;
  /** Padded tokens per forward (rows × longest row). Default 8192. */
  batchTokens?: number;
  /** 'left' as the model card tokenizes; both give the same vectors (test/graders/model-embedder.test.ts). */
  padding?: 'left' | 'right';
  progress?: (done: number, total: number) => void;
}

export class ModelTextEmbedder implements TextEmbedder {
  readonly grader: GraderId;
  readonly dim: number;

  constructor(private readonly o: ModelEmbedderOptions) {
    this.dim = o.model.info.hiddenSize;
    this.grader = {
      id: `model/${o.name}/${o.instruction === undefined ? 'document' : `query:${o.instruction}`}/last-token`,
      version: '1',
    };
  }

  private ids(text: string): number[] {
    const ids = this.o.encode(this.o.instruction === undefined ? text : queryText(this.o.instruction, text));
    const max = this.o.maxTokens ?? 8192;
    return ids.length > max ? [...ids.slice(0, max - 1), ids[ids.length - 1]] : ids;
  }

  /** One unit vector per text; blank texts get a zero vector (the scoring drops them, as the toolkit drops empty texts). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = texts.map(() => new Float32Array(this.dim));
    const todo = texts.map((t, i) => ({ i, ids: t.trim() === '' ? [] : this.ids(t) })).filter((r) => r.ids.length > 0);
    todo.sort((a, b) => a.ids.length - b.ids.length); // similar lengths together: little padding
    const budget = this.o.batchTokens ?? 8192;
    let done = 0;
    for (let start = 0; start < todo.length; ) {
      let end = start + 1;
      while (end < todo.length && (end - start + 1) * todo[end].ids.length <= budget) end++;
      const batch = todo.slice(start, end);
      const vectors = await this.forward(batch.map((r) => r.ids));
      batch.forEach((r, k) => (out[r.i] = l2Normalize(vectors[k])));
      done += batch.length;
      this.o.progress?.(done, todo.length);
      start = end;
    }
    return out;
  }

  /** Pooled final hidden states of token rows, padded on the configured side with an explicit mask. */
  private async forward(rows: number[][]): Promise<Float32Array[]> {
    const T = Math.max(...rows.map((r) => r.length));
    const left = (this.o.padding ?? 'left') === 'left';
    const padded = (real: number[], fill: number) => {
      const pad = new Array<number>(T - real.length).fill(fill);
      return left ? [...pad, ...real] : [...real, ...pad];
    };
    const inputIds = rows.map((r) => padded(r, this.o.padId));
    const attentionMask = rows.map((r) =>
      padded(
        r.map(() => 1),
        0,
      ),
    );
    const { hooks } = await this.o.model.forward({ inputIds, attentionMask, capture: ['final_norm'], logits: 'none' });
    return lastTokenPool(hooks.final_norm!.data, attentionMask, this.dim); // [B,T,H] -> B × [H]
  }
}
