import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataFiles,
  readRecords,
  sampleConversations,
  sampleDocuments,
  sampleTexts,
  filesOfSplit,
} from '../../src/data/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { repo, startFakeHub } from '../hub/fake-hub.ts';

const ZOO = join(import.meta.dirname, '../../organisms/zoo');
const UNRELATED = join(ZOO, 'data/unrelated.jsonl.gz');
const tok = loadTokenizer(join(ZOO, 'base'));
const texts = (file: string) =>
  gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).text as string);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parquet(rows: Record<string, string[]>, rowGroupSize = 1000): Buffer {
  const columnData = Object.entries(rows).map(([name, data]) => ({ name, data, type: 'STRING' as const }));
  return Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize }));
}

describe('sampleDocuments', () => {
  it('file order: the zoo reference input, the first 1000 unrelated documents with >= 8 tokens, cut to 8', async () => {
    const docs = await sampleDocuments({
      source: UNRELATED,
      n: 1000,
      minTokens: 8,
      order: 'file',
      tokenizer: tok,
      addSpecialTokens: false,
    });
    expect(docs).toHaveLength(1000);
    expect(docs.every((d) => d.length === 8)).toBe(true);
    // The same selection written out independently: train_zoo.py's [t for t in unrelated if len(ids) >= 8][:1000].
    const expected = texts(UNRELATED)
      .map((t) => tok.encode(t, { addSpecialTokens: false }))
      .filter((ids) => ids.length >= 8)
      .slice(0, 1000)
      .map((ids) => ids.slice(0, 8));
    expect(docs).toEqual(expected);
  });

  it('shuffled order is seeded: same seed same sample, other seed other sample', async () => {
    const small = join(dir, 'small.jsonl');
    const smallTexts = texts(UNRELATED).slice(0, 200);
    writeFileSync(small, smallTexts.map((text) => JSON.stringify({ text })).join('\n'));
    const opts = { source: small, n: 50, minTokens: 16, tokenizer: tok, order: 'shuffled' as const };
    const a = await sampleDocuments({ ...opts, seed: 42 });
    const b = await sampleDocuments({ ...opts, seed: 42 });
    const c = await sampleDocuments({ ...opts, seed: 7 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const firstInFile = await sampleDocuments({ ...opts, order: 'file' });
    expect(a).not.toEqual(firstInFile);
    // Every window is the start of some document.
    const starts = new Set(smallTexts.map((t) => tok.encode(t).slice(0, 16).join(',')));
    expect(a.every((ids) => starts.has(ids.join(',')))).toBe(true);
  });

  it('says how many documents qualified when there are too few', async () => {
    const file = join(dir, 'short.jsonl');
    writeFileSync(file, ['a b c d e f g h i j', 'a b', ''].map((text) => JSON.stringify({ text })).join('\n'));
    await expect(sampleDocuments({ source: file, n: 10, minTokens: 5, tokenizer: tok })).rejects.toThrow(
      /only 1 documents have at least 5 tokens in column 'text'; 10 were asked for/,
    );
  });
});

describe('readers and columns', () => {
  it('reads parquet (several row groups) like the same jsonl', async () => {
    const sample = texts(join(ZOO, 'data/domain_cake_bake.jsonl.gz')).slice(0, 250);
    const file = join(dir, 'cake.parquet');
    writeFileSync(file, parquet({ text: sample, id: sample.map((_, i) => `doc${i}`) }, 100));
    const rows = [];
    for await (const r of readRecords(file)) rows.push(r);
    expect(rows.map((r) => r.text)).toEqual(sample);
    expect(rows[3].id).toBe('doc3');
    const got = await sampleTexts({ source: file, n: 1000, order: 'file' });
    expect(got).toEqual(sample);
  });

  it('a dataset without the named column: error names file and column (jsonl and parquet)', async () => {
    const jsonl = join(dir, 'no-text.jsonl');
    writeFileSync(jsonl, '{"content": "a"}\n{"content": "b"}\n');
    await expect(sampleTexts({ source: jsonl, n: 1, column: 'text' })).rejects.toThrow(
      new RegExp(`${jsonl}: no column 'text' \\(columns: content\\)`),
    );
    const pq = join(dir, 'no-text.parquet');
    writeFileSync(pq, parquet({ body: ['x'] }));
    await expect(sampleDocuments({ source: pq, n: 1, minTokens: 1, tokenizer: tok, column: 'text' })).rejects.toThrow(
      new RegExp(`${pq}: no column 'text' \\(columns: body\\)`),
    );
  });

  it('chat messages: first assistant reply, or all contents joined; jsonl.gz', async () => {
    const file = join(dir, 'chat.jsonl.gz');
    const convo = (q: string, a: string) => ({
      messages: [
        { role: 'user', content: q },
        { role: 'assistant', content: a },
      ],
    });
    writeFileSync(file, gzipSync([convo('q1', 'a1'), convo('q2', 'a2')].map((c) => JSON.stringify(c)).join('\n')));
    expect(await sampleTexts({ source: file, column: 'messages', n: 5, order: 'file' })).toEqual(['a1', 'a2']);
    expect(await sampleTexts({ source: file, column: 'messages', n: 5, order: 'file', chat: 'joined' })).toEqual([
      'q1\na1',
      'q2\na2',
    ]);
  });

  it('chat messages as whole conversations, in the order sampleTexts draws them; a text column gives none', async () => {
    const file = join(dir, 'conversations.jsonl');
    const convo = (q: string, a: string) => [
      { role: 'user', content: q },
      { role: 'assistant', content: a },
    ];
    const rows = [
      { messages: convo('q1', 'a1'), text: 't1' },
      { messages: [{ role: 'user', content: 'no reply' }], text: 't2' },
      { messages: convo('q3', 'a3'), text: 't3' },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    expect(await sampleConversations({ source: file, column: 'messages', n: 5, order: 'file' })).toEqual([
      convo('q1', 'a1'),
      convo('q3', 'a3'),
    ]);
    const shuffled = { source: file, column: 'messages', n: 2, seed: 's' };
    expect((await sampleConversations(shuffled)).map((c) => c[1].content)).toEqual(await sampleTexts(shuffled));
    expect(await sampleConversations({ source: file, column: 'text', n: 5 })).toEqual([]);
  });

  it('picks a split by file name, or all files when none names it', () => {
    const files = [
      'data/train-00000-of-00002.parquet',
      'data/train-00001-of-00002.parquet',
      'data/validation-00000-of-00001.parquet',
    ];
    expect(filesOfSplit(files, 'train')).toEqual(files.slice(0, 2));
    expect(filesOfSplit(files, 'validation')).toEqual(files.slice(2));
    expect(filesOfSplit(['docs.jsonl'], 'train')).toEqual(['docs.jsonl']);
  });
});

describe('Hub dataset repos', () => {
  it('downloads only the split it needs and samples from it', async () => {
    const train = ['alpha beta gamma', 'delta epsilon'];
    const files = new Map([
      ['README.md', Buffer.from('# data')],
      ['data/train-00000-of-00001.parquet', parquet({ text: train })],
      ['data/validation-00000-of-00001.parquet', parquet({ text: ['held out'] })],
    ]);
    const hub = await startFakeHub({ 'zoo/tiny-docs': repo('dataset', files) });
    const saved = { ...process.env };
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = join(dir, 'hub-cache');
    delete process.env.HF_HUB_OFFLINE;
    try {
      const got = await dataFiles({ source: 'zoo/tiny-docs', split: 'train', onProgress: () => {} });
      expect(got.files.map((f) => f.slice(f.indexOf('/data/') + 1))).toEqual(['data/train-00000-of-00001.parquet']);
      expect(got.commit).toBe(hub.repos.get('zoo/tiny-docs')!.sha);
      expect(hub.requests.some((r) => r.url.includes('validation'))).toBe(false);
      expect(await sampleTexts({ source: 'zoo/tiny-docs', split: 'train', n: 10, order: 'file' })).toEqual(train);
    } finally {
      process.env = saved;
      await hub.close();
    }
  });
});
