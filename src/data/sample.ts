// Sampling documents: token-id windows for the activation-difference input, and texts of the
// finetuning data (relevance, steering similarity).
import seedrandom from 'seedrandom';
import { dataFiles, type DataSource } from './source.ts';
import { readRecords, type DataRecord } from './records.ts';
import { recordConversation, recordText, type ChatTextMode, type ChatTurn } from './text.ts';
import { permutedRecords } from './permuted.ts';
import { isPythonBlank, sliceCodePoints } from './python-text.ts';

export interface Encoder {
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
}

export interface SampleDocumentsOptions extends DataSource {
  /** Text column, or a chat `messages` column (contents joined by newlines). Default 'text'. */
  column?: string;
  /** Number of documents to return. */
  n: number;
  /** Keep only documents of at least this many tokens, truncated to exactly this many. */
  minTokens: number;
  tokenizer: Encoder;
  /**
   * 'file': the first n qualifying documents in file order; 'shuffled' (default): seeded shuffle first;
   * 'numpy': the datasets library's `Dataset.shuffle(seed)` order (numpy's default_rng(seed).permutation
   * over the files' rows), skipping empty and whitespace-only texts as the toolkit does; needs an integer seed.
   */
  order?: DocumentOrder;
  seed?: string | number;
  /** Add the tokenizer's special tokens (BOS) as transformers' encode does by default. Default true. */
  addSpecialTokens?: boolean;
  /** Cut each text to this many characters (Unicode code points, as Python counts) before encoding, for speed
   *  (the toolkit cuts to 10 x minTokens). */
  maxChars?: number;
}

export type DocumentOrder = 'file' | 'shuffled' | 'numpy';

interface Doc {
  record: DataRecord;
  file: string;
}

async function* documents(ds: DataSource, column: string): AsyncGenerator<Doc> {
  const { files } = await dataFiles(ds);
  for (const file of files) for await (const record of readRecords(file, [column])) yield { record, file };
}

/** Seeded Fisher-Yates shuffle (a copy). */
export function shuffled<T>(items: T[], seed: string | number): T[] {
  const rng = seedrandom(String(seed));
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The numpy order's seed: an integer, as `Dataset.shuffle(seed=...)` takes. */
function numpySeed(seed: string | number, source: string): bigint {
  if (typeof seed === 'number' ? Number.isSafeInteger(seed) && seed >= 0 : /^[0-9]+$/.test(seed)) return BigInt(seed);
  throw new Error(`${source}: the 'numpy' document order needs a non-negative integer seed, got '${seed}'`);
}

async function orderedDocs(
  ds: DataSource,
  column: string,
  order: DocumentOrder,
  seed: string | number,
  expected = 1024,
): Promise<AsyncIterable<Doc> | Doc[]> {
  if (order === 'file') return documents(ds, column);
  if (order === 'numpy') {
    const { files } = await dataFiles(ds);
    return permutedRecords(files, [column], numpySeed(seed, ds.source), { firstChunk: expected });
  }
  const all: Doc[] = [];
  for await (const doc of documents(ds, column)) all.push(doc);
  return shuffled(all, seed);
}

/**
 * n documents of at least minTokens tokens, each truncated to minTokens (the ADL input).
 * Throws when the data holds fewer than n such documents.
 */
export async function sampleDocuments(opts: SampleDocumentsOptions): Promise<number[][]> {
  const column = opts.column ?? 'text';
  const out: number[][] = [];
  const order = opts.order ?? 'shuffled';
  // a quarter more rows than documents asked for: most pass the length filter, and a shortfall costs another pass
  const docs = await orderedDocs(opts, column, order, opts.seed ?? 42, Math.ceil(opts.n * 1.25) + 64);
  for await (const { record, file } of docs) {
    const text = recordText(record, column, file, 'joined');
    if (text === undefined || (order === 'numpy' && isPythonBlank(text))) continue;
    const ids = opts.tokenizer.encode(opts.maxChars ? sliceCodePoints(text, opts.maxChars) : text, {
      addSpecialTokens: opts.addSpecialTokens ?? true,
    });
    if (ids.length < opts.minTokens) continue;
    out.push(ids.slice(0, opts.minTokens));
    if (out.length === opts.n) return out;
  }
  throw new Error(
    `${opts.source}: only ${out.length} documents have at least ${opts.minTokens} tokens in column '${column}'; ${opts.n} were asked for`,
  );
}

export interface SampleTextsOptions extends DataSource {
  column?: string;
  /** At most this many texts (fewer when the data has fewer). */
  n: number;
  seed?: string | number;
  /** For chat data: 'assistant' (first assistant message, as the steering-similarity metric uses) or 'joined'. */
  chat?: ChatTextMode;
  order?: DocumentOrder;
}

/** Texts of a dataset (e.g. the finetuning documents), seeded-shuffled by default. */
export async function sampleTexts(opts: SampleTextsOptions): Promise<string[]> {
  const column = opts.column ?? 'text';
  const out: string[] = [];
  const docs = await orderedDocs(opts, column, opts.order ?? 'shuffled', opts.seed ?? 42, opts.n + 64);
  for await (const { record, file } of docs) {
    const text = recordText(record, column, file, opts.chat ?? 'assistant');
    if (text === undefined) continue;
    out.push(text);
    if (out.length === opts.n) break;
  }
  return out;
}

/** Conversations (chat `messages` with an assistant turn) of a dataset, seeded-shuffled like sampleTexts. */
export async function sampleConversations(opts: Omit<SampleTextsOptions, 'chat'>): Promise<ChatTurn[][]> {
  const column = opts.column ?? 'text';
  const out: ChatTurn[][] = [];
  const docs = await orderedDocs(opts, column, opts.order ?? 'shuffled', opts.seed ?? 42, opts.n + 64);
  for await (const { record, file } of docs) {
    const messages = recordConversation(record, column, file);
    if (messages === undefined) continue;
    out.push(messages);
    if (out.length === opts.n) break;
  }
  return out;
}

/** Every text of a dataset, in file order (for frequent-token counts). */
export async function* allTexts(ds: DataSource & { column?: string; chat?: ChatTextMode }): AsyncGenerator<string> {
  const column = ds.column ?? 'text';
  for await (const { record, file } of documents(ds, column)) {
    const text = recordText(record, column, file, ds.chat ?? 'joined');
    if (text !== undefined) yield text;
  }
}
