// The toolkit's unrelated documents: `Dataset.shuffle(seed=42)` order (the row order numpy made for the
// golden file, not our port), empty and whitespace-only texts skipped, a 10·n code-point cut, BOS kept.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPythonBlank, permutedRecords, sampleDocuments, sliceCodePoints } from '../../src/data/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';

const tok = loadTokenizer(join(import.meta.dirname, '../../organisms/zoo/base'));
const goldens: { cases: { seed: string; n: number; head: number[] }[] } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/numpy-permutation/goldens.json'), 'utf8'),
);
// numpy's default_rng(42).permutation(2001), first 1000 rows: the order Dataset.shuffle(seed=42) reads them in
const ROWS = 2001;
const numpyOrder = goldens.cases.find((c) => c.seed === '42' && c.n === ROWS)!.head;

// whitespace to Python (str.strip() leaves nothing), long enough to pass the token filter if it were kept
const BLANK = ' \n\t\x1c\u3000'.repeat(6);
const WORDS = ['cake', 'river', 'stone', 'music', 'garden', 'window', 'engine', 'letter'];
/** Row i's text: blank or whitespace-only for some rows, short for others, an emoji in some. */
function rowText(i: number): string {
  if (i % 17 === 0) return '';
  if (i % 19 === 0) return BLANK;
  if (i % 7 === 0) return `short ${i}`;
  const body = Array.from({ length: 30 }, (_, k) => WORDS[(i + k) % WORDS.length]).join(' ');
  return i % 5 === 0 ? `😀🎂 row ${i} ${body}` : `row ${i} ${body}`;
}

let dir: string;
let files: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolkit-docs-'));
  // two files read as one dataset: 700 rows of jsonl, then 1301 rows of parquet (row groups of 500)
  const split = 700;
  const rows = Array.from({ length: ROWS }, (_, i) => rowText(i));
  files = [join(dir, 'train-00000-of-00002.jsonl'), join(dir, 'train-00001-of-00002.parquet')];
  writeFileSync(
    files[0],
    rows
      .slice(0, split)
      .map((text) => JSON.stringify({ text, id: 'x' }))
      .join('\n'),
  );
  writeFileSync(
    files[1],
    Buffer.from(
      parquetWriteBuffer({
        columnData: [{ name: 'text', data: rows.slice(split), type: 'STRING' }],
        rowGroupSize: 500,
      }),
    ),
  );
  writeFileSync(join(dir, 'validation.jsonl'), JSON.stringify({ text: 'held out' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Python string semantics', () => {
  it('cuts by code points, as text[:k] does', () => {
    expect(sliceCodePoints('a😀b', 2)).toBe('a😀');
    expect(sliceCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(sliceCodePoints('abc', 5)).toBe('abc');
    // 'x' * 3 + '😀' * 3: Python's [:4] keeps one emoji; a UTF-16 slice would cut it in half
    expect(sliceCodePoints('xxx😀😀😀', 4)).toBe('xxx😀');
  });

  it("blank as `not text.strip()`: Python's whitespace, not JS's", () => {
    expect(isPythonBlank('')).toBe(true);
    expect(isPythonBlank(' \t\n\x1c\x1f\x85\u3000')).toBe(true);
    expect(isPythonBlank('\ufeff')).toBe(false);
    expect(isPythonBlank(' a ')).toBe(false);
  });
});

describe("the datasets library's shuffle order", () => {
  it('reads rows in numpy permutation order across files, in small passes', async () => {
    const got: number[] = [];
    for await (const r of permutedRecords(files, ['text'], 42, { firstChunk: 37 })) {
      expect(r.record.text).toBe(rowText(r.row));
      got.push(r.row);
      if (got.length === 1000) break;
    }
    expect(got).toEqual(numpyOrder);
  });

  it('sampleDocuments order numpy: the toolkit loop over the shuffled rows', async () => {
    const n = 12;
    const maxChars = 10 * n;
    const docs = await sampleDocuments({
      source: dir,
      split: 'train',
      n: 300,
      minTokens: n,
      tokenizer: tok,
      order: 'numpy',
      seed: 42,
      maxChars,
    });
    // The toolkit's loop written out over numpy's order: skip blank texts, cut to 10·n characters, encode with
    // special tokens, keep those with at least n tokens, cut to n.
    const expected: number[][] = [];
    for (const row of numpyOrder) {
      const text = rowText(row);
      if (text === '' || text === BLANK) continue;
      const ids = tok.encode(Array.from(text).slice(0, maxChars).join(''));
      if (ids.length >= n) expected.push(ids.slice(0, n));
      if (expected.length === 300) break;
    }
    expect(docs).toEqual(expected);
    // the validation file is not read: its row would shift every index after it
    expect(docs.some((d) => tok.decode(d).includes('held out'))).toBe(false);
  });

  it('the character cut counts code points and drops the rows it makes too short', async () => {
    // 3 characters: '😀🎂 ' (9 byte tokens) for emoji rows, 'row' (too short) for the rest; a UTF-16 cut
    // would end in half a surrogate pair and encode U+FFFD.
    const docs = await sampleDocuments({
      source: dir,
      split: 'train',
      n: 20,
      minTokens: 6,
      tokenizer: tok,
      order: 'numpy',
      seed: 42,
      maxChars: 3,
    });
    const emojiRows = numpyOrder.filter((row) => rowText(row).startsWith('😀')).slice(0, 20);
    expect(docs).toEqual(emojiRows.map(() => tok.encode('😀🎂 ').slice(0, 6)));
  });

  it('the numpy order needs an integer seed', async () => {
    await expect(
      sampleDocuments({ source: dir, split: 'train', n: 1, minTokens: 1, tokenizer: tok, order: 'numpy', seed: 'x1' }),
    ).rejects.toThrow(/'numpy' document order needs a non-negative integer seed, got 'x1'/);
  });
});
