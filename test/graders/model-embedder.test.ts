// The embedding-model path: a bare base-model checkpoint (Qwen3Model layout: tensor names without `model.`,
// no lm_head) loads through the runtime and its last hidden state matches transformers' final_norm golden;
// last-token pooling under left and right padding; the embedder's vectors are the pooled, normalised states.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelEmbedder } from '../../graders/embedding/load.ts';
import { l2Normalize, lastTokenPool, ModelTextEmbedder, queryText } from '../../graders/embedding/model-embedder.ts';
import { compare } from '../../src/conformance/check.ts';
import { writeSafetensors } from '../../src/perf/synthetic.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { readAllF32 } from '../../src/runtime/safetensors.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const TOL = 1e-4; // relative error, as the conformance tests

/** The fixture re-saved as its bare base model would be: names without `model.`, no lm_head, one file. */
function bareCopy(fixture: string): string {
  const src = path.join('test', 'fixtures', 'hf-reference', fixture);
  const dir = tempDir(`diffbench-bare-${fixture}-`);
  fs.copyFileSync(path.join(src, 'config.json'), path.join(dir, 'config.json'));
  const tensors: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const f of fs.readdirSync(src).filter((f) => f.startsWith('model') && f.endsWith('.safetensors')))
    for (const [name, t] of readAllF32(path.join(src, f))) {
      if (name.startsWith('lm_head')) continue;
      expect(name.startsWith('model.')).toBe(true);
      tensors[name.slice('model.'.length)] = { dims: t.shape, data: t.data };
    }
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  return dir;
}

function golden(fixture: string) {
  const g = readAllF32(path.join('test', 'fixtures', 'hf-reference', fixture, 'golden.safetensors'));
  const ids = g.get('input_ids')!;
  const [B, T] = ids.shape;
  const rows = Array.from({ length: B }, (_, b) => Array.from(ids.data.subarray(b * T, (b + 1) * T)));
  return { rows, finalNorm: g.get('final_norm')!.data, T };
}

describe('bare base-model checkpoints (embedding-model layout)', () => {
  it('qwen3 without the model. prefix: the last hidden state is the golden final_norm', async () => {
    const { rows, finalNorm } = golden('qwen3');
    const m = await loadModel(bareCopy('qwen3'), { cacheDir: testCacheDir() });
    const out = await m.forward({ inputIds: rows, capture: ['final_norm'], logits: 'none' });
    expect(compare(out.hooks.final_norm!.data, finalNorm).rel).toBeLessThan(TOL);
    expect(m.info.logits).toBe(true); // tied embeddings: the unembedding is the embedding
    await m.dispose();
  });

  it('qwen2 (untied) without lm_head: hidden states match, and asking for logits is a clear error', async () => {
    const { rows, finalNorm } = golden('qwen2');
    const dir = bareCopy('qwen2');
    const m = await loadModel(dir, { cacheDir: testCacheDir() });
    expect(m.info.logits).toBe(false);
    const out = await m.forward({ inputIds: rows, capture: ['final_norm'], logits: 'none' });
    expect(compare(out.hooks.final_norm!.data, finalNorm).rel).toBeLessThan(TOL);
    await expect(m.forward({ inputIds: rows })).rejects.toThrow(new RegExp(`forward: ${dir}.* has no lm_head`));
    await expect(m.generate({ prompts: rows, maxNewTokens: 1 })).rejects.toThrow(/generate: .* has no lm_head/);
    await m.dispose();
  });
});

describe('last-token pooling', () => {
  // hidden [2,3,2]: value = 10·row + position, in both components
  const hidden = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 6) + Math.floor((i % 6) / 2));
  it('left padding: the last column of every row', () => {
    expect(
      lastTokenPool(
        hidden,
        [
          [0, 1, 1],
          [1, 1, 1],
        ],
        2,
      ).map((v) => [...v]),
    ).toEqual([
      [2, 2],
      [12, 12],
    ]);
  });
  it('right padding: each row at its own last real token', () => {
    expect(
      lastTokenPool(
        hidden,
        [
          [1, 1, 0],
          [1, 0, 0],
        ],
        2,
      ).map((v) => [...v]),
    ).toEqual([
      [1, 1],
      [10, 10],
    ]);
  });
  it('a row without real tokens is an error', () => {
    expect(() =>
      lastTokenPool(
        hidden,
        [
          [0, 0, 0],
          [1, 1, 1],
        ],
        2,
      ),
    ).toThrow(/row 0 has no real token/);
  });
});

describe('ModelTextEmbedder on the bare qwen3 fixture', () => {
  const { rows, finalNorm, T } = golden('qwen3');
  const texts: Record<string, number[]> = { row0: rows[0], row1: rows[1], short: rows[0].slice(0, 5) };
  const encode = (t: string) => texts[t] ?? [];

  it('embeds a text as the unit final hidden state at its last token (golden), whatever the padding side', async () => {
    const m = await loadModel(bareCopy('qwen3'), { cacheDir: testCacheDir() });
    const H = m.info.hiddenSize;
    const expected = [0, 1].map((b) => l2Normalize(finalNorm.slice((b * T + T - 1) * H, (b * T + T) * H)));
    for (const padding of ['left', 'right'] as const) {
      const e = new ModelTextEmbedder({ model: m, encode, padId: 0, name: 'fixture', padding });
      const [v0, v1, blank] = await e.embed(['row0', 'row1', '  ']);
      expect(compare(v0, expected[0]).rel).toBeLessThan(TOL);
      expect(compare(v1, expected[1]).rel).toBeLessThan(TOL);
      expect([...blank].every((x) => x === 0)).toBe(true);
      // a short text batched with a longer one (padded) equals the short text alone
      const [alone] = await e.embed(['short']);
      const [padded] = await e.embed(['short', 'row1']);
      expect(compare(padded, alone).rel).toBeLessThan(TOL);
      const direct = await m.forward({ inputIds: [texts.short], capture: ['final_norm'], logits: 'none' });
      expect(compare(alone, l2Normalize(direct.hooks.final_norm!.data.slice(4 * H, 5 * H))).rel).toBeLessThan(TOL);
    }
    await m.dispose();
  });

  it('queries carry the model card instruction, documents none; the grader id says which', () => {
    expect(queryText('Find passages', 'cake?')).toBe('Instruct: Find passages\nQuery:cake?');
    const fake = { info: { hiddenSize: 4 } } as never;
    expect(new ModelTextEmbedder({ model: fake, encode, padId: 0, name: 'Qwen/Qwen3-Embedding-0.6B' }).grader.id).toBe(
      'model/Qwen/Qwen3-Embedding-0.6B/document/last-token',
    );
    expect(
      new ModelTextEmbedder({ model: fake, encode, padId: 0, name: 'q', instruction: 'Find passages' }).grader.id,
    ).toBe('model/q/query:Find passages/last-token');
  });
});

describe('loadModelEmbedder: checkpoint + tokenizer folder through the runtime', () => {
  it("pools at the end token the tokenizer's post-processor appends (as Qwen3-Embedding's does)", async () => {
    const dir = bareCopy('qwen3');
    // a word-level tokenizer whose post-processor appends <|endoftext|> (id 0), like Qwen3-Embedding's tokenizer.json
    const vocab = { '<|endoftext|>': 0, the: 1, cake: 2, is: 3, baked: 4, '[UNK]': 5 };
    const end = { id: '<|endoftext|>', type_id: 0 };
    fs.writeFileSync(
      path.join(dir, 'tokenizer.json'),
      JSON.stringify({
        version: '1.0',
        truncation: null,
        padding: null,
        normalizer: null,
        decoder: null,
        pre_tokenizer: { type: 'Whitespace' },
        added_tokens: [
          {
            id: 0,
            content: '<|endoftext|>',
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: false,
            special: true,
          },
        ],
        post_processor: {
          type: 'TemplateProcessing',
          single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: end }],
          pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [0], tokens: ['<|endoftext|>'] } },
        },
        model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'tokenizer_config.json'),
      JSON.stringify({ eos_token: '<|endoftext|>', pad_token: '<|endoftext|>' }),
    );
    const loaded = await loadModelEmbedder(dir, { cacheDir: testCacheDir() });
    const [v, w] = await loaded.embedder.embed(['the cake is baked', 'cake']);
    const m = await loadModel(dir, { cacheDir: testCacheDir() });
    const H = m.info.hiddenSize;
    const at = async (ids: number[]) =>
      l2Normalize(
        (await m.forward({ inputIds: [ids], capture: ['final_norm'], logits: 'none' })).hooks.final_norm!.data.slice(
          (ids.length - 1) * H,
          ids.length * H,
        ),
      );
    expect(compare(v, await at([1, 2, 3, 4, 0])).rel).toBeLessThan(TOL);
    expect(compare(w, await at([2, 0])).rel).toBeLessThan(TOL);
    expect(compare(v, await at([1, 2, 3, 4])).rel).toBeGreaterThan(1e-3); // the end token matters
    expect(loaded.embedder.grader.id).toBe(`model/${dir}/document/last-token`);
    await m.dispose();
    await loaded.dispose();
  });
});
