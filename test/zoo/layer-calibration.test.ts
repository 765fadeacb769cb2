// The zoo's readable layer is chosen by a rule on the base model alone (src/adl/layer-calibration.ts):
// benchmark/zoo/layer-calibration.json records it; recomputing the rule on the same documents must give
// the same agreements and layer, and the zoo suite's ADL (with the baselines that share its config) and
// mean-diff must read that layer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteLayer } from '../../src/adl/config.ts';
import { lensAgreement } from '../../src/adl/layer-calibration.ts';
import { builtinMethod } from '../../src/harness/load-method.ts';
import { layeredConfig } from '../../src/harness/method-config.ts';
import { loadSuite, suiteSettings } from '../../src/harness/suite.ts';
import { sampleTexts } from '../../src/data/index.ts';
import { REPO_ROOT } from '../../src/paths.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';

const ZOO = join(REPO_ROOT, 'organisms/zoo');
const recorded = JSON.parse(readFileSync(join(REPO_ROOT, 'benchmark/zoo/layer-calibration.json'), 'utf8')) as {
  documents: number;
  chosen: number;
  layers: { layer: number; agreement: number }[];
  options: { tokens: number; skip: number; minAgreement: number };
};

describe("the zoo's ADL layer rule", () => {
  it("is the layer the zoo suite's ADL, its baselines and mean-diff read, at fast and full settings", () => {
    const suite = loadSuite('zoo');
    const numLayers = JSON.parse(readFileSync(join(ZOO, 'base/config.json'), 'utf8')).num_hidden_layers as number;
    for (const settings of ['fast', 'full']) {
      const adl = layeredConfig(builtinMethod('adl')!.method, suite, settings).config as { layers: number[] };
      expect(
        adl.layers.map((r) => absoluteLayer(r, numLayers)),
        `${settings}: adl layers ${adl.layers}`,
      ).toEqual([recorded.chosen]);
      const meanDiff = layeredConfig(builtinMethod('mean-diff')!.method, suite, settings).config as { layer: number };
      expect(absoluteLayer(meanDiff.layer, numLayers), `${settings}: mean-diff layer ${meanDiff.layer}`).toBe(
        recorded.chosen,
      );
      // the baselines and controls take ADL's config, so they read the same layer
      const methodConfig = suiteSettings(suite, settings).methodConfig;
      const baselines = Object.keys(methodConfig).filter((id) => id.startsWith('baseline/'));
      expect(baselines.length).toBeGreaterThan(0);
      for (const id of baselines) expect(methodConfig[id], `${settings}: ${id}`).toBe('adl');
    }
  });

  it('recomputes the recorded lens agreement and the chosen layer from the base model', async () => {
    const model = await loadModel(join(ZOO, 'base'));
    try {
      const texts = await sampleTexts({
        source: join(ZOO, 'data/unrelated.jsonl.gz'),
        n: recorded.documents,
        order: 'file',
      });
      const got = await lensAgreement(model, loadTokenizer(join(ZOO, 'base')), texts, recorded.options);
      // argmax ties aside, the same documents give the same counts
      got.agreement.forEach((a, l) => expect(a, `layer ${l}`).toBeCloseTo(recorded.layers[l].agreement, 2));
      expect(got.chosen).toBe(recorded.chosen);
      // the lens reads the last layer exactly as the model's own output
      expect(got.agreement.at(-1)).toBe(1);
      // and the rule is not trivial on the zoo: the earliest layers do not agree
      expect(got.agreement[0]).toBeLessThan(recorded.options.minAgreement);
    } finally {
      await model.dispose();
    }
  });
});
