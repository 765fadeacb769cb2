// The crosscoder and sae-diff methods end to end on a planted organism (a rank-1 LoRA on layer 3's
// down_proj writing the unembedding row b of ' piano' into the residual: planted.ts), and a dictionary
// loaded by Hub id through a local stand-in for the Hub.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crosscoder from '../../../src/methods/crosscoder/index.ts';
import { saveDictionary } from '../../../src/methods/dictionary/format.ts';
import { loadPretrainedDictionary } from '../../../src/methods/dictionary/hub.ts';
import { initialWeights } from '../../../src/methods/dictionary/init.ts';
import saeDiff from '../../../src/methods/sae-diff/index.ts';
import { readAllF32 } from '../../../src/runtime/safetensors.ts';
import { tempDir, ZOO_BASE } from '../../helpers.ts';
import { folderFiles, repo, startFakeHub } from '../../hub/fake-hub.ts';
import {
  plantedContext,
  plantRankOneLora,
  pseudoRandom,
  runChecked,
  tokenId,
  tokenizer,
  type PlantedContext,
} from '../planted.ts';
import { cosine } from '../../../src/vector.ts';

const PLANTED_LAYER = 3; // relative 0.6 of 6 layers

describe('dictionary methods on a planted rank-1 LoRA', () => {
  let planted: PlantedContext;
  const target = tokenId('piano');
  const E = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.embed_tokens.weight')!;
  const H = E.shape[1];
  const b = E.data.slice(target * H, (target + 1) * H);
  const a = pseudoRandom(768, 3).map((x) => x * 0.05);

  beforeAll(async () => {
    planted = await plantedContext({ adapter: plantRankOneLora(PLANTED_LAYER, b, a) });
  }, 120_000);
  afterAll(async () => planted?.dispose());

  it.each([crosscoder, saeDiff])(
    '$id: protocol-valid outputs with contexts and per-latent statistics',
    async (method) => {
      const out = await runChecked(method, planted, { layer: 0.6, samples: 32, steering: { enabled: false } });
      expect(out.vectors![0].layer).toBe(PLANTED_LAYER);
      expect(out.readouts![0].source).toBe('logitlens');
      expect(out.readouts!.every((r) => r.variant === method.id && r.tokens.length <= 20)).toBe(true);
      const details = out.details as { topLatents: { contexts: unknown[] }[]; latentStats: unknown[] };
      expect(details.topLatents[0].contexts.length).toBeGreaterThan(0);
      expect(details.latentStats.length).toBeGreaterThan(0);
      expect(out.scalars![`${method.id}.fvu`]).toBeLessThan(1);
    },
    120_000,
  );

  it('sae-diff: the top latent is the planted direction (|cosine| > 0.75), read out as the planted token', async () => {
    // 30 epochs over 64 documents (the fast preset's 8 leave it at 0.36); ReLU latents have a sign and the
    // LoRA writes ±b (its input projection takes both signs), so the cosine is compared in absolute value
    const out = await runChecked(saeDiff, planted, {
      layer: 0.6,
      samples: 64,
      training: { epochs: 30, lr: 3e-3 },
      steering: { enabled: false },
    });
    expect(Math.abs(cosine(out.vectors![0].data, b))).toBeGreaterThan(0.75); // measured 0.81
    expect(out.readouts![0].tokens).toContain(tokenizer.displayToken(target));
  }, 120_000);
});

describe('pretrained dictionaries from the Hub', () => {
  it('loads a save_pretrained folder by Hub id from a local Hub and refuses a pickle-only repo', async () => {
    const dir = tempDir('dict-hub-src-');
    const w = initialWeights('crosscoder', 8, 16, 2, 'hub');
    saveDictionary(dir, w, { layer: 1 });
    const pickleDir = tempDir('dict-hub-pickle-');
    fs.writeFileSync(path.join(pickleDir, 'model_final.pt'), 'pickle');
    fs.writeFileSync(path.join(pickleDir, 'config.json'), JSON.stringify({ trainer: {} }));
    const hub = await startFakeHub({
      'org/cc-dict': repo('model', folderFiles(dir)),
      'org/pickled': repo('model', folderFiles(pickleDir)),
    });
    const saved = { endpoint: process.env.HF_ENDPOINT, home: process.env.HF_HUB_CACHE };
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = tempDir('dict-hf-cache-');
    try {
      const loaded = await loadPretrainedDictionary('org/cc-dict');
      expect(loaded.dictClass).toBe('BatchTopKCrossCoder');
      expect(loaded.weights.decW).toEqual(w.decW);
      expect(loaded.meta.layer).toBe(1);
      expect(loaded.source).toMatch(/^org\/cc-dict@[0-9a-f]{40}$/);
      await expect(loadPretrainedDictionary('org/pickled')).rejects.toThrow(/never loads pickle/);
    } finally {
      process.env.HF_ENDPOINT = saved.endpoint;
      process.env.HF_HUB_CACHE = saved.home;
      if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
      if (saved.home === undefined) delete process.env.HF_HUB_CACHE;
      await hub.close();
    }
  });
});
