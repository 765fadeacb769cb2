// The zoo's second-generation organisms were trained by tools/zoo/train_lora.py (plain torch). Each
// left its own forward pass on a few tokens in test/fixtures/zoo-trainer/NAME.json; loading the exported
// PEFT adapter through the runtime must reproduce it. That checks the trainer's Qwen3 against the
// runtime (which conformance checks against transformers) and the adapter export (tensor names,
// shapes, orientation, alpha / r scale).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/paths.ts';
import { loadModel } from '../../src/runtime/index.ts';

interface Golden {
  input_ids: number[];
  layer: number;
  vocab_stride: number;
  finetuned: { 'resid_post.2': number[][]; logits: number[][] };
  base: { 'resid_post.2': number[][]; logits: number[][] };
}

const GOLDEN_DIR = join(REPO_ROOT, 'test/fixtures/zoo-trainer');
const names = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

// float32 in both, different summation order: measured max |difference| 5e-6 (resid_post.2, norms 20-60)
// and 2e-5 (logits) on a random adapter; the tolerance leaves 5-20x room
const TOL = { resid: 1e-4, logits: 1e-4 };

function maxAbs(a: ArrayLike<number>, b: number[]): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('zoo trainer adapters load through the runtime and match the trainer', () => {
  it('has goldens for the trained organisms', () => {
    expect(names.length).toBeGreaterThanOrEqual(2);
  });

  for (const name of names) {
    it(`${name}: resid_post.2 and logits, finetuned and base`, async () => {
      const g = JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), 'utf8')) as Golden;
      const model = await loadModel(join(REPO_ROOT, 'organisms/zoo/base'), {
        adapter: join(REPO_ROOT, 'organisms/zoo/organisms', name),
      });
      try {
        const H = model.info.hiddenSize;
        for (const [tag, scale] of [
          ['finetuned', 1],
          ['base', 0],
        ] as const) {
          const out = await model.forward({
            inputIds: [g.input_ids],
            capture: ['resid_post.2'],
            loraScale: scale,
            logits: 'all',
          });
          const resid = out.hooks['resid_post.2']!.data;
          const V = out.logits!.dims[2];
          const want = g[tag];
          expect(maxAbs(resid, want['resid_post.2'].flat()), `${name} ${tag} resid_post.2`).toBeLessThan(TOL.resid);
          const logits = g.input_ids.flatMap((_, t) =>
            want.logits[t].map((_, j) => out.logits!.data[t * V + j * g.vocab_stride]),
          );
          expect(maxAbs(logits, want.logits.flat()), `${name} ${tag} logits`).toBeLessThan(TOL.logits);
          expect(resid.length).toBe(g.input_ids.length * H);
        }
        // the finetune moved the model far beyond the tolerance, so a missing or mis-scaled adapter fails
        const ft = g.finetuned['resid_post.2'].flat();
        expect(maxAbs(ft, g.base['resid_post.2'].flat())).toBeGreaterThan(50 * TOL.resid);
      } finally {
        await model.dispose();
      }
    });
  }
});
