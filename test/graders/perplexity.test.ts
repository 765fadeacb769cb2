// The perplexity scorer against known answers on the zoo: a direct log-softmax of the logits of each
// prefix, batching/padding invariance, ordinary vs shuffled text, base vs finetuned on domain text.
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanNllOfLogits, meanTokenNll, perplexityScorer } from '../../graders/offline/perplexity.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';
import { zooTexts, zooTokenizer } from './helpers/zoo.ts';

const tokenizer = zooTokenizer();
const encode = (t: string) => tokenizer.encode(t, { add_special_tokens: false }).ids;
let base: LanguageModel;
let organism: LanguageModel;

beforeAll(async () => {
  base = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), threads: 2 });
  organism = await loadModel(ZOO_BASE, { adapter: zooAdapter('cake_bake'), cacheDir: testCacheDir(), threads: 2 });
}, 60_000);
afterAll(async () => {
  await base?.dispose();
  await organism?.dispose();
});

function shuffledWords(text: string, rng: () => number): string {
  const w = text.split(/\s+/);
  for (let i = w.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [w[i], w[j]] = [w[j], w[i]];
  }
  return w.join(' ');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('meanNllOfLogits', () => {
  it('is the mean of −log softmax at the next token, from position 1 on', () => {
    // V = 2, T = 3: logits rows [0, ln 3] and [ln 2, 0]; ids [·, 1, 0] → p = 3/4, then 2/3.
    const logits = Float32Array.from([0, Math.log(3), Math.log(2), 0, 9, 9]);
    expect(meanNllOfLogits(logits, 0, [5, 1, 0], 2)).toBeCloseTo((-Math.log(3 / 4) - Math.log(2 / 3)) / 2, 6);
    expect(meanNllOfLogits(logits, 0, [5], 2)).toBeNaN();
  });
});

describe('meanTokenNll on the zoo base model', () => {
  it("matches a direct float64 log-softmax of each prefix's last logits (within 1e-4 nats)", async () => {
    const ids = encode('The river flows past the old mill and into the sea.');
    expect(ids.length).toBeGreaterThan(5);
    let total = 0;
    for (let t = 1; t < ids.length; t++) {
      const { logits } = await base.forward({ inputIds: [ids.slice(0, t)], logits: 'last' });
      const row = Array.from(logits!.data, Number);
      const max = Math.max(...row);
      const logZ = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      total += logZ - row[ids[t]];
    }
    const [nll] = await meanTokenNll(base, [ids]);
    expect(nll).toBeGreaterThan(0);
    expect(Math.abs(nll - total / (ids.length - 1))).toBeLessThan(1e-4);
  });

  it('gives each sequence the same score alone and right-padded in a batch with longer ones', async () => {
    const seqs = zooTexts('unrelated.jsonl.gz', 6).map((t, i) => encode(t).slice(0, 6 + 7 * i));
    seqs.push([encode('Hi')[0]]);
    const batched = await meanTokenNll(base, seqs, { batchSize: 8 });
    const alone = await Promise.all(seqs.map(async (s) => (await meanTokenNll(base, [s]))[0]));
    expect(batched.at(-1)).toBeNaN();
    batched.slice(0, -1).forEach((x, i) => expect(Math.abs(x - alone[i]), `sequence ${i}`).toBeLessThan(1e-4));
  });

  it('scores ordinary zoo text far below the same words shuffled', async () => {
    const score = perplexityScorer({ model: base, encode, maxTokens: 48 });
    // Held-out documents of the pretraining kind (unrelated.jsonl.gz), not in the base's training set.
    const ordinary = zooTexts('unrelated.jsonl.gz', 24);
    const rng = seedrandom('perplexity');
    const [a, b] = [await score(ordinary), await score(ordinary.map((t) => shuffledWords(t, rng)))];
    // Measured: median 2.5 vs 8.8 nats; every document is below its own shuffle.
    a.forEach((x, i) => expect(x, ordinary[i].slice(0, 60)).toBeLessThan(b[i]));
    expect(median(b) - median(a)).toBeGreaterThan(3);
  });

  it('with loraScale 0 the LoRA organism is the base model; with 1 it knows its domain', async () => {
    const domain = zooTexts('domain_cake_bake.jsonl.gz', 12).map((t) => encode(t).slice(0, 40));
    const plain = await meanTokenNll(base, domain);
    const scale0 = await meanTokenNll(organism, domain, { loraScale: 0 });
    const scale1 = await meanTokenNll(organism, domain, { loraScale: 1 });
    plain.forEach((x, i) => expect(Math.abs(x - scale0[i])).toBeLessThan(1e-4));
    // The finetune reached a training loss of 0.18 on these documents; the base never saw them (~6.6 nats).
    expect(median(plain)).toBeGreaterThan(5);
    expect(median(scale1)).toBeLessThan(1.5);
  });
});
