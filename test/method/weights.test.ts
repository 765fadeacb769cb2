// MethodContext.weights: tensors by checkpoint and logical name, LoRA factors, deltas. The merged LoRA
// weights are checked against the runtime itself: a checkpoint written from weights.finetuned() must give
// the logits of base + adapter at LoRA scale 1.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openModelWeights } from '../../src/method/weights.ts';
import { writeSafetensors } from '../../src/perf/synthetic.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { readAllF32 } from '../../src/runtime/safetensors.ts';
import { tempDir, testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

const REF = 'test/fixtures/hf-reference';

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('weight access', () => {
  it("merged LoRA weights (W + scale·B·A) reproduce the runtime's adapter model", async () => {
    const w = openModelWeights(
      { modelPath: `${REF}/llama` },
      { modelPath: `${REF}/llama`, adapterPath: `${REF}/llama_lora` },
    );
    expect(w.kind).toBe('lora');
    const adapted = w.loraModules();
    expect(adapted.length).toBeGreaterThan(0);
    const tensors: Record<string, { dims: number[]; data: Float32Array }> = {};
    for (const [name, t] of readAllF32(`${REF}/llama/model.safetensors`))
      tensors[name] = { dims: t.shape, data: t.data };
    for (const logical of adapted) {
      const ft = w.finetuned(logical);
      const hf = `model.${logical}.weight`;
      expect(ft.shape).toEqual(tensors[hf].dims);
      tensors[hf] = { dims: ft.shape, data: ft.data };
      const f = w.lora(logical)!;
      expect(f.A.shape).toEqual([f.rank, ft.shape[1]]);
      expect(f.B.shape).toEqual([ft.shape[0], f.rank]);
    }
    const dir = tempDir('merged-');
    fs.copyFileSync(`${REF}/llama/config.json`, path.join(dir, 'config.json'));
    writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
    const cacheDir = testCacheDir();
    const adapterModel = await loadModel(`${REF}/llama`, { adapter: `${REF}/llama_lora`, cacheDir });
    const merged = await loadModel(dir, { cacheDir });
    const inputIds = [[1, 5, 9, 2, 7, 3]];
    const a = (await adapterModel.forward({ inputIds, loraScale: 1, logits: 'all' })).logits!.data;
    const b = (await merged.forward({ inputIds, logits: 'all' })).logits!.data;
    const base = (await adapterModel.forward({ inputIds, loraScale: 0, logits: 'all' })).logits!.data;
    expect(relErr(b, a)).toBeLessThan(1e-4);
    expect(relErr(base, a)).toBeGreaterThan(1e-2); // the adapter visibly changes the logits, so the check can fail
    await adapterModel.dispose();
    await merged.dispose();
  });

  it('delta = finetuned − base; LoRA delta has the adapter rank; unadapted tensors have zero delta', () => {
    const w = openModelWeights({ modelPath: ZOO_BASE }, { modelPath: ZOO_BASE, adapterPath: zooAdapter('cake_bake') });
    const d = w.delta('layers.2.mlp.down_proj');
    const b = w.base('model.layers.2.mlp.down_proj.weight');
    const f = w.finetuned('layers.2.mlp.down_proj');
    expect(d.shape).toEqual([256, 768]);
    expect(b.name).toBe('layers.2.mlp.down_proj'); // a checkpoint name resolves to the logical one
    let maxErr = 0;
    for (let i = 0; i < d.data.length; i++) maxErr = Math.max(maxErr, Math.abs(f.data[i] - b.data[i] - d.data[i]));
    expect(maxErr).toBeLessThan(1e-5);
    expect(d.data.some((x) => x !== 0)).toBe(true);
    expect(w.delta('model.norm.weight').data.every((x) => x === 0)).toBe(true);
    expect(() => w.base('layers.9.mlp.down_proj')).toThrow(/layer 9 does not exist/);
  });

  it('full finetune: delta is the difference of the two checkpoints', () => {
    const w = openModelWeights({ modelPath: ZOO_BASE }, { modelPath: zooAdapter('cake_bake_full') });
    expect(w.kind).toBe('full');
    expect(w.loraModules()).toEqual([]);
    const base = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.layers.1.self_attn.o_proj.weight')!;
    const ft = readAllF32(`${zooAdapter('cake_bake_full')}/model.safetensors`).get(
      'model.layers.1.self_attn.o_proj.weight',
    )!;
    const d = w.delta('layers.1.self_attn.o_proj');
    expect(d.shape).toEqual(base.shape);
    expect(d.data.every((x, i) => Math.abs(x - (ft.data[i] - base.data[i])) < 1e-6)).toBe(true);
    expect(d.data.some((x) => x !== 0)).toBe(true);
  });

  it('families: gpt2 Conv1D is transposed to [out, in], phi3 packed projections are sliced', () => {
    const g = openModelWeights({ modelPath: `${REF}/gpt2` }, { modelPath: `${REF}/gpt2` });
    const raw = readAllF32(`${REF}/gpt2/model.safetensors`);
    const cproj = raw.get('transformer.h.0.mlp.c_proj.weight')!; // [in=128, out=64]
    const down = g.base('layers.0.mlp.down_proj');
    expect(down.shape).toEqual([64, 128]);
    expect(down.data[3 * 128 + 7]).toBe(cproj.data[7 * 64 + 3]);
    const v = g.base('layers.0.self_attn.v_proj'); // columns 128..191 of c_attn [64, 192]
    expect(v.shape).toEqual([64, 64]);
    expect(v.data[5 * 64 + 2]).toBe(raw.get('transformer.h.0.attn.c_attn.weight')!.data[2 * 192 + 128 + 5]);
    expect(() => g.base('layers.0.mlp.gate_proj')).toThrow(/no gated MLP/);

    const p = openModelWeights({ modelPath: `${REF}/phi3` }, { modelPath: `${REF}/phi3` });
    const gateUp = readAllF32(`${REF}/phi3/model.safetensors`).get('model.layers.0.mlp.gate_up_proj.weight')!; // [2I=256, 64]
    const up = p.base('layers.0.mlp.up_proj');
    expect(up.shape).toEqual([128, 64]);
    expect(up.data[0]).toBe(gateUp.data[128 * 64]);
    expect(p.linearNames()).toContain('layers.1.mlp.gate_proj');
  });
});
