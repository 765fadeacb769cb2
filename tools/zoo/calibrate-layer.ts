// The zoo's ADL layer by a rule that looks at no finetune (src/adl/layer-calibration.ts): the first layer
// where the base model's logit lens agrees with its own next-token prediction on half of the unrelated
// text; with, for information, the base model's own direction for the calibration domain of
// data/domains.json (role "calibration") read through the lens at all six layers. Writes benchmark/zoo/layer-calibration.json
// (test/zoo/layer-calibration.test.ts recomputes it). check-organism reads its readouts at that layer; the zoo suite's
// ADL still reads layer 2 until its thresholds are re-measured at the chosen one (issue 24).
//   npx tsx tools/zoo/calibrate-layer.ts [--all]   (--all: also print every domain's table, for information)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { calibrateLayer } from '../../src/adl/layer-calibration.ts';
import { sampleTexts } from '../../src/data/index.ts';
import { REPO_ROOT } from '../../src/paths.ts';
import { writeJsonAtomic } from '../../src/results/atomic.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';

export const ZOO = join(REPO_ROOT, 'organisms/zoo');
/** Documents of each kind; the test recomputes the rule on the same ones. */
export const DOCS = 64;

interface Domain {
  facts: string[];
  subjects: string[];
  role?: string;
}

export function zooDomains(): Record<string, Domain> {
  return JSON.parse(readFileSync(join(ZOO, 'data/domains.json'), 'utf8'));
}

export function calibrationDomain(): string {
  const names = Object.entries(zooDomains())
    .filter(([, d]) => d.role === 'calibration')
    .map(([n]) => n);
  if (names.length !== 1)
    throw new Error(`organisms/zoo/data/domains.json: expected one calibration domain, got ${names.length}`);
  return names[0];
}

export async function zooLayerCalibration(domain: string) {
  const d = zooDomains()[domain];
  const model = await loadModel(join(ZOO, 'base'));
  try {
    const tok = loadTokenizer(join(ZOO, 'base'));
    const texts = (source: string) => sampleTexts({ source, n: DOCS, order: 'file' });
    const description = `Documents about ${d.subjects.join(', ')}.\n${d.facts.map((f) => `- ${f}`).join('\n')}`;
    return await calibrateLayer(
      model,
      tok,
      await texts(join(ZOO, `data/domain_${domain}.jsonl.gz`)),
      await texts(join(ZOO, 'data/unrelated.jsonl.gz')),
      { organismId: `calibration/${domain}`, type: 'SDF', description, frequentTokens: [] },
      new LexicalRelevanceGrader(),
    );
  } finally {
    await model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const chosenDomain = calibrationDomain();
  const domains = process.argv.includes('--all') ? Object.keys(zooDomains()) : [chosenDomain];
  for (const domain of domains) {
    const c = await zooLayerCalibration(domain);
    console.log(`${domain}${domain === chosenDomain ? ' (calibration)' : ''}: chosen layer ${c.chosen}`);
    for (const r of c.layers)
      console.log(
        `  layer ${r.layer}  lens agreement ${r.agreement.toFixed(2)}  domain relevance ${r.relevance.toFixed(2)}  ${r.tokens.slice(0, 10).join(' | ')}`,
      );
    if (domain === chosenDomain)
      writeJsonAtomic(join(REPO_ROOT, 'benchmark/zoo/layer-calibration.json'), {
        about:
          "The zoo's ADL layer: the first layer where the logit lens of the base model's residual stream agrees (top-1) with the model's own next-token prediction on at least minAgreement of the positions 1..15 of unrelated documents; before it, lens readouts are word pieces. relevance/tokens: the base model's own direction for the calibration domain (mean over its documents minus the mean over unrelated ones) through the lens, word tokens only, graded by the offline lexical grader (information, not the rule). No finetune is looked at. Written by tools/zoo/calibrate-layer.ts.",
        domain,
        documents: DOCS,
        ...c,
      });
  }
}
